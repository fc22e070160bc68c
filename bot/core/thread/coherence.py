"""Which units of a thread stay on its topic: chatter (lunch, a lost charger, a joke) is what the
rest of the thread does not talk about.

A unit's centrality is the cosine of its embedding with the mean of every *other* unit's
(leave-one-out), so a side conversation cannot pull the centre towards itself. Units below
the thread's median centrality are never summary material: what the thread is about is,
by construction, what most of it shares.
"""

from __future__ import annotations

import numpy as np

MIN_UNITS = 4
"""Fewer units than this give no stable centre: every unit counts as on topic."""


def centrality(embeddings: np.ndarray) -> np.ndarray:
    """Cosine of each row with the normalised mean of all the other rows (unit-length rows)."""
    n = embeddings.shape[0]
    if n < 2:
        return np.ones(n, dtype=np.float32)
    others = embeddings.sum(axis=0, keepdims=True) - embeddings
    others /= np.maximum(np.linalg.norm(others, axis=1, keepdims=True), 1e-9)
    return np.asarray((embeddings * others).sum(axis=1), dtype=np.float32)


def on_topic(embeddings: np.ndarray) -> np.ndarray:
    """A boolean per unit: at least as central as the thread's median unit."""
    n = embeddings.shape[0]
    if n < MIN_UNITS:
        return np.ones(n, dtype=bool)
    scores = centrality(embeddings)
    return np.asarray(scores >= np.median(scores), dtype=bool)
