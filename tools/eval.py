"""``python -m tools eval``: ROUGE of our summaries against simple baselines, plus quote scores.

Scores CNN/DM FRANK-250 and See et al.'s sample-500 articles, SAMSum and DialogSum test
dialogues (the mean over DialogSum's three references) with ``rouge_score`` (stemming, mean
F1 x100, sentences joined by newlines for ROUGE-Lsum), next to the baselines documented in
``SOURCES.md`` (Lead-3 sentences; Longest-3 utterances) and to the baseline cut to our
summary's length, with a paired-bootstrap interval of the difference. These sets are for
reporting only: nothing is trained or tuned on them (see ``tools.train_data``).

The output is a list of sections (:data:`SECTIONS`); other scores append theirs there.
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

from bot.core.documents import build_document
from bot.core.errors import SummariserError
from bot.core.pipeline import Summariser
from bot.core.types import Document
from tools.datasets import dataset_file, read_jsonl, resolve_eval_dir

logger = logging.getLogger(__name__)

ROUGE_KEYS = ("rouge1", "rouge2", "rougeLsum")
ARTICLES = "cnndm_test_frank"
SEE_SAMPLE = "cnndm_test_see2017_sample500_seed0"
SEE_FOLDER = "cnndm_test_see2017"
DIALOGUES = "samsum_test"
DIALOGSUM = "dialogsum_test"
QUOTES = "polnear_test_attribution"
BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 0
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


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


@dataclass(frozen=True)
class Scored:
    """Per-document ROUGE F1 (x100) of one system, and the words of each summary."""

    rouge1: list[float]
    rouge2: list[float]
    rouge_lsum: list[float]
    words: list[int]

    def row(self, dataset: str, system: str) -> Row:
        """The table line: means over documents."""
        n = max(len(self.rouge1), 1)
        return Row(
            dataset, system, len(self.rouge1),
            sum(self.rouge1) / n, sum(self.rouge2) / n, sum(self.rouge_lsum) / n, sum(self.words) / n,
        )


@dataclass(frozen=True)
class Interval:
    """A paired-bootstrap confidence interval of a mean difference."""

    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class RougeSet:
    """A summarisation test set: where it is, how to read it, and the baseline it is compared with."""

    name: str
    folder: str
    make_doc: Callable[[str, str], Document]
    baseline_name: str
    baseline: Callable[[str], list[str]]

    def path(self, eval_dir: Path) -> Path:
        """The JSONL file of the set."""
        return eval_dir / self.folder / f"{self.name}.jsonl"


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
    """A thread :class:`Document` from "Name: text" lines."""
    return build_document(text, source, kind="thread")


def article_document(text: str, source: str) -> Document:
    """An article :class:`Document`."""
    return Document(kind="article", text=text, source=source)


def references_of(row: dict[str, Any]) -> list[str]:
    """The reference summaries of a row (``references`` when the set has several)."""
    refs = row.get("references")
    return [str(r) for r in refs] if isinstance(refs, list) and refs else [str(row["reference"])]


def score_system(predictions: Sequence[Sequence[str]], references: Sequence[Sequence[str]]) -> Scored:
    """Per-document ROUGE F1 (x100; the mean over a document's references) and summary lengths."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(ROUGE_KEYS), use_stemmer=True)
    per_key: dict[str, list[float]] = {key: [] for key in ROUGE_KEYS}
    for prediction, refs in zip(predictions, references, strict=True):
        scores = [scorer.score(ref, "\n".join(prediction)) for ref in refs]
        for key in ROUGE_KEYS:
            per_key[key].append(100 * sum(s[key].fmeasure for s in scores) / len(scores))
    words = [sum(len(s.split()) for s in prediction) for prediction in predictions]
    return Scored(per_key["rouge1"], per_key["rouge2"], per_key["rougeLsum"], words)


def rouge_row(
    dataset: str, system: str, predictions: Sequence[Sequence[str]], references: Sequence[str]
) -> Row:
    """Mean ROUGE F1 (x100) and mean length in words of ``predictions`` (one reference each)."""
    return score_system(predictions, [[r] for r in references]).row(dataset, system)


def cut_to_words(sentences: Sequence[str], words: int) -> list[str]:
    """The first ``words`` words of ``sentences`` (sentence breaks kept): a baseline at our length."""
    out: list[str] = []
    left = words
    for sentence in sentences:
        tokens = sentence.split()
        if left <= 0:
            break
        out.append(" ".join(tokens[:left]))
        left -= len(tokens)
    return out


def paired_bootstrap(ours: Sequence[float], theirs: Sequence[float], samples: int = BOOTSTRAP_SAMPLES) -> Interval:
    """95 % percentile interval of mean(ours - theirs) over documents resampled with replacement."""
    import numpy as np

    diff = np.asarray(ours, dtype=float) - np.asarray(theirs, dtype=float)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    means = diff[rng.integers(0, len(diff), size=(samples, len(diff)))].mean(axis=1)
    return Interval(float(diff.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5)))


