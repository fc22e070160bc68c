"""Priorities, action items and decisions scored on the extraction development set.

The set lives in ``tests/data/extraction_dev/``: texts written for this project (``tune/``
and a held-back ``heldout/`` part, each file a JSON header between ``---`` lines and the
text), plus ``references.json``, which names real articles of ``../shared/eval`` by id
(their text is read from there, never copied). Each carries its own gold.

Matching, on lowercased word tokens: a predicted item matches a gold item when their token
F1 is at least 0.5 (one-to-one, best pairs first). A gold action is *owned right* when its
match names the same owner (case-insensitive), and its due phrase is *right* when one of
the two due phrases contains the other. A gold decision is a key phrase: it is found when a
predicted decision contains it. Predicted priorities and decisions that match no gold item
are counted as false.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.documents import build_document
from bot.core.pipeline import Summariser
from bot.core.text import normalise_quotes
from bot.core.types import Priority, SummaryResult
from tools.datasets import REPO_ROOT, dataset_file, read_jsonl

DEV_DIR = REPO_ROOT / "tests" / "data" / "extraction_dev"
PARTS = ("tune", "heldout")
MATCH_F1 = 0.5
_TOKEN = re.compile(r"[a-z0-9$%]+(?:'[a-z]+)?")
_BAD_END = re.compile(r"(?:\b(?:to|and|or|of|the|a|by)|[(\[,;:])\s*$", re.I)


@dataclass(frozen=True)
class DevText:
    """One development text with its gold."""

    name: str
    part: str
    kind: str
    style: str
    text: str
    gold: dict[str, Any]


@dataclass
class Tally:
    """Counts over a set of texts."""

    texts: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def ratio(self, hit: str, total: str) -> str:
        """``hit/total (share)`` for two counters."""
        n = self.counts[total]
        return f"{self.counts[hit]}/{n} ({self.counts[hit] / n:.0%})" if n else "n/a"


def tokens(text: str) -> list[str]:
    """Lowercased word tokens used for matching."""
    return _TOKEN.findall(normalise_quotes(text).lower())


def token_f1(a: str, b: str) -> float:
    """Token-overlap F1 of two texts."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    overlap = sum((Counter(ta) & Counter(tb)).values())
    if not overlap:
        return 0.0
    p, r = overlap / len(ta), overlap / len(tb)
    return 2 * p * r / (p + r)


