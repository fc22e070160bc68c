"""The calendar date a due phrase names, counted from the day it was written.

"by Friday" written on a Wednesday is that Friday; "tomorrow", "EOD", "end of the month",
"next week" (its Monday), "in 3 days", "14 June", "June 14th", "the 3rd", "2025-06-14".
A phrase without a date ("before launch", "end of sprint") gives ``None``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from bot.core.clock import WEEKDAY_WORDS

_LEAD = re.compile(r"^(?:by|before|until|till|no later than|not later than|due|on)\s+", re.I)
_SAME_DAY = re.compile(
    r"^(?:today|tonight|eod|cob|close of business|asap|noon|midday|midnight|lunch(?:time)?"
    r"|(?:the\s+)?end of (?:the\s+|this\s+)?(?:day|business day|play)"
    r"|this (?:morning|afternoon|evening)|\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2})$"
)
_TOMORROW = re.compile(r"^(?:tomorrow|overnight)\b")
_WEEKDAY = re.compile(r"^(?:(?P<which>this|next)\s+)?(?P<day>[a-z]+)\.?(?:\s+(?:morning|afternoon|evening|night))?$")
_END_OF = re.compile(r"^(?:the\s+)?end of (?:the\s+|this\s+|(?P<next>next\s+))?(?P<unit>week|month|quarter|year)$")
_NEXT = re.compile(r"^next (?P<unit>week|month|year)$")
_WITHIN = re.compile(r"^(?:within|in) (?P<n>a|an|one|two|three|four|\d+) (?P<unit>hour|day|week)s?$")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}
_MONTHS = {name: n for n, name in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                             "nov", "dec"), 1)}
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$")
_DAY_MONTH = re.compile(
    r"^(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<month>[a-z]+)\.?(?:,?\s+(?P<y>\d{4}))?$"
)
_MONTH_DAY = re.compile(r"^(?P<month>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{4}))?$")
_ORDINAL = re.compile(r"^(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)$")


def due_date(phrase: str | None, written: date) -> date | None:
    """The date ``phrase`` names when written on ``written``, or ``None`` when it names none."""
    if not phrase:
        return None
    text = _LEAD.sub("", " ".join(phrase.lower().replace("’", "'").split())).strip(" .,!")
    for read in (_relative, _weekday, _period, _calendar):
        found = read(text, written)
        if found is not None:
            return found
    return None


def _relative(text: str, written: date) -> date | None:
    if _SAME_DAY.match(text):
        return written
    if _TOMORROW.match(text):
        return written + timedelta(days=1)
    within = _WITHIN.match(text)
    if within is None:
        return None
    raw = within["n"]
    n = _NUMBERS.get(raw) or int(raw)
    unit = within["unit"]
    if unit == "hour":
        return written + timedelta(days=n // 24)
    return written + timedelta(days=n * (7 if unit == "week" else 1))


def _weekday(text: str, written: date) -> date | None:
    match = _WEEKDAY.match(text)
    if match is None or match["day"] not in WEEKDAY_WORDS:
        return None
    day = WEEKDAY_WORDS[match["day"]]
    if match["which"] == "next":
        monday = written - timedelta(days=written.weekday()) + timedelta(days=7)
        return monday + timedelta(days=day)
    return written + timedelta(days=(day - written.weekday()) % 7)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(written: date, months: int) -> tuple[int, int]:
    index = written.year * 12 + written.month - 1 + months
    return index // 12, index % 12 + 1


def _period(text: str, written: date) -> date | None:
    end = _END_OF.match(text)
    if end is not None:
        step = 1 if end["next"] else 0
        unit = end["unit"]
        if unit == "week":
            friday = written - timedelta(days=written.weekday()) + timedelta(days=4 + 7 * step)
            return max(friday, written)
        if unit == "month":
            return _month_end(*_add_months(written, step))
        if unit == "quarter":
            return _month_end(*_add_months(written, 3 * step + (3 - written.month % 3) % 3))
        return date(written.year + step, 12, 31)
    if text in ("eow", "this week"):
        return max(written - timedelta(days=written.weekday()) + timedelta(days=4), written)
    if text == "eom":
        return _month_end(written.year, written.month)
    following = _NEXT.match(text)
    if following is None:
        return None
    unit = following["unit"]
    if unit == "week":
        return written - timedelta(days=written.weekday()) + timedelta(days=7)
    if unit == "month":
        return date(*_add_months(written, 1), 1)
    return date(written.year + 1, 1, 1)


def _on_or_after(written: date, month: int, day: int, year: str | None) -> date | None:
    """The date ``day``/``month`` (of ``year``, else its next occurrence from ``written``)."""
    years = [int(year)] if year else [written.year, written.year + 1]
    for candidate_year in years:
        try:
            found = date(candidate_year, month, day)
        except ValueError:
            continue
        if year or found >= written:
            return found
    return None


def _month(word: str) -> int | None:
    return _MONTHS.get(word[:3]) if word[:3] in _MONTHS and len(word) >= 3 else None


def _calendar(text: str, written: date) -> date | None:
    iso = _ISO.match(text)
    if iso is not None:
        return _on_or_after(written, int(iso["m"]), int(iso["d"]), iso["y"])
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        match = pattern.match(text)
        month = _month(match["month"]) if match is not None else None
        if match is not None and month is not None:
            return _on_or_after(written, month, int(match["d"]), match["y"])
    ordinal = _ORDINAL.match(text)
    if ordinal is None:
        return None
    day = int(ordinal["d"])
    for months in range(3):
        year, month = _add_months(written, months)
        found = _on_or_after(written, month, day, str(year))
        if found is not None and found >= written:
            return found
    return None
