"""A learned decision / action-item / neither classifier for conversation units.

A *unit* is one sentence of a message (one dialogue act in the AMI meetings it is trained
on). Classification runs in two stages, both plain numpy over injected weights (trained by
``tools/train_units.py``; shipped as ``bot/resources/units.npz``):

1. a *screen*: logistic regression over hashed word uni- and bigrams plus
   :func:`context_features`; cheap, so it scores every unit of a 700-line meeting;
2. the *classifier*: a one-hidden-layer network over the MiniLM embedding of the unit,
   its context features and the screen's two logits, run on the units the screen ranks
   highest (all of them in an ordinary thread).

Both stages give two independent probabilities per unit: that it records a decision, and
that it states an action item. The same feature functions serve training and inference.
"""

from __future__ import annotations

import itertools
import math
import re
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.protocols import Encoder
from bot.core.text import normalise_quotes
from bot.core.thread.due import find_due

LABELS = ("decision", "action")
HASH_DIM = 1 << 14
SCREEN_KEEP = 48
"""Units embedded per thread: the screen's best for either label (all units of a short thread)."""

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_FIRST_SINGULAR = frozenset({"i", "i'll", "i'm", "i've", "i'd", "me", "my", "ill", "im"})
_FIRST_PLURAL = frozenset({"we", "we'll", "we're", "we've", "we'd", "let's", "lets", "us", "our"})
_SECOND = frozenset({"you", "you'll", "you're", "you've", "your", "u"})
_MODAL = frozenset({"will", "'ll", "shall", "should", "must", "gonna", "need", "needs", "going", "ought"})
_AGREEMENT = frozenset(
    "yeah yes yep ok okay sure right agreed exactly good great fine alright definitely absolutely mm-hmm uh-huh".split()
)
_AGREEMENT_WINDOW = 3
_VOCATIVE = re.compile(r"^\s*(?:@[\w.-]+|[A-Z][\w.-]*)\s*[,:]|@[\w.-]+")

CONTEXT_NAMES: tuple[str, ...] = (
    "position", "last_tenth", "first_tenth", "thread_size", "speaker_change_before",
    "speaker_change_after", "question", "answers_question", "followed_by_question",
    "author_share", "author_is_top", "words", "short", "first_singular", "first_plural",
    "second_person", "modal", "addressee", "due_phrase", "monologue", "agreed_after", "agreed_before",
)
"""Names of the context features, in column order."""


@dataclass(frozen=True)
class Unit:
    """One classifiable unit of a conversation: a sentence and who said it."""

    text: str
    author: str | None
    message_index: int


def words(text: str) -> list[str]:
    """Lowercased word tokens ("I'll" stays one token)."""
    return _WORD.findall(normalise_quotes(text).lower())


def context_features(units: Sequence[Unit]) -> np.ndarray:
    """One row per unit: position, speaker turns, questions, persons, modals, addressee..."""
    n = len(units)
    out = np.zeros((n, len(CONTEXT_NAMES)), dtype=np.float32)
    if n == 0:
        return out
    counts = Counter(u.author for u in units)
    top = counts.most_common(1)[0][0]
    questions = [u.text.rstrip().endswith("?") for u in units]
    agrees = [bool(w) and w[0] in _AGREEMENT for w in (words(u.text) for u in units)]
    run = 0
    for i, unit in enumerate(units):
        tokens = words(unit.text)
        token_set = set(tokens)
        before = units[i - 1].author if i > 0 else None
        after = units[i + 1].author if i + 1 < n else None
        run = run + 1 if i > 0 and before == unit.author else 1
        position = i / max(n - 1, 1)
        out[i] = (
            position,
            float(position >= 0.9),
            float(position <= 0.1),
            math.log1p(n) / 7.0,
            float(i > 0 and before != unit.author),
            float(i + 1 < n and after != unit.author),
            float(questions[i]),
            float(i > 0 and questions[i - 1] and before != unit.author),
            float(i + 1 < n and questions[i + 1] and after != unit.author),
            counts[unit.author] / n,
            float(unit.author == top),
            min(len(tokens), 40) / 20.0,
            float(len(tokens) < 4),
            float(bool(token_set & _FIRST_SINGULAR)),
            float(bool(token_set & _FIRST_PLURAL)),
            float(bool(token_set & _SECOND)),
            float(bool(token_set & _MODAL) or "have to" in unit.text.lower()),
            float(bool(_VOCATIVE.search(unit.text))),
            float(find_due(unit.text) is not None),
            min(run, 10) / 10.0,
            _agreement(units, agrees, i, range(i + 1, min(n, i + 1 + _AGREEMENT_WINDOW))),
            _agreement(units, agrees, i, range(max(0, i - _AGREEMENT_WINDOW), i)),
        )
    return out


