"""The summary of an article: its most summary-worthy leading sentences, verbatim."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.article.sentences import (
    article_units,
    clean_article_unit,
    is_article_sentence,
    split_glued_captions,
    starts_inside,
)
from bot.core.protocols import Encoder
from bot.core.scorer import SentenceScorer
from bot.core.selection import Candidate, select, summary_words, word_tokens

ARTICLE_MAX_CANDIDATES = 6
"""Only the first candidates are embedded: news puts its gist up front, and this bounds latency."""


def summarise_article(parsed: Any, encoder: Encoder, scorer: SentenceScorer | None = None) -> list[str]:
    """Pick 1-3 verbatim sentences (at most ~75 words in all) from a parsed article, in order."""
    units = article_units(parsed)
    candidates = [Candidate(u, u, summary_words(u)) for u in article_candidate_texts(units)]
    return select(candidates, units, encoder, scorer, "article")


def article_candidates(parsed: Any) -> list[Candidate]:
    """Selectable sentences of a parsed article (see :func:`article_candidate_texts`)."""
    return [Candidate(u, u, summary_words(u)) for u in article_candidate_texts(article_units(parsed))]


def article_candidate_texts(units: Sequence[str]) -> list[str]:
    """The leading units that may enter an article summary, split at glued captions, cleaned of boilerplate.

    In cased text (most units start with a capital) a unit starting in lowercase is a fragment
    and is dropped; lowercased input (the training text) skips that test. Shared with
    ``tools.train_examples`` so that training sees the same candidates.
    """
    cleaned = [clean_article_unit(piece) for u in units for piece in split_glued_captions(u)]
    cased = sum(not starts_inside(u) for u in cleaned) > len(cleaned) / 2
    kept = [u for u in cleaned if is_article_sentence(u) and not (cased and starts_inside(u))]
    if not kept:  # Headline-only or caption-only input: fall back to whatever has words.
        kept = [u for u in cleaned if word_tokens(u)]
    return kept[:ARTICLE_MAX_CANDIDATES]
