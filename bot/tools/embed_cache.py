"""A resumable on-disk cache of sentence embeddings for training (kept under ``/tmp``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

DEFAULT_CACHE = Path("/tmp/slack-summariser-train-cache")
CHUNK = 1000


class EmbeddingCache:
    """Maps sentence text to its embedding; missing sentences are encoded and saved in chunks.

    Saving after every chunk lets an interrupted run resume where it stopped.
    """

    def __init__(self, name: str, folder: Path = DEFAULT_CACHE) -> None:
        self.path = folder / f"{name}.npz"
        self.vectors: dict[str, np.ndarray] = {}
        if self.path.exists():
            with np.load(self.path, allow_pickle=False) as stored:
                self.vectors = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=True))

    def missing(self, texts: Iterable[str]) -> list[str]:
        """The distinct ``texts`` not cached yet, in first-seen order (so a partial run covers whole documents)."""
        return [t for t in dict.fromkeys(texts) if t not in self.vectors]

    def fill(self, texts: Iterable[str], encode: Callable[[Sequence[str]], np.ndarray]) -> None:
        """Encode and store every text of ``texts`` that is not cached yet."""
        todo = self.missing(texts)
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start : start + CHUNK]
            logger.info("%s: embedding %d-%d of %d new sentences", self.path.stem, start, start + len(chunk), len(todo))
            self.vectors.update(zip(chunk, np.asarray(encode(chunk), dtype=np.float32), strict=True))
            self.save()

    def save(self) -> None:
        """Write the cache file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        texts = sorted(self.vectors)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, texts=np.array(texts), vectors=np.stack([self.vectors[t] for t in texts]))
        tmp.replace(self.path)

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for ``texts`` in order (every text must be cached)."""
        return np.stack([self.vectors[t] for t in texts])
