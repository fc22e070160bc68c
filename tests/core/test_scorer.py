"""The learned scorer's maths, its feature rows, and the shipped weights file."""

from __future__ import annotations

import numpy as np
import pytest

from bot.core.scorer import (
    EXTRA_COLUMNS,
    EXTRA_FEATURES,
    PLAIN_EXTRA_FEATURES,
    POSITION_BUCKETS,
    SUBSET_FEATURES,
    Lexicon,
    SentenceScorer,
    content_words,
    feature_text,
    feature_width,
    sentence_features,
    subset_columns,
    subset_features,
)
from bot.core.types import Kind
from tests.conftest import REPO_ROOT

RESOURCES = REPO_ROOT / "bot" / "resources"
K = len(POSITION_BUCKETS)


def _unit(rows: list[list[float]]) -> np.ndarray:
    x = np.asarray(rows, dtype=np.float32)
    unit: np.ndarray = x / np.linalg.norm(x, axis=1, keepdims=True)
    return unit


TEXTS = ["police arrested two men in london on friday", "the two men were held in london", "weather was fine?"]


def _features(emb: np.ndarray, words: list[int], texts: list[str] | None = None, kind: Kind = "article") -> np.ndarray:
    texts = texts if texts is not None else [f"sentence {i}" for i in range(len(words))]
    return sentence_features(emb, words, texts, Lexicon.of(texts, texts), kind)


