"""The training code on tiny invented documents: labels match rouge_score, weights decode the same in numpy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest

from bot.core.scorer import SentenceScorer
from tools import train_scorer as ts
from tools.embed_cache import EmbeddingCache
from tools.train_examples import Example

SENTENCES = [
    "The council approved the new bus budget on Monday.",
    "The budget adds forty buses and more night services.",
    "Critics said cyclists were ignored by the plan.",
    "The weather was mild for the time of year.",
]


def test_subset_rouge_matches_rouge_score() -> None:
    from rouge_score import rouge_scorer

    rouge = ts.Rouge()
    reference = "The council approved a bus budget with forty more buses."
    members = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1]], dtype=np.float32)
    grams = [rouge.grams(s) for s in SENTENCES]
    ref = rouge.grams(reference)
    r1 = ts.subset_f1(members, [g[0] for g in grams], ref[0])
    official = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    for row, chosen in zip(r1, ([0], [0, 1], [2, 3]), strict=True):
        expected = official.score(reference, "\n".join(SENTENCES[i] for i in chosen))["rouge1"].fmeasure
        assert row == pytest.approx(expected, abs=1e-6)
    assert ts.subset_f1(members[:1], [Counter({"x": 1})] * 4, Counter({"y": 1}))[0] == 0.0


def _cache(tmp_path, texts: list[str]) -> EmbeddingCache:  # type: ignore[no-untyped-def]
    cache = EmbeddingCache("tiny", folder=tmp_path)
    rng = np.random.default_rng(0)

    def encode(batch: Sequence[str]) -> np.ndarray:
        vectors = rng.normal(size=(len(batch), 384)).astype(np.float32)
        unit: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        return unit

    cache.fill(texts, encode)
    return cache


def test_trained_weights_decode_the_same_in_numpy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.core.scorer import feature_text

    examples = [
        Example(str(i), SENTENCES, SENTENCES, [SENTENCES[i % 2] + " " + SENTENCES[2]], SENTENCES, SENTENCES[:3])
        for i in range(24)
    ]
    cache = _cache(tmp_path, [feature_text(s) for s in SENTENCES])
    again = EmbeddingCache("tiny", folder=tmp_path)  # shards load back
    assert not again.missing(feature_text(s) for s in SENTENCES)
    prepared = ts.prepare("article", examples, cache, ts.Rouge())
    assert prepared and all(p.rouge1.max() > 0 for p in prepared)
    weights, dev_r1 = ts.train_kind("article", prepared[:16], prepared[16:], 8, 0.1, 3)
    assert ts.decoded_rouge1("article", prepared[16:], SentenceScorer(weights)) == pytest.approx(dev_r1, abs=1e-4)
    assert SentenceScorer(weights).subset_weights("article") is not None
