"""One analysis per thread: decisions and action items, ranked and capped.

The rules of :mod:`bot.core.thread.action_items` and :mod:`bot.core.thread.decisions` find what chat
phrasing makes explicit; the learned :class:`~bot.core.thread.units.UnitClassifier`
(when injected with an encoder) scores every sentence, confirms weak cues, adds the
decisions and action items the rules miss (as in meeting transcripts), and ranks all of
them. A later decision on the same topic replaces the earlier one. At most
``MAX_ACTIONS`` action items and ``MAX_DECISIONS`` decisions are kept, best first.

The returned :class:`ThreadAnalysis` carries the sentence units and their probabilities
too, so later steps (quotes, the summary) can reuse them instead of analysing again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bot.core.notes.messages import with_listed_items
from bot.core.protocols import CachedEncoder, Encoder
from bot.core.scorer import content_words
from bot.core.thread.action_items import (
    ThreadStatement,
    addressed_to_you,
    classify_thread,
    flagged_task,
    is_someday,
)
from bot.core.thread.addressees import is_broadcast, participants
from bot.core.thread.decisions import is_proposal, rejected
from bot.core.thread.units import LABELS, Unit, UnitClassifier, words
from bot.core.types import Message, Priority

logger = logging.getLogger(__name__)

MAX_ACTIONS = 8
MAX_DECISIONS = 5
RULE_BONUS = 0.5
"""Added to the classifier's probability for items the rules found, when ranking."""
SAME_TOPIC = 0.5
"""Cosine similarity above which a later decision replaces an earlier one."""
MIN_UNIT_WORDS = 3
MEETING_UNITS = 150
"""Threads with more sentences than this read as meeting transcripts: the chat rules over-fire
on spoken planning talk there, so the classifier must confirm what they find too."""
DECISIONS_EVERY = 100
"""A meeting shows one more decision per this many sentences (up to twice ``max_decisions``)."""


@dataclass(frozen=True)
class ThreadAnalysis:
    """Everything :func:`analyse_thread` finds, for every consumer of the thread."""

    statements: list[ThreadStatement]
    actions: list[Priority]
    decisions: list[str]
    units: list[Unit] = field(default_factory=list)
    probabilities: np.ndarray | None = None
    """``(len(units), 2)``: P(decision), P(action) per unit, when a classifier ran."""


@dataclass
class _Candidate:
    score: float
    order: int
    text: str
    reversal: bool = False
    owner: str | None = None
    owner_id: str | None = None
    due: str | None = None
    ts: str | None = None


def _units(messages: Sequence[Message], parsed: Sequence[Any]) -> tuple[list[Unit], list[Any]]:
    units: list[Unit] = []
    sents: list[Any] = []
    for index, (message, doc) in enumerate(zip(messages, parsed, strict=False)):
        for sent in doc.sents:
            units.append(Unit(sent.text.strip(), message.author, index))
            sents.append(sent)
    return units, sents


def analyse_thread(
    messages: Sequence[Message],
    parsed: Sequence[Any],
    classifier: UnitClassifier | None = None,
    encoder: Encoder | None = None,
    max_actions: int = MAX_ACTIONS,
    max_decisions: int = MAX_DECISIONS,
) -> ThreadAnalysis:
    """Decisions and action items of a thread (one ``Doc`` per message in ``parsed``)."""
    units, sents = _units(messages, parsed)
    people = participants(messages)
    if encoder is not None and not isinstance(encoder, CachedEncoder):
        encoder = CachedEncoder(encoder)  # the decision comparison reuses the classifier's embeddings
    statements = classify_thread(messages, parsed)
    probs = classifier.probabilities(units, encoder) if classifier is not None and encoder is not None else None
    thresholds = classifier.thresholds if classifier is not None else {}
    meeting = probs is not None and len(units) > MEETING_UNITS
    decisions = _decisions(statements, units, probs, thresholds.get("decision", 1.0), encoder, meeting)
    actions = _actions(statements, units, sents, messages, probs, thresholds.get("action", 1.0), people, meeting)
    decisions.sort(key=lambda c: (-c.score, c.order))
    actions.sort(key=lambda c: (-c.score, c.order))
    logger.debug("thread: %d decisions, %d action items before the caps", len(decisions), len(actions))
    # A message laid out as notes ("Action items:" and a list) gives its items from that layout.
    listed_actions, listed_decisions = with_listed_items(
        messages, [Priority(c.text, c.owner, c.due, c.ts, c.owner_id) for c in actions], [c.text for c in decisions]
    )
    return ThreadAnalysis(
        statements=statements,
        actions=listed_actions[:max_actions],
        decisions=listed_decisions[: decision_cap(len(units), max_decisions)],
        units=units,
        probabilities=probs,
    )


