"""Optional abstractive summaries with a Hugging Face seq2seq model (BART, T5, Pegasus...).

Configured by ``SUMMARY_MODEL`` (a hub id that is already cached, or a local folder).
Long inputs are split into token chunks, each chunk is summarised, and the joined chunk
summaries are summarised again while they are still too long for one pass.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.core.errors import ModelError

logger = logging.getLogger(__name__)

DEFAULT_MAX_INPUT_TOKENS = 1024
"""Used when neither the caller nor the model states an input limit."""
_MAX_ROUNDS = 3
"""Re-summarise the joined chunk summaries at most this many times."""
_BATCH = 4
"""Chunks per generate call: bounds memory on long inputs."""
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+(?=[\"'(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Split generated text at sentence ends followed by a capitalised word."""
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def chunk_token_ids(ids: Sequence[int], size: int, overlap: int = 0) -> list[list[int]]:
    """Split ``ids`` into windows of at most ``size`` tokens, consecutive windows sharing ``overlap``."""
    if size <= 0:
        raise ValueError("size must be positive")
    if not 0 <= overlap < size:
        raise ValueError("overlap must be at least 0 and smaller than size")
    if not ids:
        return []
    step = size - overlap
    chunks = []
    for start in range(0, len(ids), step):
        chunks.append(list(ids[start : start + size]))
        if start + size >= len(ids):
            break
    return chunks


def _looks_local(name_or_path: str) -> bool:
    return name_or_path.startswith(("/", ".", "~")) or Path(name_or_path).exists()


def _model_input_limit(tokenizer: Any, model: Any) -> int:
    """The smallest sane input length the tokenizer or the model's positions allow."""
    limits = [
        int(value)
        for value in (
            getattr(tokenizer, "model_max_length", None),
            getattr(model.config, "max_position_embeddings", None),
            getattr(model.config, "n_positions", None),
        )
        if isinstance(value, int) and 0 < value < 100_000  # tokenizers use 1e30 for "unknown"
    ]
    return min(limits) if limits else DEFAULT_MAX_INPUT_TOKENS


class Seq2SeqAbstractor:
    """Summarises text with a seq2seq model on the CPU; implements ``bot.core.protocols.Abstractor``."""

    def __init__(
        self,
        name: str,
        tokenizer: Any,
        model: Any,
        max_input_tokens: int,
        max_summary_tokens: int = 128,
        num_beams: int = 2,
    ) -> None:
        self.name = name
        self.tokenizer = tokenizer
        self.model = model
        self.max_input_tokens = max_input_tokens
        self.max_summary_tokens = max_summary_tokens
        self.num_beams = num_beams
        # Room left for the special tokens the tokenizer adds around every chunk.
        self.chunk_tokens = max(8, max_input_tokens - tokenizer.num_special_tokens_to_add())
        self.overlap = min(32, self.chunk_tokens // 8)

    @classmethod
    def load(
        cls, name_or_path: str, max_input_tokens: int | None = None, max_summary_tokens: int = 128
    ) -> Seq2SeqAbstractor:
        """Load tokenizer and model from a local folder or a (cached) hub id.

        Raises :class:`ModelError` with a user-facing message when that fails.
        """
        local = _looks_local(name_or_path)
        if local and not Path(name_or_path).expanduser().is_dir():
            raise ModelError(f"The summary model folder {name_or_path} does not exist.")
        source = str(Path(name_or_path).expanduser()) if local else name_or_path
        try:
            from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(source)
            model = AutoModelForSeq2SeqLM.from_pretrained(source)
        except (OSError, ValueError, KeyError, ImportError) as exc:
            logger.warning("could not load summary model %s: %s", name_or_path, exc)
            raise ModelError(
                f"Could not load the summary model {name_or_path}: it is not a seq2seq model "
                "folder, or it is not downloaded and the hub cannot be reached."
            ) from exc
        model.eval()
        limit = _model_input_limit(tokenizer, model)
        if max_input_tokens is not None:
            limit = min(limit, max_input_tokens)
        name = Path(source).name if local else name_or_path
        logger.info("loaded summary model %s (input limit %d tokens)", name, limit)
        return cls(name, tokenizer, model, max_input_tokens=limit, max_summary_tokens=max_summary_tokens)

    def chunks(self, text: str) -> list[list[int]]:
        """Token id chunks (without special tokens) that each fit the model's input."""
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        return chunk_token_ids(ids, self.chunk_tokens, self.overlap)

    def _generate(self, chunks: list[list[int]]) -> str:
        """Summarise each chunk (a few per batch) and join the results."""
        import torch

        parts: list[str] = []
        for start in range(0, len(chunks), _BATCH):
            # Decoding a window and encoding it again adds the model's special tokens the
            # same way for every tokenizer; truncation guards the limit should the round trip drift.
            texts = [self.tokenizer.decode(c, skip_special_tokens=True) for c in chunks[start : start + _BATCH]]
            batch = self.tokenizer(
                texts, truncation=True, max_length=self.max_input_tokens, padding=True, return_tensors="pt"
            )
            with torch.inference_mode():
                output = self.model.generate(
                    input_ids=batch["input_ids"],
                    attention_mask=batch["attention_mask"],
                    num_beams=self.num_beams,
                    max_new_tokens=self.max_summary_tokens,
                )
            parts += self.tokenizer.batch_decode(output, skip_special_tokens=True)
        return " ".join(part.strip() for part in parts if part.strip())

    def summarise(self, text: str) -> list[str]:
        """Summary sentences of ``text``; inputs longer than the model's limit are chunked by tokens."""
        chunks = self.chunks(text)
        if not chunks:
            return []
        summary = self._generate(chunks)
        for _ in range(_MAX_ROUNDS):
            chunks = self.chunks(summary)
            if len(chunks) <= 1:
                break
            logger.debug("chunk summaries still span %d chunks; summarising again", len(chunks))
            summary = self._generate(chunks)
        return split_sentences(summary)
