"""Sentences of an article as a summary may show them: boilerplate, bylines, captions and
dangling quotations are told apart from real sentences."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

from bot.core.selection import word_tokens
from bot.core.text import normalise_quotes, word_count

_PARAGRAPH = re.compile(r"\s*\n\s*")
_TERMINAL = re.compile(r"[.!?…][\"'’”)\]]*$")
_BOILERPLATE_PREFIX = re.compile(
    r"^(?:scroll down for (?:the )?videos?|click here[^.]*|read more[^.]*|advertisement|"
    r"\(?(?:cnn|ap|reuters|afp)\)?\s*(?:--|-|—|–))\s*",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?i:by)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:\s*(?:,|and|for)\s.*)?$")
BYLINE_MAX_WORDS = 12
_BOILERPLATE_LINE = re.compile(
    r"^(?:(?:published|updated|last updated|posted)\s*:?.*\d.*|"
    r"(?:photo|image|picture|video|source|credit|related|watch)s?\s*[:|].*|"
    r"(?:copyright|share this|follow us|sign up|subscribe|all rights reserved)\b.*|.*\(pictured\)[^.!?]*)$",
    re.IGNORECASE,
)
_CAPTION_LABEL = re.compile(r"^[A-Z][\w'’-]*(?:\s+[\w'’-]+){0,2}:\s+(?=[A-Z‘'\"“])")
_GLUED_CAPTION = re.compile(
    r"(?<=[a-z0-9’”'])\s+(?=(?:A|An|The|He|She|It|They|We|His|Her|Their|This|These)\s+[a-z])"
)
"""A sentence opener right after an unpunctuated word: where a photo caption runs into the text."""
CAPTION_MIN_WORDS = 5
MIN_ARTICLE_WORDS = 5
_FUNCTION_POS = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "AUX", "PRON", "PART", "ADJ", "PROPN"})
_OPENING_QUOTES = frozenset({'"', "“", "‘", "'"})


def article_units(parsed: Any) -> list[str]:
    """Sentences of a parsed article: spaCy sentences, split at line breaks and glued captions, stripped."""
    units: list[str] = []
    for sent in parsed.sents:
        for piece in _split_at(sent.text, glued_breaks(sent)):
            units.extend(p for p in _PARAGRAPH.split(piece) if p)
    return units


def split_glued_captions(unit: str) -> list[str]:
    """Split ``unit`` where a photo caption without a full stop runs into the next sentence.

    Raw news pages glue captions to the text ("... has denied four counts of sexual assault
    A senior doctor facing ..."); the caption piece then fails the sentence test and drops out.
    A break needs at least ``CAPTION_MIN_WORDS`` words before it, so "Plan A was" stays whole.
    """
    pieces: list[str] = []
    start = 0
    for match in _GLUED_CAPTION.finditer(unit):
        if word_count(unit[start : match.start()]) >= CAPTION_MIN_WORDS:
            pieces.append(unit[start : match.start()])
            start = match.end()
    pieces.append(unit[start:])
    return pieces


def glued_breaks(sent: Any) -> list[int]:
    """Character offsets in ``sent`` (a spaCy span) where an unpunctuated caption runs into a sentence.

    The parse decides: the break is before a capitalised word (or an opening quotation mark
    and a capitalised word) that follows a lowercase content word with no punctuation, and
    that starts the subject of a clause whose verb follows ("... to his relatives Police in
    Maryland have launched ..."). Function words before it ("as Kilmarnock's manager") never
    break, nor do names, unless a quotation opens after the name ("... on Friday 'I'd be ...").
    """
    breaks: list[int] = []
    tokens = list(sent)
    for k in range(1, len(tokens) - 1):
        tok, prev = tokens[k], tokens[k - 1]
        first = tokens[k + 1] if tok.text in _OPENING_QUOTES else tok
        if not (first.text[:1].isupper() and prev.whitespace_ and prev.text[-1:].isalnum()):
            continue
        quoted = first is not tok
        if prev.text[-1:].isupper() or prev.dep_ in {"compound", "poss", "det"}:
            continue
        if prev.pos_ in _FUNCTION_POS and not (quoted and prev.pos_ == "PROPN"):
            continue  # a name may end a caption when a quotation opens right after it
        if word_count(sent.doc.text[sent.start_char : tok.idx]) < CAPTION_MIN_WORDS:
            continue
        if _starts_clause(first, tok.i):
            breaks.append(tok.idx - sent.start_char)
    return breaks


def quoted_spans(text: str) -> list[tuple[int, int]] | None:
    """(start, end) of each quotation in ``text``, or ``None`` when one opens and does not close
    (or closes without opening).

    Double marks pair up in order; single marks are told from apostrophes by what surrounds
    them ("don't", "the players' room" are apostrophes; "'Go,' she said" is a quotation),
    also in PTB spacing ("' go , ' she said").
    """
    text = normalise_quotes(text)
    doubles = [m.start() for m in re.finditer('"', text)]
    if len(doubles) % 2:
        return None
    spans = [(doubles[i], doubles[i + 1] + 1) for i in range(0, len(doubles), 2)]
    opened: int | None = None
    for m in re.finditer("'", text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if before.isalnum() and after.isalnum():
            continue  # don't, it's
        if opened is not None:
            spans.append((opened, m.end()))
            opened = None
            continue
        left = text[: m.start()].rstrip()
        prior = left[-1].lower() if left else ""
        after_punct = before.isspace() and prior != "" and prior in ".,!?;:"
        if (before.isspace() or before in "([") and not after_punct and (after.isalnum() or after.isspace()):
            if after.isspace() and prior == "s":
                continue  # PTB's detached possessive: "players ' room"
            opened = m.start()
        elif prior != "s":  # "the players' room" closes nothing; anything else closes what never opened
            return None
    return None if opened is not None else sorted(spans)


def clean_article_unit(text: str) -> str:
    """Drop boilerplate prefixes and short caption labels; the rest stays a verbatim substring."""
    previous = None
    while previous != text:
        previous = text
        text = _BOILERPLATE_PREFIX.sub("", text).strip()
    label = _CAPTION_LABEL.match(text)
    if label and word_count(text[label.end() :]) >= 6:
        text = text[label.end() :].strip()
    return text


def is_article_sentence(text: str) -> bool:
    """A real sentence: long enough, ends like a sentence, not a byline or caption, no dangling quotation."""
    return (
        word_count(text) >= MIN_ARTICLE_WORDS
        and bool(_TERMINAL.search(text))
        and not _BOILERPLATE_LINE.match(text)
        and not (word_count(text) <= BYLINE_MAX_WORDS and _BYLINE.match(text))
        and _quotation_is_whole(text)
    )


def starts_inside(unit: str) -> bool:
    """A unit whose first letter is lowercase starts inside a sentence or a title (in cased text)."""
    first = re.search(r"[^\W\d_]", unit)
    return first is not None and first.group(0).islower()


def _quotation_is_whole(text: str) -> bool:
    """No quotation, or every quotation closes in ``text`` and words outside them say who spoke."""
    spans = quoted_spans(text)
    if spans is None:
        return False
    if not spans:
        return True
    plain = normalise_quotes(text)
    starts = [0] + [end for _, end in spans]
    ends = [start for start, _ in spans] + [len(plain)]
    outside = " ".join(plain[a:b] for a, b in zip(starts, ends, strict=True))
    return len(word_tokens(outside)) >= 2


def _starts_clause(tok: Any, start: int) -> bool:
    """``tok`` is the first word of a subject whose verb comes after it, in a clause that starts
    at token ``start`` (``tok`` itself, or the quotation mark before it)."""
    for node in (tok, *tok.ancestors):
        if node.left_edge.i < start:
            return False
        if node.dep_ in {"nsubj", "nsubjpass"}:
            verb = node.head
            return bool(verb.i > node.i and verb.left_edge.i >= start)
    return False


def _split_at(text: str, offsets: Sequence[int]) -> list[str]:
    bounds = [0, *offsets, len(text)]
    return [text[a:b].strip() for a, b in itertools.pairwise(bounds) if text[a:b].strip()]
