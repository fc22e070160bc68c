"""Asks in article sentences, from the dependency parse: "called for X", "urged X",
"stressed the importance of X", "aims to X", and, weakest, "must X" / "need to X" / "it is
essential to X".

The asked-for phrase is split into its items (the conjuncts of its head, or a list of
base-form verbs the parser hung elsewhere), each a whole verb or noun phrase of the source.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from bot.core.phrases import split_enumeration, tokens_text, trim
from bot.core.quoting.reporting import is_reporting_verb
from bot.core.spacy_types import Token

GOAL_NOUNS = re.compile(
    r"\b(?:priorit(?:y|ies)|goals?|aims?|objectives?|targets?|recommendations?|steps?|actions?|measures?"
    r"|commitments?|pledges?|promises?|plans?|proposals?|demands?|asks|requests?|tasks?|to-?dos?"
    r"|initiatives?|deliverables?|pillars?|requirements?|things to do)\b",
    re.I,
)
"""Nouns that announce a list of things to be done (in a heading, lead-in or subject)."""

STRONG = 4
"""Items of at least this weight are listed priorities; weaker single asks only fill in
for documents that list nothing."""

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

_AIM = frozenset(
    "aim aims aimed aiming plan plans planned seek seeks sought intend intends intended want wants".split()
)
_MODAL_WEIGHTS: dict[str, int] = {"must": 3, "should": 2, "ought": 2}

_NEED = frozenset({"need", "needs"})

_HAVE = frozenset({"have", "has"})

_ESSENTIAL = frozenset("essential important vital crucial necessary imperative critical key".split())

LIST_VERBS = frozenset({"include", "includes", "included", "are", "is", "were", "was"})

_DOCUMENTS = frozenset(
    "report reports study review plan strategy statement survey document letter paper audit inquiry "
    "guidance guidelines charter manifesto proposal".split()
)
"""Sources that are not people: an ask they report is the text's own priority."""
_PERSONAL = frozenset({"i", "you", "he", "she", "we"})

SUBORDINATORS = frozenset(
    "when which who whom whose while because although though if as after before since unless "
    "whereas where but".split()
)

_CLAUSE_BREAK_DEPS = frozenset({"advcl", "parataxis", "ccomp"})

_LEADING_DROP = frozenset({"the", "a", "an", "and", "or", "to", "also", "then"})

_SINGLE_QUOTED = re.compile("(?:^|\\s)['\u2018]|\u2018|['\u2019](?:\\s|$)")

MIN_WORDS = 2

MAX_WORDS = 40


