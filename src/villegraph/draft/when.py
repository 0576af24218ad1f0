"""Dates and times as announcements print them, French first (`records.dates` reads the day),
English too: `Jeudi 16 février 2023 9h - 10h30`, `27/11/22`, `A PRÉCISER`, `9 March 2023`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from villegraph.folding import unaccented
from villegraph.records.dates import parse_printed

PARIS = ZoneInfo("Europe/Paris")
_MONTHS_EN = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_WEEKDAYS = [
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
]
_MONTH_WORDS = (
    r"janvier|janv|f[ée]vrier|f[ée]vr|mars|avril|avr|mai|juin|juillet|juil|ao[ûu]t|"
    r"septembre|sept|octobre|oct|novembre|nov|d[ée]cembre|d[ée]c|" + "|".join(_MONTHS_EN)
)
DATE = re.compile(
    rf"(?:(?P<weekday>{'|'.join(_WEEKDAYS)}),?\s+)?(?:"
    rf"(?P<day>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<month>{_MONTH_WORDS})\.?,?\s+(?P<year>\d{{4}})"
    rf"|(?P<month2>{'|'.join(_MONTHS_EN)})\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year2>\d{{4}})"
    r"|(?P<numeric>\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})))",
    re.IGNORECASE,
)
TO_BE_ANNOUNCED = re.compile(
    r"\b(?:[AÀ] PR[ÉE]CISER|[àa] pr[ée]ciser|TBA|TBC|to be announced)\b", re.IGNORECASE
)
_CLOCK = r"(\d{1,2})(?:\s*(?:h|H|:|\.)\s*(\d{2})?)?\s*(am|pm|a\.m\.|p\.m\.)?"
TIME_RANGE = re.compile(
    rf"(?:\bde\s+)?\b{_CLOCK}\s*(?:-|–|—|à|À|to|until)\s*{_CLOCK}(?![\d/])", re.IGNORECASE
)


@dataclass(frozen=True)
class PrintedDate:
    """A date found in a text: its words as printed, the day, and its place in the text."""

    printed: str
    day: date
    weekday: str | None
    start: int
    end: int


def find_dates(text: str) -> list[PrintedDate]:
    """Every date printed in `text` that names a real day."""
    found = []
    for match in DATE.finditer(text):
        day = parse_day(match)
        if day is not None:
            weekday = match["weekday"].casefold() if match["weekday"] else None
            printed = match[0][match.start("day") - match.start() :] if match["day"] else None
            found.append(PrintedDate(printed or match[0], day, weekday, match.start(), match.end()))
    return found


def parse_day(match: re.Match[str]) -> date | None:
    """The day a DATE match names."""
    if match["numeric"]:
        return parse_printed(match["numeric"])
    if match["day"]:
        month = _month(match["month"])
        day, year = int(match["day"]), int(match["year"])
    else:
        month = _month(match["month2"])
        day, year = int(match["day2"]), int(match["year2"])
    if month is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month(word: str) -> int | None:
    plain = unaccented(word)
    if plain in _MONTHS_EN:
        return _MONTHS_EN[plain]
    french = parse_printed(f"1 {plain} 2000")
    return french.month if french else None


def find_times(text: str) -> tuple[time, time] | None:
    """The first time range in `text` (`9h - 10h30`, `DE 9H À 10H30`, `2:00–3:30 pm`)."""
    for match in TIME_RANGE.finditer(text):
        h1, m1, p1, h2, m2, p2 = match.groups()
        if not (m1 or m2 or p1 or p2 or re.search(r"[hH]", match[0])):
            continue
        start_hour = _hour(int(h1), p1 or p2 if p2 and int(h1) < int(h2) else p1)
        end_hour = _hour(int(h2), p2)
        if start_hour > 23 or end_hour > 23:
            continue
        return time(start_hour, int(m1 or 0)), time(end_hour, int(m2 or 0))
    return None


def _hour(hour: int, period: str | None) -> int:
    if period and period.casefold().startswith("p") and hour < 12:
        return hour + 12
    return hour


def moment(day: date, at: time, zone: ZoneInfo = PARIS) -> str:
    """ISO date and time with the zone's offset that day: `2023-02-16T09:00:00+01:00`."""
    return datetime.combine(day, at, tzinfo=zone).isoformat()


__all__ = [
    "DATE",
    "PARIS",
    "TIME_RANGE",
    "TO_BE_ANNOUNCED",
    "PrintedDate",
    "find_dates",
    "find_times",
    "moment",
    "parse_day",
]
