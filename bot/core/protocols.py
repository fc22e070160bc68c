"""Interfaces the core needs from the outside; adapters implement them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    """Turns sentences into L2-normalised embeddings (rows of a float32 matrix)."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape ``(len(texts), dim)``; rows have unit norm."""
        ...


class Abstractor(Protocol):
    """Writes an abstractive summary of a text (optional, configured by SUMMARY_MODEL)."""

    name: str

    def summarise(self, text: str) -> list[str]:
        """Return the summary as a list of sentences."""
        ...


class LanguageIdentifier(Protocol):
    """Tells which language a short text is in."""

    name: str

    def identify(self, text: str) -> list[tuple[str, float]]:
        """The likeliest languages of ``text``, best first: ``(ISO 639-1 code, probability)``."""
        ...

    def language_name(self, code: str) -> str:
        """The English name of the language ``code`` ("de" -> "German")."""
        ...


class CachedEncoder:
    """Wraps an :class:`Encoder` so each distinct text is embedded once (per wrapper).

    The pipeline wraps its encoder per document, so the summary, the unit classifier
    and the decision comparison share the embeddings of the sentences they have in common.
    """

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self._vectors: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` (rows in order), reusing earlier results."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            fresh = np.asarray(self.inner.encode(missing), dtype=np.float32)
            self._vectors.update(zip(missing, fresh, strict=True))
        if not texts:
            return np.asarray(self.inner.encode([]), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])
