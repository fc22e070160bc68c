"""Train the decision / action-item classifier shipped as ``bot/resources/units.npz``.

Data: the AMI meetings of ``../shared/eval/ami_actions_decisions/ami_actions_decisions_all.jsonl``
(one dialogue act a line, gold links from the abstractive summary's decision and action
sentences to lines). Only rows with ``split == "train"`` are fitted on (``require_train``
refuses anything else); the probability thresholds are tuned on ``validation``; ``test`` is
never read here.

Both stages of :mod:`bot.core.thread.units` are fitted, each as one class-balanced logistic
regression per label: the screen over hashed n-grams and context features, the classifier
over MiniLM embeddings, context features, the screen's logits and its neighbours' logits.
(A one-hidden-layer network did no better on validation: actions F1 0.40-0.42 against
0.41-0.45, decisions about 0.1 either way.) MiniLM embeddings of every line are cached
under ``/tmp``.

Run ``python -m tools train-units`` (fixed seeds; embedding 63k lines takes about ten
minutes on 2 cores the first time, fitting a few minutes).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.core.thread.units import (
    CONTEXT_NAMES,
    HASH_DIM,
    LABELS,
    SCREEN_KEEP,
    Unit,
    classifier_inputs,
    context_features,
    hashed_ngrams,
    neighbour_features,
)
from tools.ami_scoring import PREFIX, score
from tools.datasets import REPO_ROOT, read_jsonl, resolve_eval_dir

logger = logging.getLogger("train_units")

SEED = 0
OUT = REPO_ROOT / "bot" / "resources" / "units.npz"
CACHE = Path("/tmp/slack-summariser-units-cache")
AMI = Path("ami_actions_decisions") / "ami_actions_decisions_all.jsonl"
CHUNK = 2000
CAPS = {"decision": 5, "action": 8}


@dataclass
class Meeting:
    """One AMI meeting as conversation units with its line labels."""

    id: str
    split: str
    units: list[Unit]
    labels: np.ndarray
    """``(n, 2)``: linked to a gold decision, to a gold action."""
    row: dict[str, Any]


def read_meetings(path: Path, splits: Iterable[str]) -> list[Meeting]:
    """Meetings of the given splits that carry extractive links."""
    wanted = set(splits)
    meetings: list[Meeting] = []
    for row in read_jsonl(path):
        if row.get("split") not in wanted or not row.get("has_extractive_links"):
            continue
        units: list[Unit] = []
        for i, raw in enumerate(row["text"].split("\n")):
            m = PREFIX.match(raw)
            author = f"Speaker {m.group(1)}" if m else None
            units.append(Unit(raw[m.end() :].strip() if m else raw.strip(), author, i))
        labels = np.zeros((len(units), len(LABELS)), dtype=np.float32)
        for k, key in enumerate(("decision_utterances", "action_utterances")):
            for linked in row.get(key) or []:
                labels[linked, k] = 1.0
        meetings.append(Meeting(row["id"], row["split"], units, labels, row))
    return meetings


def require_train(meetings: Sequence[Meeting]) -> None:
    """Refuse to fit on anything but the train split."""
    others = sorted({m.split for m in meetings} - {"train"})
    if others:
        raise ValueError(f"refusing to fit on non-train rows (splits {others})")


class EmbeddingCache:
    """MiniLM embeddings by text, kept in chunk files under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.vectors: dict[str, np.ndarray] = {}
        for path in sorted(folder.glob("chunk*.npz")):
            with np.load(path) as data:
                for text, vector in zip(data["texts"], data["emb"], strict=True):
                    self.vectors[str(text)] = vector

    def ensure(self, texts: Iterable[str]) -> None:
        """Embed and store the texts not cached yet."""
        missing = sorted(set(texts) - set(self.vectors))
        if not missing:
            return
        from bot.adapters.embedder import MiniLMEncoder

        encoder = MiniLMEncoder(batch_size=32)
        self.folder.mkdir(parents=True, exist_ok=True)
        start = len(list(self.folder.glob("chunk*.npz")))
        for k in range(0, len(missing), CHUNK):
            chunk = missing[k : k + CHUNK]
            vectors = encoder.encode(chunk).astype(np.float16)
            np.savez(self.folder / f"chunk{start + k // CHUNK:04d}.npz", texts=np.array(chunk), emb=vectors)
            self.vectors.update(zip(chunk, vectors, strict=True))
            logger.info("embedded %d/%d", min(k + CHUNK, len(missing)), len(missing))

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for ``texts``, in order."""
        return np.stack([self.vectors[t] for t in texts]).astype(np.float32)


def _sparse_screen_rows(meetings: Sequence[Meeting]) -> tuple[Any, np.ndarray, np.ndarray]:
    from scipy import sparse

    rows: list[int] = []
    cols: list[int] = []
    contexts: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    offset = 0
    for meeting in meetings:
        for i, unit in enumerate(meeting.units):
            columns = hashed_ngrams(unit.text)
            rows += [offset + i] * len(columns)
            cols += columns
        contexts.append(context_features(meeting.units))
        labels.append(meeting.labels)
        offset += len(meeting.units)
    lexical = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(offset, HASH_DIM))
    context = np.concatenate(contexts)
    return sparse.hstack([lexical, sparse.csr_matrix(context)]).tocsr(), context, np.concatenate(labels)


def fit_screen(meetings: Sequence[Meeting], c: float) -> dict[str, np.ndarray]:
    """Stage one: one logistic regression per label over hashed n-grams and context."""
    from sklearn.linear_model import LogisticRegression

    require_train(meetings)
    x, _, y = _sparse_screen_rows(meetings)
    lexical = np.zeros((HASH_DIM, len(LABELS)), dtype=np.float32)
    context = np.zeros((len(CONTEXT_NAMES), len(LABELS)), dtype=np.float32)
    bias = np.zeros(len(LABELS), dtype=np.float32)
    for k, label in enumerate(LABELS):
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=SEED)
        model.fit(x, y[:, k])
        coef = model.coef_[0].astype(np.float32)
        lexical[:, k] = coef[:HASH_DIM]
        context[:, k] = coef[HASH_DIM:]
        bias[k] = float(model.intercept_[0])
        logger.info("screen %s fitted (%d positives)", label, int(y[:, k].sum()))
    return {"screen_lexical": lexical, "screen_context": context, "screen_bias": bias}


def screen_of(meeting: Meeting, screen: dict[str, np.ndarray]) -> np.ndarray:
    """Stage-one logits of a meeting's units."""
    from bot.core.thread.units import screen_logits

    return screen_logits(meeting.units, context_features(meeting.units), screen)


