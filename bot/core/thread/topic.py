"""What a thread is about: the core of its anchor (the first message; in Slack, the parent).

The anchor's sentences are split into clauses at colons, semicolons and dashes. Clauses that
name nothing in their parse (see :func:`names_something`: "Morning all.", "go round pls",
"be brutal", "your takes?") are greetings or asides; the others, in the anchor's order, are
the topic, within ``TOPIC_MAX_WORDS``. Clauses stay verbatim, less emoji codes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from bot.core.selection import fit_words, word_tokens
from bot.core.text import normalise_ws

TOPIC_MAX_WORDS = 24
MIN_CLAUSE_WORDS = 3
MIN_CUT_WORDS = 8
"""A clause longer than the words left is cut to them only where at least this many are left."""
NOUN_ROLES = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "conj"})
NOUN_MODIFIERS = frozenset({"compound", "nummod", "prep", "nmod", "acl", "relcl"})

_EMOJI = re.compile(r"(?<!\S):[a-z0-9_+'-]+:(?!\S)")
_CLAUSE_BREAK = re.compile(r"(?<=[:;])\s+|\s+[-–—]+\s+")


def anchor_topic(anchor: Any) -> str | None:
    """The anchor's topic (``anchor`` is its spaCy Doc), or ``None`` when it has no clause with content."""
    chosen: list[str] = []
    words = 0
    for clause in anchor_clauses(anchor):
        if not clause.content:
            continue
        size = len(word_tokens(clause.text))
        if words + size > TOPIC_MAX_WORDS:
            if not chosen or TOPIC_MAX_WORDS - words >= MIN_CUT_WORDS:
                chosen.append(fit_words(clause.text, TOPIC_MAX_WORDS - words))
            break
        chosen.append(clause.text)
        words += size
    if not chosen:
        return None
    return " ".join([*(_closed(c) for c in chosen[:-1]), chosen[-1]])


@dataclass(frozen=True)
class Clause:
    """A clause of the anchor as shown, and whether it names anything (a noun, a name, a number)."""

    text: str
    content: bool


def anchor_clauses(anchor: Any) -> list[Clause]:
    """The anchor's sentences split at clause breaks, without emoji codes; a piece shorter than
    ``MIN_CLAUSE_WORDS`` (a label: "escalation:") joins the clause after it."""
    clauses: list[Clause] = []
    for sent in anchor.sents:
        raw = sent.text
        emoji = [(m.start(), m.end()) for m in _EMOJI.finditer(raw)]
        bounds = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(raw)), len(raw)]
        start: int | None = None
        for a, b in itertools.pairwise(bounds):
            start = a if start is None else start
            text = normalise_ws(_EMOJI.sub(" ", raw[start:b]))
            if len(word_tokens(text)) < MIN_CLAUSE_WORDS and b < len(raw):
                continue  # a label joins the clause after it
            lo, hi = start, b
            start = None
            if not word_tokens(text):
                continue
            tokens = [
                t for t in sent
                if lo <= t.idx - sent.start_char < hi and not any(x <= t.idx - sent.start_char < y for x, y in emoji)
            ]
            clauses.append(Clause(text, any(names_something(t) for t in tokens)))
    return clauses


def names_something(token: Any) -> bool:
    """A figure, a name, or a noun that is modified ("decision thread", "markdown call") or is the
    subject or object of a verb or preposition. A bare noun ("Thanks all!", "your takes?") and
    a name or noun used as an adverb or vocative ("Morning all.", "Carlos, ...") name nothing."""
    if token.dep_ == "npadvmod":
        return False
    if token.pos_ == "NUM":
        return any(ch.isdigit() for ch in token.text)
    if token.pos_ == "PROPN":
        return True
    if token.pos_ != "NOUN":
        return False
    return token.dep_ in NOUN_ROLES or any(child.dep_ in NOUN_MODIFIERS for child in token.children)


def _closed(text: str) -> str:
    """``text`` ending like a sentence or clause, so that the next clause does not run into it."""
    return text if text[-1:] in ".!?:;,…" else text + "."
