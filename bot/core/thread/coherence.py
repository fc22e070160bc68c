"""Which units of a thread stay on its topic: chatter (lunch, a lost charger, a joke) is what the
rest of the thread does not talk about.

A unit's coherence is its cosine with the mean of every *other* unit (leave-one-out, so a
side conversation cannot pull the centre towards itself), plus its cosine with the anchor
(the first message, which states the topic) where there is one. Only the units in the top
``ON_TOPIC_SHARE`` of their thread are summary material: what the thread is about is, by
construction, what most of it shares with its anchor.
"""

from __future__ import annotations

import numpy as np

MIN_UNITS = 4
"""Fewer units than this give no stable centre: every unit counts as on topic."""
ON_TOPIC_SHARE = 0.4


def centrality(embeddings: np.ndarray) -> np.ndarray:
    """Cosine of each row with the normalised mean of all the other rows (unit-length rows)."""
    n = embeddings.shape[0]
    if n < 2:
        return np.ones(n, dtype=np.float32)
    others = embeddings.sum(axis=0, keepdims=True) - embeddings
    others /= np.maximum(np.linalg.norm(others, axis=1, keepdims=True), 1e-9)
    return np.asarray((embeddings * others).sum(axis=1), dtype=np.float32)


def on_topic(embeddings: np.ndarray, anchor: np.ndarray | None = None) -> np.ndarray:
    """A boolean per unit: among the thread's most coherent ``ON_TOPIC_SHARE`` (see the module
    docstring); ``anchor`` is the anchor's unit-length embedding."""
    n = embeddings.shape[0]
    if n < MIN_UNITS:
        return np.ones(n, dtype=bool)
    scores = centrality(embeddings)
    if anchor is not None:
        scores = scores + embeddings @ anchor
    return np.asarray(scores >= np.quantile(scores, 1.0 - ON_TOPIC_SHARE), dtype=bool)
