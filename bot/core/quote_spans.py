"""Locate quotation-mark spans (straight or curly double quotes) in raw text."""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPENERS = frozenset("\u201c\u201e\u00ab")
_CLOSERS = frozenset("\u201d\u00bb")
_STRAIGHT = '"'
_LOW_OPENER = "\u201e"
_LOW_OPENER_CLOSER = "\u201c"
_PARAGRAPH = re.compile(r"\n\s*\n|\n")
_HAS_WORD = re.compile(r"[^\W\d_]{2}")
_EDGE_PUNCT = " \t\n,;:"


@dataclass(frozen=True)
class QuoteSpan:
    """Character offsets of the text inside one pair of quotation marks."""

    start: int
    end: int
    closed: bool
    """False when the paragraph ended before a closing mark (a continued quote)."""


def _paragraphs(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    pos = 0
    for match in _PARAGRAPH.finditer(text):
        bounds.append((pos, match.start()))
        pos = match.end()
    bounds.append((pos, len(text)))
    return [(a, b) for a, b in bounds if b > a]


def _trimmed(text: str, start: int, end: int, closed: bool) -> QuoteSpan | None:
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    if not _HAS_WORD.search(text, start, end):
        return None
    return QuoteSpan(start, end, closed)


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Spans inside double quotation marks, in order, trimmed of edge commas and spaces.

    Quotes are paired within a paragraph; an opening mark left open at the end of a
    paragraph runs to the paragraph's end (the press convention for multi-paragraph quotes).
    """
    spans: list[QuoteSpan] = []
    for para_start, para_end in _paragraphs(text):
        open_at: int | None = None
        opener = ""
        for i in range(para_start, para_end):
            char = text[i]
            if char == _STRAIGHT:
                if open_at is None:
                    open_at, opener = i + 1, char
                    continue
            elif char == _LOW_OPENER_CLOSER and opener == _LOW_OPENER and open_at is not None:
                pass  # German style: „...“
            elif char in _OPENERS:
                if open_at is not None:
                    span = _trimmed(text, open_at, i, closed=False)
                    if span is not None:
                        spans.append(span)
                open_at, opener = i + 1, char
                continue
            elif char not in _CLOSERS:
                continue
            if open_at is not None:
                span = _trimmed(text, open_at, i, closed=True)
                if span is not None:
                    spans.append(span)
                open_at = None
        if open_at is not None:
            span = _trimmed(text, open_at, para_end, closed=False)
            if span is not None:
                spans.append(span)
    return spans
