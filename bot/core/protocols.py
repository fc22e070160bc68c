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
