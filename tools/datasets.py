"""Locating and reading the JSONL evaluation sets in ``../shared/eval`` (never copied into the repo)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL_DIR = "../shared/eval"


def resolve_eval_dir(data: str | None) -> Path:
    """Find the evaluation folder: as given (relative to the cwd), else relative to the repo root."""
    raw = Path(data or DEFAULT_EVAL_DIR)
    for candidate in (raw, REPO_ROOT / raw):
        if candidate.is_dir():
            return candidate.resolve()
    raise FileNotFoundError(f"Evaluation data not found at {raw} (pass --data DIR)")


def read_jsonl(path: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Yield up to ``limit`` rows of a JSONL file (gzipped when its name ends in ``.gz``)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if limit is not None and i >= limit:
                return
            if line.strip():
                yield json.loads(line)


def dataset_file(eval_dir: Path, name: str) -> Path:
    """``<eval_dir>/<name>/<name>.jsonl``, the layout of the shared sets."""
    return eval_dir / name / f"{name}.jsonl"
