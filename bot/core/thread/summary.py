"""The summary of a thread: what it is about and how it ended, in the thread's own words.

First the topic: the core clauses of the anchor (the first message; in Slack, the parent),
attributed to its author. Then, where room is left within ``THREAD_SUMMARY_WORDS``, the most
summary-worthy on-topic units of the replies (ranked by :mod:`bot.core.selection`; chatter
never qualifies, see :mod:`bot.core.thread.coherence`). Last the outcome line: the decisions
the thread analysis found, or that a choice asked for is still open, and how many action
items for whom (where there are several). A thread whose anchor names nothing (a chat that
opens with "Hi!") is summarised by the learned selection over its units, then the outcome
(SAMSum's chats mostly open so; their summaries are what the guard measures).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.core.protocols import Encoder
from bot.core.scorer import SentenceScorer, feature_text
from bot.core.selection import Candidate, select, summary_words, word_tokens
from bot.core.text import normalise_ws, word_count
from bot.core.thread.coherence import on_topic
from bot.core.thread.outcome import outcome_line
from bot.core.thread.third_person import third_person
from bot.core.thread.topic import anchor_topic
from bot.core.types import Message, Priority

THREAD_MAX_CANDIDATES = 40
LONG_MESSAGE_WORDS = 40
"""Messages longer than this are split into their sentences before ranking."""
MIN_THREAD_WORDS = 3
THREAD_SUMMARY_WORDS = 50
MIN_FILL_WORDS = 8
"""Replies join the summary only where at least this many words of the budget are left."""
MAX_FILL_UNITS = 2
_ATTACHMENT = re.compile(r"^<[\w_]+>$|^https?://\S+$")


def summarise_thread(
    messages: Sequence[Message],
    parsed: Sequence[Any],
    encoder: Encoder,
    scorer: SentenceScorer | None = None,
    decisions: Sequence[str] = (),
    actions: Sequence[Priority] = (),
) -> list[str]:
    """Topic, on-topic replies where room is left, and the outcome (see the module docstring).

    ``decisions`` and ``actions`` are the thread analysis's, best first.
    """
    units = thread_units(messages, parsed)
    if not units:
        return []
    candidates = [c for c, _ in units]
    topic = anchor_topic(parsed[0]) if parsed else None
    open_choice = topic is not None and any(asks_to_choose(s) for s in parsed[0].sents)
    outcome = outcome_line(decisions, actions, open_choice)
    tail = [outcome] if outcome else []
    if topic is None:  # no anchor states the topic (a chat that opens with "Hi!"): the learned selection
        return [*select(candidates, [c.embedded for c in candidates], encoder, scorer, "thread"), *tail]
    head = [_attributed(messages[0], parsed[0], topic)]
    vectors = np.asarray(encoder.encode([feature_text(c.embedded) for c in candidates]), dtype=np.float32)
    anchored = [k for k, (_, index) in enumerate(units) if index == 0]
    central = on_topic(vectors, _unit_mean(vectors[anchored]) if anchored else None)
    left = THREAD_SUMMARY_WORDS - summary_words(head[0])
    pool = [
        candidates[k] for k, (c, index) in enumerate(units)
        if index > 0 and central[k] and c.words <= left and not _repeats(c.embedded, (*head, *tail))
    ]
    fill: list[str] = []
    if pool and left >= MIN_FILL_WORDS:
        fill = select(pool, [c.embedded for c in candidates], encoder, scorer, "thread", (MAX_FILL_UNITS, left))
    return [*head, *fill, *tail]


def _attributed(anchor: Message, doc: Any, topic: str) -> str:
    """The topic as the anchor's author's: in the third person where the topic is the whole
    anchor and that is safe (see :func:`third_person`), else "Author: topic"."""
    if not anchor.author:
        return topic
    whole = normalise_ws(anchor.text) == topic
    return (third_person(anchor.author, list(doc)) if whole else None) or f"{anchor.author}: {topic}"


def asks_to_choose(sent: Any) -> bool:
    """A question (a spaCy sentence ending in "?") that offers alternatives ("cap it or move it?")
    or asks what the group should do ("should we move the per diem to $70?")."""
    if not sent.text.rstrip().endswith("?"):
        return False
    offers = any(t.dep_ == "cc" and t.lower_ == "or" for t in sent)
    asks_group = any(
        t.lower_ in {"we", "us"} and t.dep_ in {"nsubj", "nsubjpass"}
        and any(a.tag_ == "MD" for a in t.head.children)
        for t in sent
    )
    return offers or asks_group


def thread_candidates(messages: Sequence[Message], parsed: Sequence[Any]) -> list[Candidate]:
    """Selectable units of a conversation (see :func:`thread_units`)."""
    return [c for c, _ in thread_units(messages, parsed)]


def _unit_mean(vectors: np.ndarray) -> np.ndarray:
    mean = vectors.mean(axis=0)
    return np.asarray(mean / max(float(np.linalg.norm(mean)), 1e-9), dtype=np.float32)


def _repeats(text: str, shown: Sequence[str]) -> bool:
    """``text`` shares a run of three words with what the summary already shows."""
    grams = _trigrams(text)
    return any(grams & _trigrams(s) for s in shown)


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = [w.lower() for w in word_tokens(text)]
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def thread_units(messages: Sequence[Message], parsed: Sequence[Any]) -> list[tuple[Candidate, int]]:
    """Selectable units of a conversation and their message indexes: substantial messages,
    long ones split in sentences.

    A unit is shown in the third person when that is safe (see :func:`third_person`),
    else as "Author: text".
    """
    candidates: list[tuple[Candidate, int]] = []
    for index, (message, doc) in enumerate(zip(messages, parsed, strict=False)):
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
            candidates.append((Candidate(shown, piece, summary_words(shown)), index))
    substantial = [u for u in candidates if word_count(u[0].embedded) >= MIN_THREAD_WORDS]
    return (substantial or candidates)[:THREAD_MAX_CANDIDATES]
