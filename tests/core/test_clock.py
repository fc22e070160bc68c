"""Weekdays and times of day as people write them."""

from __future__ import annotations

import pytest

from bot.core.clock import WEEKDAY_ABBREVIATIONS, WEEKDAY_WORDS, parse_hhmm


@pytest.mark.parametrize(("text", "expected"), [("9:05", "09:05"), ("17:30", "17:30"), ("00:00", "00:00"),
                                                 ("24:00", None), ("9:5", None), ("noon", None), ("12:60", None)])
def test_parse_hhmm(text: str, expected: str | None) -> None:
    assert parse_hhmm(text) == expected


def test_weekday_spellings() -> None:
    assert WEEKDAY_ABBREVIATIONS == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    assert [WEEKDAY_WORDS[w] for w in ("monday", "tues", "thurs", "thur", "sun", "saturday")] == [0, 1, 3, 3, 6, 5]
    assert "mo" not in WEEKDAY_WORDS
