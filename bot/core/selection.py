"""Extractive selection shared by the article and thread summaries: rank candidates, pick a subset.

Candidates are embedded with one batched encoder call per document. They are ranked by
an unsupervised score (similarity to the document centroid plus a lead prior for articles,
length and opener priors for threads), or by the learned
:class:`~bot.core.scorer.SentenceScorer`'s logits when one is injected, then chosen under a
sentence and word budget with trigram blocking against redundancy, and returned in
document order.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np

from bot.core.protocols import Encoder
from bot.core.scorer import (
    Lexicon,
    SentenceScorer,
    feature_text,
    feature_width,
    sentence_features,
    subset_features,
)
from bot.core.types import Kind

logger = logging.getLogger(__name__)

ARTICLE_MAX_SENTENCES = 3
ARTICLE_MAX_WORDS = 75
THREAD_MAX_SENTENCES = 2
THREAD_MAX_WORDS = 60

LEAD_WEIGHT = 1.0
LEAD_DECAY = 3.0
LENGTH_WEIGHT = 0.3
OPENER_WEIGHT = 0.4
LEARNED_WEIGHT: dict[Kind, float] = {"article": 1.0, "thread": 1.0}
"""Scale of the learned scorer's logits per kind; 0 ranks that kind with the unsupervised priors."""
REDUNDANT_SIMILARITY = 0.9

_WORD = re.compile(r"\w+")

BUDGET: dict[Kind, tuple[int, int]] = {
    "article": (ARTICLE_MAX_SENTENCES, ARTICLE_MAX_WORDS),
    "thread": (THREAD_MAX_SENTENCES, THREAD_MAX_WORDS),
}
"""(sentences, words) a summary of each kind may use."""


def select(
    candidates: Sequence[Candidate],
    document: Sequence[str],
    encoder: Encoder,
    scorer: SentenceScorer | None,
    kind: Kind,
    budget: tuple[int, int] | None = None,
) -> list[str]:
    """The chosen candidates' shown texts, in document order, within ``budget`` (sentences,
    words; ``kind``'s by default).

    ``document`` is every unit of the document (for the lexical features of the learned scorer).
    """
    max_sentences, max_words = budget or BUDGET[kind]
    if len(candidates) <= 1:
        return [fit_words(c.shown, max_words) for c in candidates]
    embedded = [feature_text(c.embedded) for c in candidates]
    embeddings = np.asarray(encoder.encode(embedded), dtype=np.float32)  # one batched call
    words = np.asarray([c.words for c in candidates], dtype=np.float32)
    lexicon = Lexicon.of(embedded, [feature_text(u) for u in document])
    scores = rank_scores(embeddings, [c.words for c in candidates], scorer, kind, embedded, lexicon)
    subset_weights = scorer.subset_weights(kind) if scorer is not None and uses_learned(scorer, kind) else None
    blocked = redundant_pairs(embedded, embeddings)
    picked = choose_subset(
        scores, words, embeddings, blocked, max_sentences, max_words, lexicon, kind, subset_weights
    )
    return [fit_words(candidates[i].shown, max_words) for i in sorted(picked)]


@dataclass(frozen=True)
class Candidate:
    """One selectable unit: the text shown (with "Author: " in threads), the text embedded, its length."""

    shown: str
    embedded: str
    words: int


def summary_words(text: str) -> int:
    """Length of a candidate in words as the budget counts them: PTB artefacts and lone
    punctuation do not count, so tokenised and raw text of one sentence have one length."""
    return sum(1 for token in feature_text(text).split() if _WORD.search(token))


def word_tokens(text: str) -> list[str]:
    """The word tokens (runs of letters, digits and underscores) of ``text``."""
    return _WORD.findall(text)


def unsupervised_scores(embeddings: np.ndarray, words: np.ndarray, kind: Kind) -> np.ndarray:
    """Similarity to the centroid plus a lead prior (articles) or length and opener priors (threads)."""
    centroid = embeddings.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    scores: np.ndarray = embeddings @ centroid
    if kind == "article":
        positions = np.arange(len(words), dtype=np.float32)
        lead: np.ndarray = scores + LEAD_WEIGHT * np.exp(-positions / LEAD_DECAY)
        return lead
    scores = scores + LENGTH_WEIGHT * np.minimum(words, 30.0) / 30.0
    scores[0] += OPENER_WEIGHT  # the opening message usually states what the thread is about
    return scores


