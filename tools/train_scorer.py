"""Train the learned sentence scorer shipped as ``bot/resources/scorer.npz``.

Articles: CNN/DM test articles from See et al. (2017), minus every article that FRANK-250
(the set ``python -m bot eval`` scores) also holds. Threads: DialogSum test (SAMSum, which
is scored, is never used). Labels come from a greedy ROUGE-1+2 oracle over the same
candidates the summariser sees; the model is a one-hidden-layer MLP over
:func:`bot.core.scorer.sentence_features`. Embeddings are cached under ``/tmp``.

Run ``python tools/train_scorer.py`` (fixed seeds; a few minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import itertools  # noqa: E402

from bot.core import summary  # noqa: E402
from bot.core.scorer import SentenceScorer, sentence_features  # noqa: E402
from bot.core.types import Kind  # noqa: E402
from bot.tools.datasets import dataset_file, read_jsonl, resolve_eval_dir  # noqa: E402

logger = logging.getLogger("train_scorer")

SEED = 0
OUT = REPO_ROOT / "bot" / "resources" / "scorer.npz"
CACHE = Path("/tmp/slack-summariser-scorer-cache")
CHUNK = 2000

_PTB = {
    "-lrb-": "(", "-rrb-": ")", "-lsb-": "[", "-rsb-": "]", "-lcb-": "{", "-rcb-": "}",
    "``": '"', "''": '"', "--": "-",
}
_ENDS = {".", "!", "?"}
_CLOSERS = {"''", "'", "-rrb-", '"'}


@dataclass
class Example:
    """One training document: candidate texts (shown and embedded) and its references."""

    shown: list[str]
    embedded: list[str]
    references: list[str]


def detokenise(tokens: Sequence[str]) -> str:
    """Undo PTB tokenisation well enough for an uncased encoder and ROUGE."""
    text = " ".join(_PTB.get(t, t) for t in tokens)
    text = re.sub(r" ([.,!?;:%)\]}])", r"\1", text)
    text = re.sub(r"([(\[{$]) ", r"\1", text)
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    return text


def ptb_sentences(text: str) -> list[str]:
    """Split a lowercased PTB-tokenised article into detokenised sentences."""
    sentences: list[str] = []
    current: list[str] = []
    tokens = text.split()
    for i, token in enumerate(tokens):
        current.append(token)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if (token in _ENDS or (token in _CLOSERS and current[-2:-1] and current[-2] in _ENDS)) and nxt not in _CLOSERS:
            sentences.append(detokenise(current))
            current = []
    if current:
        sentences.append(detokenise(current))
    return sentences


class Oracle:
    """Greedy ROUGE-1+2 oracle with rouge_score's stemming tokenizer."""

    def __init__(self) -> None:
        from rouge_score.tokenizers import DefaultTokenizer

        self._tokenizer = DefaultTokenizer(use_stemmer=True)

    def _grams(self, text: str) -> tuple[Counter[tuple[str, ...]], Counter[tuple[str, ...]]]:
        tokens = self._tokenizer.tokenize(text)
        return Counter((t,) for t in tokens), Counter(itertools.pairwise(tokens))

    @staticmethod
    def _f(pred: Counter[tuple[str, ...]], ref: Counter[tuple[str, ...]]) -> float:
        overlap = sum((pred & ref).values())
        if not overlap:
            return 0.0
        p, r = overlap / sum(pred.values()), overlap / sum(ref.values())
        return 2 * p * r / (p + r)

    def labels(self, texts: Sequence[str], references: Sequence[str], max_sentences: int, max_words: int) -> np.ndarray:
        """1 for the sentences the oracle picks, else 0 (mean score over the references)."""
        grams = [self._grams(t) for t in texts]
        refs = [self._grams(r) for r in references]
        chosen: list[int] = []
        best = 0.0
        uni: Counter[tuple[str, ...]] = Counter()
        bi: Counter[tuple[str, ...]] = Counter()
        while len(chosen) < max_sentences:
            step = None
            for i, (u, b) in enumerate(grams):
                words = sum(len(texts[j].split()) for j in chosen) + len(texts[i].split())
                if i in chosen or words > max_words:
                    continue
                score = float(np.mean([self._f(uni + u, ru) + self._f(bi + b, rb) for ru, rb in refs]))
                if score > best:
                    best, step = score, i
            if step is None:
                break
            chosen.append(step)
            uni, bi = uni + grams[step][0], bi + grams[step][1]
        out = np.zeros(len(texts), dtype=np.float32)
        out[chosen] = 1.0
        return out

    def rouge1(self, texts: Sequence[str], reference: str) -> float:
        """ROUGE-1 F1 of the joined ``texts`` against ``reference``."""
        return self._f(self._grams(" ".join(texts))[0], self._grams(reference)[0])


def load_articles(eval_dir: Path, limit: int) -> list[Example]:
    """Shuffled See et al. articles that FRANK does not hold, as candidate lists."""
    frank = {row["see2017_id"] for row in read_jsonl(dataset_file(eval_dir, "cnndm_test_frank"))}
    rows = [r for r in read_jsonl(dataset_file(eval_dir, "cnndm_test_see2017")) if r["id"] not in frank]
    random.Random(SEED).shuffle(rows)
    examples = []
    for row in rows:
        texts = summary.article_candidate_texts(ptb_sentences(row["text"]))
        if len(texts) >= 4:
            refs = [detokenise(row["reference"].replace("\n", " . ").split())]
            examples.append(Example(texts, texts, refs))
        if len(examples) == limit:
            break
    logger.info("articles: %d (FRANK's %d held out)", len(examples), len(frank))
    return examples


