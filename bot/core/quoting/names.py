"""Names as the source writes them, found from the entities and proper nouns of a spaCy parse.

Names are always slices of the source text taken by character offsets, so
``Helena Okonkwo-Barre`` and ``Brendan O'Hare`` come out as written.
"""

from __future__ import annotations

from bot.core.spacy_types import Doc, Token

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
_MAX_NAME_TOKENS = 8

HONORIFICS: frozenset[str] = frozenset("mr mrs ms miss mx dr prof sir dame rev".split())
"""Courtesy titles written before a name; dropped from the speaker shown."""


def is_honorific(token: Token) -> bool:
    """True for ``Dr``, ``Mr.`` and the like."""
    return token.lower_.rstrip(".") in HONORIFICS


def _hyphen_joined(doc: Doc, i: int) -> bool:
    """True when token ``i`` is glued to token ``i + 1`` by a hyphen written without spaces."""
    token = doc[i]
    return (
        i + 2 < len(doc)
        and not token.whitespace_
        and doc[i + 1].text in {"-", "\u2010", "\u2011"}
        and not doc[i + 1].whitespace_
        and doc[i + 2].text[:1].isupper()
    )


def name_bounds(token: Token) -> tuple[int, int, str] | None:
    """Token range and entity label of the name ``token`` belongs to, if it is in one.

    A name is its entity, two entities glued by a compound (``Marieke van der`` +
    ``Berg-Jansen``), or a run of proper nouns; pieces joined by a hyphen written without
    spaces stay together.
    """
    doc = token.doc
    if token.ent_type_ in NAME_LABELS:
        start, end, label = token.i, token.i + 1, token.ent_type_
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        # "Marieke van der" + "Berg-Jansen": two entities glued by a compound.
        while (
            start > 0
            and doc[start - 1].ent_type_ == label
            and doc[start - 1].dep_ == "compound"
            and doc[start - 1].whitespace_
        ):
            start -= 1
            while start > 0 and doc[start].ent_iob_ == "I":
                start -= 1
    elif token.pos_ == "PROPN":
        start, end, label = token.i, token.i + 1, ""
        while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ == "compound":
            start -= 1
        while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end - 1].dep_ == "compound":
            end += 1
    else:
        return None
    while start >= 2 and _hyphen_joined(doc, start - 2):
        start -= 2
    while end < len(doc) and _hyphen_joined(doc, end - 1):
        end += 2
    return start, end, label


def name_text(doc: Doc, source: str, start: int, end: int) -> tuple[str, int, int] | None:
    """``(text, start_char, end_char)`` of the name in tokens ``start:end`` as written (a slice
    of ``source``, the doc's text, never tokens joined with spaces), without honorifics or a
    possessive."""
    while start < end and (doc[start].pos_ in {"DET", "PUNCT"} or is_honorific(doc[start])):
        start += 1
    for i in range(start, end):
        if doc[i].tag_.startswith("VB") or doc[i].tag_ == "POS" or doc[i].lower_ in {"'s", "\u2019s"}:
            end = i
            break
    while end > start and doc[end - 1].is_punct:
        end -= 1
    if end <= start or end - start > _MAX_NAME_TOKENS:
        return None
    first, last = doc[start], doc[end - 1]
    begin, finish = first.idx, last.idx + len(last.text)
    return source[begin:finish], begin, finish
