"""How a discussion ended, in words: the decisions reached and the action items left, for whom.

One wording for every summary that states an outcome (threads and meeting notes); the
callers choose and shape the decisions and owners they show.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_OWNERS_NAMED = 4
NO_DECISION = "No decision yet."


def decided_line(clauses: Sequence[str], more: int = 0) -> str | None:
    """"Decided: A; B (and 2 more).", or ``None`` without a decision."""
    shown = [c.strip().rstrip(".") for c in clauses if c.strip()]
    if not shown:
        return None
    return end_sentence("Decided: " + "; ".join(shown) + (f" (and {more} more)" if more else ""))


def action_items_line(count: int, owners: Sequence[str]) -> str | None:
    """"3 action items, for Lars, Ruth and Tomasz." (at most ``MAX_OWNERS_NAMED`` named), or
    ``None`` without an item."""
    if count <= 0:
        return None
    noun = "action item" if count == 1 else "action items"
    if not owners:
        return f"{count} {noun}."
    named = list(owners[:MAX_OWNERS_NAMED])
    if len(owners) > MAX_OWNERS_NAMED:
        named.append(f"{len(owners) - MAX_OWNERS_NAMED} more")
    return f"{count} {noun}, for {series(named)}."


def series(items: Sequence[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def end_sentence(text: str) -> str:
    """``text`` ending like a sentence (a full stop added where it has no closing mark)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "\u2026")) else text + "."
