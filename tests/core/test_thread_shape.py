"""The shape of a thread reply: never longer than the thread, quotes only where they add."""

from __future__ import annotations

import pytest

from bot.core.documents import build_document
from bot.core.pipeline import Summariser
from bot.core.text import canonical
from bot.core.thread.shape import fit_reply, reply_chars
from bot.core.types import Priority, Quote, SummaryResult


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


def test_short_thread_reply_is_shorter_and_quotes_add_to_the_items(summariser: Summariser) -> None:
    doc = build_document(SHORT_THREAD, "t", kind="thread")
    result = summariser.summarise(doc)
    assert reply_chars(result) < len(SHORT_THREAD)
    assert "We launch on Thursday." in result.decisions
    assert any("status page" in p.text for p in result.priorities)
    items = {canonical(p.text) for p in result.priorities} | {canonical(d) for d in result.decisions}
    for quote in result.quotes:
        assert not any(canonical(quote.text) in item or item in canonical(quote.text) for item in items)
