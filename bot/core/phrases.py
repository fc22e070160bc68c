"""Phrase-level helpers over spaCy tokens: trimming an item at phrase boundaries and
splitting enumerations ("A, B, C and D") into their items.

Shared by article priorities and thread action items, so that an item never ends on
"to" / "and" / an open bracket however it was found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.spacy_types import Token
from bot.core.text import normalise_ws

_QUOTE_CHARS = re.compile("[\"\u201c\u201d\u201e\u00ab\u00bb]|\\*\\*|__|`")
_FINAL_STOP = re.compile(r"(?<![.\s][A-Za-z])(?<!\b[A-Za-z])\.$")
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_LEADING_DROP = frozenset({"and", "or", "to", "also", "then", "plus"})
_DETERMINERS = frozenset({"the", "a", "an"})
_DANGLING_POS = frozenset({"CCONJ", "SCONJ", "ADP", "DET", "PART", "AUX"})
_SEPARATORS = frozenset({",", ";"})
_CONJUNCTIONS = frozenset({"and", "or"})
_VERB_TAGS = frozenset({"VB", "VBP"})


def tokens_text(tokens: Sequence[Token]) -> str:
    """The source text from the first to the last token: whitespace collapsed, quote marks,
    Markdown emphasis and a final full stop dropped."""
    if not tokens:
        return ""
    first, last = tokens[0], tokens[-1]
    text = first.doc[first.i : last.i + 1].text
    return _FINAL_STOP.sub("", normalise_ws(_QUOTE_CHARS.sub("", text)))


def _balanced(tokens: list[Token], limit: int) -> list[Token]:
    """Close an open bracket from the tokens after it (up to ``limit``), else cut before it."""
    depth: list[Token] = []
    for token in tokens:
        if token.text in _OPEN:
            depth.append(token)
        elif token.text in _CLOSE and depth and depth[-1].text == _CLOSE[token.text]:
            depth.pop()
    if not depth:
        return tokens
    opener = depth[0]
    doc = opener.doc
    want = _OPEN[opener.text]
    last = tokens[-1].i
    for i in range(last + 1, min(limit, len(doc))):
        if doc[i].text == want:
            return [*tokens, *doc[last + 1 : i + 1]]
        if doc[i].is_sent_start:
            break
    return [t for t in tokens if t.i < opener.i]


def trim(tokens: Sequence[Token], *, drop_determiner: bool = False, limit: int | None = None) -> list[Token]:
    """Strip what cannot begin or end an item: leading conjunctions, "to", "also" (and, when
    asked, an article), trailing punctuation, conjunctions, prepositions and particles.

    Brackets are balanced: an open one is closed from the text that follows (within the
    same sentence, before ``limit``) or the item is cut before it.
    """
    kept = [t for t in tokens if not t.is_space]
    lead = _LEADING_DROP | (_DETERMINERS if drop_determiner else frozenset())
    while kept and ((kept[0].is_punct and kept[0].text not in _OPEN) or kept[0].lower_ in lead):
        kept.pop(0)
    if not kept:
        return []
    kept = _balanced(kept, limit if limit is not None else kept[-1].sent.end)
    while kept and _dangles(kept[-1]):
        kept.pop()
        if kept:
            kept = _balanced(kept, kept[-1].i + 1)
    return kept


def _dangles(token: Token) -> bool:
    if token.is_space:
        return True
    if token.is_punct:
        return token.text not in _CLOSE and token.text not in {"%"}
    return token.pos_ in _DANGLING_POS or token.lower_ in _CONJUNCTIONS or token.lower_ == "to"


def _depth_zero(tokens: Sequence[Token]) -> list[bool]:
    """Per token: outside every bracket."""
    flags: list[bool] = []
    depth = 0
    for token in tokens:
        if token.text in _OPEN:
            depth += 1
        flags.append(depth == 0)
        if token.text in _CLOSE and depth:
            depth -= 1
    return flags


def _is_verb_start(token: Token) -> bool:
    return token.tag_ in _VERB_TAGS


def inflections(*bases: str) -> frozenset[str]:
    """Regular inflected forms of verbs ("plan" -> plan, plans, planned, planning); the
    pipeline has no lemmatizer, so word classes are matched on their forms."""
    forms: set[str] = set()
    for base in bases:
        stem = base[:-1] if base.endswith("e") else base
        double = base + base[-1] if len(base) <= 4 and base[-1] not in "aeiouwy" and base[-2] in "aeiou" else base
        forms |= {base, base + "s", stem + "ed", stem + "ing", double + "ed", double + "ing"}
        if base.endswith("y"):
            forms |= {base[:-1] + "ies", base[:-1] + "ied"}
    return frozenset(forms)


def _content_start(tokens: Sequence[Token], k: int) -> Token | None:
    while k < len(tokens) and (tokens[k].is_punct or tokens[k].lower_ in _LEADING_DROP or tokens[k].is_space):
        k += 1
    return tokens[k] if k < len(tokens) else None


def _bare_modifier(segment: Sequence[Token]) -> bool:
    """A part ending on a modifier of a later word ("large," in "large, medium, and small firms")."""
    content = [t for t in segment if not (t.is_punct or t.is_space or t.lower_ in _CONJUNCTIONS)]
    return bool(content) and content[-1].pos_ in {"ADJ", "NUM"} and content[-1].head.i > segment[-1].i


def split_enumeration(tokens: Sequence[Token], *, verbal: bool, strict: bool = True) -> list[list[Token]]:
    """Split "A, B, C and D" into its items, outside brackets only.

    ``verbal`` lists ("cut X, recruit Y and open Z") split before a comma or conjunction
    that a base-form verb follows. Other lists split at every comma, and at the last
    "and"/"or" of the last part; a part that ends on a bare adjective ("large, medium,
    and small enterprises") joins the next. With ``strict``, a nominal list also needs the
    parse to agree (a conjunct or apposition starts the next part), for sentences where
    the enumeration is not announced by a colon.
    """
    items = list(tokens)
    top = _depth_zero(items)
    cuts: list[int] = []
    for k, token in enumerate(items):
        if not top[k] or k == 0:
            continue
        if token.text in _SEPARATORS or token.lower_ in _CONJUNCTIONS:
            nxt = _content_start(items, k + 1)
            if nxt is None or (cuts and cuts[-1] >= k - 1):
                continue
            if verbal:
                if _is_verb_start(nxt) and (token.text in _SEPARATORS or token.lower_ in _CONJUNCTIONS):
                    cuts.append(k)
            elif token.text in _SEPARATORS and (not strict or nxt.dep_ in {"conj", "appos"}):
                cuts.append(k)
    parts = _cut(items, cuts)
    if not verbal and (len(parts) >= 2 or not strict):
        parts = parts[:-1] + _split_last_and(parts[-1], strict)
    merged: list[list[Token]] = []
    carry: list[Token] = []
    for k, part in enumerate(parts):
        if k + 1 < len(parts) and _bare_modifier(part):
            carry += part
            continue
        merged.append(carry + part)
        carry = []
    return [part for part in merged if any(not (t.is_punct or t.is_space) for t in part)]


def _cut(tokens: list[Token], cuts: list[int]) -> list[list[Token]]:
    parts: list[list[Token]] = []
    start = 0
    for k in cuts:
        parts.append(tokens[start:k])
        start = k
    parts.append(tokens[start:])
    return parts


def _split_last_and(part: list[Token], strict: bool) -> list[list[Token]]:
    top = _depth_zero(part)
    for k in range(len(part) - 2, 0, -1):
        token = part[k]
        if not top[k] or token.lower_ not in _CONJUNCTIONS or part[k - 1].text == ",":
            continue
        nxt = _content_start(part, k + 1)
        if nxt is None or nxt.pos_ in {"ADP", "PRON", "AUX"}:
            continue
        if strict and nxt.dep_ != "conj" and nxt.head.dep_ != "conj":
            continue
        return [part[:k], part[k:]]
    return [part]
