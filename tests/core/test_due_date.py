"""Due phrases to calendar dates, counted from the day they were written."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.thread.due_date import due_date

WEDNESDAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("by Friday", date(2026, 12, 4)),
        ("by Wednesday", WEDNESDAY),
        ("by Monday morning", date(2026, 12, 7)),
        ("next Tuesday", date(2026, 12, 8)),
        ("next Friday", date(2026, 12, 11)),
        ("today", WEDNESDAY),
        ("EOD", WEDNESDAY),
        ("by end of the day", WEDNESDAY),
        ("by 5pm", WEDNESDAY),
        ("tomorrow", date(2026, 12, 3)),
        ("tomorrow morning", date(2026, 12, 3)),
        ("end of the week", date(2026, 12, 4)),
        ("EOW", date(2026, 12, 4)),
        ("end of next week", date(2026, 12, 11)),
        ("next week", date(2026, 12, 7)),
        ("by the end of the month", date(2026, 12, 31)),
        ("next month", date(2027, 1, 1)),
        ("end of the year", date(2026, 12, 31)),
        ("in 3 days", date(2026, 12, 5)),
        ("within two weeks", date(2026, 12, 16)),
        ("by 14 June", date(2027, 6, 14)),
        ("by December 10th", date(2026, 12, 10)),
        ("Jan 5", date(2027, 1, 5)),
        ("before the 1st", date(2027, 1, 1)),
        ("by the 3rd", date(2026, 12, 3)),
        ("the 20th", date(2026, 12, 20)),
        ("2027-02-01", date(2027, 2, 1)),
    ],
)
def test_phrases_name_the_date_they_mean(phrase: str, expected: date) -> None:
    assert due_date(phrase, WEDNESDAY) == expected


@pytest.mark.parametrize("phrase", ["before launch", "end of sprint", "by the 31st of February", "soonish", "", None])
def test_phrases_without_a_date_give_none(phrase: str | None) -> None:
    assert due_date(phrase, WEDNESDAY) is None