def load_threads(eval_dir: Path) -> list[Example]:
    """DialogSum dialogues as thread candidates (long messages split with spaCy)."""
    from bot.adapters.nlp import load_nlp
    from bot.core.detect import build_document

    nlp = load_nlp()
    examples = []
    for row in read_jsonl(dataset_file(eval_dir, "dialogsum_test")):
        doc = build_document(row["text"], row["id"], kind="thread")
        parsed = list(nlp.pipe([m.text for m in doc.messages]))
        cands = summary.thread_candidates(doc.messages, parsed)
        if len(cands) >= 2:
            examples.append(Example([c.shown for c in cands], [c.embedded for c in cands], row["references"]))
    logger.info("threads: %d", len(examples))
    return examples


def embed(examples: Sequence[Example], name: str) -> list[np.ndarray]:
    """Embeddings per example; every sentence's vector is cached under /tmp across runs."""
    path = CACHE / f"{name}.npz"
    cache: dict[str, np.ndarray] = {}
    if path.exists():
        stored = np.load(path, allow_pickle=False)
        cache = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=False))
    missing = sorted({t for ex in examples for t in ex.embedded} - cache.keys())
    if missing:
        from bot.adapters.embedder import MiniLMEncoder

        encoder = MiniLMEncoder(batch_size=32)
        CACHE.mkdir(parents=True, exist_ok=True)
        for start in range(0, len(missing), CHUNK):
            logger.info("embedding %s sentences %d-%d of %d", name, start, start + CHUNK, len(missing))
            chunk = missing[start : start + CHUNK]
            cache.update(zip(chunk, encoder.encode(chunk), strict=False))
            texts = sorted(cache)  # saved after every chunk, so an interrupted run resumes
            np.savez(path, texts=np.array(texts), vectors=np.stack([cache[t] for t in texts]))
    return [np.stack([cache[t] for t in ex.embedded]) for ex in examples]


def train_kind(
    kind: Kind, examples: list[Example], embeddings: list[np.ndarray], oracle: Oracle, hidden: int
) -> dict[str, np.ndarray]:
    """Fit the MLP for one kind, report dev ROUGE-1 against the unsupervised ranking, return weights."""
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    budget = (
        (summary.ARTICLE_MAX_SENTENCES, summary.ARTICLE_MAX_WORDS)
        if kind == "article"
        else (summary.THREAD_MAX_SENTENCES, summary.THREAD_MAX_WORDS)
    )
    feats = [
        sentence_features(e, [len(t.split()) for t in ex.embedded])
        for ex, e in zip(examples, embeddings, strict=False)
    ]
    labels = [oracle.labels(ex.shown, ex.references, *budget) for ex in examples]
    n_dev = max(1, len(examples) // 10)
    x = np.concatenate(feats[n_dev:])
    y = np.concatenate(labels[n_dev:])
    scaler = StandardScaler().fit(x)
    mlp = MLPClassifier(
        hidden_layer_sizes=(hidden,), alpha=1e-2, max_iter=60, early_stopping=True, random_state=SEED
    )
    mlp.fit(scaler.transform(x), y)
    weights: dict[str, np.ndarray] = {f"{kind}.mean": scaler.mean_, f"{kind}.scale": scaler.scale_}
    for i, (w, b) in enumerate(zip(mlp.coefs_, mlp.intercepts_, strict=False)):
        weights[f"{kind}.w{i}"] = w
        weights[f"{kind}.b{i}"] = b
    weights = {k: np.asarray(v, dtype=np.float32) for k, v in weights.items()}

    scorer = SentenceScorer(weights)
    results: dict[str, list[float]] = {"learned alone": [], "unsupervised": [], "blend (shipped)": []}
    for ex, e, f in zip(examples[:n_dev], embeddings[:n_dev], feats[:n_dev], strict=False):
        words = [len(t.split()) for t in ex.embedded]
        for name, scores in (
            ("learned alone", scorer.score(f, kind)),
            ("unsupervised", summary.rank_scores(e, words, None, kind)),
            ("blend (shipped)", summary.rank_scores(e, words, scorer, kind)),
        ):
            picked = summary.select_indices(ex.embedded, scores, e, *budget)
            results[name].append(oracle.rouge1([ex.shown[i] for i in picked], ex.references[0]))
    logger.info(
        "%s dev ROUGE-1 on %d held-out docs: %s; oracle positives %.1f%%",
        kind, n_dev, ", ".join(f"{k} {100 * np.mean(v):.2f}" for k, v in results.items()), 100 * y.mean(),
    )
    return weights


def main(argv: Sequence[str] | None = None) -> int:
    """Train both scorers and write the weights file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="evaluation folder (default ../shared/eval)")
    parser.add_argument("--articles", type=int, default=800, help="training articles (default 800)")
    parser.add_argument("--hidden", type=int, default=32, help="hidden units (default 32)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"weights file (default {OUT})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    random.seed(SEED)
    np.random.seed(SEED)
    import torch

    torch.manual_seed(SEED)

    eval_dir = resolve_eval_dir(args.data)
    oracle = Oracle()
    weights: dict[str, np.ndarray] = {}
    for kind, examples in (("article", load_articles(eval_dir, args.articles)), ("thread", load_threads(eval_dir))):
        weights |= train_kind(kind, examples, embed(examples, kind), oracle, args.hidden)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **weights)
    logger.info("wrote %s (%.0f KB)", args.out, args.out.stat().st_size / 1024)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
