"""Training examples: the candidates the summariser would see in a training document, and its references.

Articles come from the lowercased CNN/DM subset, threads from SAMSum and DialogSum train;
validation splits give the held-out examples used for early stopping and tuning.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.article.summary import article_candidate_texts
from bot.core.scorer import feature_text
from bot.core.thread.summary import thread_candidates
from tools.train_data import ptb_sentences, read_training_rows, training_file

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Example:
    """One training document: candidate texts as shown and as embedded, its references, every
    unit of the document (for the lexical features) and its leading units (for the Lead-3 baseline)."""

    doc_id: str
    shown: list[str]
    embedded: list[str]
    references: list[str]
    document: list[str]
    lead: list[str]


def article_examples(train_dir: Path, split: str, limit: int, seed: int = 0) -> list[Example]:
    """Up to ``limit`` shuffled CNN/DM articles of ``split`` as candidate lists (two candidates at least).

    Sentences are split on the PTB tokens and mapped through :func:`feature_text` before the
    summariser's own candidate rules run, so training sees the candidates inference sees.
    """
    rows = list(read_training_rows(training_file(train_dir, split)))
    random.Random(seed).shuffle(rows)
    examples: list[Example] = []
    for row in rows:
        units = [feature_text(s) for s in ptb_sentences(row["text"])]
        texts = article_candidate_texts(units)
        if len(texts) >= 2:
            refs = [feature_text(line) for line in row["reference"].splitlines() if line.strip()]
            examples.append(Example(str(row["id"]), texts, texts, ["\n".join(refs)], units, units[:3]))
        if len(examples) == limit:
            break
    logger.info("%s: %d articles", split, len(examples))
    return examples


def thread_examples(train_dir: Path, split: str, limit: int, nlp: object, seed: int = 0) -> list[Example]:
    """Up to ``limit`` shuffled dialogues of ``split`` (SAMSum or DialogSum) as thread candidates."""
    from bot.core.documents import build_document

    rows = list(read_training_rows(training_file(train_dir, split)))
    random.Random(seed).shuffle(rows)
    examples: list[Example] = []
    for row in rows[: limit * 2]:
        try:
            doc = build_document(row["text"], str(row["id"]), kind="thread")
        except ValueError:
            continue
        parsed = list(nlp.pipe([m.text for m in doc.messages]))  # type: ignore[attr-defined]
        cands = thread_candidates(doc.messages, parsed)
        if len(cands) >= 2:
            refs = row.get("references") or [row["reference"]]
            embedded = [c.embedded for c in cands]
            examples.append(Example(str(row["id"]), [c.shown for c in cands], embedded, refs, embedded, []))
        if len(examples) == limit:
            break
    logger.info("%s: %d dialogues", split, len(examples))
    return examples


def all_embedded(examples: Sequence[Example]) -> list[str]:
    """Every text to embed, as the encoder will see it."""
    return [feature_text(t) for ex in examples for t in ex.embedded]
