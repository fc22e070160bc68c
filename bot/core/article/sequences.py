"""Ordinal enumerations: "first, X; second, Y" inside a sentence, and sequences across
sentences ("The first priority is to X. Officials also want to Y. Finally, they plan to Z").
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence
from typing import Any

from bot.core.article.asks import GOAL_NOUNS, child, finish, region
from bot.core.phrases import inflections

_WRAPPERS = inflections(
    *"want plan aim intend hope seek need try expect propose promise pledge commit continue go wish decide".split(),
    "agree",
) | {"sought", "going"}
"""Control verbs whose complement is the actual action ("they plan to X" -> "X")."""

_ORDINALS = frozenset(
    "first firstly second secondly third thirdly fourth fourthly fifth finally lastly".split()
)

_OPENERS = ("first of all", "to begin with", "to start with", "for a start", "first", "firstly")

_CONTINUERS = (
    "second", "secondly", "third", "thirdly", "fourth", "fourthly", "fifth", "next", "then",
    "finally", "lastly", "last", "also", "additionally", "in addition", "after that", "beyond that",
    "on top of that", "furthermore", "moreover",
)

_ORDINAL_ADJ = frozenset("first second third fourth fifth next last final another other".split())

_SEQUENCE_WINDOW = 5

_BE = frozenset({"be", "is", "are", "was", "were", "been", "being", "'s", "’s"})


def enumeration(sent: Any) -> list[str]:
    """Items of "...: first, X; second, Y" enumerations inside one sentence."""
    markers: list[int] = []
    tokens = [t for t in sent if not t.is_space]
    for k, token in enumerate(tokens):
        if token.lower_ not in _ORDINALS or k + 1 >= len(tokens) or tokens[k + 1].text != ",":
            continue
        if k > 0 and tokens[k - 1].text in {":", ";"}:
            markers.append(k)
    if len(markers) < 2:
        return []
    items: list[str] = []
    for n, k in enumerate(markers):
        end = markers[n + 1] - 1 if n + 1 < len(markers) else len(tokens)
        text = finish(tokens[k + 2 : end], sent)
        if text:
            items.append(text)
    return items

def _starts_with(sent: Any, phrases: Sequence[str]) -> int:
    """Token count of the marker ("Finally," -> 2) a sentence opens with, else 0."""
    words = [t for t in sent if not t.is_space]
    lowered = [t.lower_ for t in words]
    for phrase in phrases:
        parts = phrase.split()
        if lowered[: len(parts)] == parts:
            n = len(parts)
            return n + 1 if n < len(words) and words[n].text == "," else (n if phrase == "also" else 0)
    return 0

def _ordinal_subject(sent: Any, words: frozenset[str]) -> bool:
    """ "The first priority is ...", "Another step will be ..." """
    for token in sent:
        subject = token.dep_ in {"nsubj", "nsubjpass"} and GOAL_NOUNS.fullmatch(token.text)
        if subject and any(c.lower_ in words for c in token.children):
            return True
    return False

def _opens(sent: Any) -> bool:
    return bool(_starts_with(sent, _OPENERS)) or _ordinal_subject(sent, frozenset({"first"}))

def _continues(sent: Any) -> bool:
    if _starts_with(sent, _CONTINUERS) or _ordinal_subject(sent, _ORDINAL_ADJ - {"first"}):
        return True
    root = sent.root
    return any(c.dep_ == "advmod" and c.lower_ == "also" for c in root.children)

def _predicate(sent: Any) -> str:
    """The action a sentence of a sequence states: "the council will build X" -> "build X"."""
    head = sent.root
    for _ in range(4):
        complement = child(head, {"xcomp"})
        if head.lower_ in _BE and complement is None:
            complement = child(head, {"attr"})
        if complement is None or not (head.lower_ in _BE or head.lower_ in _WRAPPERS):
            break
        head = complement
    if head.pos_ not in {"VERB", "NOUN", "PROPN"}:
        return ""
    tokens = region(head, head, sent)
    return finish(tokens, sent)

def sequence_items(sents: Sequence[Any], quoted: Container[int]) -> Iterator[tuple[int, int, str]]:
    """Items of "The first priority is X. Officials also want Y. Finally, Z" sequences."""
    k = 0
    while k < len(sents):
        if not _opens(sents[k]) or sents[k].start_char in quoted:
            k += 1
            continue
        run = [sents[k]]
        j = k + 1
        while j < len(sents) and len(run) <= _SEQUENCE_WINDOW and _continues(sents[j]):
            if "\n\n" in sents[j].doc.text[run[-1].end_char : sents[j].start_char]:
                break
            run.append(sents[j])
            j += 1
        if len(run) >= 2:
            for n, sent in enumerate(run):
                if sent.start_char in quoted:
                    continue
                text = _predicate(sent)
                if text:
                    yield sent.start, n, text
        k = j
