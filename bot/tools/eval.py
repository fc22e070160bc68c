"""``python -m bot eval``: ROUGE of our summaries against simple baselines, plus quote scores.

Scores CNN/DM FRANK-250 articles and SAMSum test dialogues with ``rouge_score`` (stemming,
mean F1 x100, sentences joined by newlines for ROUGE-Lsum), next to the baselines documented
in ``SOURCES.md`` (Lead-3 sentences; Longest-3 utterances), computed in the same run.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.errors import SummariserError
from bot.core.pipeline import Summariser
from bot.core.types import Document, Message
from bot.tools.datasets import dataset_file, read_jsonl, resolve_eval_dir

logger = logging.getLogger(__name__)

ROUGE_KEYS = ("rouge1", "rouge2", "rougeLsum")
ARTICLES = "cnndm_test_frank"
DIALOGUES = "samsum_test"
QUOTES = "polnear_test_attribution"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_TURN = re.compile(r"^\s*([^:\n]{1,40}?):\s*(.*)$")


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    dataset: str
    system: str
    docs: int
    rouge1: float
    rouge2: float
    rouge_lsum: float
    words: float


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the eval command."""
    parser.add_argument("--data", default=None, help="evaluation folder (default ../shared/eval)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N rows of each set")


def regex_sentences(text: str) -> list[str]:
    """The baselines' sentence splitter: break after . ! or ? followed by whitespace."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def lead3(text: str) -> list[str]:
    """The first three sentences."""
    return regex_sentences(text)[:3]


def longest3_utterances(dialogue: str) -> list[str]:
    """The three longest (in characters) non-empty lines of a dialogue, in dialogue order."""
    lines = [line.strip() for line in dialogue.splitlines() if line.strip()]
    longest = sorted(range(len(lines)), key=lambda i: len(lines[i]), reverse=True)[:3]
    return [lines[i] for i in sorted(longest)]


def thread_document(text: str, source: str) -> Document:
    """A thread :class:`Document` from "Name: text" lines, via ``bot.core.detect`` when present."""
    try:
        from bot.core.detect import build_document
    except ImportError:
        messages = []
        for line in text.splitlines():
            if not line.strip():
                continue
            turn = _TURN.match(line)
            author, said = (turn.group(1).strip(), turn.group(2)) if turn else (None, line)
            messages.append(Message(author=author, text=said.strip()))
        return Document(kind="thread", text=text, source=source, messages=tuple(messages))
    return build_document(text, source, kind="thread")


def article_document(text: str, source: str) -> Document:
    """An article :class:`Document`."""
    return Document(kind="article", text=text, source=source)


def rouge_row(
    dataset: str, system: str, predictions: Sequence[Sequence[str]], references: Sequence[str]
) -> Row:
    """Mean ROUGE F1 (x100) and mean length in words of ``predictions``."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(ROUGE_KEYS), use_stemmer=True)
    totals = dict.fromkeys(ROUGE_KEYS, 0.0)
    words = 0
    for prediction, reference in zip(predictions, references, strict=True):
        scores = scorer.score(reference, "\n".join(prediction))
        for key in ROUGE_KEYS:
            totals[key] += scores[key].fmeasure
        words += sum(len(s.split()) for s in prediction)
    n = max(len(predictions), 1)
    return Row(
        dataset, system, len(predictions),
        100 * totals["rouge1"] / n, 100 * totals["rouge2"] / n, 100 * totals["rougeLsum"] / n, words / n,
    )


def _progress(items: Sequence[Any], desc: str) -> Iterable[Any]:
    """A tqdm bar on stderr when it is a terminal; the plain sequence otherwise."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, file=sys.stderr, leave=False)


def _our_summaries(
    rows: Sequence[dict[str, Any]],
    summariser: Summariser,
    make_doc: Callable[[str, str], Document],
    desc: str,
) -> list[list[str]]:
    predictions: list[list[str]] = []
    for row in _progress(rows, desc):
        try:
            predictions.append(summariser.summarise(make_doc(row["text"], str(row["id"]))).summary)
        except SummariserError as exc:
            logger.warning("%s %s: %s", desc, row["id"], exc)
            predictions.append([])
    return predictions


def evaluate_rouge(eval_dir: Path, summariser: Summariser, limit: int | None = None) -> list[Row]:
    """Our system and the baselines on FRANK-250 and SAMSum test; sets not found are skipped."""
    table: list[Row] = []
    plan: tuple[tuple[str, Callable[[str, str], Document], str, Callable[[str], list[str]]], ...] = (
        (ARTICLES, article_document, "Lead-3", lead3),
        (DIALOGUES, thread_document, "Longest-3 utterances", longest3_utterances),
    )
    for name, make_doc, baseline_name, baseline in plan:
        path = dataset_file(eval_dir, name)
        if not path.is_file():
            logger.warning("Skipping %s: %s not found", name, path)
            continue
        rows = list(read_jsonl(path, limit))
        references = [row["reference"] for row in rows]
        ours = _our_summaries(rows, summariser, make_doc, name)
        table.append(rouge_row(name, f"ours ({summariser.model_name})", ours, references))
        table.append(rouge_row(name, baseline_name, [baseline(row["text"]) for row in rows], references))
    return table


def format_table(rows: Sequence[Row]) -> str:
    """The ROUGE results as an aligned plain-text table."""
    header = f"{'dataset':<18} {'docs':>5}  {'system':<42} {'R1':>6} {'R2':>6} {'RLsum':>6} {'words':>6}"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r.dataset:<18} {r.docs:>5}  {r.system:<42} "
            f"{r.rouge1:6.2f} {r.rouge2:6.2f} {r.rouge_lsum:6.2f} {r.words:6.1f}"
        )
    return "\n".join(lines)


def quote_scores(eval_dir: Path, summariser: Summariser) -> str:
    """Quote-attribution scores on PolNeAR as a small table, or a line saying why there are none."""
    path = dataset_file(eval_dir, QUOTES)
    if not path.is_file():
        return f"Quote extraction: {path} not found."
    try:
        from bot.tools.eval_quotes import evaluate_polnear
    except ImportError:
        return "Quote extraction: unavailable (bot.tools.eval_quotes is not installed)."
    scores = evaluate_polnear(path, summariser)
    width = max((len(k) for k in scores), default=6)
    lines = [f"Quote extraction on {QUOTES}:", f"{'metric':<{width}}  {'value':>8}"]
    lines += [f"{key:<{width}}  {value:8.3f}" for key, value in scores.items()]
    return "\n".join(lines)


def run(args: argparse.Namespace, summariser: Summariser) -> int:
    """Score every available set and print the tables; 1 when the data folder is missing."""
    try:
        eval_dir = resolve_eval_dir(args.data)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    rows = evaluate_rouge(eval_dir, summariser, args.limit)
    print(format_table(rows))
    print()
    print(quote_scores(eval_dir, summariser))
    from bot.tools.eval_actions import extraction_sections

    print()
    print(extraction_sections(eval_dir, summariser))
    return 0
