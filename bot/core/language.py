"""Which language a document is in, so that text the English models cannot read is said to be
so instead of summarised into garbage.

Each message of a thread (each paragraph of an article) is identified on its own, with links,
code, mentions, numbers and capitalised words inside sentences (names, products, German nouns
aside) masked out, and the guesses are pooled by the words they rest on. A document is foreign
when another language holds half of that weight (more for a very short one) and three times
what English holds (SAMSum, DialogSum and lowercased CNN/DM training and validation texts, 9,300
of them, none flagged; the most foreign-looking of them, a six-word "im coming please wait!"
chat, stays under the short-text bar). A short English
thread with a "Danke!", a French name or a code snippet stays English, a German thread with a
few English "lgtm"s does not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.protocols import LanguageIdentifier
from bot.core.types import Document, Message

ENGLISH = "en"
FOREIGN_SHARE = 0.5
"""Share of the pooled weight another language needs for the document to count as written in it."""
SHORT_SHARE = 0.6
"""The share needed when the document has fewer than ``SHORT_WORDS`` words."""
SHORT_WORDS = 10
OVER_ENGLISH = 3.0
"""How many times English's weight the other language needs."""
MIN_WORDS = 5
"""Words (after masking) a document needs before it is called foreign: "ok, passt" is not enough."""
MAX_SEGMENTS = 80
"""Segments identified per document, spread over it: enough for a verdict, bounded for long meetings."""
OPENING_WORDS = 50
OPENING_CHARS = 320

_MASK = re.compile(
    r"```.*?```|`[^`\n]*`|https?://\S+|www\.\S+|<[^>\n]*>|\S+@\S+\.\w+|(?<!\w)[@#][\w.'-]+|:[a-z0-9_+-]+:"
    r"|\S*[\d_/\\=<>{}()\[\]|]\S*",
    re.S,
)
_INNER_CAPITAL = re.compile(r"(?<=[\w,;:'\u2019\"]\s)[A-Z\u00c0-\u00de][\w'\u2019-]*")
_WORD = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+|(?<=[\u3002\uff01\uff1f])")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Verdict:
    """The language a document is written in, when it is not English."""

    code: str
    name: str
    share: float


def mask(text: str) -> str:
    """``text`` without what says nothing of its language: code, links, mentions, numbers and
    capitalised words inside a sentence."""
    text = _MASK.sub(" ", text)
    return " ".join(_INNER_CAPITAL.sub(" ", text).split())


def segments(doc: Document) -> list[str]:
    """What is identified one by one: each message of a thread, each paragraph of an article."""
    if doc.messages:
        parts = [m.text for m in doc.messages]
    else:
        parts = [p for p in _PARAGRAPH.split(doc.text) if p.strip()]
        if len(parts) == 1:
            parts = [line for line in doc.text.splitlines() if line.strip()]
    if len(parts) > MAX_SEGMENTS:
        step = len(parts) / MAX_SEGMENTS
        parts = [parts[int(k * step)] for k in range(MAX_SEGMENTS)]
    return parts


def read_language(texts: Sequence[str], identifier: LanguageIdentifier) -> Verdict | None:
    """The language of ``texts`` taken together, or ``None`` when it is English (or too little
    text says otherwise)."""
    weights: dict[str, float] = defaultdict(float)
    total = 0.0
    for text in texts:
        masked = mask(text)
        words = len(_WORD.findall(masked))
        if words == 0:
            continue
        total += words
        for code, probability in identifier.identify(masked):
            weights[code] += words * probability
    if total < MIN_WORDS or not weights:
        return None
    code, weight = max(((c, w) for c, w in weights.items() if c != ENGLISH), key=lambda cw: cw[1], default=("", 0.0))
    share = weight / total
    needed = SHORT_SHARE if total < SHORT_WORDS else FOREIGN_SHARE
    if not code or share < needed or weight < OVER_ENGLISH * weights.get(ENGLISH, 0.0):
        return None
    return Verdict(code, identifier.language_name(code), round(share, 2))


def notice(verdict: Verdict, kind: str) -> str:
    """The one line that says why the reply shows only the opening lines."""
    what = "thread" if kind == "thread" else "text"
    return (
        f"This {what} looks like {verdict.name}. I can only read English, so here are its opening lines, "
        "without key quotes, action items or decisions."
    )


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def _cut(sentences: Sequence[str], words: int = OPENING_WORDS, chars: int = OPENING_CHARS) -> list[str]:
    """The first sentences within ``words`` and ``chars``; a first sentence over them is cut with "…"."""
    kept: list[str] = []
    for sentence in sentences:
        used_words = sum(len(s.split()) for s in kept) + len(sentence.split())
        used_chars = sum(len(s) for s in kept) + len(sentence)
        if used_words <= words and used_chars <= chars:
            kept.append(sentence)
            continue
        if not kept:
            cut = " ".join(sentence.split()[:words])[:chars].rstrip()
            kept.append(cut + "\u2026")
        break
    return kept


def opening_lines(doc: Document) -> list[str]:
    """The start of the document, verbatim: the first sentences of an article (title aside), or
    the thread's first message ("Author: text"), with the second when the first is short."""
    if doc.messages:
        lines: list[str] = []
        for message in doc.messages[:2]:
            cut = _cut(_sentences(message.text), words=OPENING_WORDS // 2 if lines else OPENING_WORDS)
            if cut:
                lines.append(_authored(message, " ".join(cut)))
            if len(message.text.split()) >= 8:
                break
        return lines
    text = doc.text
    if doc.title and text.startswith(doc.title):
        text = text[len(doc.title) :]
    paragraphs = [p for p in _PARAGRAPH.split(text) if p.strip()] or [text]
    return _cut(_sentences(paragraphs[0]))[:2]


def _authored(message: Message, text: str) -> str:
    return f"{message.author}: {text}" if message.author else text
