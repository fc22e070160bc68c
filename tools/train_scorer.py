"""Train the sentence-selection model shipped as ``bot/resources/scorer.npz``.

Reads only the training and validation splits in ``../shared/train`` (see
:mod:`tools.train_data`): CNN/DM train articles and SAMSum + DialogSum train dialogues
to fit, their validation splits for early stopping and for choosing among settings. No
evaluation set is ever opened.

The model scores whole candidate summaries. For each document, every subset of its
candidates that the summariser may output (within the sentence and word budgets, no
redundant pair; :func:`bot.core.selection.allowed_subsets`) gets its ROUGE against the
reference. A small network scores each sentence from
:func:`bot.core.scorer.sentence_features`; a summary's score is the sum of its sentences'
scores plus learned weights on its :func:`bot.core.scorer.subset_features` (length,
redundancy). Training minimises the cross-entropy between the softmax of the summary scores
and a sharp softmax of their ROUGE (a listwise loss), so the highest-scored summary is the
one to output: the same argmax the summariser decodes.

Run ``python -m tools train-scorer`` (fixed seeds; embeddings are cached under ``/tmp``).
"""

from __future__ import annotations

import argparse
import itertools
import logging
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from bot.core import selection
from bot.core.scorer import (
    Lexicon,
    SentenceScorer,
    feature_text,
    sentence_features,
    subset_columns,
    subset_features,
)
from bot.core.types import Kind
from tools.datasets import REPO_ROOT
from tools.embed_cache import EmbeddingCache
from tools.train_data import resolve_train_dir
from tools.train_examples import Example, all_embedded, article_examples, thread_examples

if TYPE_CHECKING:
    import torch

logger = logging.getLogger("train_scorer")

SEED = 0
OUT = REPO_ROOT / "bot" / "resources" / "scorer.npz"
SETTINGS: dict[str, dict[str, float]] = {
    "article": {"hidden": 64, "temperature": 0.1, "lr": 3e-4, "weight_decay": 0.1, "dropout": 0.3},
    "thread": {"hidden": 64, "temperature": 0.05, "lr": 1e-3, "weight_decay": 1e-2, "dropout": 0.0},
}
"""Per-kind settings, chosen by ROUGE-1 on the validation splits (CNN/DM validation: temperature
0.02-0.1, hidden 32-128, dropout 0-0.3 tried; 40.0-40.5 on the plain rows, 40.95 with the lexical
rows at these settings). Threads keep the plain rows: with the lexical rows five settings reached
35.01-35.30 on SAMSum + DialogSum validation against 35.19 for the plain rows, DialogSum lower in all."""


class Rouge:
    """ROUGE-1/2 F1 of candidate summaries with rouge_score's stemming tokenizer."""

    def __init__(self) -> None:
        from rouge_score.tokenizers import DefaultTokenizer

        self._tokenizer = DefaultTokenizer(use_stemmer=True)

    def grams(self, text: str) -> tuple[Counter[str], Counter[tuple[str, str]]]:
        """Unigram and bigram counts of ``text``."""
        tokens = self._tokenizer.tokenize(text)
        return Counter(tokens), Counter(itertools.pairwise(tokens))



def subset_f1(
    members: np.ndarray, sentence_grams: Sequence[Counter[Any]], reference: Counter[Any]
) -> np.ndarray:
    """ROUGE-n F1 of every summary (rows of the 0/1 ``members`` matrix) against one reference."""
    vocab = {g: i for i, g in enumerate({g for c in sentence_grams for g in c} | set(reference))}
    counts = np.zeros((len(sentence_grams), len(vocab)), dtype=np.float32)
    for row, c in enumerate(sentence_grams):
        for g, n in c.items():
            counts[row, vocab[g]] = n
    ref = np.zeros(len(vocab), dtype=np.float32)
    for g, n in reference.items():
        ref[vocab[g]] = n
    summary_counts = members @ counts
    overlap = np.minimum(summary_counts, ref).sum(1)
    size = summary_counts.sum(1)
    precision = overlap / np.maximum(size, 1)
    recall = overlap / max(float(ref.sum()), 1.0)
    return np.where(overlap > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-9), 0.0)


