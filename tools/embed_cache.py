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

    Each chunk is its own shard file (``<name>/NNNNN.npz``), so saving stays cheap and an
    interrupted run resumes where it stopped.
    """

    def __init__(self, name: str, folder: Path = DEFAULT_CACHE) -> None:
        self.folder = folder / name
        self.vectors: dict[str, np.ndarray] = {}
        for shard in sorted(self.folder.glob("*.npz")) if self.folder.is_dir() else []:
            with np.load(shard, allow_pickle=False) as stored:
                self.vectors.update(zip(stored["texts"].tolist(), stored["vectors"], strict=True))

    def missing(self, texts: Iterable[str]) -> list[str]:
        """The distinct ``texts`` not cached yet, in first-seen order (so a partial run covers whole documents)."""
        return [t for t in dict.fromkeys(texts) if t not in self.vectors]

    def fill(self, texts: Iterable[str], encode: Callable[[Sequence[str]], np.ndarray]) -> None:
        """Encode and store every text of ``texts`` that is not cached yet."""
        todo = self.missing(texts)
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start : start + CHUNK]
            logger.info("%s: embedding %d-%d of %d", self.folder.name, start, start + len(chunk), len(todo))
            vectors = np.asarray(encode(chunk), dtype=np.float32)
            self.vectors.update(zip(chunk, vectors, strict=True))
            self._save_shard(chunk, vectors)

    def _save_shard(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        index = len(list(self.folder.glob("*.npz")))
        tmp = self.folder / f"{index:05d}.tmp.npz"
        np.savez(tmp, texts=np.array(texts), vectors=vectors)
        tmp.replace(self.folder / f"{index:05d}.npz")

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for ``texts`` in order (every text must be cached)."""
        return np.stack([self.vectors[t] for t in texts])