def test_sentence_features_layout() -> None:
    emb = _unit([[1, 0, 0], [1, 1, 0], [0, 0, 1]])
    feats = _features(emb, [5, 20, 100], TEXTS)
    assert feats.shape == (3, feature_width(3, "article")) == (3, 6 + EXTRA_FEATURES)
    np.testing.assert_allclose(feats[:, :3], emb)
    centroid = emb.mean(axis=0) / np.linalg.norm(emb.mean(axis=0))
    np.testing.assert_allclose(feats[:, 3:6], emb * centroid, rtol=1e-5)  # the centroid-product block
    extras = feats[:, 6:]
    col = {name: i for i, name in enumerate(EXTRA_COLUMNS)}
    # One-hot position buckets: sentence i falls in bucket i for the first buckets.
    np.testing.assert_array_equal(extras[:, :K].argmax(axis=1), [0, 1, 2])
    np.testing.assert_array_equal(extras[:, :K].sum(axis=1), [1, 1, 1])
    np.testing.assert_allclose(extras[:, col["relative_position"]], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(extras[:, col["to_centroid"]], emb @ centroid, rtol=1e-5)
    np.testing.assert_allclose(extras[0, col["mean_similarity"]], (emb[0] @ emb[1] + emb[0] @ emb[2]) / 2, rtol=1e-5)
    np.testing.assert_allclose(extras[:, col["words"]], [5 / 40, 20 / 40, 80 / 40])
    np.testing.assert_array_equal(extras[:, col["short"]], [1, 0, 0])
    np.testing.assert_array_equal(extras[:, col["long"]], [0, 0, 1])
    np.testing.assert_allclose(extras[:, col["to_first"]], emb @ emb[0], rtol=1e-5)
    np.testing.assert_allclose(extras[0, col["max_similarity"]], emb[0] @ emb[1], rtol=1e-5)
    # the first two sentences share "men" and "london" ("two" is a stop word); the third shares nothing
    assert extras[0, col["lexical_centrality"]] > 0 and extras[2, col["lexical_centrality"]] == 0
    np.testing.assert_allclose(extras[:, col["repeated_share"]], [2 / 5, 2 / 3, 0.0], rtol=1e-5)
    np.testing.assert_allclose(extras[:, col["shared_with_first"]], [1.0, 2 / 3, 0.0], rtol=1e-5)
    np.testing.assert_array_equal(extras[:, col["question"]], [0, 0, 1])
    np.testing.assert_array_equal(extras[:, col["has_number"]], [0, 0, 0])


def test_plain_layout_is_the_embedding_and_the_leading_extras() -> None:
    emb = _unit([[1, 0, 0], [1, 1, 0], [0, 0, 1]])
    rich, plain = _features(emb, [5, 20, 100], TEXTS), _features(emb, [5, 20, 100], TEXTS, "thread")
    assert plain.shape == (3, feature_width(3, "thread")) == (3, 3 + PLAIN_EXTRA_FEATURES)
    np.testing.assert_allclose(plain[:, :3], emb)
    np.testing.assert_allclose(plain[:, 3:], rich[:, 6 : 6 + PLAIN_EXTRA_FEATURES])


def test_content_words_drop_stop_words_and_single_letters() -> None:
    assert content_words("the 3 men were held in london, a city") == ["men", "held", "london", "city"]


@pytest.mark.parametrize(("position", "bucket"), [(0, 0), (4, 4), (5, 5), (6, 5), (9, 6), (10, 7), (14, 7), (15, 8), (40, 8)])
def test_position_buckets(position: int, bucket: int) -> None:
    emb = np.eye(position + 1, 4, dtype=np.float32)
    emb[4:, 0] = 1.0  # rows past the identity need a nonzero norm
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    feats = _features(emb, [10] * (position + 1))
    assert int(feats[position, 8 : 8 + K].argmax()) == bucket


def test_empty_document_gives_no_rows() -> None:
    assert _features(np.zeros((0, 8), np.float32), []).shape == (0, feature_width(8, "article"))


def test_linear_scorer_is_standardised_logistic() -> None:
    w = np.array([[2.0], [-1.0]], dtype=np.float32)
    scorer = SentenceScorer(
        {
            "article.mean": np.array([1.0, 0.0]),
            "article.scale": np.array([2.0, 1.0]),
            "article.w0": w,
            "article.b0": np.array([0.5]),
        }
    )
    x = np.array([[3.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    logits = ((x - [1.0, 0.0]) / [2.0, 1.0]) @ w[:, 0] + 0.5
    np.testing.assert_allclose(scorer.score(x, "article"), 1 / (1 + np.exp(-logits)), rtol=1e-6)
    assert scorer.supports("article") and not scorer.supports("thread")
    assert scorer.input_dim("article") == 2


def test_hidden_layer_uses_relu() -> None:
    scorer = SentenceScorer(
        {
            "thread.w0": np.array([[1.0, -1.0]], dtype=np.float32),
            "thread.b0": np.zeros(2, dtype=np.float32),
            "thread.w1": np.array([[1.0], [1.0]], dtype=np.float32),
            "thread.b1": np.zeros(1, dtype=np.float32),
        }
    )
    # relu(x) + relu(-x) == |x|, so scores are sigmoid(|x|).
    x = np.array([[2.0], [-3.0], [0.0]], dtype=np.float32)
    np.testing.assert_allclose(scorer.score(x, "thread"), 1 / (1 + np.exp(-np.abs(x[:, 0]))), rtol=1e-6)


def test_missing_kind_and_bad_shapes_are_reported() -> None:
    scorer = SentenceScorer({"article.w0": np.ones((2, 1)), "article.b0": np.zeros(1)})
    with pytest.raises(KeyError):
        scorer.score(np.ones((1, 2)), "thread")
    with pytest.raises(ValueError, match="layer 1"):
        SentenceScorer({"article.w0": np.ones((2, 3)), "article.b0": np.zeros(3), "article.w1": np.ones((4, 1)), "article.b1": np.zeros(1)})


def test_shipped_weights_fit_minilm_features() -> None:
    path = RESOURCES / "scorer.npz"
    assert path.stat().st_size < 1_000_000
    with np.load(path) as data:
        scorer = SentenceScorer(dict(data))
    for kind in ("article", "thread"):
        assert scorer.supports(kind)
        assert scorer.input_dim(kind) == feature_width(384, kind)
        scores = scorer.score(np.zeros((3, feature_width(384, kind)), np.float32), kind)
        assert scores.shape == (3,) and np.all((scores > 0) & (scores < 1))
        subset = scorer.subset_weights(kind)
        assert subset is not None and subset.shape == (len(subset_columns(kind)),)


def test_subset_features() -> None:
    emb = _unit([[1, 0], [1, 1], [0, 1]])
    words = np.array([10.0, 20.0, 45.0], dtype=np.float32)
    lexicon = Lexicon.of(TEXTS, TEXTS)
    row = subset_features((0, 2), words, emb, 75, lexicon, "article")
    np.testing.assert_allclose(row[:6], [0, 1, 0, 55 / 75, (55 / 75) ** 2, 0.0], atol=1e-6)
    row = subset_features((0, 1, 2), words, emb, 75, lexicon, "article")
    assert row[2] == 1 and row[5] == pytest.approx(float(emb[0] @ emb[1]))
    assert subset_features((1,), words, emb, 75, lexicon, "article")[5] == 0.0
    # coverage: "men" and "london" are the only repeated content words; sentence 2 has neither
    coverage = SUBSET_FEATURES.index("coverage")
    assert subset_features((0,), words, emb, 75, lexicon, "article")[coverage] == pytest.approx(1.0)
    assert subset_features((2,), words, emb, 75, lexicon, "article")[coverage] == 0.0
    # threads have no coverage column
    thread_row = subset_features((0, 2), words, emb, 75, lexicon, "thread")
    np.testing.assert_allclose(thread_row, [0, 1, 0, 55 / 75, (55 / 75) ** 2, 0.0], atol=1e-6)


def test_subset_weights_of_the_wrong_width_are_ignored() -> None:
    base = {"article.w0": np.ones((2, 1)), "article.b0": np.zeros(1)}
    assert SentenceScorer(base).subset_weights("article") is None
    assert SentenceScorer({**base, "article.subset": np.ones(3)}).subset_weights("article") is None
    good = SentenceScorer({**base, "article.subset": np.ones(len(SUBSET_FEATURES))})
    np.testing.assert_array_equal(good.subset_weights("article"), np.ones(len(SUBSET_FEATURES)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-lrb- cnn -rrb- -- the 35 - year - old", "(cnn) - the 35-year-old"),
        ("He said “No.”", 'he said "no."'),
        ("it 's $ 5 , he wo n't pay", "it's $5, he won't pay"),
        ("`` go ! ''", '" go! "'),
    ],
)
def test_feature_text(text: str, expected: str) -> None:
    assert feature_text(text) == expected
