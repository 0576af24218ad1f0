"""Dates: the curator's ISO values as XSD literals, and dates as a source prints them."""

from __future__ import annotations

import re
from datetime import date, datetime

from villegraph.folding import unaccented
from villegraph.namespaces import XSD_NS

XSD = XSD_NS

_FRENCH_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("janvier", "janv"),
            ("fevrier", "fevr", "fev"),
            ("mars",),
            ("avril", "avr"),
            ("mai",),
            ("juin",),
            ("juillet", "juil"),
            ("aout",),
            ("septembre", "sept"),
            ("octobre", "oct"),
            ("novembre", "nov"),
            ("decembre", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ENGLISH_MONTHS = {
    name: number
    for number, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"],
        start=1,
    )
}  # fmt: skip
_MONTHS = {**_FRENCH_MONTHS, **_ENGLISH_MONTHS}
_NUMERIC = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})")
_WORDS = re.compile(r"(?:[a-z]+[.,]? )?(\d{1,2})(?:er|st|nd|rd|th)? ([a-z]+)\.?,? (\d{4})")
_ENGLISH_WORDS = re.compile(r"(?:[a-z]+,? )?([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})")
PRINTED_FORMS = "dd/mm/yy, dd/mm/yyyy, 16 février 2023, 16 February 2023 or February 16, 2023"


def iso_literal(value: str) -> tuple[str, str]:
    """The lexical form and XSD datatype of an ISO value: YYYY (gYear), YYYY-MM (gYearMonth),
    YYYY-MM-DD (date) or a date and time with an offset (dateTime, seconds always written).
    Raises ValueError saying why the value is not one."""
    if re.fullmatch(r"\d{4}", value):
        return value, XSD + "gYear"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        if not 1 <= int(value[5:]) <= 12:
            raise ValueError(f"{value!r} is not a month (YYYY-MM)")
        return value, XSD + "gYearMonth"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"{value!r} is not a date: {error}") from None
        return value, XSD + "date"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a date and time: {error}") from None
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset (write e.g. +01:00)")
    return moment.isoformat(), XSD + "dateTime"


def day_of(value: str) -> date | None:
    """The calendar day of an ISO date or date-time value, if it names one."""
    if len(value) < 10:
        return None
    return date.fromisoformat(value[:10])


def parse_printed(printed: str) -> date | None:
    """The day a printed date names (27/11/22, 27/11/2022, jeudi 16 février 2023, Tuesday
    14 March 2023, March 14, 2023), else None. Two-digit years are of the 2000s."""
    plain = unaccented(printed).strip(" *")
    numeric = _NUMERIC.fullmatch(plain)
    if numeric:
        day, month, year = (int(part) for part in numeric.groups())
        year += 2000 if year < 100 else 0
    else:
        plain = re.sub(r"\s+", " ", plain)
        words = _WORDS.fullmatch(plain)
        english = _ENGLISH_WORDS.fullmatch(plain)
        if words is not None and words[2] in _MONTHS:
            day, month, year = int(words[1]), _MONTHS[words[2]], int(words[3])
        elif english is not None and english[1] in _ENGLISH_MONTHS:
            day, month, year = int(english[2]), _ENGLISH_MONTHS[english[1]], int(english[3])
        else:
            return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


__all__ = ["PRINTED_FORMS", "XSD", "day_of", "iso_literal", "parse_printed"]
