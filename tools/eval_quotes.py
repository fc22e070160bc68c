"""Direct-quote extraction and speaker attribution scored against PolNeAR attributions.

Matching, on word tokens (``\\w+``) of the article:

* a predicted direct quote is *correct* when at least half of its words lie inside the
  content span of one gold ``direct_quote`` attribution (it is then assigned to it);
* a gold direct attribution is *found* when at least half of its content words are
  covered by the correct predictions assigned to it (split quotes such as
  ``"A," he said. "B."`` are one gold attribution and may be two predictions);
* ``precision_incl_mixed`` also counts as correct a prediction lying inside the content
  of a gold attribution not flagged ``direct_quote``: PolNeAR flags a partial quotation
  inside a paraphrase ("mixed" quotes) as indirect, while this extractor reports it;
* the speaker of a correct prediction is right when it names the gold source: the two
  contain one another, or share their head (last) word, ignoring case and a leading "the";
  or, when the gold source is a pronoun or a description ("he", "the mayor"), which a name
  can never match, when the speaker was resolved from those very words (the words the
  extractor read the speaker from overlap the gold source span).

``speaker_accuracy`` counts missing speakers as wrong; ``speaker_precision`` only scores
predictions that name a speaker. ``speaker_accuracy_text`` is the stricter first
definition, the text match alone (a "he" resolved to "Donald Trump" counts as wrong there);
``speaker_accuracy_named`` is the text match over gold sources that are not bare pronouns.

``python -m tools eval-quotes --quotes-file FILE`` scores any file in this format, e.g.
a development split converted by ``python -m tools polnear-jsonl``.
"""

from __future__ import annotations

import argparse
import bisect
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from bot.core.quoting.quotes import QuoteCandidate, article_quote_candidates
from bot.core.text import is_verbatim
from tools.datasets import dataset_file, read_jsonl, resolve_eval_dir

QUOTES = "polnear_test_attribution"

_WORD = re.compile(r"\w+")
_PRONOUNS = frozenset("he she it they i we you him her them".split())
_MIN_OVERLAP = 0.5


class _HasNlp(Protocol):
    nlp: Any


def _word_starts(text: str) -> list[int]:
    return [m.start() for m in _WORD.finditer(text)]


def _words_in(starts: Sequence[int], spans: Sequence[Sequence[int]]) -> set[int]:
    words: set[int] = set()
    for start, end in spans:
        words.update(range(bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)))
    return words


def _norm(name: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(name)]
    return words[1:] if words[:1] == ["the"] else words


def speaker_matches(predicted: str | None, gold: str) -> bool:
    """Loose match of a predicted speaker against the gold source span text."""
    if not predicted:
        return False
    p, g = _norm(predicted), _norm(gold)
    if not p or not g:
        return False
    joined_p, joined_g = " ".join(p), " ".join(g)
    if joined_p in joined_g or joined_g in joined_p:
        return True
    return p[-1] in g or g[-1] in p