def _progress(items: Sequence[Any], desc: str) -> Iterable[Any]:
    """A tqdm bar on stderr when it is a terminal; the plain sequence otherwise."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    bar: Iterable[Any] = tqdm(items, desc=desc, file=sys.stderr, leave=False)
    return bar


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


def rouge_sets() -> list[RougeSet]:
    """The summarisation test sets ``python -m tools eval`` scores, in table order."""
    return [
        RougeSet(ARTICLES, ARTICLES, article_document, "Lead-3", lead3),
        RougeSet(SEE_SAMPLE, SEE_FOLDER, article_document, "Lead-3", lead3),
        RougeSet(DIALOGUES, DIALOGUES, thread_document, "Longest-3 utterances", longest3_utterances),
        RougeSet(DIALOGSUM, DIALOGSUM, thread_document, "Longest-3 utterances", longest3_utterances),
    ]


@dataclass(frozen=True)
class SetResult:
    """Table rows of one set, and the interval of ours minus the baseline cut to our length."""

    rows: list[Row]
    interval: Interval
    baseline_name: str


def evaluate_set(spec: RougeSet, eval_dir: Path, summariser: Summariser, limit: int | None = None) -> SetResult | None:
    """Ours, the baseline, and the baseline cut to our length on one set; ``None`` when it is absent."""
    path = spec.path(eval_dir)
    if not path.is_file():
        logger.warning("Skipping %s: %s not found", spec.name, path)
        return None
    rows = list(read_jsonl(path, limit))
    references = [references_of(row) for row in rows]
    ours = score_system(_our_summaries(rows, summariser, spec.make_doc, spec.name), references)
    baseline = [spec.baseline(row["text"]) for row in rows]
    cut = [cut_to_words(b, n) for b, n in zip(baseline, ours.words, strict=True)]
    cut_scored = score_system(cut, references)
    cut_name = f"{spec.baseline_name} cut to our length"
    table = [
        ours.row(spec.name, f"ours ({summariser.model_name})"),
        score_system(baseline, references).row(spec.name, spec.baseline_name),
        cut_scored.row(spec.name, cut_name),
    ]
    return SetResult(table, paired_bootstrap(ours.rouge1, cut_scored.rouge1), cut_name)


def evaluate_rouge(eval_dir: Path, summariser: Summariser, limit: int | None = None) -> list[Row]:
    """Table rows of every summarisation set found (ours, the baseline, the baseline at our length)."""
    results = [evaluate_set(spec, eval_dir, summariser, limit) for spec in rouge_sets()]
    return [row for result in results if result is not None for row in result.rows]


def rouge_section(eval_dir: Path, summariser: Summariser, limit: int | None) -> str:
    """The ROUGE table and, per set, the paired-bootstrap interval of ours minus the length-matched baseline."""
    results = [r for spec in rouge_sets() if (r := evaluate_set(spec, eval_dir, summariser, limit)) is not None]
    if not results:
        return f"ROUGE: no summarisation set found under {eval_dir}."
    lines = [format_table([row for r in results for row in r.rows]), ""]
    lines.append(
        f"ROUGE-1 of ours minus the baseline cut to our length, per document "
        f"(mean, 95% paired-bootstrap CI, {BOOTSTRAP_SAMPLES} resamples):"
    )
    for r in results:
        ci = r.interval
        verdict = "above 0" if ci.low > 0 else "below 0" if ci.high < 0 else "includes 0"
        interval = f"{ci.mean:+6.2f}  [{ci.low:+.2f}, {ci.high:+.2f}]  {verdict}"
        lines.append(f"  {r.rows[0].dataset:<36} vs {r.baseline_name:<38} {interval}")
    return "\n".join(lines)


def format_table(rows: Sequence[Row]) -> str:
    """The ROUGE results as an aligned plain-text table."""
    header = f"{'dataset':<36} {'docs':>5}  {'system':<44} {'R1':>6} {'R2':>6} {'RLsum':>6} {'words':>6}"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r.dataset:<36} {r.docs:>5}  {r.system:<44} "
            f"{r.rouge1:6.2f} {r.rouge2:6.2f} {r.rouge_lsum:6.2f} {r.words:6.1f}"
        )
    return "\n".join(lines)


def quote_scores(eval_dir: Path, summariser: Summariser, _limit: int | None = None) -> str:
    """Quote-attribution scores on PolNeAR as a small table, or a line saying why there are none."""
    path = dataset_file(eval_dir, QUOTES)
    if not path.is_file():
        return f"Quote extraction: {path} not found."
    from tools.eval_quotes import evaluate_polnear

    scores = evaluate_polnear(path, summariser)
    width = max((len(k) for k in scores), default=6)
    lines = [f"Quote extraction on {QUOTES}:", f"{'metric':<{width}}  {'value':>8}"]
    lines += [f"{key:<{width}}  {value:8.3f}" for key, value in scores.items()]
    return "\n".join(lines)


Section = Callable[[Path, Summariser, "int | None"], str]
def extraction_section(eval_dir: Path, summariser: Summariser, _limit: int | None = None) -> str:
    """Decisions, action items and priorities: AMI test and the development set."""
    from tools.eval_actions import extraction_sections

    return extraction_sections(eval_dir, summariser)


def work_threads_section(eval_dir: Path, summariser: Summariser, _limit: int | None = None) -> str:
    """The score.py figures of each work-thread part under ``tests/data/work_threads/``."""
    from tools.eval_threads import work_threads_section as section

    return section(eval_dir, summariser)


SECTIONS: list[Section] = [rouge_section, quote_scores, extraction_section, work_threads_section]
"""What ``python -m tools eval`` prints, in order; each section reads its own sets and says when one is missing."""


def run(args: argparse.Namespace, summariser: Summariser) -> int:
    """Print every section of :data:`SECTIONS`; 1 when the data folder is missing."""
    try:
        eval_dir = resolve_eval_dir(args.data)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    for i, section in enumerate(SECTIONS):
        if i:
            print()
        print(section(eval_dir, summariser, args.limit), flush=True)
    return 0