def kept_rows(screen: np.ndarray) -> np.ndarray:
    """The units stage two sees: the screen's best ``SCREEN_KEEP`` for either label."""
    return np.unique(np.concatenate([np.argsort(-screen[:, k])[:SCREEN_KEEP] for k in range(len(LABELS))]))


def classifier_rows(
    meetings: Sequence[Meeting], screen: dict[str, np.ndarray], cache: EmbeddingCache, kept_only: bool
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, np.ndarray]]]:
    """Stage-two inputs and labels (the screen's kept units, or all of them)."""
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    index: list[tuple[int, np.ndarray]] = []
    for m, meeting in enumerate(meetings):
        logits = screen_of(meeting, screen)
        rows = kept_rows(logits) if kept_only else np.arange(len(meeting.units))
        embeddings = cache.matrix([meeting.units[i].text for i in rows])
        context = context_features(meeting.units)[rows]
        neighbours = neighbour_features(logits)[rows]
        xs.append(classifier_inputs(embeddings, context, logits[rows], neighbours))
        ys.append(meeting.labels[rows])
        index.append((m, rows))
    return np.concatenate(xs), np.concatenate(ys), index


def fit_classifier(
    meetings: Sequence[Meeting], screen: dict[str, np.ndarray], cache: EmbeddingCache, c: float
) -> dict[str, np.ndarray]:
    """Stage two: one standardised, class-balanced logistic regression per label."""
    from sklearn.linear_model import LogisticRegression

    require_train(meetings)
    x, y, _ = classifier_rows(meetings, screen, cache, kept_only=False)
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    weights = np.zeros((x.shape[1], len(LABELS)), dtype=np.float32)
    bias = np.zeros(len(LABELS), dtype=np.float32)
    for k, label in enumerate(LABELS):
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=SEED)
        model.fit(z, y[:, k])
        weights[:, k] = model.coef_[0]
        bias[k] = float(model.intercept_[0])
        logger.info("classifier %s fitted", label)
    return {"mean": mean.astype(np.float32), "scale": scale.astype(np.float32), "w": weights, "b": bias}


