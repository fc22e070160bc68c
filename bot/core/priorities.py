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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.layout import Block, heading_blocks, list_blocks
from bot.core.phrases import inflections, split_enumeration, tokens_text, trim
from bot.core.quote_spans import find_quote_spans
from bot.core.speakers import is_reporting_verb
from bot.core.thread_analysis import analyse_thread
from bot.core.types import Message, Priority

logger = logging.getLogger(__name__)

Token = Any

GOAL_NOUNS = re.compile(
    r"\b(?:priorit(?:y|ies)|goals?|aims?|objectives?|targets?|recommendations?|steps?|actions?|measures?"
    r"|commitments?|pledges?|promises?|plans?|proposals?|demands?|asks|requests?|tasks?|to-?dos?"
    r"|initiatives?|deliverables?|pillars?|requirements?|things to do)\b",
    re.I,
)
"""Nouns that announce a list of things to be done (in a heading, lead-in or subject)."""
ASK_WORDS = re.compile(
    r"\b(?:must|should|shall|will|need(?:s)? to|ha(?:s|ve) to|plans? to|aims? to|wants? to|intends? to"
    r"|commits?|pledges?|promises?|recommends?|proposes?|urges?|calls? (?:for|on)|asks?|demands?)\b",
    re.I,
)
"""Words of a lead-in that asks for what its list holds ("the company must:")."""

WEIGHT_LIST = 6
WEIGHT_ENUMERATION = 5
WEIGHT_SEQUENCE = 4
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
_LIST_VERBS = frozenset({"include", "includes", "included", "are", "is", "were", "was"})
_PERSONAL = frozenset({"i", "you", "he", "she", "we"})
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
_SUBORDINATORS = frozenset(
    "when which who whom whose while because although though if as after before since unless "
    "whereas where but".split()
)
_CLAUSE_BREAK_DEPS = frozenset({"advcl", "parataxis", "ccomp"})
_LEADING_DROP = frozenset({"the", "a", "an", "and", "or", "to", "also", "then"})
_BE = frozenset({"be", "is", "are", "was", "were", "been", "being", "'s", "’s"})
_SINGLE_QUOTED = re.compile("(?:^|\\s)['\u2018]|\u2018|['\u2019](?:\\s|$)")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(\"\u201c])")
_MIN_WORDS = 2
_MAX_WORDS = 40
_NEAR_DUPLICATE = 0.6


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


def extract_thread_actions(
    messages: Sequence[Message], parsed: Sequence[Any]
) -> tuple[list[Priority], list[str]]:
    """Action items (with owner and due) and agreed decisions from a thread."""
    analysis = analyse_thread(messages, parsed)
    return analysis.actions, analysis.decisions


# --- layout -----------------------------------------------------------------------------


def _announces_goals(block: Block, first_words: Sequence[Token]) -> bool:
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
            if tokens and _MIN_WORDS <= len((text := tokens_text(tokens)).split()) <= _MAX_WORDS
        ]
        found.append((block, items))
    return found


# --- sentences --------------------------------------------------------------------------


class _Ranges:
    """Answers whether a character offset lies inside one of some (start, end) ranges."""

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(ranges)
        self._starts = [start for start, _ in ordered]
        self._ends = [end for _, end in ordered]

    def __contains__(self, offset: int) -> bool:
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
    for start, k, text in _sequence_items(sents, quoted):
        items.append(_Item(text, WEIGHT_SEQUENCE, (start, k)))
    return items


def _sentence_items(sent: Any, quoted: _Ranges, laid_out: _Ranges) -> list[tuple[str, int]]:
    enumerated = _enumeration(sent)
    if enumerated:
        return [(text, WEIGHT_SEQUENCE) for text in enumerated]
    listed = _colon_items(sent, quoted, laid_out) or _goal_noun_list(sent, quoted)
    if listed:
        return [(text, WEIGHT_ENUMERATION) for text in listed]
    found: list[tuple[str, int]] = []
    for token in sent:
        if token.idx in quoted or token.idx in laid_out:
            continue
        trigger = _trigger(token)
        if trigger is None:
            continue
        target, weight, verb = trigger
        texts = _split_items(target, verb, sent)
        if len(texts) >= 2:
            weight = max(weight, STRONG)
        elif weight < STRONG and not _plain_ask(token, target):
            continue
        found += [(text, weight) for text in texts]
    return found


def _plain_ask(trigger: Token, target: Token) -> bool:
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
        if reporter is not None and (reporter.pos_ == "PRON" or reporter.ent_type_ == "PERSON"):
            return False
    return trigger.lower_ != "should"


def _child(token: Token, deps: set[str] | frozenset[str], words: frozenset[str] | None = None) -> Token | None:
    for child in token.children:
        if child.dep_ in deps and (words is None or child.lower_ in words):
            return child
    return None


