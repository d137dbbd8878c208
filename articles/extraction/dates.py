"""When a pledge was made and by when it is due, as written and as calendar dates.

Conventions: a period that has a start ("last year", "in March") resolves to its first day when it
says when something was made, and to its last day when it is a deadline ("by 2020" -> 2020-12-31).
A weekday ("on Wednesday") is the latest such day on or before the publication date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .lexicon import MONTHS, WEEKDAYS

_MONTH = "|".join(month.capitalize() for month in MONTHS)
_DAY = "|".join(day.capitalize() for day in WEEKDAYS)

WHEN = re.compile(
    rf"""\b(?:
        (?:last|this)\s+(?:year|month|week)
      | earlier\s+this\s+(?:year|month|week)
      | (?:on\s+)?(?:{_DAY})
      | yesterday | today
      | in\s+(?:(?:{_MONTH})\s+)?(?:19|20)\d\d
      | in\s+(?:{_MONTH})\b
      | on\s+\d{{1,2}}\s+(?:{_MONTH})(?:\s+(?:19|20)\d\d)?
      | on\s+(?:{_MONTH})\s+\d{{1,2}}(?:,\s+(?:19|20)\d\d)?
    )\b""",
    re.VERBOSE | re.IGNORECASE,
)

DEADLINE = re.compile(
    rf"""\b(?:
        by\s+(?:the\s+end\s+of\s+)?(?:mid-?)?(?:(?:{_MONTH})\s+)?(?:19|20)\d\d
      | by\s+(?:the\s+end\s+of\s+)?(?:{_MONTH})
      | by\s+(?:the\s+end\s+of\s+)?(?:next|this|the)\s+(?:year|month|week|decade)
      | by\s+year-end | by\s+the\s+end\s+of\s+the\s+next\s+\w+
      | within\s+(?:\w+|\d+)\s+(?:days?|weeks?|months?|years?)
      | (?:in|over)\s+the\s+(?:next|coming)\s+(?:\w+\s+)?(?:days?|weeks?|months?|years?)
      | for\s+the\s+coming\s+(?:years?|months?)
    )""",
    re.VERBOSE | re.IGNORECASE,
)

_COUNTS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "a": 1, "an": 1}  # fmt: skip


def _month_number(word: str) -> int:
    return MONTHS.index(word.lower()) + 1


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def resolve_when(phrase: str, published: dt.date | None) -> dt.date | None:
    """The first day of the period ``phrase`` names, relative to ``published``."""
    if not phrase or published is None:
        return None
    return _on_the_calendar(_first_day, phrase, published)


def resolve_deadline(phrase: str, published: dt.date | None) -> dt.date | None:
    """The last day of the period ``phrase`` gives as a deadline, relative to ``published``."""
    if not phrase or published is None:
        return None
    return _on_the_calendar(_last_day, phrase, published)


def _on_the_calendar(resolve, phrase: str, published: dt.date) -> dt.date | None:
    # A slip of the pen ("31 June") or a span past year 9999 names no day at all.
    try:
        return resolve(phrase, published)
    except (ValueError, OverflowError):
        return None


def _first_day(phrase: str, published: dt.date) -> dt.date | None:
    lowered = phrase.lower()
    year = re.search(r"(?:19|20)\d\d", lowered)
    month = re.search(rf"\b({_MONTH.lower()})\b", lowered)
    day = re.search(r"\b(\d{1,2})\b", lowered)
    if month and day:
        return dt.date(int(year.group()) if year else published.year, _month_number(month.group(1)), int(day.group(1)))
    if month:
        number = _month_number(month.group(1))
        when_year = int(year.group()) if year else published.year - (number > published.month)
        return dt.date(when_year, number, 1)
    if year:
        return dt.date(int(year.group()), 1, 1)
    for index, name in enumerate(WEEKDAYS):
        if name in lowered:
            return published - dt.timedelta(days=(published.weekday() - index) % 7)
    if "yesterday" in lowered:
        return published - dt.timedelta(days=1)
    if "today" in lowered:
        return published
    if "year" in lowered:
        return dt.date(published.year - ("last" in lowered), 1, 1)
    if "month" in lowered:
        first = published.replace(day=1)
        return (first - dt.timedelta(days=1)).replace(day=1) if "last" in lowered else first
    if "week" in lowered:
        monday = published - dt.timedelta(days=published.weekday())
        return monday - dt.timedelta(days=7) if "last" in lowered else monday
    return None


def _last_day(phrase: str, published: dt.date) -> dt.date | None:
    lowered = phrase.lower()
    year = re.search(r"(?:19|20)\d\d", lowered)
    month = re.search(rf"\b({_MONTH.lower()})\b", lowered)
    if "mid" in lowered and year:
        return dt.date(int(year.group()), 6, 30)
    if month:
        number = _month_number(month.group(1))
        due_year = int(year.group()) if year else published.year + (number < published.month)
        return _month_end(due_year, number)
    if year:
        return dt.date(int(year.group()), 12, 31)
    span = re.search(r"(\w+)\s+(day|week|month|year)s?$", lowered)
    if (
        span
        and ("within" in lowered or "next" in lowered or "coming" in lowered)
        and span.group(1)
        not in (
            "next",
            "coming",
        )
    ):
        count = int(span.group(1)) if span.group(1).isdigit() else _COUNTS.get(span.group(1))
        if count:
            return _add(published, count, span.group(2))
    if "year" in lowered:
        return dt.date(published.year + ("next" in lowered), 12, 31)
    if "month" in lowered:
        month_date = _add(published, 1, "month") if "next" in lowered else published
        return _month_end(month_date.year, month_date.month)
    if "week" in lowered:
        sunday = published + dt.timedelta(days=6 - published.weekday())
        return sunday + dt.timedelta(days=7) if "next" in lowered else sunday
    return None


def _add(date: dt.date, count: int, unit: str) -> dt.date:
    if unit == "day":
        return date + dt.timedelta(days=count)
    if unit == "week":
        return date + dt.timedelta(weeks=count)
    months = count * (12 if unit == "year" else 1)
    year, month = divmod(date.month - 1 + months, 12)
    year += date.year
    return dt.date(year + 0, month + 1, min(date.day, calendar.monthrange(year, month + 1)[1]))