def _overlaps(start: int, end: int, spans: Sequence[Sequence[int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


def _score_article(row: dict[str, Any], quotes: Sequence[QuoteCandidate], counts: dict[str, float]) -> None:
    text: str = row["text"]
    starts = _word_starts(text)
    gold = [a for a in row["attributions"] if a.get("direct_quote")]
    gold_words = [_words_in(starts, a["content"]["spans"]) for a in gold]
    covered: list[set[int]] = [set() for _ in gold]
    counts["gold"] += len(gold)
    for quote in quotes:
        counts["predicted_all"] += 1
        counts["verbatim"] += is_verbatim(quote.text, text)
        if not quote.direct:
            continue
        counts["predicted"] += 1
        at = text.find(quote.text)
        if at < 0:
            continue
        words = _words_in(starts, [(at, at + len(quote.text))])
        if not words:
            continue
        best, best_share = -1, 0.0
        for k, gw in enumerate(gold_words):
            share = len(words & gw) / len(words)
            if share > best_share:
                best, best_share = k, share
        if best < 0 or best_share < _MIN_OVERLAP:
            counts["mixed"] += any(
                len(words & _words_in(starts, a["content"]["spans"])) / len(words) >= _MIN_OVERLAP
                for a in row["attributions"]
                if not a.get("direct_quote")
            )
            continue
        counts["correct"] += 1
        covered[best] |= words & gold_words[best]
        gold_source = gold[best].get("source") or {}
        source = (gold_source.get("text") or "").strip()
        by_text = speaker_matches(quote.speaker, source)
        mention = quote.mention
        by_mention = (
            quote.speaker is not None
            and mention is not None
            and _overlaps(mention.start, mention.end, gold_source.get("spans") or [])
        )
        counts["speaker_right"] += by_text or by_mention
        counts["speaker_right_text"] += by_text
        counts["speaker_given"] += quote.speaker is not None
        if _norm(source) and " ".join(_norm(source)) not in _PRONOUNS:
            counts["named_gold"] += 1
            counts["named_right"] += by_text
    counts["found"] += sum(
        1 for gw, cov in zip(gold_words, covered, strict=False) if gw and len(cov) / len(gw) >= _MIN_OVERLAP
    )


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def evaluate_polnear(path: Path, summariser: _HasNlp) -> dict[str, float]:
    """Precision/recall/F1 of direct quotes, speaker scores and the verbatim rate."""
    counts: dict[str, float] = dict.fromkeys(
        "docs gold predicted predicted_all verbatim correct mixed found speaker_right "
        "speaker_right_text speaker_given named_gold named_right".split(),
        0.0,
    )
    start = time.perf_counter()
    rows = list(read_jsonl(path))
    for row, doc in zip(rows, summariser.nlp.pipe(r["text"] for r in rows), strict=False):
        counts["docs"] += 1
        _score_article(row, article_quote_candidates(doc), counts)
    precision = _ratio(counts["correct"], counts["predicted"])
    recall = _ratio(counts["found"], counts["gold"])
    return {
        "articles": counts["docs"],
        "gold_direct_quotes": counts["gold"],
        "predicted_direct_quotes": counts["predicted"],
        "precision": precision,
        "precision_incl_mixed": _ratio(counts["correct"] + counts["mixed"], counts["predicted"]),
        "recall": recall,
        "f1": _ratio(2 * precision * recall, precision + recall),
        "speaker_accuracy": _ratio(counts["speaker_right"], counts["correct"]),
        "speaker_precision": _ratio(counts["speaker_right"], counts["speaker_given"]),
        "speaker_accuracy_text": _ratio(counts["speaker_right_text"], counts["correct"]),
        "speaker_accuracy_named": _ratio(counts["named_right"], counts["named_gold"]),
        "verbatim_rate": _ratio(counts["verbatim"], counts["predicted_all"]),
        "seconds": time.perf_counter() - start,
    }


def format_scores(name: str, scores: dict[str, float]) -> str:
    """The scores as a two-column table under a title line."""
    width = max((len(k) for k in scores), default=6)
    lines = [f"Quote extraction on {name}:", f"{'metric':<{width}}  {'value':>8}"]
    lines += [f"{key:<{width}}  {value:8.3f}" for key, value in scores.items()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Score quote extraction on PolNeAR test, or on ``--quotes-file`` (e.g. a dev split)."""
    parser = argparse.ArgumentParser(prog="python -m tools eval-quotes", description=main.__doc__)
    parser.add_argument("--quotes-file", type=Path, help="a JSONL file in the PolNeAR attribution format")
    parser.add_argument("--data", default=None, help="evaluation folder (default ../shared/eval)")
    args = parser.parse_args(argv)
    path = args.quotes_file
    if path is None:
        try:
            path = dataset_file(resolve_eval_dir(args.data), QUOTES)
        except FileNotFoundError as exc:
            print(exc, file=sys.stderr)
            return 1
    if not path.is_file():
        print(f"{path} not found", file=sys.stderr)
        return 1
    from types import SimpleNamespace

    from bot.adapters.nlp import load_nlp

    print(format_scores(path.name, evaluate_polnear(path, SimpleNamespace(nlp=load_nlp()))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