@dataclass
class Prepared:
    """One document ready for training: features, allowed summaries, their features and ROUGE."""

    embeddings: np.ndarray  # (n, dim)
    texts: list[str]  # candidates in feature_text form
    lexicon: Lexicon
    words: np.ndarray  # (n,)
    blocked: np.ndarray  # (n, n) redundant pairs
    features: np.ndarray  # (n, d) sentence features
    subsets: list[tuple[int, ...]]
    subset_rows: np.ndarray  # (m, len(subset_columns(kind)))
    rouge1: np.ndarray  # (m,) ROUGE-1 F1 of each allowed summary (mean over references)
    rouge2: np.ndarray  # (m,)
    lead_cut: np.ndarray  # (m,) ROUGE-1 of the leading units cut to each summary's length (0 without a lead)


def budget(kind: Kind) -> tuple[int, int]:
    """(sentences, words) the summariser allows for ``kind``."""
    return selection.BUDGET[kind]


def prepare(kind: Kind, examples: Sequence[Example], cache: EmbeddingCache, rouge: Rouge) -> list[Prepared]:
    """Features and the ROUGE of every allowed summary for each example (as the summariser decodes)."""
    max_sentences, max_words = budget(kind)
    out: list[Prepared] = []
    for ex in examples:
        embedded = [feature_text(t) for t in ex.embedded]
        emb = cache.matrix(embedded)
        words = np.asarray([selection.summary_words(t) for t in ex.shown], dtype=np.float32)
        blocked = selection.redundant_pairs(embedded, emb)
        subsets = selection.allowed_subsets(words, blocked, max_sentences, max_words)
        if len(subsets) < 2:
            continue
        members = np.zeros((len(subsets), len(ex.shown)), dtype=np.float32)
        for k, chosen in enumerate(subsets):
            members[k, list(chosen)] = 1.0
        grams = [rouge.grams(t) for t in ex.shown]
        refs = [rouge.grams(r) for r in ex.references]
        r1 = np.mean([subset_f1(members, [g[0] for g in grams], ref[0]) for ref in refs], axis=0)
        r2 = np.mean([subset_f1(members, [g[1] for g in grams], ref[1]) for ref in refs], axis=0)
        lexicon = Lexicon.of(embedded, [feature_text(u) for u in ex.document])
        rows = np.stack([subset_features(m, words, emb, max_words, lexicon, kind) for m in subsets])
        features = sentence_features(emb, list(words), embedded, lexicon, kind)
        lead = lead_cut_rouge1(ex, subsets, rouge)
        out.append(Prepared(emb, embedded, lexicon, words, blocked, features, subsets, rows, r1, r2, lead))
    return out


def lead_cut_rouge1(ex: Example, subsets: Sequence[tuple[int, ...]], rouge: Rouge) -> np.ndarray:
    """ROUGE-1 F1 of ``ex``'s leading units cut to the length (whitespace words, as ``python -m tools eval``
    counts them) of each summary in ``subsets``: the baseline ``python -m tools eval`` compares with."""
    from tools.eval import cut_to_words

    if not ex.lead:
        return np.zeros(len(subsets), dtype=np.float32)
    by_length: dict[int, float] = {}
    refs = [rouge.grams(r)[0] for r in ex.references]
    values = []
    for members in subsets:
        n = sum(len(ex.shown[i].split()) for i in members)
        if n not in by_length:
            cut = rouge.grams("\n".join(cut_to_words(ex.lead, n)))[0]
            by_length[n] = float(np.mean([unigram_f1(cut, ref) for ref in refs]))
        values.append(by_length[n])
    return np.asarray(values, dtype=np.float32)


