"""Locate quotation-mark spans (straight or curly double quotes) in raw text."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

_OPENERS = frozenset("\u201c\u201e\u00ab")
_CLOSERS = frozenset("\u201d\u00bb")
_STRAIGHT = '"'
_LOW_OPENER = "\u201e"
_LOW_OPENER_CLOSER = "\u201c"
_PARAGRAPH = re.compile(r"\n\s*\n|\n")
_SINGLE_OPENERS = frozenset("\u2018'")
_SINGLE_CLOSERS = frozenset("\u2019'")
_ELISION = re.compile(r"(?:\d\ds?\b|em\b|cause\b|til\b|n\b|tis\b|twas\b)", re.I)
_SENTENCE_END = re.compile(r"[.!?][\u2019']?\s+[A-Z]")
_HAS_WORD = re.compile(r"[^\W\d_]{2}")
_EDGE_PUNCT = " \t\n,;:"


@dataclass(frozen=True)
class QuoteSpan:
    """Character offsets of the text inside one pair of quotation marks."""

    start: int
    end: int
    closed: bool
    """False when the paragraph ended before a closing mark (a continued quote)."""
    continues: bool = False
    """True when this span opens a paragraph and carries on a quotation left open at the
    end of the paragraph before (the press convention for quotes over several paragraphs)."""


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the non-empty lines of ``text`` (its paragraphs)."""
    bounds: list[tuple[int, int]] = []
    pos = 0
    for match in _PARAGRAPH.finditer(text):
        bounds.append((pos, match.start()))
        pos = match.end()
    bounds.append((pos, len(text)))
    return [(a, b) for a, b in bounds if b > a]


def paragraph_at(starts: list[int], offset: int) -> int:
    """Index of the paragraph holding ``offset``, given the paragraphs' start offsets."""
    return max(bisect.bisect_right(starts, offset) - 1, 0)


def _trimmed(text: str, start: int, end: int, closed: bool) -> QuoteSpan | None:
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    if not _HAS_WORD.search(text, start, end):
        return None
    return QuoteSpan(start, end, closed)


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Spans inside quotation marks, in order, trimmed of edge commas and spaces.

    Double quotes are paired within a paragraph; an opening mark left open at the end of
    a paragraph runs to the paragraph's end (the press convention for multi-paragraph
    quotes). Single quotes (the British press style) count outside double-quoted text.
    """
    spans: list[QuoteSpan] = []
    for para_start, para_end in paragraphs(text):
        doubles = _double_spans(text, para_start, para_end)
        singles = [
            s
            for s in _single_spans(text, para_start, para_end)
            if not any(d.start - 1 <= s.start and s.end <= d.end + 1 for d in doubles)
        ]
        found = sorted(doubles + singles, key=lambda s: s.start)
        if found and spans and not spans[-1].closed and _opens_paragraph(text, para_start, found[0].start):
            found[0] = replace(found[0], continues=True)
        spans.extend(found)
    return spans


def _opens_paragraph(text: str, para_start: int, span_start: int) -> bool:
    """True when only a quotation mark (and spaces) precede ``span_start`` in its paragraph."""
    head = text[para_start:span_start].strip()
    return len(head) == 1 and not head.isalnum()


def _is_single_opener(text: str, i: int, start: int, end: int) -> bool:
    if text[i] not in _SINGLE_OPENERS or i + 1 >= end:
        return False
    before_ok = i == start or text[i - 1].isspace() or text[i - 1] in "([{:\u2014\u2013-"
    if not before_ok or not (text[i + 1].isalnum() or text[i + 1] in ".\u2026"):
        return False
    return _ELISION.match(text, i + 1) is None


def _closer_strength(text: str, j: int, end: int) -> int:
    """2: clearly a closing quote; 1: maybe (``players' union``); 0: not a closer."""
    if text[j] not in _SINGLE_CLOSERS or text[j - 1].isspace():
        return 0
    after = text[j + 1] if j + 1 < end else ""
    if after.isalnum():
        return 0
    if after == "" or after in ",.;:!?)]\u2014\u2013-" or text[j - 1] in ",.!?\u2026":
        return 2
    return 1 if text[j - 1] in "sS" else 2


MAX_SINGLE_QUOTE_CHARS = 1500
"""Longest single-quoted span considered (a few long sentences)."""


def _single_spans(text: str, start: int, end: int) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    i = start
    while i < end:
        if not _is_single_opener(text, i, start, end):
            i += 1
            continue
        close = weak = -1
        # A closer is looked for within MAX_SINGLE_QUOTE_CHARS: an unclosed apostrophe-like
        # opener must not make the scan quadratic on long paragraphs.
        for j in range(i + 2, min(end, i + MAX_SINGLE_QUOTE_CHARS)):
            strength = _closer_strength(text, j, end)
            if strength == 2:
                close = j
                break
            if strength == 1 and weak < 0:
                weak = j
        # "'envious' of her hen. Next sentence ...'": a weak closer before a sentence end wins.
        if weak >= 0 and (close < 0 or _SENTENCE_END.search(text, weak, close)):
            close = weak
        if close < 0:
            i += 1
            continue
        span = _trimmed(text, i + 1, close, closed=True)
        if span is not None:
            spans.append(span)
        i = close + 1
    return spans


def _first_char(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _double_spans(text: str, para_start: int, para_end: int) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    opener = ""
    first = _first_char(text, para_start, para_end)
    for i in range(para_start, para_end):
        char = text[i]
        if i == first and char in _CLOSERS and i + 1 < para_end and text[i + 1].isalnum():
            open_at, opener = i + 1, char  # a closing mark typed as the opening one
            continue
        if char == _STRAIGHT:
            if open_at is None:
                open_at, opener = i + 1, char
                continue
        elif char == _LOW_OPENER_CLOSER and opener == _LOW_OPENER and open_at is not None:
            pass  # German style: „...“
        elif char in _OPENERS:
            if open_at is not None:
                _add_span(spans, text, open_at, i, closed=False)
            open_at, opener = i + 1, char
            continue
        elif char not in _CLOSERS:
            continue
        if open_at is not None:
            _add_span(spans, text, open_at, i, closed=True)
            open_at = None
    if open_at is not None:
        _add_span(spans, text, open_at, para_end, closed=False)
    return spans


def _add_span(spans: list[QuoteSpan], text: str, start: int, end: int, *, closed: bool) -> None:
    span = _trimmed(text, start, end, closed=closed)
    if span is not None:
        spans.append(span)
