"""Who said each quotation: the reporting verb tied to it, a label or dash next to it, or,
failing those, the speaker it continues (newspaper layout conventions).

In order of preference, a quotation's speaker comes from

1. a dash and a name right after it (``"..." -- Grace Otieno-Lewis``);
2. a reporting verb outside the quotation whose clause holds it (``"...," she said``,
   ``He said: "..."``, ``according to X``), or a bare one right beside it;
3. a colon before it: a label (``Café owner Yusuf Demir-Kaya: "..."``), or a clause with no
   reporting verb (``Jared Potts echoed: "..."``);
4. continuation: a quotation carried over from the paragraph before (an opening mark left
   unclosed), or one with no attribution of its own, which belongs to the last speaker of its
   paragraph, or, when it opens its own paragraph, of the paragraph before (or to the person
   that paragraph ends on as a subject: ``Teodora Nikolić-Hart ran the shelter ...``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.quoting.reporting import subject_of
from bot.core.quoting.spans import QuoteSpan, paragraph_at, paragraphs
from bot.core.quoting.speakers import Mention, Sentences, SpeakerResolver
from bot.core.spacy_types import Doc, Token

_NEAR_SENTENCE_TOKENS = 10
_MAX_LABEL_TOKENS = 12
_DATIVE_VERBS = frozenset("tell tells told telling ask asks asked asking".split())
_CONTENT_DEPS = frozenset({"ccomp", "xcomp"})
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_GOVERNED_DEPS = frozenset({"ccomp", "parataxis", "dobj", "oprd", "attr", "xcomp"})
_DASH_TRAILER = re.compile(r"[ \t.,]*[\"'\u201d\u2019\u00bb]?[ \t.,]*[\u2014\u2015\u2013][^\S\n]*|[ \t]+-{1,2}[ \t]+")
_MAX_TRAILER_CHARS = 120


@dataclass(frozen=True)
class Attribution:
    """The speaker of one quotation, and how it was found."""

    speaker: str | None
    mention: Mention | None
    inherited: bool = False
    """True when no cue names the speaker and it was carried over from an earlier one."""


_NONE = Attribution(None, None)


def attribute_spans(
    doc: Doc, source: str, spans: Sequence[QuoteSpan], quoted: Sequence[bool], resolver: SpeakerResolver
) -> list[Attribution]:
    """One :class:`Attribution` per quotation span of ``source`` (the doc's text), in order."""
    paras = paragraphs(source)
    para_starts = [start for start, _ in paras]
    events = _speech_events(quoted, resolver)
    results: list[Attribution] = []
    for k, span in enumerate(spans):
        chars = doc.char_span(span.start, span.end, alignment_mode="expand")
        if chars is None or len(chars) == 0:
            results.append(_NONE)
            continue
        p = paragraph_at(para_starts, span.start)
        para = _token_range(doc, paras[p])
        prev_para = _token_range(doc, paras[p - 1]) if p > 0 else None
        found = (
            _by_dash(doc, source, span, resolver)
            or _by_cue(doc, chars.start, chars.end - 1, quoted, para, prev_para, resolver)
            or _by_colon(doc, chars.start, resolver)
        )
        if found is None:
            found = _continued(k, spans, results, events, source, paras, p, resolver)
        results.append(found or _NONE)
        if found is not None and not found.inherited and found.speaker is not None:
            events.add(span.start, found)
    return _fill_chains(spans, results)


def _token_range(doc: Doc, bounds: tuple[int, int]) -> tuple[int, int]:
    chars = doc.char_span(bounds[0], bounds[1], alignment_mode="expand")
    if chars is None:
        return 0, len(doc)
    return chars.start, chars.end


# -- 1. reporting verbs -----------------------------------------------------------------------


def _words(tokens: Any, quoted: Sequence[bool]) -> bool:
    return any(not (t.is_punct or t.is_space or quoted[t.i]) for t in tokens)


def _window(
    doc: Doc,
    first: int,
    last: int,
    quoted: Sequence[bool],
    para: tuple[int, int],
    prev_para: tuple[int, int] | None,
    sents: Sentences,
) -> tuple[int, int]:
    """Token range of the sentences around a quotation, kept inside its paragraph, widened
    for a ``he said.`` fragment after it and a ``He said:`` line before it."""
    lo, hi = para
    start = max(sents.of_token(first).start, lo)
    end = min(sents.of_token(last).end, hi)
    if not _words(doc[last + 1 : end], quoted) and end < hi:
        following_end = min(sents.of_token(end).end, hi)
        if following_end - end <= _NEAR_SENTENCE_TOKENS:
            end = following_end
    if not _words(doc[start:first], quoted):
        j = start - 1
        while j >= 0 and (doc[j].is_space or doc[j].is_quote):
            j -= 1
        floor = prev_para[0] if prev_para is not None and j < lo else lo
        if j >= floor and doc[j].text == ":":
            start = max(sents.of_token(j).start, floor)
    return start, end


def _is_bare(verb: Token, quoted: Sequence[bool]) -> bool:
    """True when the verb carries no content of its own outside quotation marks."""
    for child in verb.children:
        if quoted[child.i]:
            continue
        if child.dep_ in _CONTENT_DEPS or (child.dep_ == "dobj" and verb.lower_ not in _DATIVE_VERBS):
            return False
    return True


def _quote_roots(doc: Doc, first: int, last: int) -> list[Token]:
    return [
        t
        for t in doc[first : last + 1]
        if not (t.is_punct or t.is_space) and not first <= t.head.i <= last
    ]


def _by_cue(
    doc: Doc,
    first: int,
    last: int,
    quoted: Sequence[bool],
    para: tuple[int, int],
    prev_para: tuple[int, int] | None,
    resolver: SpeakerResolver,
) -> Attribution | None:
    sents = resolver.sentences
    start, end = _window(doc, first, last, quoted, para, prev_para, sents)
    roots = _quote_roots(doc, first, last)
    governors: set[int] = set()
    for root in roots:
        governors.update(a.i for a in root.ancestors if not first <= a.i <= last)
    cues = resolver.cue_indices
    best: tuple[tuple[int, int], Token] | None = None
    for i in range(start, end):
        token = doc[i]
        if quoted[i] or first <= i <= last:
            continue
        governs = i in governors
        if i in cues:
            if not (governs or _is_bare(token, quoted)):
                continue
        elif not (governs and token.pos_ == "VERB" and any(r.head.i == i and r.dep_ in _GOVERNED_DEPS for r in roots)):
            continue
        distance = first - i if i < first else i - last
        key = (0 if governs else 1, distance)
        if best is None or key < best[0]:
            best = (key, token)
    if best is None:
        return None
    verb = best[1]
    subject = subject_of(verb)
    if subject is None or quoted[subject.i] or first <= subject.i <= last:
        subject = _adjacent_subject(doc, verb, last, quoted, sents)
    if subject is None:
        return None
    mention = resolver.mention(subject)
    if mention is None:
        return Attribution(None, None)  # "they said": someone, but no one to name
    return Attribution(mention.name, mention)


def _phrase_head(tokens: Sequence[Token]) -> Token | None:
    """The name (else the head noun) in a short run of tokens."""
    words = [t for t in tokens if not (t.is_punct or t.is_space)]
    for wanted in ("PERSON", "PROPN", "NOUN"):
        for token in reversed(words):
            if (token.ent_type_ if wanted == "PERSON" else token.pos_) == wanted:
                return token
    return None


def _adjacent_subject(
    doc: Doc, verb: Token, last: int, quoted: Sequence[bool], sents: Sentences
) -> Token | None:
    """Who a reporting verb beside a quotation names when the parse gives it no subject:
    the words between the quotation and the verb (``"...," Tulsa police Chief Chuck Jordan
    said``), else those right after it (``"...," said Flynn``), else the name just before it
    (``In a statement, her adviser, Jake Sullivan, said: "..."``)."""
    if verb.i > last:
        between = [t for t in doc[last + 1 : verb.i] if not quoted[t.i]]
        if 0 < len(between) <= _NEAR_SENTENCE_TOKENS and not any(t.is_sent_start for t in between[1:]):
            head = _phrase_head(between)
            if head is not None:
                return head
        after: list[Token] = []
        for token in doc[verb.i + 1 : min(verb.i + 1 + _NEAR_SENTENCE_TOKENS, len(doc))]:
            if quoted[token.i] or token.text in {",", ".", ":", ";"}:
                break
            after.append(token)
        return _phrase_head(after)
    start = max(sents.of_token(verb.i).start, verb.i - _NEAR_SENTENCE_TOKENS)
    before = [t for t in doc[start : verb.i] if not quoted[t.i]]
    return _phrase_head([t for t in before if t.ent_type_ == "PERSON" or t.pos_ == "PROPN"])


# -- 2. labels and dashes ---------------------------------------------------------------------


def _label_name(tokens: Any, resolver: SpeakerResolver) -> Attribution | None:
    """The person named in a short label: the last PERSON entity, else its first name."""
    people = [e for e in tokens.ents if e.label_ == "PERSON"]
    ents = people[-1:] or list(tokens.ents[:1])
    heads = [e.root for e in ents] or [t for t in tokens if t.pos_ == "PROPN"][:1]
    for head in heads:
        mention = resolver.mention(head)
        if mention is not None:
            return Attribution(mention.name, mention)
    return None


def _by_colon(doc: Doc, first: int, resolver: SpeakerResolver) -> Attribution | None:
    """The speaker of a quotation introduced by a colon: a label (``Name, Outlet: "..."``) or
    a clause with no reporting verb (``17-year-old Jared Potts echoed:``, ``... doesn't
    surprise Republican pollster Daron Shaw:``): its named subject, else the last person in it."""
    i = first - 1
    while i >= 0 and (doc[i].is_quote or doc[i].is_space):
        i -= 1
    if i < 1 or doc[i].text != ":":
        return None
    start = i
    while start > 0 and i - start < _MAX_LABEL_TOKENS * 3:
        before = doc[start - 1]
        if before.text in {".", "!", "?"} or "\n" in before.text:
            break
        start -= 1
    clause = doc[start:i]
    if not any(t.tag_ in _FINITE_TAGS for t in clause):
        return _label_name(clause, resolver) if i - start <= _MAX_LABEL_TOKENS else None
    heads = [t for t in clause if (t.pos_ in {"VERB", "AUX"} and not start <= t.head.i < i) or t.dep_ == "ROOT"]
    subject = subject_of(heads[0]) if heads else None
    if (
        subject is not None
        and start <= subject.i < i
        and (subject.pos_ == "PROPN" or subject.lower_ in {"he", "she"})
    ):
        mention = resolver.mention(subject)
        if mention is not None:
            return Attribution(mention.name, mention)
    people = [e for e in clause.ents if e.label_ == "PERSON"]
    if people:
        mention = resolver.mention(people[-1].root)
        if mention is not None:
            return Attribution(mention.name, mention)
    return None


def _by_dash(doc: Doc, source: str, span: QuoteSpan, resolver: SpeakerResolver) -> Attribution | None:
    """The speaker of ``"..." -- Grace Otieno-Lewis, Wimbledon`` (a dash and a name after it)."""
    match = _DASH_TRAILER.match(source, span.end)
    if match is None:
        return None
    line_end = source.find("\n", match.end())
    line_end = len(source) if line_end < 0 else line_end
    if line_end - match.end() > _MAX_TRAILER_CHARS:
        return None
    trailer = doc.char_span(match.end(), line_end, alignment_mode="contract")
    if trailer is None or len(trailer) == 0:
        return None
    return _label_name(trailer, resolver)


# -- 3. continuation --------------------------------------------------------------------------


class _Events:
    """Who spoke where: attributed quotations and reported statements, by offset."""

    def __init__(self) -> None:
        self._offsets: list[int] = []
        self._found: list[Attribution] = []

    def add(self, offset: int, found: Attribution) -> None:
        k = bisect.bisect_right(self._offsets, offset)
        self._offsets.insert(k, offset)
        self._found.insert(k, found)

    def last_before(self, offset: int) -> tuple[int, Attribution] | None:
        k = bisect.bisect_left(self._offsets, offset)
        return (self._offsets[k - 1], self._found[k - 1]) if k else None


def _speech_events(quoted: Sequence[bool], resolver: SpeakerResolver) -> _Events:
    """Every reporting verb outside quotation marks whose subject names a speaker."""
    events = _Events()
    for token in resolver.cues:
        subject = subject_of(token)
        if subject is None or quoted[subject.i]:
            continue
        mention = resolver.mention(subject)
        if mention is not None:
            events.add(token.idx, Attribution(mention.name, mention))
    return events


def _continued(
    k: int,
    spans: Sequence[QuoteSpan],
    results: Sequence[Attribution],
    events: _Events,
    source: str,
    paras: Sequence[tuple[int, int]],
    p: int,
    resolver: SpeakerResolver,
) -> Attribution | None:
    span = spans[k]
    if span.continues and k > 0 and results[k - 1].speaker is not None:
        return Attribution(results[k - 1].speaker, results[k - 1].mention, inherited=True)
    para_start = paras[p][0]
    opens = not any(c.isalnum() for c in source[para_start : span.start])
    floor = paras[p - 1][0] if opens and p > 0 else para_start
    last = events.last_before(span.start)
    if last is not None and last[0] >= floor:
        found = last[1]
        return Attribution(found.speaker, found.mention, inherited=True)
    if opens and p > 0:
        # A quotation paragraph right after one that introduces a person as its subject.
        introduced = resolver.main_subject_between(*paras[p - 1])
        if introduced is not None:
            return Attribution(introduced.name, introduced, inherited=True)
    return None


def _fill_chains(spans: Sequence[QuoteSpan], results: list[Attribution]) -> list[Attribution]:
    """Give every part of a quotation over several paragraphs the speaker named in any part."""
    k = 0
    while k < len(spans):
        end = k + 1
        while end < len(spans) and spans[end].continues:
            end += 1
        named = next((r for r in results[k:end] if r.speaker is not None and not r.inherited), None)
        if named is not None:
            for j in range(k, end):
                if results[j].speaker is None or results[j].inherited:
                    results[j] = Attribution(named.speaker, named.mention, inherited=True)
        k = end
    return results
