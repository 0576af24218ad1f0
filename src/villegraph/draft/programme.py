"""Sessions: the one the announcement is for (its date, times, number, registration page) and
the printed programme of the cycle (`27/11/22 : Title (description)`, `A PRÉCISER : …`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from villegraph.draft.text import Source, plain
from villegraph.draft.when import DATE, TO_BE_ANNOUNCED, find_dates, find_times, moment, parse_day

_ENTRY = re.compile(
    rf"^\s*(?:[-*•]|\d+[.)])\s+\[?(?P<when>\*\*\s*)?(?P<date>{DATE.pattern}|{TO_BE_ANNOUNCED.pattern})"
    r"\s*\**\s*(?::|–|—|-)\s*(?P<title>.+?)(?:\]\([^)]*\))?\s*$",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\b(?:séance|session|seminar|séminaire)\s*(?:n°|no\.?|#|nº)?\s*(\d+)\b", re.IGNORECASE
)
_URL = re.compile(r"https?://[^\s<>)\]]+")


@dataclass
class Session:
    """A session as the draft proposes it."""

    title: str
    quotes: list[str]
    position: int | None = None
    number: int | None = None
    description: str | None = None
    printed_date: str | None = None
    weekday: str | None = None
    start: str | None = None
    end: str | None = None
    to_be_announced: bool = False
    registration: str | None = None
    main: bool = False
    speakers: list[str] = field(default_factory=list)

    @property
    def day(self) -> str | None:
        """The ISO day, if known."""
        return self.start[:10] if self.start else None


def programme(source: Source) -> list[Session]:
    """The printed programme, in order."""
    sessions: list[Session] = []
    for line in source.text.splitlines():
        match = _ENTRY.match(line)
        if match is None:
            continue
        title, description = _title(plain(match["title"]))
        raw = line[match.start("date") :]
        raw = re.sub(r"\]\([^)]*\)\s*$", "", raw).strip()
        if match["when"]:
            raw = "**" + raw
        quote = source.quote_text(raw[: max(len(raw.split(" : ")[0]) + 25, 30)].rstrip()) or raw
        printed = plain(match["date"])
        session = Session(
            title,
            [quote],
            position=len(sessions) + 1,
            description=description,
            printed_date=printed,
        )
        date_match = DATE.fullmatch(printed)
        day = parse_day(date_match) if date_match else None
        if day is None:
            session.to_be_announced = bool(TO_BE_ANNOUNCED.fullmatch(printed))
            if not session.to_be_announced:
                continue
        else:
            session.start = day.isoformat()
        sessions.append(session)
    return sessions


def _title(text: str) -> tuple[str, str | None]:
    """`Title (description)` or `Title ? Description` → title, description."""
    parenthesis = re.match(r"(.+?)\s*\((.+)\)\s*$", text)
    if parenthesis:
        return parenthesis[1].strip(), parenthesis[2].strip()
    question = re.match(r"(.+?\?)\s+(\S.+)$", text)
    if question:
        return question[1].strip(), question[2].strip()
    return text.strip(), None


def main_session(source: Source) -> Session | None:
    """The session the announcement is for: its first date with a time range (else its first
    date), its number, its registration page."""
    chosen = None
    for paragraph in source.paragraphs:
        dates = find_dates(paragraph)
        if not dates or _ENTRY.match("- " + paragraph):
            continue
        times = find_times(paragraph[dates[0].start :])
        if times or chosen is None:
            chosen = (paragraph, dates[0], times)
        if times:
            break
    if chosen is None:
        return None
    paragraph, printed, times = chosen
    quote = source.quote(paragraph, printed.start, len(paragraph) if times else printed.end)
    session = Session("", [quote], printed_date=printed.printed, weekday=printed.weekday, main=True)
    session.start = moment(printed.day, times[0]) if times else printed.day.isoformat()
    session.end = moment(printed.day, times[1]) if times else None
    for paragraph in source.paragraphs:
        number = _NUMBER.search(plain(paragraph))
        if number and session.number is None and len(paragraph) < 80:
            session.number = int(number[1])
            session.title = plain(paragraph)[number.end() :].strip(" :–—-") or session.title
            session.quotes.append(source.quote(paragraph, 0, len(paragraph)))
    session.registration = _registration(source)
    return session


def _registration(source: Source) -> str | None:
    asked = False
    for paragraph in source.paragraphs:
        if re.search(r"inscri|regist|sign up", paragraph, re.IGNORECASE):
            asked = True
        url = _URL.search(paragraph)
        if asked and url:
            return url[0]
    return None


def merge(main: Session | None, printed: list[Session]) -> list[Session]:
    """The programme with the announced session put in its place (same day), else added."""
    if main is None:
        return printed
    for session in printed:
        if session.day and main.day and session.day == main.day[:10]:
            main.position, main.title = session.position, session.title
            main.description = main.description or session.description
            if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2,4}", session.printed_date or ""):
                main.printed_date = session.printed_date
            main.quotes += session.quotes
            return [main if other is session else other for other in printed]
    return [*printed, main]


__all__ = ["Session", "main_session", "merge", "programme"]