def meeting_probabilities(
    meetings: Sequence[Meeting], weights: dict[str, np.ndarray], cache: EmbeddingCache
) -> list[np.ndarray]:
    """What :class:`~bot.core.thread.units.UnitClassifier` would say, from cached embeddings."""
    from bot.core.thread.units import UnitClassifier

    classifier = UnitClassifier({**weights, "thresholds": np.zeros(len(LABELS), dtype=np.float32)})

    class Cached:
        name = "cache"

        def encode(self, texts: Sequence[str]) -> np.ndarray:
            return cache.matrix(texts)

    return [classifier.probabilities(m.units, Cached()) for m in meetings]


def choose(probs: np.ndarray, threshold: float, cap: int) -> list[int]:
    """Units at or above ``threshold``, best first, at most ``cap``."""
    order = [int(i) for i in np.argsort(-probs) if probs[i] >= threshold]
    return order[:cap]


def system_output(
    meetings: Sequence[Meeting], probs: Sequence[np.ndarray], thresholds: Sequence[float]
) -> dict[str, dict[str, Any]]:
    """Verbatim units chosen per meeting, in the scorer's system format (owner: the speaker)."""
    out: dict[str, dict[str, Any]] = {}
    for meeting, p in zip(meetings, probs, strict=True):
        decisions = [meeting.units[i].text for i in choose(p[:, 0], thresholds[0], CAPS["decision"])]
        actions = [
            {"text": meeting.units[i].text, "owner": meeting.units[i].author}
            for i in choose(p[:, 1], thresholds[1], CAPS["action"])
        ]
        out[meeting.id] = {"decisions": decisions, "priorities": actions}
    return out


def tune_thresholds(meetings: Sequence[Meeting], probs: Sequence[np.ndarray]) -> tuple[np.ndarray, str]:
    """Per label, the threshold with the best utterance F1 on these (validation) meetings."""
    grid = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99]
    best = [0.5, 0.5]
    report: list[str] = []
    rows = [m.row for m in meetings]
    for k, kind in enumerate(("decisions", "actions")):
        scored: list[tuple[float, float]] = []
        for t in grid:
            trial = list(best)
            trial[k] = t
            counts = getattr(score(rows, system_output(meetings, probs, trial)), kind)
            scored.append((counts.f1, t))
            report.append(f"{kind} t={t:.2f} P={counts.precision:.3f} R={counts.recall:.3f} F1={counts.f1:.3f}")
        best[k] = max(scored)[1]
    return np.array(best, dtype=np.float32), "\n".join(report)


def main(argv: Sequence[str] | None = None) -> int:
    """Fit on train, tune on validation, write the weights."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="evaluation folder (default ../shared/eval)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--screen-c", type=float, default=0.1)
    parser.add_argument("--classifier-c", type=float, default=0.01)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    path = resolve_eval_dir(args.data) / AMI
    train = read_meetings(path, ["train"])
    validation = read_meetings(path, ["validation"])
    cache = EmbeddingCache(CACHE)
    cache.ensure(u.text for m in train + validation for u in m.units)
    screen = fit_screen(train, args.screen_c)
    weights = {**screen, **fit_classifier(train, screen, cache, args.classifier_c)}
    probs = meeting_probabilities(validation, weights, cache)
    thresholds, report = tune_thresholds(validation, probs)
    logger.info("%s", report)
    logger.info("thresholds on validation: decision %.2f, action %.2f", *thresholds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {**weights, "thresholds": thresholds}
    np.savez_compressed(args.out, **arrays)
    logger.info("wrote %s (%.0f KB)", args.out, args.out.stat().st_size / 1024)
    return 0


if __name__ == "__main__":
    sys.exit(main())
