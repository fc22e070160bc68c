"""Decisions and action items of whole meetings, scored on the AMI test split.

Each meeting of ``ami_actions_decisions/ami_actions_decisions.jsonl`` (20 test meetings,
``Speaker X: utterance`` lines) goes through the full pipeline as a thread; its
``decisions`` and ``priorities`` (text and owner) are scored at utterance level with the
definitions of that folder's ``score_actions.py --containment``
(:mod:`tools.ami_scoring`). Also reports the items per meeting and the pipeline time of
the meetings (the longest is about 900 lines).

``python -m tools eval-actions [--split validation]`` prints the section alone; the
validation split (from the ``_all`` file) is for tuning, the test split only for reporting.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.core.documents import build_document
from bot.core.pipeline import Summariser
from tools.ami_scoring import Scores, score
from tools.datasets import read_jsonl

AMI_DIR = "ami_actions_decisions"
TEST_FILE = "ami_actions_decisions.jsonl"
ALL_FILE = "ami_actions_decisions_all.jsonl"


def ami_rows(eval_dir: Path, split: str = "test") -> list[dict[str, Any]]:
    """The gold meetings of a split (test: the main file; others: the ``_all`` file)."""
    if split == "test":
        path = eval_dir / AMI_DIR / TEST_FILE
        return list(read_jsonl(path)) if path.is_file() else []
    path = eval_dir / AMI_DIR / ALL_FILE
    return [row for row in read_jsonl(path) if row.get("split") == split] if path.is_file() else []


def run_meetings(
    rows: Sequence[dict[str, Any]], summariser: Summariser
) -> tuple[dict[str, dict[str, Any]], list[tuple[int, float]]]:
    """System output per meeting id, and (lines, milliseconds) per meeting."""
    system: dict[str, dict[str, Any]] = {}
    timings: list[tuple[int, float]] = []
    for row in rows:
        doc = build_document(row["text"], str(row["id"]), kind="thread")
        result = summariser.summarise(doc)
        system[str(row["id"])] = {
            "decisions": list(result.decisions),
            "priorities": [{"text": p.text, "owner": p.owner} for p in result.priorities],
        }
        timings.append((len(doc.messages), result.elapsed_ms))
    return system, timings


def format_scores(
    name: str, scores: Scores, system: dict[str, dict[str, Any]], timings: list[tuple[int, float]]
) -> str:
    """The section's table."""
    lines = [f"Decisions and action items on {name} ({scores.meetings} meetings, utterance level, --containment):"]
    lines.append(f"{'':10} {'uttP':>6} {'uttR':>6} {'uttF1':>6}  {'items':>5}  {'gold lines':>10}")
    for kind in ("decisions", "actions"):
        c = getattr(scores, kind)
        lines.append(f"{kind:10} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}  {c.items:5d}  {c.gold:10d}")
    owner = scores.owner_accuracy
    owner_text = f"{owner:.3f}" if owner is not None else "n/a"
    lines.append(f"owner accuracy (actions): {owner_text} over {scores.owner_covered} covered gold actions")
    if system:
        most_decisions = max(len(v["decisions"]) for v in system.values())
        most_actions = max(len(v["priorities"]) for v in system.values())
        lines.append(f"most items in one meeting: {most_decisions} decisions, {most_actions} action items")
    if timings:
        longest = max(timings)
        ms = [t for _, t in timings]
        lines.append(
            f"pipeline time per meeting: median {statistics.median(ms) / 1000:.2f} s, "
            f"longest meeting ({longest[0]} lines) {longest[1] / 1000:.2f} s"
        )
    return "\n".join(lines)


def ami_section(eval_dir: Path, summariser: Summariser, split: str = "test") -> str:
    """The AMI section of ``python -m tools eval``, or a line saying why there is none."""
    rows = ami_rows(eval_dir, split)
    if not rows:
        return f"Decisions and action items: no AMI {split} meetings under {eval_dir / AMI_DIR}."
    system, timings = run_meetings(rows, summariser)
    return format_scores(f"AMI {split}", score(rows, system, containment=True), system, timings)


def extraction_sections(eval_dir: Path, summariser: Summariser) -> str:
    """Everything ``python -m tools eval`` prints about decisions, action items and priorities:
    the AMI test section and the development-set section."""
    from tools.eval_devset import evaluate_devset, format_devset, load_devset

    devset = format_devset(evaluate_devset(summariser, load_devset(eval_dir)))
    return ami_section(eval_dir, summariser) + "\n\n" + devset


def main(argv: Sequence[str] | None = None) -> int:
    """Print the AMI section alone."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="evaluation folder (default ../shared/eval)")
    parser.add_argument("--split", default="test", choices=["train", "validation", "test"])
    args = parser.parse_args(argv)
    from bot.adapters.models import load_summariser
    from bot.settings import load_settings
    from tools.datasets import resolve_eval_dir

    print(ami_section(resolve_eval_dir(args.data), load_summariser(load_settings()), args.split))
    return 0


if __name__ == "__main__":
    sys.exit(main())
