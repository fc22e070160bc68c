"""Priorities: what an article says must be done, one action per item.

Found from the document's own structure first, then from what its sentences ask for:

* **layout**: bulleted, numbered and lettered lists, and plain lines under a heading, when
  their heading or lead-in announces goals ("Recommendations", "Next steps", "The company
  must:", "Our goals for 2025:");
* **enumerations**: a colon list ("sets out four priorities: A, B, C and D"), a goal
  noun's list ("The demands include A, B and C"), ordinal markers in one sentence
  ("first, X; second, Y") or across sentences ("The first priority is to X. Officials also
  want to Y. Finally, ...");
* **asks** in the dependency parse: "called for X", "urged X", "stressed the importance of
  X", "aims to X", and, weakest, "must X" / "need to X" / "it is essential to X".

A list of asks is split into its items (the conjuncts of the asked-for phrase), each item a
whole verb or noun phrase of the source, trimmed only at phrase boundaries. Weak single
asks are shown only when the document lists nothing stronger.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.article.asks import (
    GOAL_NOUNS,
    LIST_VERBS,
    MAX_WORDS,
    MIN_WORDS,
    STRONG,
    SUBORDINATORS,
    child,
    finish,
    plain_ask,
    split_items,
    trigger,
)
from bot.core.article.layout import Block, heading_blocks, list_blocks
from bot.core.article.sequences import enumeration, sequence_items
from bot.core.phrases import split_enumeration, tokens_text, trim
from bot.core.quoting.reporting import is_reporting_verb
from bot.core.quoting.spans import find_quote_spans
from bot.core.spacy_types import Token
from bot.core.types import Priority

logger = logging.getLogger(__name__)


ASK_WORDS = re.compile(
    r"\b(?:next|must|should|shall|will|need(?:s)? to|ha(?:s|ve) to|plans? to|aims? to|wants? to|intends? to"
    r"|commits?|pledges?|promises?|recommends?|proposes?|urges?|calls? (?:for|on)|asks?|demands?)\b",
    re.I,
)
"""Words of a lead-in that asks for what its list holds ("the company must:")."""

WEIGHT_LIST = 6

WEIGHT_ENUMERATION = 5

WEIGHT_SEQUENCE = 4

_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(\"\u201c])")

_NEAR_DUPLICATE = 0.6
_FUNCTION_WORDS = frozenset({"the", "a", "an", "and", "or", "to", "also", "then"})


@dataclass(frozen=True)
class _Item:
    text: str
    weight: int
    order: tuple[int, int]


def extract_article_priorities(parsed: Any, max_items: int = 8) -> list[Priority]:
    """What an article says must be done, most explicit first, one action per item."""
    blocks = _goal_blocks(parsed)
    items = [item for _, found in blocks for item in found]
    laid_out = _Ranges([(block.start, block.end) for block, _ in blocks])
    items += _sentence_level_items(parsed, laid_out)
    if any(item.weight >= STRONG for item in items):
        items = [item for item in items if item.weight >= STRONG]
    items.sort(key=lambda item: (-item.weight, item.order))
    chosen: list[_Item] = []
    for item in items:
        if not any(_near_duplicate(item.text, other.text) for other in chosen):
            chosen.append(item)
        if len(chosen) >= max_items:
            break
    logger.debug("priorities: %d candidates, %d kept", len(items), len(chosen))
    return [Priority(text=item.text) for item in chosen]


# --- layout -----------------------------------------------------------------------------


def _announces_goals(block: Block, first_words: Sequence[Token | None]) -> bool:
    """A list holds priorities when its lead-in names goals or asks for them, or (after a
    colon) when its items start with a verb ("- Replace the mains")."""
    lead = block.lead or ""
    if GOAL_NOUNS.search(lead):
        return True
    if lead.endswith(":") and ASK_WORDS.search(lead):
        return True
    verbs = sum(1 for t in first_words if t is not None and t.tag_ in {"VB", "VBP"})
    return lead.endswith(":") and block.marked and verbs * 2 > len(first_words)


def _item_tokens(parsed: Any, start: int, end: int) -> list[Token]:
    text = parsed.text[start:end]
    cut = _SENTENCE_END.search(text)
    if cut is not None:
        end = start + cut.start() + 1
    span = parsed.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    return trim(list(span), limit=span.end)


def _goal_blocks(parsed: Any) -> list[tuple[Block, list[_Item]]]:
    """The laid-out lists that announce goals, each with its items."""
    blocks = list_blocks(parsed.text)
    covered = {item for block in blocks for item in block.items}
    blocks += [b for b in heading_blocks(parsed.text) if not covered.intersection(b.items)]
    found: list[tuple[Block, list[_Item]]] = []
    for block in blocks:
        token_lists = [_item_tokens(parsed, start, end) for start, end in block.items]
        firsts = [tokens[0] if tokens else None for tokens in token_lists]
        if not _announces_goals(block, firsts):
            continue
        items = [
            _Item(text, WEIGHT_LIST, (tokens[0].i, 0))
            for tokens in token_lists
            if tokens and MIN_WORDS <= len((text := tokens_text(tokens)).split()) <= MAX_WORDS
        ]
        found.append((block, items))
    return found


# --- sentences --------------------------------------------------------------------------


class _Ranges(Container[int]):
    """Answers whether a character offset lies inside one of some (start, end) ranges."""

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(ranges)
        self._starts = [start for start, _ in ordered]
        self._ends = [end for _, end in ordered]

    def __contains__(self, offset: object) -> bool:
        if not isinstance(offset, int):
            return False
        k = bisect.bisect_right(self._starts, offset)
        return k > 0 and offset < self._ends[k - 1]


def _sentence_level_items(parsed: Any, laid_out: _Ranges) -> list[_Item]:
    # Asks inside quotations are speech ("we must win"), not the article's priorities, and
    # text inside a list was read as one.
    quoted = _Ranges([(s.start, s.end) for s in find_quote_spans(parsed.text)])
    sents = list(parsed.sents)
    items: list[_Item] = []
    for sent in sents:
        if sent.text.rstrip().endswith("?"):
            continue
        for k, (text, weight) in enumerate(_sentence_items(sent, quoted, laid_out)):
            items.append(_Item(text, weight, (sent.start, k)))
    for start, k, text in sequence_items(sents, quoted):
        items.append(_Item(text, WEIGHT_SEQUENCE, (start, k)))
    return items


def _sentence_items(sent: Any, quoted: _Ranges, laid_out: _Ranges) -> list[tuple[str, int]]:
    enumerated = enumeration(sent)
    if enumerated:
        return [(text, WEIGHT_SEQUENCE) for text in enumerated]
    listed = _colon_items(sent, quoted, laid_out) or _goal_noun_list(sent, quoted)
    if listed:
        return [(text, WEIGHT_ENUMERATION) for text in listed]
    found: list[tuple[str, int]] = []
    for token in sent:
        if token.idx in quoted or token.idx in laid_out:
            continue
        ask = trigger(token)
        if ask is None:
            continue
        target, weight, verb = ask
        texts = split_items(target, verb, sent)
        if len(texts) >= 2:
            weight = max(weight, STRONG)
        elif weight < STRONG and not plain_ask(token, target):
            continue
        found += [(text, weight) for text in texts]
    return found


def _colon_items(sent: Any, quoted: _Ranges, laid_out: _Ranges) -> list[str]:
    """Items of "The plan sets out four priorities: A, B, C and D" (two or more)."""
    tokens = [t for t in sent if not t.is_space]
    colon = next((k for k, t in enumerate(tokens) if t.text == ":"), None)
    if colon is None or colon + 3 >= len(tokens) or tokens[colon].idx in quoted or tokens[colon].idx in laid_out:
        return []
    lead = tokens_text(tokens[max(0, colon - 6) : colon])
    if not GOAL_NOUNS.search(lead) or is_reporting_verb(tokens[colon - 1]) or tokens[colon + 1].is_quote:
        return []
    parts = split_enumeration(tokens[colon + 1 :], verbal=False, strict=False)
    if len(parts) < 2:
        return []
    return [t for t in (finish(p, sent, drop_determiner=False) for p in parts) if t]


def _goal_noun_list(sent: Any, quoted: _Ranges) -> list[str]:
    """Items of "The union's demands include A, B and C" or "makes five recommendations,
    including A and B" (two or more)."""
    for token in sent:
        if not GOAL_NOUNS.fullmatch(token.text) or token.idx in quoted:
            continue
        start: Any = None
        if token.dep_ == "nsubj" and token.head.lower_ in LIST_VERBS:
            start = child(token.head, {"dobj", "attr"})
            if start is not None and start.i < token.head.i:
                start = None
        elif token.dep_ != "nsubj":
            including = child(token, {"prep", "acl"}, frozenset({"including", "like"}))
            start = child(including, {"pobj", "dobj"}) if including is not None else None
        if start is None:
            continue
        region = list(sent.doc[start.left_edge.i : sent.end])
        end = next((k for k, t in enumerate(region) if t.text in {";", "\u2014", "--"} or (
            t.lower_ in SUBORDINATORS and k > 0 and region[k - 1].text == ",")), len(region))
        parts = split_enumeration(region[:end], verbal=False, strict=False)
        if len(parts) >= 2:
            return [t for t in (finish(p, sent, drop_determiner=False) for p in parts) if t]
    return []


def _words(text: str) -> set[str]:
    """Crudely stemmed content words ("developing" and "develop" agree)."""
    return {w[:5] for w in re.findall(r"\w+", text.lower()) if w not in _FUNCTION_WORDS}


def _near_duplicate(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    overlap = len(wa & wb)
    return overlap / len(wa | wb) >= _NEAR_DUPLICATE or overlap == min(len(wa), len(wb))
