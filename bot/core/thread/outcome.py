"""How a thread ended, in one line: the decisions it reached, or that a choice it asked for is
still open, and how many action items it left for whom (wording: :mod:`bot.core.outcome`).

The decisions and action items are the thread analysis's (already spans of the thread); this
module only chooses and shapes what the line shows.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.outcome import NO_DECISION, action_items_line, decided_line
from bot.core.selection import fit_words
from bot.core.types import Priority

MAX_DECISIONS_SHOWN = 2
DECISION_MAX_WORDS = 16
MIN_COUNTED_ACTIONS = 3
"""Fewer action items are not counted in the line: the reply lists them right below, as short."""


def outcome_line(decisions: Sequence[str], actions: Sequence[Priority], open_choice: bool) -> str | None:
    """The thread's outcome, or ``None`` when it has nothing to say (no decision asked for or
    reached, no action item). ``open_choice``: the thread asked for a decision."""
    shown = [fit_words(d.strip(), DECISION_MAX_WORDS).rstrip(" .!;,") for d in decisions[:MAX_DECISIONS_SHOWN]]
    counted = action_count(actions) if len(actions) >= MIN_COUNTED_ACTIONS else None
    parts = [decided_line(shown) or (NO_DECISION if open_choice else None), counted]
    return " ".join(p for p in parts if p) or None


def action_count(actions: Sequence[Priority]) -> str | None:
    """How many action items, and for whom, by first name ("3 action items, for Lars and Ruth.")."""
    return action_items_line(len(actions), _short_names(list(dict.fromkeys(p.owner for p in actions if p.owner))))


def _short_names(owners: list[str]) -> list[str]:
    """First names ("Lars" for "Lars Becker"), unless two owners share one."""
    first = [o.split()[0] for o in owners]
    return first if len(set(first)) == len(first) else owners
