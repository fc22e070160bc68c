"""``python -m tools bench``: warm latency per article, cold start, peak memory, and our overhead
over the bare MiniLM forward pass."""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

from bot.settings import Settings
from tools.datasets import REPO_ROOT, dataset_file, read_jsonl, resolve_eval_dir

SEED = REPO_ROOT / "seeds" / "fujian-advanced-manufacturing.txt"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the bench command."""
    parser.add_argument("--data", default=None, help="evaluation folder (default ../shared/eval)")
    parser.add_argument("--articles", type=int, default=50, help="FRANK articles to time (default 50)")
    parser.add_argument("--repeat", type=int, default=1, help="passes over the articles (default 1)")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-start subprocess")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB of this process (or its finished children)."""
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def cold_start() -> tuple[float, float]:
    """Seconds and peak RSS (MB) of a fresh ``python -m bot summarise`` on the seed article."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "summarise", str(SEED), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"cold run failed: {proc.stderr.strip()[-500:]}")
    json.loads(proc.stdout.splitlines()[0])
    return elapsed, peak_rss_mb(resource.RUSAGE_CHILDREN)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the benchmark and print its figures."""
    from bot.adapters.models import load_summariser
    from bot.core.article.summary import article_candidates
    from bot.core.documents import build_document

    cold_s = cold_rss = None
    if not args.no_cold:
        cold_s, cold_rss = cold_start()

    t0 = time.perf_counter()
    summariser = load_summariser(settings)
    load_s = time.perf_counter() - t0

    eval_dir = resolve_eval_dir(args.data)
    rows = list(read_jsonl(dataset_file(eval_dir, "cnndm_test_frank"), limit=args.articles))
    docs = [build_document(r["text"], source=r["id"], kind="article") for r in rows]
    words = [len(d.text.split()) for d in docs]

    summariser.summarise(docs[0])  # warm-up: first call pays lazy initialisation
    pipeline_ms: list[float] = []
    parse_ms: list[float] = []
    encode_ms: list[float] = []
    for _ in range(max(1, args.repeat)):
        for doc in docs:
            start = time.perf_counter()
            summariser.summarise(doc)
            pipeline_ms.append((time.perf_counter() - start) * 1000)
            # The same work split in parts: the spaCy parse, then the bare MiniLM forward
            # pass over the candidate sentences the pipeline embeds (no scoring, selection,
            # quotes or priorities).
            start = time.perf_counter()
            parsed = summariser.nlp(doc.text)
            parse_ms.append((time.perf_counter() - start) * 1000)
            sentences = [c.embedded for c in article_candidates(parsed)]
            start = time.perf_counter()
            summariser.encoder.encode(sentences)
            encode_ms.append((time.perf_counter() - start) * 1000)

    med = statistics.median
    print(f"Summariser benchmark ({len(docs)} FRANK articles x {max(1, args.repeat)}, "
          f"median {med(words):.0f} words; models warm; {summariser.model_name})")
    print(f"  pipeline per article      median {med(pipeline_ms):7.1f} ms   p95 {percentile(pipeline_ms, 95):7.1f} ms")
    print(f"  spaCy parse alone         median {med(parse_ms):7.1f} ms   p95 {percentile(parse_ms, 95):7.1f} ms")
    print(f"  bare MiniLM forward pass  median {med(encode_ms):7.1f} ms   p95 {percentile(encode_ms, 95):7.1f} ms")
    bare = med(parse_ms) + med(encode_ms)
    print(f"  pipeline / (parse + forward pass) = {med(pipeline_ms) / bare:.2f}x "
          "(the rest: scoring, selection, quotes, priorities)")
    print(f"  model load in this process {load_s:.2f} s")
    if cold_s is not None:
        print(f"  cold CLI run on the seed   {cold_s:.2f} s   (peak RSS {cold_rss:.0f} MB)")
    print(f"  peak RSS of this process   {peak_rss_mb():.0f} MB")
    return 0