def _trigger(token: Token) -> tuple[Token, int, Token] | None:
    """(start of the asked-for phrase, weight, governing verb) when ``token`` is a trigger.

    Weights rank how explicitly the text asks: "called for" 6, "urged" 5, "stressed the
    importance/need of" 4, "must"/"need to"/"it is essential to" 3, "should"/"priorities
    include"/"highlighted the significance" 2, "aims to" 1; a trigger whose object lists two
    or more items counts as an enumeration (at least 4).
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
            if lower in _HAVE and (xcomp.i != token.i + 2 or _child(token, {"aux"}) is not None):
                return None  # "he will have to report": a consequence, not an ask
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
        if xcomp is None or subject is None or subject.lower_ in _PERSONAL or subject.ent_type_ == "PERSON":
            return None
        return (xcomp, 1, xcomp)
    if token.dep_ == "nsubj" and GOAL_NOUNS.fullmatch(token.text):
        verb = token.head
        if verb.lower_ in _LIST_VERBS:
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


def _continues_with_verb(sent: Any, end: int) -> bool:
    """Whether ", V ..." / "and V ..." follows: a verb list the parser hung elsewhere."""
    doc = sent.doc
    k = end
    while k < sent.end and (doc[k].text in {",", ")"} or doc[k].lower_ in {"and", "or"}):
        k += 1
    separated = doc[k - 1].text == "," or doc[k - 1].lower_ in {"and", "or"}
    return separated and k < sent.end and doc[k].tag_ in {"VB", "VBP"} and doc[k].is_lower


def _region(head: Token, verb: Token, sent: Any) -> list[Token]:
    """Tokens from the asked-for phrase to the end of its clause."""
    passive_subject = _child(head, {"nsubjpass"})
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
    if token.lower_ in _SUBORDINATORS and token.i > 0 and token.nbor(-1).text == ",":
        return True
    if token.dep_ in _CLAUSE_BREAK_DEPS and token.head in (verb, head) and not _parallel_verb(token, head):
        # "cut the time to process a claim": an infinitive right after its object is no new clause
        infinitive = token.dep_ == "advcl" and _child(token, {"aux"}, frozenset({"to"})) is not None
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


def _finish(tokens: Sequence[Token], sent: Any, drop_determiner: bool = True) -> str:
    text = tokens_text(trim(tokens, drop_determiner=drop_determiner, limit=sent.end))
    if _MIN_WORDS <= len(text.split()) <= _MAX_WORDS and not _SINGLE_QUOTED.search(text):
        return text
    return ""


def _split_items(target: Token, verb: Token, sent: Any) -> list[str]:
    head = _descend(target)
    tokens = _region(head, verb, sent)
    if not tokens:
        return []
    if head.tag_ in {"VB", "VBP"}:  # "aims to cut X, recruit Y and open Z"
        parts = split_enumeration(tokens, verbal=True)
        return [t for t in (_finish(p, sent) for p in parts) if t]
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
    return [t for t in (_finish(seg, sent) for seg in merged) if t]


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
    return [t for t in (_finish(p, sent, drop_determiner=False) for p in parts) if t]


def _goal_noun_list(sent: Any, quoted: _Ranges) -> list[str]:
    """Items of "The union's demands include A, B and C" (two or more)."""
    for token in sent:
        if token.dep_ != "nsubj" or not GOAL_NOUNS.fullmatch(token.text) or token.idx in quoted:
            continue
        if token.head.lower_ not in _LIST_VERBS:
            continue
        obj = _child(token.head, {"dobj", "attr"})
        if obj is None or obj.i < token.head.i:
            continue
        region = [t for t in sent.doc[obj.left_edge.i : sent.end]]
        end = next((k for k, t in enumerate(region) if t.text in {";", "\u2014", "--"} or (
            t.lower_ in _SUBORDINATORS and k > 0 and region[k - 1].text == ",")), len(region))
        parts = split_enumeration(region[:end], verbal=False, strict=False)
        if len(parts) >= 2:
            return [t for t in (_finish(p, sent, drop_determiner=False) for p in parts) if t]
    return []


def _enumeration(sent: Any) -> list[str]:
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
        text = _finish(tokens[k + 2 : end], sent)
        if text:
            items.append(text)
    return items


# --- ordinal sequences across sentences ---------------------------------------------------


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
        complement = _child(head, {"xcomp"})
        if head.lower_ in _BE and complement is None:
            complement = _child(head, {"attr"})
        if complement is None or not (head.lower_ in _BE or head.lower_ in _WRAPPERS):
            break
        head = complement
    if head.pos_ not in {"VERB", "NOUN", "PROPN"}:
        return ""
    tokens = _region(head, head, sent)
    return _finish(tokens, sent)


def _sequence_items(sents: Sequence[Any], quoted: _Ranges) -> Iterator[tuple[int, int, str]]:
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


def _words(text: str) -> set[str]:
    """Crudely stemmed content words ("developing" and "develop" agree)."""
    return {w[:5] for w in re.findall(r"\w+", text.lower()) if w not in _LEADING_DROP}


def _near_duplicate(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    overlap = len(wa & wb)
    return overlap / len(wa | wb) >= _NEAR_DUPLICATE or overlap == min(len(wa), len(wb))
