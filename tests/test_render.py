"""The CLI's text and Markdown renderers show every part of a result."""

from __future__ import annotations

from bot.core.types import Priority, Quote, SummaryResult
from bot.render import render_markdown, render_text

RESULT = SummaryResult(
    source="notes.txt",
    kind="thread",
    title=None,
    summary=["Ana: we ship on Monday.", "Tom will update the runbook."],
    quotes=[Quote("Let's ship on Monday", "Ana", True), Quote("stressed the need for tests", "Bo", False)],
    priorities=[Priority("update the runbook", owner="Tom", due="by Friday"), Priority("book the room")],
    decisions=["Ship on Monday"],
    model="all-MiniLM-L6-v2",
    elapsed_ms=12.3,
    notices=["Input was truncated."],
)


def test_text_rendering_has_all_sections_in_order() -> None:
    out = render_text(RESULT)
    order = ["Thread summary", "Note: Input was truncated.", "Summary", "Key quotes", "Action items", "Decisions"]
    positions = [out.index(part) for part in order]
    assert positions == sorted(positions)
    assert "“Let's ship on Monday” — Ana" in out
    assert "stressed the need for tests — Bo" in out and "“stressed" not in out
    assert "1. update the runbook (owner: Tom; due: by Friday)" in out
    assert "2. book the room" in out
    assert out.rstrip().endswith("notes.txt · all-MiniLM-L6-v2 · 12 ms")


def test_markdown_rendering() -> None:
    out = render_markdown(RESULT)
    assert out.startswith("## Thread summary")
    assert "Ana: we ship on Monday. Tom will update the runbook." in out
    assert "**Action items**" in out and "1. update the runbook (owner: Tom; due: by Friday)" in out
    assert "- Ship on Monday" in out


def test_article_without_extras_uses_title_and_priorities_heading() -> None:
    article = SummaryResult(source="a", kind="article", title="Big news", summary=["One."],
                            priorities=[Priority("do it")])
    out = render_text(article)
    assert out.startswith("Big news\n========")
    assert "Priorities\n  1. do it" in out and "Key quotes" not in out and "Decisions" not in out