def plain_ask(trigger: Token, target: Token) -> bool:
    """A weak single ask counts only in the present, outside someone's reported words, and
    not about the speaker's own doings ("he must report to the police")."""
    verb = target if target.pos_ in {"VERB", "AUX"} else trigger.head
    if trigger.tag_ in {"VBD", "VBN"} or any(c.tag_ == "VBD" and c.dep_ == "aux" for c in verb.children):
        return False
    subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None:
        subject = next((c for c in trigger.head.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is not None and subject.lower_ in _PERSONAL - {"we"}:
        return False
    clause = verb
    while clause.dep_ in {"xcomp", "conj"} and clause.head != clause:
        clause = clause.head
    if clause.dep_ in {"ccomp", "parataxis"} and is_reporting_verb(clause.head):
        reporter = next((c for c in clause.head.children if c.dep_ == "nsubj"), None)
        institutional = reporter is not None and (
            reporter.ent_type_ in {"ORG", "GPE", "NORP"} or reporter.lower_ in _DOCUMENTS
        )
        if not institutional:
            return False  # "the judge said the defendant must ...": someone's words, not a priority
    return trigger.lower_ != "should"


def child(token: Token, deps: set[str] | frozenset[str], words: frozenset[str] | None = None) -> Token | None:
    """The first child of ``token`` with one of ``deps`` (and, if given, one of ``words``)."""
    for dependant in token.children:
        if dependant.dep_ in deps and (words is None or dependant.lower_ in words):
            return dependant
    return None


Trigger = tuple[Token, int, Token]
"""The start of the asked-for phrase, the weight of the ask, and the governing verb."""


def trigger(token: Token) -> Trigger | None:
    """(start of the asked-for phrase, weight, governing verb) when ``token`` is a trigger.

    Weights rank how explicitly the text asks: "called for" 6, "urged" 5, "stressed the
    importance/need of" 4, "must"/"need to"/"it is essential to" 3, "should"/"priorities
    include"/"highlighted the significance" 2, "aims to" 1; a trigger whose object lists two
    or more items counts as an enumeration (at least 4).
    """
    for is_kind, read in _TRIGGER_KINDS:
        if is_kind(token):
            return read(token)
    return None


def _call_for(token: Token) -> Trigger | None:
    prep = child(token, {"prep"}, frozenset({"for"}))
    if prep is not None:
        obj = child(prep, {"pobj", "pcomp"})
        return (obj, 6, token) if obj is not None else None
    if child(token, {"prep"}, frozenset({"on", "upon"})) is not None:
        xcomp = child(token, {"xcomp", "ccomp"})
        return (xcomp, 6, token) if xcomp is not None else None
    return None


def _urge(token: Token) -> Trigger | None:
    target = child(token, {"xcomp", "ccomp"}) or child(token, {"dobj"})
    return (target, 5, token) if target is not None else None


def _stress(token: Token) -> Trigger | None:
    obj = child(token, {"dobj"})
    if obj is not None and obj.lower_ in _LIGHT_NOUNS:
        return (obj, 4 if token.lower_ in _STRESS else 2, token)
    return None


def _modal(token: Token) -> Trigger | None:
    return (token.head, _MODAL_WEIGHTS[token.lower_], token.head)


def _need_to(token: Token) -> Trigger | None:
    xcomp = child(token, {"xcomp"})
    if xcomp is not None and child(xcomp, {"aux"}, frozenset({"to"})) is not None:
        if token.lower_ in _HAVE and (xcomp.i != token.i + 2 or child(token, {"aux"}) is not None):
            return None  # "he will have to report": a consequence, not an ask
        return (xcomp, 3, xcomp)
    return None


def _essential(token: Token) -> Trigger | None:
    xcomp = child(token.head, {"xcomp"}) or child(token, {"xcomp"})
    subject = child(token.head, {"nsubj", "expl"})
    if xcomp is not None and subject is not None and subject.lower_ == "it":
        return (xcomp, 3, xcomp)
    return None


def _aim(token: Token) -> Trigger | None:
    xcomp = child(token, {"xcomp"})
    subject = child(token, {"nsubj"})
    if xcomp is None or subject is None or subject.lower_ in _PERSONAL or subject.ent_type_ == "PERSON":
        return None
    return (xcomp, 1, xcomp)


def _goals_include(token: Token) -> Trigger | None:
    verb = token.head
    if verb.lower_ in LIST_VERBS:
        obj = child(verb, {"dobj", "attr"})
        return (obj, 2, verb) if obj is not None else None
    return None


_TRIGGER_KINDS: tuple[tuple[Callable[[Token], bool], Callable[[Token], Trigger | None]], ...] = (
    (lambda t: t.lower_ in _CALL and t.pos_ == "VERB", _call_for),
    (lambda t: t.lower_ in _URGE and t.pos_ == "VERB", _urge),
    (lambda t: t.lower_ in _STRESS | _HIGHLIGHT and t.pos_ == "VERB", _stress),
    (lambda t: t.lower_ in _MODAL_WEIGHTS and t.dep_ == "aux" and t.head.pos_ == "VERB", _modal),
    (lambda t: t.lower_ in _NEED | _HAVE and t.pos_ in {"VERB", "AUX"}, _need_to),
    (lambda t: t.lower_ in _ESSENTIAL and t.dep_ == "acomp", _essential),
    (lambda t: t.lower_ in _AIM and t.pos_ == "VERB", _aim),
    (lambda t: t.dep_ == "nsubj" and GOAL_NOUNS.fullmatch(t.text) is not None, _goals_include),
)
"""Which reading applies to a token: the first kind it is decides (checked in this order)."""


def _descend(target: Token) -> Token:
    """Skip light-noun wrappers: "a push towards X", "the need to X", "the importance of X"."""
    for _ in range(3):
        if target.lower_ not in _LIGHT_NOUNS or target.pos_ not in {"NOUN", "PROPN"}:
            return target
        nxt: Token | None = None
        for dependant in target.children:
            if dependant.dep_ == "prep" and dependant.lower_ in _LIGHT_PREPS:
                nxt = child(dependant, {"pobj", "pcomp"})
            elif dependant.dep_ in {"acl", "relcl"} and dependant.pos_ == "VERB":
                nxt = dependant
            if nxt is not None:
                break
        if nxt is None:
            return target
        target = nxt
    return target

def _continues_with_verb(sent: Any, end: int) -> bool:
    """Whether ", V ..." / "and V ..." follows: a verb list the parser hung elsewhere."""
    doc = sent.doc
    k = end
    while k < sent.end and (doc[k].text in {",", ")"} or doc[k].lower_ in {"and", "or"}):
        k += 1
    separated = doc[k - 1].text == "," or doc[k - 1].lower_ in {"and", "or"}
    return separated and k < sent.end and doc[k].tag_ in {"VB", "VBP"} and doc[k].is_lower

def region(head: Token, verb: Token, sent: Any) -> list[Token]:
    """Tokens from the asked-for phrase to the end of its clause."""
    passive_subject = child(head, {"nsubjpass"})
    if passive_subject is not None and passive_subject.i < head.i:
        start = passive_subject.left_edge.i  # "emissions must be cut", not "cut"
    elif head.pos_ in {"VERB", "AUX"}:
        start = head.i
        for left in reversed(list(head.lefts)):
            if left.dep_ in {"advmod", "neg"} and left.i == start - 1 and left.lower_ not in _LEADING_DROP:
                start = left.i
    else:
        start = head.left_edge.i
    # "the importance of developing X, accelerating Y, and laying Z": the parser hangs
    # later gerunds off the trigger verb as advcl, so they must not end the region.
    gerunds = any(t.tag_ == "VBG" or t.lower_.endswith("ing") for t in sent.doc[start : head.i + 1])
    # A verb's own subtree is reliable, unless a verb list continues past it; a noun list
    # may hang off the trigger verb instead.
    end = sent.end
    if head.pos_ in {"VERB", "AUX"} and not gerunds:
        end = head.right_edge.i + 1
        if _continues_with_verb(sent, end):
            end = sent.end
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
    if token.lower_ in SUBORDINATORS and token.i > 0 and token.nbor(-1).text == ",":
        return True
    if token.dep_ in _CLAUSE_BREAK_DEPS and token.head in (verb, head) and not _parallel_verb(token, head):
        # "cut the time to process a claim": an infinitive right after its object is no new clause
        infinitive = token.dep_ == "advcl" and child(token, {"aux"}, frozenset({"to"})) is not None
        return not infinitive or token.left_edge.nbor(-1).text == ","
    if token.dep_ == "cc":
        nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
        return (
            nxt is not None and nxt.dep_ == "conj" and nxt.head == verb and nxt.pos_ == "VERB"
            and head != verb and not _parallel_verb(nxt, head)
        )
    return bool(
        token.dep_ == "conj" and token.head == verb and token.pos_ == "VERB" and head != verb
        and not _parallel_verb(token, head)
    )

def _parallel_verb(token: Token, head: Token) -> bool:
    """A base-form verb after a comma or "and", listed beside a base-form head."""
    return (
        head.tag_ in {"VB", "VBP"} and token.tag_ in {"VB", "VBP"} and token.i > 0
        and token.nbor(-1).text in {",", "and", "or"}
    )

def _segment_root(segment: list[Token]) -> Token:
    inside = {t.i for t in segment}
    first = next((t for t in segment if not (t.is_punct or t.dep_ == "cc")), segment[0])
    root = first
    while root.head.i in inside and root.head != root:
        root = root.head
    return root

def finish(tokens: Sequence[Token], sent: Any, drop_determiner: bool = True) -> str:
    text = tokens_text(trim(tokens, drop_determiner=drop_determiner, limit=sent.end))
    if MIN_WORDS <= len(text.split()) <= MAX_WORDS and not _SINGLE_QUOTED.search(text):
        return text
    return ""

def split_items(target: Token, verb: Token, sent: Any) -> list[str]:
    head = _descend(target)
    tokens = region(head, verb, sent)
    if not tokens:
        return []
    if head.tag_ in {"VB", "VBP"}:  # "aims to cut X, recruit Y and open Z"
        parts = split_enumeration(tokens, verbal=True)
        return [t for t in (finish(p, sent) for p in parts) if t]
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
    return [t for t in (finish(seg, sent) for seg in merged) if t]

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