def unigram_f1(summary_counts: Counter[str], reference: Counter[str]) -> float:
    """ROUGE-1 F1 of one summary's unigram counts against one reference's."""
    overlap = sum((summary_counts & reference).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(summary_counts.values()), overlap / sum(reference.values())
    return 2 * precision * recall / (precision + recall)


@dataclass
class Batch:
    """Padded tensors of several documents."""

    x: torch.Tensor  # (B, n, d)
    idx: torch.Tensor  # (B, m, k) sentence indices of each summary, n = padding slot
    phi: torch.Tensor  # (B, m, s)
    target: torch.Tensor  # (B, m) ROUGE used as the target
    r1: torch.Tensor  # (B, m)
    lead_cut: torch.Tensor  # (B, m)
    valid: torch.Tensor  # (B, m) bool


def make_batch(docs: Sequence[Prepared], mean: np.ndarray, scale: np.ndarray, max_sentences: int) -> Batch:
    """Pad ``docs`` into tensors (standardised features)."""
    import torch

    n = max(d.features.shape[0] for d in docs)
    m = max(len(d.subsets) for d in docs)
    dim = docs[0].features.shape[1]
    x = np.zeros((len(docs), n, dim), dtype=np.float32)
    idx = np.full((len(docs), m, max_sentences), n, dtype=np.int64)
    phi = np.zeros((len(docs), m, docs[0].subset_rows.shape[1]), dtype=np.float32)
    r1 = np.zeros((len(docs), m), dtype=np.float32)
    lead_cut = np.zeros((len(docs), m), dtype=np.float32)
    target = np.zeros((len(docs), m), dtype=np.float32)
    valid = np.zeros((len(docs), m), dtype=bool)
    for b, d in enumerate(docs):
        x[b, : d.features.shape[0]] = (d.features - mean) / scale
        for k, members in enumerate(d.subsets):
            idx[b, k, : len(members)] = members
        phi[b, : len(d.subsets)] = d.subset_rows
        r1[b, : len(d.subsets)] = d.rouge1
        lead_cut[b, : len(d.subsets)] = d.lead_cut
        target[b, : len(d.subsets)] = d.rouge1 + d.rouge2
        valid[b, : len(d.subsets)] = True
    t = torch.from_numpy
    return Batch(t(x), t(idx), t(phi), t(target), t(r1), t(lead_cut), t(valid))


class SubsetModel:
    """The sentence MLP plus the subset weights, in torch for training."""

    def __init__(self, dim: int, hidden: int, subset_width: int, dropout: float = 0.0) -> None:
        import torch

        self.net = torch.nn.Sequential(
            torch.nn.Linear(dim, hidden), torch.nn.ReLU(), torch.nn.Dropout(dropout), torch.nn.Linear(hidden, 1)
        )
        self.theta = torch.nn.Parameter(torch.zeros(subset_width))

    def parameters(self) -> list[torch.nn.Parameter]:
        """Trainable tensors."""
        return [*self.net.parameters(), self.theta]

    def summary_scores(self, batch: Batch) -> torch.Tensor:
        """(B, m) score of every padded summary (-inf where not allowed)."""
        import torch

        s = self.net(batch.x).squeeze(-1)  # (B, n)
        s = torch.cat([s, torch.zeros_like(s[:, :1])], dim=1)  # the padding slot scores 0
        gathered = torch.gather(s, 1, batch.idx.flatten(1)).view(batch.idx.shape).sum(-1)
        total = gathered + batch.phi @ self.theta
        return total.masked_fill(~batch.valid, float("-inf"))

    def export(self, kind: Kind, mean: np.ndarray, scale: np.ndarray) -> dict[str, np.ndarray]:
        """Weights in the layout :class:`bot.core.scorer.SentenceScorer` reads."""
        import torch

        first, last = cast(torch.nn.Linear, self.net[0]), cast(torch.nn.Linear, self.net[3])
        out = {
            f"{kind}.mean": mean,
            f"{kind}.scale": scale,
            f"{kind}.w0": first.weight.detach().numpy().T,
            f"{kind}.b0": first.bias.detach().numpy(),
            f"{kind}.w1": last.weight.detach().numpy().T,
            f"{kind}.b1": last.bias.detach().numpy(),
            f"{kind}.subset": self.theta.detach().numpy(),
        }
        return {k: np.asarray(v, dtype=np.float32) for k, v in out.items()}


def picked_rouge1(model: SubsetModel, batches: Sequence[Batch]) -> tuple[float, float]:
    """Mean ROUGE-1 of the highest-scored summary over ``batches`` (what the summariser would
    output), and its mean margin over the leading units cut to the same length."""
    import torch

    values, margins = [], []
    with torch.no_grad():
        for batch in batches:
            best = model.summary_scores(batch).argmax(1)[:, None]
            values.append(batch.r1.gather(1, best).squeeze(1))
            margins.append(values[-1] - batch.lead_cut.gather(1, best).squeeze(1))
    return 100 * float(torch.cat(values).mean()), 100 * float(torch.cat(margins).mean())


def train_kind(
    kind: Kind,
    train: list[Prepared],
    dev: list[Prepared],
    hidden: int,
    temperature: float,
    epochs: int,
    lr: float = 1e-3,
    weight_decay: float = 1e-2,
    dropout: float = 0.0,
) -> tuple[dict[str, np.ndarray], float]:
    """Fit one kind's model with the listwise loss; early stopping on dev ROUGE-1. Returns weights and dev R1."""
    import torch

    max_sentences = budget(kind)[0]
    stacked = np.concatenate([d.features for d in train])
    mean, scale = stacked.mean(0), stacked.std(0)
    scale = np.where(scale > 1e-6, scale, 1.0).astype(np.float32)
    rng = random.Random(SEED)
    dev_batches = [make_batch(dev[i : i + 256], mean, scale, max_sentences) for i in range(0, len(dev), 256)]
    model = SubsetModel(stacked.shape[1], hidden, len(subset_columns(kind)), dropout)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    best_r1, best_state, stale = -1.0, None, 0
    order = list(range(len(train)))
    for epoch in range(epochs):
        rng.shuffle(order)
        model.net.train()
        for start in range(0, len(order), 64):
            batch = make_batch([train[i] for i in order[start : start + 64]], mean, scale, max_sentences)
            scores = model.summary_scores(batch)
            target = batch.target.masked_fill(~batch.valid, float("-inf"))
            goal = torch.softmax(target / temperature, dim=1)
            logp = torch.log_softmax(scores, dim=1).masked_fill(~batch.valid, 0.0)
            loss = -(goal * logp).sum(1).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        model.net.eval()
        r1, margin = picked_rouge1(model, dev_batches)
        lead = f" ({margin:+.2f} over the lead cut to our length)" if kind == "article" else ""
        logger.info("%s epoch %d: dev ROUGE-1 %.2f%s", kind, epoch + 1, r1, lead)
        if r1 > best_r1 + 0.01:
            best_r1, stale = r1, 0
            best_state = ([p.detach().clone() for p in model.net.parameters()], model.theta.detach().clone())
        else:
            stale += 1
            if stale >= 3:
                break
    assert best_state is not None
    with torch.no_grad():
        for p, saved in zip(model.net.parameters(), best_state[0], strict=True):
            p.copy_(saved)
        model.theta.copy_(best_state[1])
    return model.export(kind, mean, scale), best_r1


def baselines(dev: Sequence[Prepared]) -> dict[str, float]:
    """Dev ROUGE-1 of reference points: the oracle summary, and the first sentences that fit."""
    oracle = float(np.mean([d.rouge1.max() for d in dev]))
    lead = []
    for d in dev:
        by_size = sorted(range(len(d.subsets)), key=lambda k: (-len(d.subsets[k]), d.subsets[k]))
        lead.append(next(d.rouge1[k] for k in by_size if d.subsets[k] == tuple(range(len(d.subsets[k])))))
    return {"oracle": 100 * oracle, "leading sentences that fit": 100 * float(np.mean(lead))}


def decoded_rouge1(kind: Kind, dev: Sequence[Prepared], scorer: SentenceScorer | None) -> float:
    """Dev ROUGE-1 of what the summariser itself decodes with ``scorer`` (``None``: the unsupervised ranking)."""
    max_sentences, max_words = budget(kind)
    values = []
    for d in dev:
        scores = selection.rank_scores(d.embeddings, list(d.words), scorer, kind, d.texts, d.lexicon)
        theta = scorer.subset_weights(kind) if scorer is not None else None
        picked = selection.choose_subset(
            scores, d.words, d.embeddings, d.blocked, max_sentences, max_words, d.lexicon, kind, theta
        )
        values.append(d.rouge1[d.subsets.index(tuple(sorted(picked)))])
    return 100 * float(np.mean(values))


def embed(examples: Sequence[Example], cache: EmbeddingCache) -> None:
    """Embed every candidate not in the cache yet (single-threaded: the machine is shared)."""
    texts = all_embedded(examples)
    if not cache.missing(texts):
        return
    import torch

    from bot.adapters.embedder import MiniLMEncoder

    torch.set_num_threads(1)
    cache.fill(texts, MiniLMEncoder(batch_size=32).encode)


def main(argv: Sequence[str] | None = None) -> int:
    """Train the article and thread models and write the weights file."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--train", default=None, help="training folder (default ../shared/train)")
    parser.add_argument("--articles", type=int, default=8551, help="CNN/DM training articles (default 8551)")
    parser.add_argument("--dev-articles", type=int, default=2000, help="CNN/DM validation articles (default 2000)")
    parser.add_argument("--samsum", type=int, default=2000, help="SAMSum training dialogues (default 2000)")
    parser.add_argument("--dialogsum", type=int, default=800, help="DialogSum training dialogues (default 800)")
    parser.add_argument("--dev-samsum", type=int, default=600, help="SAMSum validation dialogues (default 600)")
    parser.add_argument("--dev-dialogsum", type=int, default=400, help="DialogSum validation dialogues (default 400)")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--cached-only", action="store_true", help="train on the embedded prefix of the training order")
    parser.add_argument("--kinds", default="article,thread", help="kinds to train (default both)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"weights file (default {OUT})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    random.seed(SEED)
    np.random.seed(SEED)
    import torch

    torch.manual_seed(SEED)
    train_dir = resolve_train_dir(args.train)
    rouge = Rouge()
    weights: dict[str, np.ndarray] = {}
    if args.out.is_file():  # keep the other kind's weights when training one
        with np.load(args.out) as old:
            weights = {k: old[k] for k in old.files}
    for kind in args.kinds.split(","):
        if kind == "article":
            train_ex = article_examples(train_dir, "cnndm_train", args.articles)
            dev_ex = article_examples(train_dir, "cnndm_validation", args.dev_articles)
            cache = EmbeddingCache("articles")
        else:
            from bot.adapters.nlp import load_nlp

            nlp = load_nlp()
            train_ex = [
                *thread_examples(train_dir, "samsum_train", args.samsum, nlp),
                *(thread_examples(train_dir, "dialogsum_train", args.dialogsum, nlp) if args.dialogsum else []),
            ]
            dev_ex = [
                *thread_examples(train_dir, "samsum_validation", args.dev_samsum, nlp),
                *thread_examples(train_dir, "dialogsum_validation", args.dev_dialogsum, nlp),
            ]
            cache = EmbeddingCache("threads")
        if args.cached_only:  # the longest prefix of the (seeded) training order already embedded
            cached = [not cache.missing(feature_text(t) for t in ex.embedded) for ex in train_ex]
            train_ex = train_ex[: cached.index(False) if False in cached else len(cached)]
            logger.info("%s: %d training documents already embedded", kind, len(train_ex))
        embed([*train_ex, *dev_ex], cache)
        train_p = prepare(kind, train_ex, cache, rouge)
        dev_p = prepare(kind, dev_ex, cache, rouge)
        opts = SETTINGS[kind]
        fitted, dev_r1 = train_kind(
            kind, train_p, dev_p, int(opts["hidden"]), opts["temperature"], args.epochs,
            opts["lr"], opts["weight_decay"], opts["dropout"],
        )
        weights = {k: v for k, v in weights.items() if not k.startswith(f"{kind}.")} | fitted
        points = baselines(dev_p) | {
            "unsupervised ranking": decoded_rouge1(kind, dev_p, None),
            "shipped weights, numpy decoder": decoded_rouge1(kind, dev_p, SentenceScorer(fitted)),
        }
        refs = ", ".join(f"{k} {v:.2f}" for k, v in points.items())
        logger.info("%s: dev ROUGE-1 %.2f on %d documents (%s)", kind, dev_r1, len(dev_p), refs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **weights)  # type: ignore[arg-type]
    logger.info("wrote %s (%.0f KB)", args.out, args.out.stat().st_size / 1024)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
