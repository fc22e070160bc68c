"""Thread action items, one commitment per item (issue 14, item 3): own examples per failure class."""

from __future__ import annotations

from typing import Any

from bot.core.thread.analysis import ThreadAnalysis, analyse_thread
from bot.core.types import Message


def _analyse(nlp: Any, lines: list[tuple[str, str]], ids: dict[str, str] | None = None) -> ThreadAnalysis:
    ids = ids or {}
    messages = [Message(author, text, str(k), ids.get(author)) for k, (author, text) in enumerate(lines)]
    return analyse_thread(messages, list(nlp.pipe([m.text for m in messages])))


def _items(analysis: ThreadAnalysis) -> list[tuple[str, str | None, str | None]]:
    return [(p.text, p.owner, p.due) for p in analysis.actions]


def test_a_message_laid_out_as_notes_gives_its_listed_items(nlp: Any) -> None:
    analysis = _analyse(
        nlp,
        [
            ("Dana Lee", "Quick recap of the vendor call."),
            (
                "Dana Lee",
                "Decisions:\n- Keep the current CDN until March\nAction items:\n"
                "- [ ] **Omar Haddad** — renegotiate the egress price — due 3 March\n- Kim to collect quotes by Friday",
            ),
            ("Omar Haddad", "on it"),
        ],
    )
    assert _items(analysis) == [
        ("renegotiate the egress price", "Omar Haddad", "3 March"),
        ("collect quotes", "Kim", "by Friday"),
    ]
    assert analysis.decisions == ["Keep the current CDN until March"]
