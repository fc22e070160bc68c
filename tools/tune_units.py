"""Tune the unit classifier's thresholds through the whole thread pipeline on AMI validation.

``tools/train_units.py`` fits the weights and picks provisional thresholds on verbatim
units; what the bot shows, though, are the items of :func:`bot.core.thread.analysis.analyse_thread`
(rule items, task phrases, owners, caps). This script runs that on the 20 AMI validation
meetings for a grid of decision and action thresholds, prints the utterance-level scores
(``score_actions.py --containment`` definitions) and, with ``--write``, stores the best pair
in ``bot/resources/units.npz``. The test split is refused.

Run ``python -m tools tune-units [--write]`` (parses are cached under ``/tmp``).
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.adapters.models import default_units_path, load_unit_classifier
from bot.core.documents import build_document
from bot.core.protocols import CachedEncoder, Encoder
from bot.core.thread.analysis import analyse_thread
from bot.core.thread.units import UnitClassifier
from tools.ami_scoring import Scores, score
from tools.datasets import resolve_eval_dir
from tools.eval_actions import ami_rows

logger = logging.getLogger("tune_units")
CACHE = Path("/tmp/slack-summariser-units-cache")
DECISION_GRID = (0.5, 0.7, 0.9, 0.97)
ACTION_GRID = (0.2, 0.3, 0.4, 0.5, 0.7)


def parsed_meetings(rows: Sequence[dict[str, Any]], nlp: Any, split: str) -> list[tuple[list[Any], list[Any]]]:
    """(messages, docs) per meeting, the docs cached as a spaCy DocBin under ``/tmp``."""
    from spacy.tokens import DocBin

    meetings = [list(build_document(r["text"], str(r["id"]), kind="thread").messages) for r in rows]
    path = CACHE / f"{split}_docs.spacy"
    if path.is_file():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe([m.text for messages in meetings for m in messages]))
        CACHE.mkdir(parents=True, exist_ok=True)
        bin_ = DocBin(docs=docs)
        bin_.to_disk(path)
    out: list[tuple[list[Any], list[Any]]] = []
    k = 0
    for messages in meetings:
        out.append((messages, docs[k : k + len(messages)]))
        k += len(messages)
    return out


def run(
    rows: Sequence[dict[str, Any]],
    meetings: Sequence[tuple[list[Any], list[Any]]],
    classifier: UnitClassifier,
    encoder: Encoder,
) -> Scores:
    """Score the pipeline's decisions and action items at the classifier's current thresholds."""
    system: dict[str, dict[str, Any]] = {}
    for row, (messages, docs) in zip(rows, meetings, strict=True):
        analysis = analyse_thread(messages, docs, classifier, encoder)
        system[str(row["id"])] = {
            "decisions": analysis.decisions,
            "priorities": [{"text": p.text, "owner": p.owner} for p in analysis.actions],
        }
    return score(rows, system, containment=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Grid-search the two thresholds on validation; ``--write`` stores the best."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="evaluation folder (default ../shared/eval)")
    parser.add_argument("--split", default="validation", choices=["validation", "train"])
    parser.add_argument("--write", action="store_true", help="store the best thresholds in the weights file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from bot.adapters.embedder import MiniLMEncoder
    from bot.adapters.nlp import load_nlp

    classifier = load_unit_classifier()
    if classifier is None:
        logger.error("no weights: run tools/train_units.py first")
        return 1
    rows = ami_rows(resolve_eval_dir(args.data), args.split)
    meetings = parsed_meetings(rows, load_nlp(), args.split)
    encoder = CachedEncoder(MiniLMEncoder())
    best: dict[str, tuple[float, float]] = {"decision": (-1.0, 0.0), "action": (-1.0, 0.0)}
    for decision, action in itertools.product(DECISION_GRID, ACTION_GRID):
        classifier.thresholds = {"decision": decision, "action": action}
        s = run(rows, meetings, classifier, encoder)
        logger.info(
            "decision>=%.2f action>=%.2f | decisions P %.3f R %.3f F1 %.3f (%d) | actions P %.3f R %.3f F1 %.3f (%d)"
            " owner %s",
            decision, action, s.decisions.precision, s.decisions.recall, s.decisions.f1, s.decisions.items,
            s.actions.precision, s.actions.recall, s.actions.f1, s.actions.items, s.owner_accuracy,
        )
        best["decision"] = max(best["decision"], (s.decisions.f1, decision))
        best["action"] = max(best["action"], (s.actions.f1, action))
    chosen = np.array([best["decision"][1], best["action"][1]], dtype=np.float32)
    logger.info("best on %s: decision %.2f (F1 %.3f), action %.2f (F1 %.3f)", args.split, chosen[0],
                best["decision"][0], chosen[1], best["action"][0])
    if args.write:
        path = default_units_path()
        with np.load(path, allow_pickle=False) as data:
            weights = {key: data[key] for key in data.files}
        weights["thresholds"] = chosen
        np.savez_compressed(path, **weights)
        logger.info("wrote the thresholds to %s", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
