"""Replies that say a task is finished: "done", "merged", "shipped it 🎉", "PR merged, thanks".

A question ("is it done?"), a negation or a condition ("not done yet", "almost done",
"will ship once CI passes") or a long message about something else does not close anything.
"""

from __future__ import annotations

import re

from bot.core.text import normalise_quotes

MAX_WORDS = 12
"""A closing reply is short; a longer message is a discussion that happens to use the word."""
_CLOSED = re.compile(r"\b(?:done|merged|shipped|completed|finished)\b", re.I)
_HEDGE = re.compile(
    r"\b(?:not|never|no|almost|nearly|yet|once|when|after|if|until|till|before|still|soon|tomorrow|"
    r"partly|partially|half|mostly|will|won't|gonna|going)\b|n't\b",
    re.I,
)


def says_done(text: str) -> bool:
    """Whether a reply by a task's owner says the task is finished."""
    plain = normalise_quotes(text).strip()
    if not plain or plain.rstrip().endswith("?") or len(plain.split()) > MAX_WORDS:
        return False
    return bool(_CLOSED.search(plain)) and not _HEDGE.search(plain)