def uses_learned(scorer: SentenceScorer | None, kind: Kind, dim: int | None = None) -> bool:
    """Whether ``scorer`` ranks ``kind`` documents (it has weights of the right width for them)."""
    if scorer is None or LEARNED_WEIGHT[kind] <= 0 or not scorer.supports(kind):
        return False
    return dim is None or scorer.input_dim(kind) == feature_width(dim, kind)


def rank_scores(
    embeddings: np.ndarray,
    word_counts: Sequence[int],
    scorer: SentenceScorer | None,
    kind: Kind,
    texts: Sequence[str],
    lexicon: Lexicon,
) -> np.ndarray:
    """Per-sentence scores: the learned scorer's logits when it has ``kind`` weights, else the priors.

    ``texts`` are the candidates in feature_text form and ``lexicon`` their content words in
    the document (see :func:`~bot.core.scorer.sentence_features`).
    """
    words = np.asarray(word_counts, dtype=np.float32)
    if not uses_learned(scorer, kind):
        return unsupervised_scores(embeddings, words, kind)
    assert scorer is not None
    if not uses_learned(scorer, kind, embeddings.shape[1]):
        logger.warning(
            "Scorer expects %d features but the encoder gives %d; using the unsupervised ranking",
            scorer.input_dim(kind),
            feature_width(embeddings.shape[1], kind),
        )
        return unsupervised_scores(embeddings, words, kind)
    features = sentence_features(embeddings, word_counts, texts, lexicon, kind)
    return LEARNED_WEIGHT[kind] * scorer.logits(features, kind)


@lru_cache(maxsize=64)
def candidate_subsets(n: int, max_sentences: int) -> tuple[tuple[int, ...], ...]:
    """Every non-empty set of at most ``max_sentences`` of ``n`` candidates, as sorted index tuples."""
    return tuple(c for k in range(1, max_sentences + 1) for c in combinations(range(n), k))


def redundant_pairs(texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
    """``[i, j]`` is true when candidates i and j share a word trigram or are near-duplicates in meaning."""
    grams = [_trigrams(t) for t in texts]
    blocked: np.ndarray = embeddings @ embeddings.T > REDUNDANT_SIMILARITY
    for i, j in combinations(range(len(texts)), 2):
        if grams[i] & grams[j]:
            blocked[i, j] = blocked[j, i] = True
    return blocked


def allowed_subsets(
    words: np.ndarray, blocked: np.ndarray, max_sentences: int, max_words: int
) -> list[tuple[int, ...]]:
    """The candidate summaries within the budgets without a redundant pair (shared with training)."""
    return [
        members
        for members in candidate_subsets(len(words), max_sentences)
        if sum(words[i] for i in members) <= max_words
        and not any(blocked[i, j] for i, j in combinations(members, 2))
    ]


def choose_subset(
    scores: np.ndarray,
    words: np.ndarray,
    embeddings: np.ndarray,
    blocked: np.ndarray,
    max_sentences: int,
    max_words: int,
    lexicon: Lexicon,
    kind: Kind,
    subset_weights: np.ndarray | None = None,
) -> list[int]:
    """The allowed summary with the highest total: its sentences' scores plus, when given, the
    learned weights of its :func:`~bot.core.scorer.subset_features` (length, redundancy).

    Without ``subset_weights`` the total is the sum of scores. When no summary fits the
    budget (one sentence longer than ``max_words``), the best-scored sentence alone.
    """
    best: tuple[int, ...] = ()
    best_value = -np.inf
    for members in allowed_subsets(words, blocked, max_sentences, max_words):
        value = float(sum(scores[i] for i in members))
        if subset_weights is not None:
            row = subset_features(members, words, embeddings, max_words, lexicon, kind)
            value += float(row @ subset_weights)
        if value > best_value:
            best, best_value = members, value
    return list(best) if best else [int(np.argmax(scores))]


def fit_words(text: str, max_words: int) -> str:
    """``text`` itself when it fits ``max_words``, else its verbatim first words and "…".

    Only a lone sentence longer than the whole budget is cut: the cut prefers the last
    clause break (comma, semicolon, colon, dash) in the second half of the budget.
    """
    matches = list(re.finditer(r"\S+", text))
    if len(matches) <= max_words:
        return text
    # Cut in the original string so the kept part stays a verbatim prefix.
    head = text[: matches[max_words - 1].end()]
    floor = matches[max_words // 2].end()
    clause = max(head.rfind(mark, floor) for mark in (",", ";", ":", " -", " —", " –"))
    return (head[:clause] if clause > 0 else head).rstrip(" ,;:-—–") + "…"


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}