def _agreement(units: Sequence[Unit], agrees: Sequence[bool], i: int, window: range) -> float:
    """Share of the other speakers' units in ``window`` that open with agreement ("yeah", "okay")."""
    others = [k for k in window if units[k].author != units[i].author]
    return sum(agrees[k] for k in others) / len(others) if others else 0.0


def hashed_ngrams(text: str) -> list[int]:
    """Column indexes of the unit's word uni- and bigrams (CRC32, ``HASH_DIM`` buckets)."""
    tokens = words(text)
    grams = tokens + [a + " " + b for a, b in itertools.pairwise(tokens)]
    return sorted({zlib.crc32(g.encode("utf-8")) % HASH_DIM for g in grams})


def screen_logits(units: Sequence[Unit], context: np.ndarray, weights: Mapping[str, np.ndarray]) -> np.ndarray:
    """Stage one: ``(n, 2)`` logits from hashed n-grams and context features."""
    lexical: np.ndarray = weights["screen_lexical"]  # (HASH_DIM, 2)
    logits = context @ weights["screen_context"] + weights["screen_bias"]
    for i, unit in enumerate(units):
        columns = hashed_ngrams(unit.text)
        if columns:
            logits[i] += lexical[columns].sum(axis=0)
    return np.asarray(logits, dtype=np.float32)


NEIGHBOUR_WINDOW = 3
NEIGHBOUR_FEATURES = 3 * len(LABELS)


def neighbour_features(screen: np.ndarray) -> np.ndarray:
    """Per unit and label: the screen logit of the unit before, after, and the window's maximum."""
    n = screen.shape[0]
    out = np.zeros((n, NEIGHBOUR_FEATURES), dtype=np.float32)
    low = float(screen.min()) if n else 0.0
    for i in range(n):
        window = screen[max(0, i - NEIGHBOUR_WINDOW) : i + NEIGHBOUR_WINDOW + 1]
        before = screen[i - 1] if i > 0 else np.full(len(LABELS), low)
        after = screen[i + 1] if i + 1 < n else np.full(len(LABELS), low)
        out[i] = np.concatenate([before, after, window.max(axis=0)])
    return out


def classifier_inputs(
    embeddings: np.ndarray, context: np.ndarray, screen: np.ndarray, neighbours: np.ndarray
) -> np.ndarray:
    """Stage-two input rows: embedding, context features, screen logits, neighbours' logits."""
    return np.concatenate([embeddings, context, screen, neighbours], axis=1).astype(np.float32)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0))), dtype=np.float32)


class UnitClassifier:
    """Decision and action-item probabilities for the units of a conversation."""

    def __init__(self, weights: Mapping[str, np.ndarray]) -> None:
        self.weights = {key: np.asarray(value) for key, value in weights.items()}
        self.thresholds = {
            label: float(self.weights["thresholds"][k]) for k, label in enumerate(LABELS)
        }

    @property
    def dim(self) -> int:
        """Embedding width the classifier expects."""
        return int(self.weights["mean"].shape[0]) - len(CONTEXT_NAMES) - len(LABELS) - NEIGHBOUR_FEATURES

    def _network(self, rows: np.ndarray) -> np.ndarray:
        w = self.weights
        x = (rows - w["mean"]) / w["scale"]
        if "w1" not in w:  # a linear model
            return np.asarray(x @ w["w"] + w["b"], dtype=np.float32)
        hidden = np.maximum(x @ w["w1"] + w["b1"], 0.0)
        return np.asarray(hidden @ w["w2"] + w["b2"], dtype=np.float32)

    def probabilities(self, units: Sequence[Unit], encoder: Encoder | None) -> np.ndarray:
        """``(n, 2)``: P(decision), P(action item) per unit.

        Units the screen ranks below the ``SCREEN_KEEP`` best for both labels get 0; so
        does every unit when there is no encoder (the caller falls back on its rules).
        """
        probs = np.zeros((len(units), len(LABELS)), dtype=np.float32)
        if encoder is None or not units:
            return probs
        context = context_features(units)
        screen = screen_logits(units, context, self.weights)
        keep = np.unique(np.concatenate([np.argsort(-screen[:, k])[:SCREEN_KEEP] for k in range(len(LABELS))]))
        embeddings = np.asarray(encoder.encode([units[i].text for i in keep]), dtype=np.float32)
        if embeddings.shape[1] != self.dim:
            return probs
        neighbours = neighbour_features(screen)[keep]
        probs[keep] = _sigmoid(self._network(classifier_inputs(embeddings, context[keep], screen[keep], neighbours)))
        return probs
