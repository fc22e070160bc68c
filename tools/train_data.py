"""Readers of the training and validation splits in ``../shared/train``, and nothing else.

Every learned part of the summariser is fitted on these files. :func:`read_training_rows`
refuses any path under an ``eval`` folder and any file named like an evaluation set, so a
training script cannot be pointed at test data by mistake.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tools.datasets import REPO_ROOT, read_jsonl

DEFAULT_TRAIN_DIR = "../shared/train"
TRAINING_FILES = {
    "cnndm_train": "cnndm_lc_train.jsonl.gz",
    "cnndm_validation": "cnndm_lc_validation.jsonl.gz",
    "samsum_train": "samsum_train.jsonl.gz",
    "samsum_validation": "samsum_validation.jsonl",
    "dialogsum_train": "dialogsum_train.jsonl.gz",
    "dialogsum_validation": "dialogsum_validation.jsonl",
}
"""The splits a training script may read, by short name."""

_EVAL_NAME = re.compile(r"test|frank|see2017|polnear|qmsum|ami_actions|sample500", re.IGNORECASE)


class EvalDataError(ValueError):
    """Raised when a training reader is pointed at evaluation data."""


def check_training_path(path: Path) -> Path:
    """``path`` resolved, or :class:`EvalDataError` when it lies under an ``eval`` folder or names an eval set."""
    resolved = path.resolve()
    if any(part.lower() == "eval" for part in resolved.parts) or _EVAL_NAME.search(resolved.name):
        raise EvalDataError(f"{path} is evaluation data; training reads only the train and validation splits.")
    return resolved


def resolve_train_dir(data: str | None = None) -> Path:
    """The training folder: as given (relative to the cwd), else relative to the repo root."""
    raw = Path(data or DEFAULT_TRAIN_DIR)
    for candidate in (raw, REPO_ROOT / raw):
        if candidate.is_dir():
            return check_training_path(candidate)
    raise FileNotFoundError(f"Training data not found at {raw} (pass --train DIR)")


def read_training_rows(path: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Rows of a training JSONL file (gzipped or not), after the eval-data guard."""
    yield from read_jsonl(check_training_path(path), limit)


def training_file(train_dir: Path, name: str) -> Path:
    """The file of the split ``name`` (a key of :data:`TRAINING_FILES`) in ``train_dir``."""
    return check_training_path(train_dir / TRAINING_FILES[name])


_ENDS = {".", "!", "?"}
_CLOSERS = {"''", "'", "-rrb-", '"'}


def ptb_sentences(text: str) -> list[str]:
    """Split lowercased PTB-tokenised text (See et al.'s CNN/DM) into sentences, tokens kept.

    A sentence ends at ``.``, ``!`` or ``?`` and the closing quotes or brackets right after it.
    """
    sentences: list[str] = []
    current: list[str] = []
    tokens = text.split()
    for i, token in enumerate(tokens):
        current.append(token)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        ended = token in _ENDS or (token in _CLOSERS and len(current) > 1 and current[-2] in _ENDS)
        if ended and nxt not in _CLOSERS:
            sentences.append(" ".join(current))
            current = []
    if current:
        sentences.append(" ".join(current))
    return sentences
