"""The shape of a thread's reply: what the thread was about, what it settled, and never
longer than the thread itself.

A thread that settled something is summarised as its opening question or proposal and
the sentence of its final decision, both its own words; a thread that settled nothing
keeps the learned selection. :func:`fit_reply` then trims what a short thread's reply would
repeat at more length than the thread: quotes first, then the lowest-ranked items.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.core.text import canonical
from bot.core.thread.decisions import is_proposal
from bot.core.thread.statements import Unit
from bot.core.types import SummaryResult

OPENING_WINDOW = 3
"""The thread's subject is looked for among its first few units."""


class _Unit(Protocol):
    """What shaping reads of a selectable summary unit (``bot.core.summary.Candidate``)."""

    @property
    def shown(self) -> str: ...
    @property
    def embedded(self) -> str: ...


def _opening(candidates: Sequence[_Unit]) -> _Unit | None:
    """The thread's subject: the first question or proposal it opens with, else its first unit."""
    for candidate in candidates[:OPENING_WINDOW]:
        if is_proposal(candidate.embedded):
            return candidate
    return candidates[0] if candidates else None


def _holding(candidates: Sequence[_Unit], sentence: str) -> _Unit | None:
    """The unit whose text holds ``sentence`` (a decision's sentence), if any."""
    target = canonical(sentence)
    for candidate in candidates:
        text = canonical(candidate.embedded)
        if target and (target in text or text in target):
            return candidate
    return None


def about_and_settled(candidates: Sequence[_Unit], settled: Unit | None, chosen: list[str]) -> list[str]:
    """The summary of a thread that settled something: its opening, then its final decision.

    ``chosen`` (the learned selection) stands when nothing was settled, or when the final
    decision's sentence is not among the units.
    """
    if settled is None:
        return chosen
    decision = _holding(candidates, settled.text)
    if decision is None:
        return chosen
    opening = _opening(candidates)
    if opening is None or opening is decision:
        return [decision.shown]
    return [opening.shown, decision.shown]


def reply_chars(result: SummaryResult) -> int:
    """The characters of content a reply shows: summary, quotes, items and decisions."""
    return (
        sum(len(s) for s in result.summary)
        + sum(len(q.text) + len(q.speaker or "") for q in result.quotes)
        + sum(len(p.text) + len(p.owner or "") + len(p.due or "") for p in result.priorities)
        + sum(len(d) for d in result.decisions)
    )


def fit_reply(result: SummaryResult, thread_chars: int) -> SummaryResult:
    """Trim the reply until it is shorter than the thread: quotes, then the lowest-ranked
    action items and decisions (best first, so the last go first), then the summary's
    second unit. The summary's first unit always stays."""
    while reply_chars(result) >= thread_chars:
        if result.quotes:
            result.quotes.pop()
        elif len(result.priorities) + len(result.decisions) > 1:
            longer = result.priorities if len(result.priorities) >= len(result.decisions) else result.decisions
            longer.pop()
        elif len(result.summary) > 1:
            result.summary.pop()
        else:
            break
    return result
