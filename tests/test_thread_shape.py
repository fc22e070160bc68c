"""The shape of a thread reply: what it was about and what it settled, never longer than the thread."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.core.detect import build_document
from bot.core.text import canonical
from bot.core.thread.shape import about_and_settled, fit_reply, reply_chars
from bot.core.thread.statements import Unit
from bot.core.types import Priority, Quote, SummaryResult


@dataclass(frozen=True)
class _Candidate:
    shown: str
    embedded: str


def _units(*texts: str) -> list[_Candidate]:
    return [_Candidate(f"Ana: {t}", t) for t in texts]


@pytest.mark.parametrize(
    ("texts", "settled", "expected"),
    [
        # nothing settled: the learned choice stands
        (("Shall we move the retro?", "Maybe."), None, ["chosen"]),
        # the opening question, then the decision's own unit
        (
            ("Shall we move the retro to Thursday?", "Thursday clashes.", "OK, Friday it is."),
            "OK, Friday it is.",
            ["Ana: Shall we move the retro to Thursday?", "Ana: OK, Friday it is."],
        ),
        # the decision opens the thread: it alone
        (("Let's go with Porto.", "Great."), "Let's go with Porto.", ["Ana: Let's go with Porto."]),
        # the decision's sentence is in no unit: the learned choice stands
        (("Lisbon or Porto?", "Porto."), "We pick Madrid.", ["chosen"]),
    ],
)
def test_about_and_settled(texts: tuple[str, ...], settled: str | None, expected: list[str]) -> None:
    unit = Unit(settled, "Ana", 0) if settled else None
    assert about_and_settled(_units(*texts), unit, ["chosen"]) == expected


def _result() -> SummaryResult:
    return SummaryResult(
        source="t",
        kind="thread",
        title=None,
        summary=["Ravi asked whether to ship on Friday.", "Ines: we ship on Monday."],
        quotes=[Quote("Monday is safer for on-call.", "Ines", True), Quote("Fine by me.", "Ola", True)],
        priorities=[Priority("Update the release notes", "Ola"), Priority("Tell support", "Ravi")],
        decisions=["We ship on Monday."],
    )


@pytest.mark.parametrize("thread_chars", [10_000, 200, 120, 60, 1])
def test_fit_reply_keeps_the_reply_shorter_than_the_thread(thread_chars: int) -> None:
    full = _result()
    fitted = fit_reply(_result(), thread_chars)
    assert fitted.summary[0] == full.summary[0]  # the first summary unit always stays
    if thread_chars > len(full.summary[0]) + 1:
        assert reply_chars(fitted) < thread_chars
    if thread_chars == 10_000:
        assert fitted == full
    # what goes, goes in order: quotes before any item
    if len(fitted.priorities) < len(full.priorities):
        assert fitted.quotes == []


SHORT_THREAD = """Maya: Should we move the launch to Thursday?
Tom: Thursday works for me.
Maya: OK, decision: we launch on Thursday.
Tom: Priya, can you update the status page by Wednesday?
Priya: Will do."""


def test_short_thread_reply_says_what_it_was_about_and_settled(summariser) -> None:
    doc = build_document(SHORT_THREAD, "t", kind="thread")
    result = summariser.summarise(doc)
    assert reply_chars(result) < len(SHORT_THREAD)
    text = " ".join(result.summary)
    assert "Thursday" in text and "launch" in text
    assert any("status page" in p.text for p in result.priorities)
    items = {canonical(p.text) for p in result.priorities} | {canonical(d) for d in result.decisions}
    for quote in result.quotes:
        assert not any(canonical(quote.text) in item or item in canonical(quote.text) for item in items)