def decision_cap(units: int, max_decisions: int = MAX_DECISIONS) -> int:
    """How many decisions a thread of ``units`` sentences shows: ``max_decisions`` for a chat
    thread, one more per ``DECISIONS_EVERY`` sentences of a meeting, at most twice as many."""
    if units <= MEETING_UNITS:
        return max_decisions
    return min(2 * max_decisions, max_decisions + units // DECISIONS_EVERY)


def _probability(probs: np.ndarray | None, order: int, label: str) -> float:
    return float(probs[order, LABELS.index(label)]) if probs is not None else 0.0


def _decisions(
    statements: Sequence[ThreadStatement],
    units: Sequence[Unit],
    probs: np.ndarray | None,
    threshold: float,
    encoder: Encoder | None,
    meeting: bool,
) -> list[_Candidate]:
    found: dict[int, _Candidate] = {}
    for s in statements:
        if s.kind != "decision" or not s.action or (meeting and s.chat_only):
            continue
        p = _probability(probs, s.order, "decision")
        if (s.marked and not meeting) or p >= threshold:
            found[s.order] = _Candidate(RULE_BONUS + p, s.order, s.action, s.reversal)
    # The classifier learned meetings: in a chat thread its decision scores mean little, so
    # there only the rules' explicit cues count.
    if probs is not None and meeting:
        for order, unit in enumerate(units):
            p = float(probs[order, 0])
            if order in found or p < threshold or is_proposal(unit.text) or len(words(unit.text)) < MIN_UNIT_WORDS:
                continue
            found[order] = _Candidate(p, order, unit.text)
    standing = _standing(sorted(found.values(), key=lambda c: c.order), encoder)
    return _not_rejected(standing, units)


def _not_rejected(candidates: list[_Candidate], units: Sequence[Unit]) -> list[_Candidate]:
    """Drop decisions a later sentence scraps ("ok scrap the trailers", "no to the 10%")."""
    drops = [(order, term) for order, unit in enumerate(units) for term in rejected(unit.text)]
    if not drops:
        return candidates
    return [
        c for c in candidates
        if not any(order > c.order and term in content_words(c.text.lower()) for order, term in drops)
    ]


def _standing(candidates: list[_Candidate], encoder: Encoder | None) -> list[_Candidate]:
    """Drop decisions that a later one on the same topic (or a reversal) replaced."""
    if len(candidates) < 2:
        return candidates
    similar = _similarity([c.text for c in candidates], encoder)
    kept: list[int] = []
    for k, candidate in enumerate(candidates):
        if candidate.reversal and kept:
            kept.pop()
        kept = [j for j in kept if similar[j, k] < SAME_TOPIC]
        kept.append(k)
    return [candidates[k] for k in kept]


def _similarity(texts: Sequence[str], encoder: Encoder | None) -> np.ndarray:
    if encoder is not None:
        vectors = np.asarray(encoder.encode(list(texts)), dtype=np.float32)
        return np.asarray(vectors @ vectors.T, dtype=np.float32)
    sets = [set(words(t)) for t in texts]
    n = len(sets)
    out = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(n):
            union = sets[i] | sets[j]
            out[i, j] = len(sets[i] & sets[j]) / len(union) if union else 0.0
    return out


def _actions(
    statements: Sequence[ThreadStatement],
    units: Sequence[Unit],
    sents: Sequence[Any],
    messages: Sequence[Message],
    probs: np.ndarray | None,
    threshold: float,
    people: dict[str, str | None],
    meeting: bool,
) -> list[_Candidate]:
    found: dict[str, _Candidate] = {}
    covered: set[int] = set()
    for s in statements:
        covered.add(s.order)
        if s.kind == "decision" or not s.action:
            continue
        p = _probability(probs, s.order, "action")
        if meeting and p < threshold:
            continue
        score = RULE_BONUS + p + 0.05 * (s.owner is not None) + 0.05 * (s.due is not None)
        key = s.action.lower()
        if key not in found or found[key].score < score:
            owner, owner_id = s.owner, s.owner_id
            if owner is None and not s.declined and addressed_to_you(sents[s.order]):
                replier = _replier(messages, s.message_index)
                owner, owner_id = (replier.author, replier.author_id) if replier is not None else (None, None)
            ts = messages[s.message_index].ts
            found[key] = _Candidate(score, s.order, s.action, False, owner, owner_id, s.due, ts)
    if probs is not None:
        for order, (unit, sent) in enumerate(zip(units, sents, strict=True)):
            p = float(probs[order, 1])
            if order in covered or p < threshold or unit.text.rstrip().endswith("?") or is_broadcast(unit.text):
                continue
            if is_someday(unit.text):
                continue
            candidate = _learned_action(unit, sent, p, order, messages, people)
            if candidate.text.lower() not in found:
                found[candidate.text.lower()] = candidate
    return _one_per_commitment(list(found.values()), meeting)


def _one_per_commitment(candidates: list[_Candidate], meeting: bool) -> list[_Candidate]:
    """One item per commitment: an ask and its owner's restatement ("rebook the trucking" ...
    "I'll rebook trucking for the Thursday pickup") are one item, in the words that say more, with
    the due phrase of either. In a chat thread an item nobody took on is no one's action item."""
    kept: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: c.order):
        if candidate.owner is None and not meeting:
            continue
        same = next((k for k in kept if k.owner == candidate.owner and _same_task(k.text, candidate.text)), None)
        if same is None:
            kept.append(candidate)
            continue
        if len(_objects(candidate.text)) > len(_objects(same.text)):
            same.text = candidate.text
        same.due = same.due or candidate.due
        same.score = max(same.score, candidate.score)
    return kept


def _objects(task: str) -> set[str]:
    """The content words of a task after its verb: what it is about."""
    return set(content_words(task.lower().partition(" ")[2]))


def _same_task(a: str, b: str) -> bool:
    """Whether two tasks share at least half of what the shorter one is about."""
    first, second = _objects(a), _objects(b)
    shared = first & second
    return bool(shared) and 2 * len(shared) >= min(len(first), len(second))


def _learned_action(
    unit: Unit, sent: Any, p: float, order: int, messages: Sequence[Message], people: dict[str, str | None]
) -> _Candidate:
    """An action item the classifier found: the sentence's task, owner and due phrase."""
    message = messages[unit.message_index]
    task = flagged_task(sent, message, people, MIN_UNIT_WORDS, _replier(messages, unit.message_index))
    return _Candidate(p, order, task.text, False, task.owner, task.owner_id, task.due, message.ts)


def _replier(messages: Sequence[Message], index: int) -> Message | None:
    """Who speaks next after the author of message ``index`` (and their following messages):
    the addressee of its plain "you"."""
    author = messages[index].author
    return next((m for m in messages[index + 1 :] if m.author != author), None)
