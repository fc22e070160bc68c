"""Days of the week and times of day as people write them (Monday is day 0, as in ``datetime``)."""

from __future__ import annotations

import re

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_ABBREVIATIONS = tuple(name[:3].lower() for name in WEEKDAY_NAMES)
"""``mon`` .. ``sun``: cron's day names."""
_OTHER_SPELLINGS = {"tues": 1, "thur": 3, "thurs": 3}
WEEKDAY_WORDS: dict[str, int] = {
    **{name.lower(): day for day, name in enumerate(WEEKDAY_NAMES)},
    **{abbreviation: day for day, abbreviation in enumerate(WEEKDAY_ABBREVIATIONS)},
    **_OTHER_SPELLINGS,
}
"""Every lower-case spelling of a weekday that a command accepts, to its day number."""

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_hhmm(text: str) -> str | None:
    """``HH:MM`` (24 h, zero-padded) for a time of day such as ``9:05`` or ``17:30``, else ``None``."""
    match = _HHMM.match(text)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None