def match(gold: Sequence[str], predicted: Sequence[str]) -> dict[int, int]:
    """One-to-one matching of gold to predicted texts (gold index -> predicted index)."""
    pairs = sorted(
        ((token_f1(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(predicted)),
        reverse=True,
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    found: dict[int, int] = {}
    for score, i, j in pairs:
        if score < MATCH_F1:
            break
        if i in used_gold or j in used_pred:
            continue
        used_gold.add(i)
        used_pred.add(j)
        found[i] = j
    return found


def _parse_file(path: Path, part: str) -> DevText:
    raw = path.read_text(encoding="utf-8")
    _, header, text = raw.split("---\n", 2)
    gold = json.loads(header)
    return DevText(path.stem, part, gold["kind"], gold.get("style", ""), text.strip(), gold)


def load_devset(eval_dir: Path | None, dev_dir: Path = DEV_DIR) -> list[DevText]:
    """Own texts of both parts, plus the referenced real articles when ``eval_dir`` has them."""
    texts = [_parse_file(path, part) for part in PARTS for path in sorted((dev_dir / part).glob("*.txt"))]
    references = dev_dir / "references.json"
    if eval_dir is None or not references.is_file():
        return texts
    wanted: dict[str, list[dict[str, Any]]] = {}
    for ref in json.loads(references.read_text(encoding="utf-8")):
        wanted.setdefault(ref["dataset"], []).append(ref)
    for dataset, refs in wanted.items():
        path = dataset_file(eval_dir, dataset)
        if not path.is_file():
            continue
        by_id = {str(row["id"]): row["text"] for row in read_jsonl(path)}
        for ref in refs:
            if ref["id"] in by_id:
                name = f"{dataset}:{ref['id'][:12]}"
                texts.append(DevText(name, ref["part"], "article", ref["style"], by_id[ref["id"]], ref))
    return texts


def malformed(text: str) -> bool:
    """An item cut mid-phrase: ending on "to"/"and"/a comma, or with an unclosed bracket."""
    return bool(_BAD_END.search(text)) or text.count("(") != text.count(")")


def score_text(item: DevText, result: SummaryResult, tally: Tally) -> None:
    """Add one text's counts (and its misses, for the tuning report) to ``tally``."""
    gold = item.gold
    c = tally.counts
    tally.texts += 1
    predicted = [p.text for p in result.priorities]
    c["malformed"] += sum(malformed(t) for t in predicted)
    if item.kind == "article":
        wanted = list(gold.get("priorities", []))
        found = match(wanted, predicted)
        c["priorities"] += len(wanted)
        c["priorities_found"] += len(found)
        false = [predicted[j] for j in range(len(predicted)) if j not in found.values()]
        c["false_priorities"] += len(false)
        tally.misses += [f"{item.name}: missed priority {wanted[i]!r}" for i in range(len(wanted)) if i not in found]
        tally.misses += [f"{item.name}: false priority {t!r}" for t in false]
    else:
        _score_actions(item, result.priorities, tally)
    keys = [k.lower() for k in gold.get("decisions", [])]
    shown = [normalise_quotes(d).lower() for d in result.decisions]
    c["decisions"] += len(keys)
    hit = [k for k in keys if any(k in d for d in shown)]
    c["decisions_found"] += len(hit)
    false_decisions = [d for d in shown if not any(k in d for k in keys)]
    c["false_decisions"] += len(false_decisions)
    tally.misses += [f"{item.name}: missed decision {k!r} in {result.decisions!r}" for k in keys if k not in hit]
    tally.misses += [f"{item.name}: false decision {d!r}" for d in false_decisions]


def _same_owner(gold: str | None, predicted: str | None) -> bool:
    return bool(gold and predicted and gold.strip().lower() == predicted.strip().lower().lstrip("@"))


def _same_due(gold: str, predicted: str | None) -> bool:
    if not predicted:
        return False
    g, p = gold.lower().strip(), predicted.lower().strip()
    return g in p or p in g


def _score_actions(item: DevText, predicted: Sequence[Priority], tally: Tally) -> None:
    c = tally.counts
    wanted = list(item.gold.get("actions", []))
    found = match([a["text"] for a in wanted], [p.text for p in predicted])
    c["actions"] += len(wanted)
    c["actions_found"] += len(found)
    c["extra_actions"] += len(predicted) - len(found)
    for i, action in enumerate(wanted):
        got = predicted[found[i]] if i in found else None
        if action.get("owner"):
            c["owned"] += 1
            if got is not None and _same_owner(action["owner"], got.owner):
                c["owned_right"] += 1
        if action.get("due"):
            c["due"] += 1
            if got is not None and _same_due(action["due"], got.due):
                c["due_right"] += 1
        if got is None:
            tally.misses.append(f"{item.name}: missed action {action['text']!r}")
        elif not _same_owner(action.get("owner"), got.owner) and action.get("owner"):
            tally.misses.append(f"{item.name}: owner {got.owner!r} for {got.text!r}, want {action['owner']!r}")
        elif action.get("due") and not _same_due(action["due"], got.due):
            tally.misses.append(f"{item.name}: due {got.due!r} for {got.text!r}, want {action['due']!r}")
    extra = [p for j, p in enumerate(predicted) if j not in found.values()]
    tally.misses += [f"{item.name}: extra action {p.text!r} ({p.owner}, {p.due})" for p in extra]


def evaluate_devset(summariser: Summariser, texts: Iterable[DevText]) -> dict[str, Tally]:
    """Run the pipeline on every text; one :class:`Tally` per part."""
    tallies = {part: Tally() for part in PARTS}
    for item in texts:
        doc = build_document(item.text, item.name, kind="thread" if item.kind == "thread" else "article")
        tally = tallies[item.part]
        tally.counts[f"{item.kind}s"] += 1
        score_text(item, summariser.summarise(doc), tally)
    return tallies


def format_devset(tallies: dict[str, Tally]) -> str:
    """One block of figures per part."""
    lines = ["Extraction dev set (tests/data/extraction_dev; recall of gold items, false items counted):"]
    header = f"{'part':<8} {'texts':>5}  {'priorities':>14} {'owned actions':>14} {'decisions':>12} {'due':>12}"
    lines += [header + "  false pri/dec  extra act  malformed"]
    for part, t in tallies.items():
        c = t.counts
        lines.append(
            f"{part:<8} {t.texts:>5}  {t.ratio('priorities_found', 'priorities'):>14} "
            f"{t.ratio('owned_right', 'owned'):>14} {t.ratio('decisions_found', 'decisions'):>12} "
            f"{t.ratio('due_right', 'due'):>12}  {c['false_priorities']:>5}/{c['false_decisions']:<6}"
            f"  {c['extra_actions']:>9}  {c['malformed']:>9}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tools eval-devset [--show-misses]``: the dev-set figures alone."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="evaluation folder with the referenced articles")
    parser.add_argument("--show-misses", action="store_true", help="list the misses of the tune part")
    args = parser.parse_args(argv)
    from bot.adapters.models import load_summariser
    from bot.settings import load_settings
    from tools.datasets import resolve_eval_dir

    try:
        eval_dir: Path | None = resolve_eval_dir(args.data)
    except FileNotFoundError:
        eval_dir = None
    tallies = evaluate_devset(load_summariser(load_settings()), load_devset(eval_dir))
    print(format_devset(tallies))
    if args.show_misses:
        print("\n".join(tallies["tune"].misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
