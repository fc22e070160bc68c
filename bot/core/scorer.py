"""A learned sentence scorer: a tiny dense network evaluated with numpy over injected weights.

The weights come from ``tools/train_scorer.py`` and are loaded by ``bot.adapters.models``;
this module only does the maths, so the same :func:`sentence_features` serve training and
inference.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from bot.core.text import normalise_quotes
from bot.core.types import Kind

_PTB_TOKENS = {
    "-lrb-": "(", "-rrb-": ")", "-lsb-": "[", "-rsb-": "]", "-lcb-": "{", "-rcb-": "}",
    "``": '"', "''": '"', "`": "'", "--": "-",
}
_PTB_TOKEN = re.compile(r"(?<!\S)(?:-[lr][rsc]b-|``|''|`|--)(?!\S)", re.IGNORECASE)
_SPLIT_HYPHEN = re.compile(r"(?<=\w) - (?=\w)")
_BEFORE_PUNCT = re.compile(r" (?=[.,!?;:%)\]}]|n't\b|'(?:s|re|ve|ll|d|m)\b)")
_AFTER_OPEN = re.compile(r"(?<=[(\[{$]) ")
_WS = re.compile(r"\s+")


def feature_text(text: str) -> str:
    """The form of a sentence the encoder and the features see: lowercase, plain punctuation.

    Training reads lowercased, PTB-tokenised CNN/DM ("the 35 - year - old -lrb- pictured
    -rrb- said `` no ''"); users bring cased raw text with typographic quotes. Both map to
    the same string here ("the 35-year-old (pictured) said \"no\""), so no feature depends
    on casing or on tokenisation artefacts.
    """
    text = _PTB_TOKEN.sub(lambda m: _PTB_TOKENS[m.group(0).lower()], normalise_quotes(text))
    text = _SPLIT_HYPHEN.sub("-", _WS.sub(" ", text).strip())
    text = _AFTER_OPEN.sub("", _BEFORE_PUNCT.sub("", text))
    return text.lower()


SUBSET_FEATURES: tuple[str, ...] = ("one", "two", "three", "words", "words_sq", "max_sim")
"""Features of a whole candidate summary (a subset of sentences), scored by ``{kind}.subset`` weights."""


def subset_features(members: Sequence[int], words: np.ndarray, embeddings: np.ndarray, max_words: int) -> np.ndarray:
    """Feature row of the summary made of the sentences ``members``.

    The sentence count (one-hot), the length as a share of the word budget and its square
    (so a learned weight can prefer a length), and the highest cosine similarity between
    two of its sentences (redundancy).
    """
    row = np.zeros(len(SUBSET_FEATURES), dtype=np.float32)
    row[min(len(members), 3) - 1] = 1.0
    share = float(sum(words[i] for i in members)) / max(max_words, 1)
    row[3], row[4] = share, share * share
    if len(members) > 1:
        sims = embeddings[list(members)] @ embeddings[list(members)].T
        row[5] = float(np.max(sims[np.triu_indices(len(members), 1)]))
    return row

POSITION_BUCKETS: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 7, 10, 15)
"""Lower bounds of the one-hot position buckets (index among the candidate sentences)."""

EXTRA_FEATURES: int = len(POSITION_BUCKETS) + 6
"""Number of hand-made features appended after the embedding."""


def _position_one_hot(position: int) -> np.ndarray:
    bucket = max(i for i, low in enumerate(POSITION_BUCKETS) if position >= low)
    row = np.zeros(len(POSITION_BUCKETS), dtype=np.float32)
    row[bucket] = 1.0
    return row


def sentence_features(embeddings: np.ndarray, word_counts: Sequence[int]) -> np.ndarray:
    """Feature rows for the candidate sentences of one document, in document order.

    Each row is the sentence embedding followed by its cosine similarity to the document
    centroid, its mean similarity to the other sentences, position (one-hot buckets and
    relative), and length features.
    """
    n = embeddings.shape[0]
    if n == 0:
        return np.zeros((0, embeddings.shape[1] + EXTRA_FEATURES), dtype=np.float32)
    centroid = embeddings.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    to_centroid = embeddings @ centroid
    sims = embeddings @ embeddings.T
    mean_sim = (sims.sum(axis=1) - 1.0) / max(n - 1, 1)
    words = np.asarray(word_counts, dtype=np.float32)
    extras = np.zeros((n, EXTRA_FEATURES), dtype=np.float32)
    for i in range(n):
        k = len(POSITION_BUCKETS)
        extras[i, :k] = _position_one_hot(i)
        extras[i, k] = i / max(n - 1, 1)
        extras[i, k + 1] = to_centroid[i]
        extras[i, k + 2] = mean_sim[i]
        extras[i, k + 3] = min(words[i], 80.0) / 40.0
        extras[i, k + 4] = float(words[i] < 8)
        extras[i, k + 5] = float(words[i] > 45)
    return np.concatenate([embeddings.astype(np.float32), extras], axis=1)


class SentenceScorer:
    """Scores feature rows with a per-kind multilayer perceptron (ReLU hidden layers).

    ``weights`` maps ``"{kind}.mean"`` and ``"{kind}.scale"`` (input standardisation) and
    ``"{kind}.w0"``, ``"{kind}.b0"``, ``"{kind}.w1"``... (dense layers, ``x @ w + b``) to
    arrays; a kind without weights is simply not scored (see :meth:`supports`).
    """

    def __init__(self, weights: Mapping[str, np.ndarray]) -> None:
        self._layers: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        self._norm: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._subset: dict[str, np.ndarray] = {}
        for kind in ("article", "thread"):
            layers: list[tuple[np.ndarray, np.ndarray]] = []
            while f"{kind}.w{len(layers)}" in weights:
                i = len(layers)
                w = np.asarray(weights[f"{kind}.w{i}"], dtype=np.float32)
                b = np.asarray(weights[f"{kind}.b{i}"], dtype=np.float32)
                if layers and layers[-1][0].shape[1] != w.shape[0]:
                    raise ValueError(f"{kind} layer {i} expects {w.shape[0]} inputs, gets {layers[-1][0].shape[1]}")
                layers.append((w, b))
            if not layers:
                continue
            dim = layers[0][0].shape[0]
            mean = np.asarray(weights.get(f"{kind}.mean", np.zeros(dim)), dtype=np.float32)
            scale = np.asarray(weights.get(f"{kind}.scale", np.ones(dim)), dtype=np.float32)
            self._layers[kind] = layers
            self._norm[kind] = (mean, np.where(scale > 0, scale, 1.0).astype(np.float32))
            if f"{kind}.subset" in weights:
                self._subset[kind] = np.asarray(weights[f"{kind}.subset"], dtype=np.float32).reshape(-1)

    def supports(self, kind: Kind) -> bool:
        """True when weights for ``kind`` were given."""
        return kind in self._layers

    def input_dim(self, kind: Kind) -> int:
        """Width of the feature rows the ``kind`` network expects."""
        return int(self._layers[kind][0][0].shape[0])

    def subset_weights(self, kind: Kind) -> np.ndarray | None:
        """Weights of :func:`subset_features` for ``kind``, or ``None`` when the file has none."""
        weights = self._subset.get(kind)
        return weights if weights is not None and weights.shape[0] == len(SUBSET_FEATURES) else None

    def logits(self, features: np.ndarray, kind: Kind = "article") -> np.ndarray:
        """The network's raw output, one per feature row (what summaries of sentences add up)."""
        if kind not in self._layers:
            raise KeyError(f"no scorer weights for {kind!r}")
        mean, scale = self._norm[kind]
        x = (np.asarray(features, dtype=np.float32) - mean) / scale
        layers = self._layers[kind]
        for i, (w, b) in enumerate(layers):
            x = x @ w + b
            if i < len(layers) - 1:
                x = np.maximum(x, 0.0)
        return x.reshape(-1)

    def score(self, features: np.ndarray, kind: Kind = "article") -> np.ndarray:
        """Probability-like scores in (0, 1), one per feature row (higher: more summary-worthy)."""
        return 1.0 / (1.0 + np.exp(-self.logits(features, kind)))
