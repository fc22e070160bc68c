"""The shape of a thread's reply: never longer than the thread itself.

:func:`fit_reply` trims what a short thread's reply would repeat at more length than the
thread: quotes first, then the lowest-ranked items, then the summary's second unit.
"""

from __future__ import annotations

from bot.core.types import SummaryResult


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
