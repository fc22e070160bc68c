"""Priorities (what an article says must be done) and thread action items.

Article priorities come from trigger constructions found in the dependency parse
("called for X", "urged X", "stressed the importance of X", "must X", "it is essential
to X", "First, ... Second, ..."); the object of the trigger is split at the conjuncts of
its head, so one sentence listing five asks gives five items.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.action_items import analyse_thread
from bot.core.quote_spans import find_quote_spans
from bot.core.types import Message, Priority

logger = logging.getLogger(__name__)

Token = Any

_LIGHT_NOUNS = frozenset(
    "push need needs importance significance necessity urgency effort efforts drive move call "
    "calls priority imperative".split()
)
_LIGHT_PREPS = frozenset({"towards", "toward", "to", "for", "of", "on"})
_CALL = frozenset({"call", "calls", "called", "calling"})
_URGE = frozenset({"urge", "urges", "urged", "urging"})
_STRESS = frozenset(
    "stress stresses stressed stressing emphasize emphasizes emphasized emphasizing emphasise "
    "emphasises emphasised emphasising underline underlines underlined underscore underscores "
    "underscored reiterate reiterates reiterated".split()
)
_HIGHLIGHT = frozenset("highlight highlights highlighted highlighting point points pointed".split())
_AIM = frozenset("aim aims aimed aiming plan plans planned seek seeks sought intend intends intended".split())
_MODAL_WEIGHTS: dict[str, int] = {"must": 3, "should": 2, "ought": 2}
_NEED = frozenset({"need", "needs", "needed"})
_HAVE = frozenset({"have", "has", "had"})
_ESSENTIAL = frozenset("essential important vital crucial necessary imperative critical key".split())
_PRIORITY_SUBJECTS = frozenset("priority priorities goal goals task tasks aim aims".split())
_ORDINALS = frozenset(
    "first firstly second secondly third thirdly fourth fourthly fifth finally lastly".split()
)
_SUBORDINATORS = frozenset(
    "when which who whom whose while because although though if as after before since unless "
    "whereas where but".split()
)
_CLAUSE_BREAK_DEPS = frozenset({"advcl", "parataxis", "ccomp"})
_LEADING_DROP = frozenset({"the", "a", "an", "and", "or", "to", "also", "then"})
_QUOTE_CHARS = re.compile("[\"\u201c\u201d\u201e\u00ab\u00bb]")
_WS = re.compile(r"\s+")
_SINGLE_QUOTED = re.compile("(?:^|\\s)['\u2018]|\u2018|['\u2019](?:\\s|$)")
_MIN_WORDS = 2
_MAX_WORDS = 40
_NEAR_DUPLICATE = 0.6


@dataclass(frozen=True)
class _Item:
    text: str
    weight: int
    order: tuple[int, int]


def extract_article_priorities(parsed: Any, max_items: int = 8) -> list[Priority]:
    """What an article says must be done, most important first, one action per item."""
    items: list[_Item] = []
    quoted = _QuotedText(parsed.text)
    for sent_index, sent in enumerate(parsed.sents):
        if sent.text.rstrip().endswith("?"):
            continue
        for k, (text, weight) in enumerate(_sentence_items(sent, quoted)):
            items.append(_Item(text, weight, (sent_index, k)))
    items.sort(key=lambda item: (-item.weight, item.order))
    chosen: list[_Item] = []
    for item in items:
        if not any(_near_duplicate(item.text, other.text) for other in chosen):
            chosen.append(item)
        if len(chosen) >= max_items:
            break
    logger.debug("priorities: %d candidates, %d kept", len(items), len(chosen))
    return [Priority(text=item.text) for item in chosen]


def extract_thread_actions(
    messages: Sequence[Message], parsed: Sequence[Any]
) -> tuple[list[Priority], list[str]]:
    """Action items (with owner and due) and agreed decisions from a thread."""
    analysis = analyse_thread(messages, parsed)
    return analysis.actions, analysis.decisions


class _QuotedText:
    """Answers whether a character offset lies inside quotation marks."""

    def __init__(self, text: str) -> None:
        spans = find_quote_spans(text)
        self._starts = [s.start for s in spans]
        self._ends = [s.end for s in spans]

    def __contains__(self, offset: int) -> bool:
        k = bisect.bisect_right(self._starts, offset)
        return k > 0 and offset < self._ends[k - 1]


def _sentence_items(sent: Any, quoted: _QuotedText) -> list[tuple[str, int]]:
    # Asks inside quotations are speech ("we must win"), not the article's priorities.
    found: list[tuple[str, int]] = []
    for token in sent:
        if token.idx in quoted:
            continue
        trigger = _trigger(token)
        if trigger is None:
            continue
        target, weight, verb = trigger
        for text in _split_items(target, verb, sent):
            found.append((text, weight))
    enumerated = _enumeration(sent)
    if enumerated:
        if found:
            return [(text, max(weight, 4)) for text, weight in found]
        return [(text, 4) for text in enumerated]
    return found


def _child(token: Token, deps: set[str] | frozenset[str], words: frozenset[str] | None = None) -> Token | None:
    for child in token.children:
        if child.dep_ in deps and (words is None or child.lower_ in words):
            return child
    return None


def _trigger(token: Token) -> tuple[Token, int, Token] | None:
    """(start of the asked-for phrase, weight, governing verb) when ``token`` is a trigger.

    Weights rank how explicitly the text asks: "called for" 6, "urged" 5, "stressed the
    importance/need of" and enumerations 4, "must"/"need to"/"it is essential to" 3,
    "should"/"priorities include"/"highlighted the significance" 2, "aims to" 1.
    """
    lower = token.lower_
    if lower in _CALL and token.pos_ == "VERB":
        prep = _child(token, {"prep"}, frozenset({"for"}))
        if prep is not None:
            obj = _child(prep, {"pobj", "pcomp"})
            return (obj, 6, token) if obj is not None else None
        if _child(token, {"prep"}, frozenset({"on", "upon"})) is not None:
            xcomp = _child(token, {"xcomp", "ccomp"})
            return (xcomp, 6, token) if xcomp is not None else None
        return None
    if lower in _URGE and token.pos_ == "VERB":
        target = _child(token, {"xcomp", "ccomp"}) or _child(token, {"dobj"})
        return (target, 5, token) if target is not None else None
    if lower in _STRESS | _HIGHLIGHT and token.pos_ == "VERB":
        obj = _child(token, {"dobj"})
        if obj is not None and obj.lower_ in _LIGHT_NOUNS:
            return (obj, 4 if lower in _STRESS else 2, token)
        return None
    if lower in _MODAL_WEIGHTS and token.dep_ == "aux" and token.head.pos_ == "VERB":
        return (token.head, _MODAL_WEIGHTS[lower], token.head)
    if lower in _NEED | _HAVE and token.pos_ in {"VERB", "AUX"}:
        xcomp = _child(token, {"xcomp"})
        if xcomp is not None and _child(xcomp, {"aux"}, frozenset({"to"})) is not None:
            if lower in _HAVE and xcomp.i != token.i + 2:
                return None
            return (xcomp, 3, xcomp)
        return None
    if lower in _ESSENTIAL and token.dep_ == "acomp":
        xcomp = _child(token.head, {"xcomp"}) or _child(token, {"xcomp"})
        subject = _child(token.head, {"nsubj", "expl"})
        if xcomp is not None and subject is not None and subject.lower_ == "it":
            return (xcomp, 3, xcomp)
        return None
    if lower in _AIM and token.pos_ == "VERB":
        xcomp = _child(token, {"xcomp"})
        subject = _child(token, {"nsubj"})
        if xcomp is None or subject is None or subject.pos_ == "PRON" or subject.ent_type_ == "PERSON":
            return None
        return (xcomp, 1, xcomp)
    if lower in _PRIORITY_SUBJECTS and token.dep_ == "nsubj":
        verb = token.head
        if verb.lower_ in {"include", "includes", "included", "are", "is", "were", "was"}:
            obj = _child(verb, {"dobj", "attr"})
            return (obj, 2, verb) if obj is not None else None
    return None


def _descend(target: Token) -> Token:
    """Skip light-noun wrappers: "a push towards X", "the need to X", "the importance of X"."""
    for _ in range(3):
        if target.lower_ not in _LIGHT_NOUNS or target.pos_ not in {"NOUN", "PROPN"}:
            return target
        nxt: Token | None = None
        for child in target.children:
            if child.dep_ == "prep" and child.lower_ in _LIGHT_PREPS:
                nxt = _child(child, {"pobj", "pcomp"})
            elif child.dep_ in {"acl", "relcl"} and child.pos_ == "VERB":
                nxt = child
            if nxt is not None:
                break
        if nxt is None:
            return target
        target = nxt
    return target


def _region(head: Token, verb: Token, sent: Any) -> list[Token]:
    """Tokens from the asked-for phrase to the end of its clause."""
    passive_subject = _child(head, {"nsubjpass"})
    if passive_subject is not None and passive_subject.i < head.i:
        start = passive_subject.left_edge.i  # "emissions must be cut", not "cut"
    elif head.pos_ in {"VERB", "AUX"}:
        start = head.i
        for left in reversed(list(head.lefts)):
            if left.dep_ in {"advmod", "neg"} and left.i == start - 1:
                start = left.i
    else:
        start = head.left_edge.i
    # "the importance of developing X, accelerating Y, and laying Z": the parser hangs
    # later gerunds off the trigger verb as advcl, so they must not end the region.
    gerunds = any(t.tag_ == "VBG" or t.lower_.endswith("ing") for t in sent.doc[start : head.i + 1])
    # A verb's own subtree is reliable; a noun list may hang off the trigger verb instead.
    end = head.right_edge.i + 1 if head.pos_ in {"VERB", "AUX"} and not gerunds else sent.end
    tokens: list[Token] = []
    for token in sent.doc[start:end]:
        if token.i > head.i and _breaks_clause(token, head, verb, gerunds):
            break
        tokens.append(token)
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space or tokens[-1].pos_ == "CCONJ"):
        tokens.pop()
    return tokens


def _is_listed_gerund(token: Token, gerunds: bool) -> bool:
    return gerunds and token.tag_ == "VBG" and token.i > 0 and token.nbor(-1).text == ","


def _breaks_clause(token: Token, head: Token, verb: Token, gerunds: bool) -> bool:
    if token.text in {";", "\u2014", "--"} or (token.is_space and "\n" in token.text):
        return True
    if _is_listed_gerund(token, gerunds):
        return False
    if token.lower_ in _SUBORDINATORS and token.i > 0 and token.nbor(-1).text == ",":
        return True
    if token.dep_ in _CLAUSE_BREAK_DEPS and token.head in (verb, head):
        return True
    if token.dep_ == "cc":
        nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
        return nxt is not None and nxt.dep_ == "conj" and nxt.head == verb and nxt.pos_ == "VERB" and head != verb
    return bool(token.dep_ == "conj" and token.head == verb and token.pos_ == "VERB" and head != verb)


def _segment_root(segment: list[Token]) -> Token:
    inside = {t.i for t in segment}
    first = next((t for t in segment if not (t.is_punct or t.dep_ == "cc")), segment[0])
    root = first
    while root.head.i in inside and root.head != root:
        root = root.head
    return root


def _split_items(target: Token, verb: Token, sent: Any) -> list[str]:
    head = _descend(target)
    tokens = _region(head, verb, sent)
    if not tokens:
        return []
    segments: list[list[Token]] = [[]]
    roots: list[Token] = [head]
    after_comma: list[bool] = [False]
    k = 0
    while k < len(tokens):
        token = tokens[k]
        if token.text == "," or token.dep_ == "cc":
            j = k
            while j < len(tokens) and (tokens[j].text == "," or tokens[j].dep_ == "cc"):
                j += 1
            end = j
            while end < len(tokens) and not (tokens[end].text == "," or tokens[end].dep_ == "cc"):
                end += 1
            following = tokens[j:end]
            comma = any(t.text == "," for t in tokens[k:j])
            if following and _starts_item(following, roots[-1], comma):
                segments.append(following)
                roots.append(_segment_root(following))
                after_comma.append(comma)
                k = end
                continue
            segments[-1].extend(tokens[k:j])
            k = j
            continue
        segments[-1].append(token)
        k += 1
    merged = _merge_bare(segments, roots, after_comma)
    texts = [_clean(seg) for seg in merged]
    return [t for t in texts if _MIN_WORDS <= len(t.split()) <= _MAX_WORDS and not _SINGLE_QUOTED.search(t)]


def _starts_item(segment: list[Token], previous_root: Token, comma: bool) -> bool:
    root = _segment_root(segment)
    if root.pos_ not in {"NOUN", "PROPN", "VERB"}:
        return False
    if root.dep_ == "conj" and root.head == previous_root:
        return True
    if not comma:
        return False
    inside = {t.i for t in segment}
    if root.dep_ in {"conj", "appos"} or _is_listed_gerund(root, gerunds=True):
        return True
    return root.head.i not in inside and root.dep_ in {"dobj", "pobj"}


def _merge_bare(
    segments: list[list[Token]], roots: list[Token], after_comma: list[bool]
) -> list[list[Token]]:
    """Rejoin conjuncts that share a complement.

    "cultivating and expanding new sources" (a verb without its own object) and
    "in-depth learning and implementation of X" (nominalisations sharing an ``of`` phrase)
    are one item each; "lower fares and better service on buses" stays two.
    """
    merged: list[list[Token]] = []
    carry: list[Token] = []
    for index, (segment, root) in enumerate(zip(segments, roots, strict=False)):
        content = [t for t in segment if not t.is_punct]
        bare = not content or content[-1] == root
        if bare and root.pos_ not in {"VERB", "AUX"} and index + 1 < len(segments):
            heads = {root.i, roots[index + 1].i}
            bare = any(t.lower_ == "of" and t.head.i in heads for t in segments[index + 1])
        current = carry + segment
        if bare and index + 1 < len(segments) and not after_comma[index + 1]:
            nxt = segments[index + 1][0]
            carry = current + list(segment[0].doc[segment[-1].i + 1 : nxt.i])
            continue
        merged.append(current)
        carry = []
    return merged


def _clean(segment: list[Token]) -> str:
    tokens = [t for t in segment if not t.is_space]
    while tokens and (tokens[0].lower_ in _LEADING_DROP or tokens[0].is_punct):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].pos_ == "CCONJ"):
        tokens.pop()
    if not tokens:
        return ""
    text = tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text
    return _WS.sub(" ", _QUOTE_CHARS.sub("", text)).strip()


def _enumeration(sent: Any) -> list[str]:
    """Items of "First, X. Second, Y" or "...: first, X; second, Y" enumerations."""
    markers: list[int] = []
    tokens = [t for t in sent if not t.is_space]
    for k, token in enumerate(tokens):
        if token.lower_ not in _ORDINALS or k + 1 >= len(tokens) or tokens[k + 1].text != ",":
            continue
        if k == 0 or tokens[k - 1].text in {":", ";"}:
            markers.append(k)
    items: list[str] = []
    for n, k in enumerate(markers):
        end = markers[n + 1] - 1 if n + 1 < len(markers) else len(tokens)
        text = _clean(tokens[k + 2 : end])
        if _MIN_WORDS <= len(text.split()) <= _MAX_WORDS:
            items.append(text)
    return items


def _words(text: str) -> set[str]:
    """Crudely stemmed content words ("developing" and "develop" agree)."""
    return {w[:5] for w in re.findall(r"\w+", text.lower()) if w not in _LEADING_DROP}


def _near_duplicate(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    overlap = len(wa & wb)
    return overlap / len(wa | wb) >= _NEAR_DUPLICATE or overlap == min(len(wa), len(wb))
