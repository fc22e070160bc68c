"""A learned sentence scorer: a tiny dense network evaluated with numpy over injected weights.

The weights come from ``tools/train_scorer.py`` and are loaded by ``bot.adapters.models``;
this module only does the maths, so the same :func:`sentence_features` serve training and
inference.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.core.text import normalise_quotes, normalise_ws
from bot.core.types import Kind

_PTB_TOKENS = {
    "-lrb-": "(", "-rrb-": ")", "-lsb-": "[", "-rsb-": "]", "-lcb-": "{", "-rcb-": "}",
    "``": '"', "''": '"', "`": "'", "--": "-",
}
_PTB_TOKEN = re.compile(r"(?<!\S)(?:-[lr][rsc]b-|``|''|`|--)(?!\S)", re.IGNORECASE)
_SPLIT_HYPHEN = re.compile(r"(?<=\w) - (?=\w)")
_BEFORE_PUNCT = re.compile(r" (?=[.,!?;:%)\]}]|n't\b|'(?:s|re|ve|ll|d|m)\b)")
_AFTER_OPEN = re.compile(r"(?<=[(\[{$]) ")


def feature_text(text: str) -> str:
    """The form of a sentence the encoder and the features see: lowercase, plain punctuation.

    Training reads lowercased, PTB-tokenised CNN/DM ("the 35 - year - old -lrb- pictured
    -rrb- said `` no ''"); users bring cased raw text with typographic quotes. Both map to
    the same string here ("the 35-year-old (pictured) said \"no\""), so no feature depends
    on casing or on tokenisation artefacts.
    """
    text = _PTB_TOKEN.sub(lambda m: _PTB_TOKENS[m.group(0).lower()], normalise_quotes(text))
    text = _SPLIT_HYPHEN.sub("-", normalise_ws(text))
    text = _AFTER_OPEN.sub("", _BEFORE_PUNCT.sub("", text))
    return text.lower()


_CONTENT_TOKEN = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words (imported on first use: the pipeline has spaCy loaded by then)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def content_words(text: str) -> list[str]:
    """The words of ``text`` (in :func:`feature_text` form) that carry content: no stop words, no single letters."""
    stop = stop_words()
    return [w for w in _CONTENT_TOKEN.findall(text) if len(w) > 1 and w not in stop]


@dataclass(frozen=True)
class Lexicon:
    """The content words of a document's candidates as a 0/1 matrix, and how often each occurs in the document.

    Built once per document by :meth:`of`; it feeds the lexical columns of
    :func:`sentence_features` and the coverage column of :func:`subset_features`.
    """

    present: np.ndarray  # (n, V) 1 where candidate i has word v
    counts: np.ndarray  # (n, V) how often candidate i has word v
    document: np.ndarray  # (V,) how often the whole document has word v (candidates included)
    document_units: int

    @classmethod
    def of(cls, candidates: Sequence[str], document: Sequence[str]) -> Lexicon:
        """``candidates`` and ``document`` (every unit of it, the candidates among them) in feature_text form."""
        words = [content_words(t) for t in candidates]
        vocab = {w: i for i, w in enumerate(dict.fromkeys(w for ws in words for w in ws))}
        counts = np.zeros((len(candidates), len(vocab)), dtype=np.float32)
        for i, ws in enumerate(words):
            for w in ws:
                counts[i, vocab[w]] += 1
        doc_counts = np.zeros(len(vocab), dtype=np.float32)
        for unit in document:
            for w in content_words(unit):
                if w in vocab:
                    doc_counts[vocab[w]] += 1
        return cls((counts > 0).astype(np.float32), counts, np.maximum(doc_counts, counts.sum(0)), len(document))


SUBSET_FEATURES: tuple[str, ...] = ("one", "two", "three", "words", "words_sq", "max_sim", "coverage")
"""Features of a whole candidate summary (a subset of sentences), scored by ``{kind}.subset`` weights
(``coverage`` only for kinds in :data:`LEXICAL_KINDS`)."""

LEXICAL_KINDS: frozenset[Kind] = frozenset({"article"})
"""Kinds whose feature rows carry the centroid-product block and the lexical columns (and whose
summaries the coverage column). Chosen on validation: they raised CNN/DM validation ROUGE-1, and
left SAMSum + DialogSum validation where the plain layout had it, so threads keep the plain one."""


def subset_columns(kind: Kind) -> tuple[str, ...]:
    """The :data:`SUBSET_FEATURES` a ``kind`` summary is described by."""
    return SUBSET_FEATURES if kind in LEXICAL_KINDS else SUBSET_FEATURES[:-1]


def subset_features(
    members: Sequence[int], words: np.ndarray, embeddings: np.ndarray, max_words: int, lexicon: Lexicon, kind: Kind
) -> np.ndarray:
    """Feature row of the summary made of the sentences ``members``.

    The sentence count (one-hot), the length as a share of the word budget and its square
    (so a learned weight can prefer a length), the highest cosine similarity between two of
    its sentences (redundancy), and the share of the document's repeated content words
    (weighted by how often the document uses them beyond once) that it contains; the
    columns of :func:`subset_columns` for ``kind``.
    """
    row = np.zeros(len(subset_columns(kind)), dtype=np.float32)
    row[min(len(members), 3) - 1] = 1.0
    share = float(sum(words[i] for i in members)) / max(max_words, 1)
    row[3], row[4] = share, share * share
    chosen = list(members)
    if len(members) > 1:
        sims = embeddings[chosen] @ embeddings[chosen].T
        row[5] = float(np.max(sims[np.triu_indices(len(members), 1)]))
    repeated = np.maximum(lexicon.document - 1.0, 0.0)
    if kind in LEXICAL_KINDS and repeated.sum() > 0:
        row[6] = float(lexicon.present[chosen].max(axis=0) @ repeated / repeated.sum())
    return row


POSITION_BUCKETS: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 7, 10, 15)
"""Lower bounds of the one-hot position buckets (index among the candidate sentences)."""

EXTRA_COLUMNS: tuple[str, ...] = (
    *(f"position>={b}" for b in POSITION_BUCKETS),
    "relative_position", "to_centroid", "mean_similarity", "words", "short", "long",
    "to_first", "max_similarity", "lexical_centrality", "repeated_share", "shared_with_first",
    "has_number", "has_quote", "question", "document_units", "content_share",
)
"""Names of the hand-made columns appended after the embedding (and its product with the centroid)."""

EXTRA_FEATURES: int = len(EXTRA_COLUMNS)
"""Number of hand-made features appended after the embedding (kinds in :data:`LEXICAL_KINDS`)."""

PLAIN_EXTRA_FEATURES: int = EXTRA_COLUMNS.index("long") + 1
"""The other kinds' rows end after the position, similarity and length columns."""

_DIGIT = re.compile(r"\d")
_QUOTE = re.compile(r"[\"“”]")


def feature_width(dim: int, kind: Kind) -> int:
    """Width of a ``kind`` feature row for embeddings of ``dim`` dimensions."""
    return 2 * dim + EXTRA_FEATURES if kind in LEXICAL_KINDS else dim + PLAIN_EXTRA_FEATURES


def _position_one_hot(position: int) -> np.ndarray:
    bucket = max(i for i, low in enumerate(POSITION_BUCKETS) if position >= low)
    row = np.zeros(len(POSITION_BUCKETS), dtype=np.float32)
    row[bucket] = 1.0
    return row


def _cosine_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.where(norms > 0, (a * b).sum(axis=1) / np.maximum(norms, 1e-9), 0.0)


def sentence_features(
    embeddings: np.ndarray, word_counts: Sequence[int], texts: Sequence[str], lexicon: Lexicon, kind: Kind
) -> np.ndarray:
    """Feature rows for the candidate sentences of one document, in document order.

    Each row is the sentence embedding, its elementwise product with the document centroid
    (so the network can weigh how the sentence relates to its document), then
    :data:`EXTRA_COLUMNS`: position (one-hot buckets and relative), similarity to the
    centroid, to the first candidate and to the other candidates, length, and lexical
    features from ``texts`` (feature_text form) and ``lexicon``: how central the sentence's
    content words are in the whole document, what share of them the document repeats, what
    it shares with the first candidate, numbers, quotation marks, questions. Kinds outside
    :data:`LEXICAL_KINDS` get the embedding and the first :data:`PLAIN_EXTRA_FEATURES` extras.
    """
    n, dim = embeddings.shape
    if n == 0:
        return np.zeros((0, feature_width(dim, kind)), dtype=np.float32)
    centroid = embeddings.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    to_centroid = embeddings @ centroid
    sims = embeddings @ embeddings.T
    others = sims - 2.0 * np.eye(n, dtype=np.float32)
    mean_sim = (sims.sum(axis=1) - 1.0) / max(n - 1, 1)
    words = np.asarray(word_counts, dtype=np.float32)
    rest = lexicon.document[None, :] - lexicon.counts  # the document without the sentence itself
    centrality = _cosine_rows(lexicon.counts, rest)
    sizes = lexicon.present.sum(axis=1)
    repeated = (lexicon.present * (rest > 0)).sum(axis=1) / np.maximum(sizes, 1.0)
    shared_first = (lexicon.present * lexicon.present[:1]).sum(axis=1) / np.maximum(sizes, 1.0)
    extras = np.zeros((n, EXTRA_FEATURES), dtype=np.float32)
    k = len(POSITION_BUCKETS)
    for i in range(n):
        extras[i, :k] = _position_one_hot(i)
        tokens = max(len(texts[i].split()), 1)
        extras[i, k:] = (
            i / max(n - 1, 1),
            to_centroid[i],
            mean_sim[i],
            min(words[i], 80.0) / 40.0,
            float(words[i] < 8),
            float(words[i] > 45),
            sims[i, 0],
            float(others[i].max()) if n > 1 else 0.0,
            centrality[i],
            repeated[i],
            shared_first[i],
            float(bool(_DIGIT.search(texts[i]))),
            float(bool(_QUOTE.search(texts[i]))),
            float(texts[i].rstrip().endswith("?")),
            np.log1p(lexicon.document_units) / 4.0,
            sizes[i] / tokens,
        )
    if kind not in LEXICAL_KINDS:
        return np.concatenate([embeddings.astype(np.float32), extras[:, :PLAIN_EXTRA_FEATURES]], axis=1)
    context = embeddings * centroid[None, :]
    return np.concatenate([embeddings.astype(np.float32), context.astype(np.float32), extras], axis=1)


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
        return weights if weights is not None and weights.shape[0] == len(subset_columns(kind)) else None

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
        flat: np.ndarray = x.reshape(-1)
        return flat

    def score(self, features: np.ndarray, kind: Kind = "article") -> np.ndarray:
        """Probability-like scores in (0, 1), one per feature row (higher: more summary-worthy)."""
        scores: np.ndarray = 1.0 / (1.0 + np.exp(-self.logits(features, kind)))
        return scores
