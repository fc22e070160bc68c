"""``python -m tools eval-threads [FOLDER ...] [-v]``: work-thread figures, computed in process.

Each FOLDER holds texts and a ``gold.json`` in the format of ``../shared/eval/work_threads/``.
The summariser loads once and reads every text as ``python -m bot summarise --kind auto``
would; the figures come from that folder's own ``score.py`` (imported by path, never copied),
so they are the ones ``score.py FOLDER`` prints, without a process and a model load per run.
Without a FOLDER, the parts under ``tests/data/work_threads/`` that are present are scored.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core.errors import EmptyInputError, SummariserError
from bot.core.pipeline import Summariser
from bot.core.text import has_words
from tools.datasets import REPO_ROOT, resolve_eval_dir

if TYPE_CHECKING:
    from bot.settings import Settings

logger = logging.getLogger(__name__)

DEV_ROOT = REPO_ROOT / "tests" / "data" / "work_threads"
SCORER = Path("work_threads") / "score.py"
Score = Callable[[dict[str, Any], list[dict[str, Any]], list[str]], tuple[dict[str, Any], list[str]]]


def main(argv: Sequence[str] | None = None) -> int:
    """Print one JSON line of figures per folder (the misses first with ``-v``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, metavar="FOLDER", help="texts and their gold.json")
    parser.add_argument("-v", action="store_true", dest="verbose", help="list every miss")
    parser.add_argument("--data", default=None, help="evaluation folder holding work_threads/score.py")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # as the CLI: the default models ship inside wheels
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    folders = args.folders or dev_folders()
    if not folders:
        print(f"No folder given and none with a gold.json under {DEV_ROOT}.", file=sys.stderr)
        return 1
    score = load_score(resolve_eval_dir(args.data))
    from bot.adapters.models import load_summariser

    summariser = load_summariser(_settings())
    for folder in folders:
        figures, misses = evaluate_folder(folder, summariser, score)
        if args.verbose:
            print("\n".join(misses))
        print(json.dumps(figures) if len(folders) == 1 else f"{folder}: {json.dumps(figures)}", flush=True)
    return 0


def work_threads_section(eval_dir: Path, summariser: Summariser, _limit: int | None = None) -> str:
    """The ``bot eval`` section: one line of figures per part under ``tests/data/work_threads/``."""
    scorer = eval_dir / SCORER
    if not scorer.is_file():
        return f"Work threads: {scorer} not found."
    folders = dev_folders()
    if not folders:
        return f"Work threads: no part with a gold.json under {DEV_ROOT}."
    score = load_score(eval_dir)
    lines = ["Work threads (score.py figures per part):"]
    for folder in folders:
        figures, _ = evaluate_folder(folder, summariser, score)
        lines.append(f"  {folder.name}: {json.dumps(figures)}")
    return "\n".join(lines)


def dev_folders(root: Path | None = None) -> list[Path]:
    """The sub-folders of ``root`` (``DEV_ROOT`` by default) that hold a ``gold.json``, by name."""
    root = root or DEV_ROOT
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "gold.json").is_file())


def load_score(eval_dir: Path) -> Score:
    """The ``score`` function of ``<eval_dir>/work_threads/score.py``."""
    path = eval_dir / SCORER
    spec = importlib.util.spec_from_file_location("work_threads_score", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    score: Score = module.score
    return score


def evaluate_folder(folder: Path, summariser: Summariser, score: Score) -> tuple[dict[str, Any], list[str]]:
    """``score``'s figures and misses for the texts of ``folder``, in gold order."""
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    paths = [str(folder / name) for name in sorted(gold)]
    return score(gold, [summarise_file(path, summariser) for path in paths], paths)


def summarise_file(path: str, summariser: Summariser) -> dict[str, Any]:
    """What ``bot summarise --format json --kind auto`` prints for ``path``, as a dict (an
    input that fails gives its error, as there)."""
    from bot.adapters.loaders import load_input

    try:
        doc = load_input(path, _settings(), kind="auto")
        if not has_words(doc.text):
            raise EmptyInputError(f"{doc.source} has no words to summarise.")
        return summariser.summarise(doc).to_dict()
    except Exception as exc:
        if not isinstance(exc, SummariserError):
            logger.exception("unexpected error on %s", path)
        return {"source": path, "error": str(exc)}


@cache
def _settings() -> Settings:
    from bot.settings import load_settings

    return load_settings()


if __name__ == "__main__":
    sys.exit(main())
