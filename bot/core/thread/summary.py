"""The summary of a thread: its most central, informative messages, attributed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.core.protocols import Encoder
from bot.core.scorer import SentenceScorer
from bot.core.selection import Candidate, select, summary_words
from bot.core.text import normalise_ws, word_count
from bot.core.thread.third_person import third_person
from bot.core.types import Message

THREAD_MAX_CANDIDATES = 40
LONG_MESSAGE_WORDS = 40
"""Messages longer than this are split into their sentences before ranking."""
MIN_THREAD_WORDS = 3
_ATTACHMENT = re.compile(r"^<[\w_]+>$|^https?://\S+$")


def summarise_thread(
    messages: Sequence[Message],
    parsed: Sequence[Any],
    encoder: Encoder,
    scorer: SentenceScorer | None = None,
) -> list[str]:
    """Pick 1-2 central, informative messages (or sentences of long ones) as "Author: text"."""
    candidates = thread_candidates(messages, parsed)
    return select(candidates, [c.embedded for c in candidates], encoder, scorer, "thread")


def thread_candidates(messages: Sequence[Message], parsed: Sequence[Any]) -> list[Candidate]:
    """Selectable units of a conversation: substantial messages, long ones split in sentences.

    A unit is shown in the third person when that is safe (see :func:`third_person`),
    else as "Author: text".
    """
    candidates: list[Candidate] = []
    for message, doc in zip(messages, parsed, strict=False):
        text = normalise_ws(message.text)
        if not text or _ATTACHMENT.match(text):
            continue
        spans: list[Any] = [doc]
        if word_count(text) > LONG_MESSAGE_WORDS:
            spans = [s for s in doc.sents if s.text.strip()] or [doc]
        for span in spans:
            piece = normalise_ws(span.text) if len(spans) > 1 else text
            shown = piece
            if message.author:
                shown = third_person(message.author, list(span)) or f"{message.author}: {piece}"
            candidates.append(Candidate(shown, piece, summary_words(shown)))
    substantial = [c for c in candidates if word_count(c.embedded) >= MIN_THREAD_WORDS]
    return (substantial or candidates)[:THREAD_MAX_CANDIDATES]
