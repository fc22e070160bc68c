"""Key quotes: verbatim direct quotations and reported statements, with their speakers.

Every returned ``Quote.text`` is a slice of the source text (so it passes
:func:`bot.core.text.is_verbatim`); nothing is paraphrased. Speakers come from
:mod:`bot.core.quoting.attribution` and :mod:`bot.core.quoting.speakers`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from bot.core.quoting.attribution import Attribution, attribute_spans
from bot.core.quoting.reporting import subject_of
from bot.core.quoting.spans import QuoteSpan, find_quote_spans, paragraph_at, paragraphs
from bot.core.quoting.speakers import Mention, Sentences, SpeakerResolver
from bot.core.text import canonical
from bot.core.types import Message, Quote

logger = logging.getLogger(__name__)

MIN_QUOTES = 2
"""Reported statements the summary already shows are dropped only while this many remain."""

_MAX_QUOTE_WORDS = 60
_MIN_WORDS = 3
_MIN_UNATTRIBUTED_WORDS = 6
_REPORTED_WEIGHTS: dict[str, float] = {
    **dict.fromkeys("urged urges called calls demanded demands".split(), 3.5),
    **dict.fromkeys(
        "stressed stresses emphasized emphasizes emphasised "
        "emphasises warned warns insisted insists vowed vows pledged "
        "pledges promised promises".split(),
        3.0,
    ),
    **dict.fromkeys(
        "said says told tells added adds noted notes argued argues highlighted highlights "
        "pointed points announced announces declared declares explained explains "
        "acknowledged admitted claimed claims predicted predicts".split(),
        2.0,
    ),
}
_CONTENT_DEPS = frozenset({"dobj", "ccomp", "xcomp", "prep", "prt", "attr", "oprd"})


@dataclass(frozen=True)
class QuoteCandidate:
    """A quotation or reported statement before selection, with where its speaker is named."""

    text: str
    speaker: str | None
    start: int
    score: float
    direct: bool
    mention: Mention | None = None


def article_quote_candidates(parsed: Any) -> list[QuoteCandidate]:
    """Every direct quotation and reported statement of an article, in text order."""
    doc = parsed
    source = doc.text  # built on each access, so read once
    spans = find_quote_spans(source)
    quoted = _quoted_tokens(doc, spans)
    sentences = Sentences(doc)
    resolver = SpeakerResolver(doc, quoted, source, sentences)
    attributions = attribute_spans(doc, source, spans, quoted, resolver)
    direct = _direct_quotes(doc, source, spans, attributions, resolver)
    reported = _reported_statements(doc, source, sentences.spans, quoted, resolver)
    logger.debug("quotes: %d direct and %d reported candidates", len(direct), len(reported))
    return sorted(direct + reported, key=lambda c: c.start)


def extract_article_quotes(
    parsed: Any, max_quotes: int | None = 5, shown: Iterable[str] = ()
) -> list[Quote]:
    """Up to ``max_quotes`` quotes, one per speaker before any speaker gets a second.

    Direct quotations come before reported statements; a reported statement that the summary
    already shows word for word (``shown``) is left out while ``MIN_QUOTES`` others remain.
    ``max_quotes=None`` returns every candidate (used by the evaluation tool).
    """
    candidates = drop_summary_repeats(article_quote_candidates(parsed), shown)
    limit = max_quotes if max_quotes is not None else len(candidates)
    return [Quote(text=c.text, speaker=c.speaker, direct=c.direct) for c in select_quotes(candidates, limit)]


class _Quoted(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def direct(self) -> bool: ...


_Q = TypeVar("_Q", bound=_Quoted)


def drop_summary_repeats(found: Sequence[_Q], summary: Iterable[str]) -> list[_Q]:
    """Leave out reported statements that the summary already shows word for word.

    Direct quotations always stay; the others only go while at least ``MIN_QUOTES`` remain.
    """
    shown = {canonical(s) for s in summary}
    kept = [q for q in found if q.direct or canonical(q.text) not in shown]
    return kept if len(kept) >= min(MIN_QUOTES, len(found)) else list(found)


class Statement(Protocol):
    """What thread quoting reads of a statement of the thread's analysis."""

    @property
    def text(self) -> str: ...
    @property
    def message_index(self) -> int: ...
    @property
    def weight(self) -> float: ...
    @property
    def is_acceptance(self) -> bool: ...


def extract_thread_quotes(
    messages: Sequence[Message],
    statements: Sequence[Statement],
    max_quotes: int | None = 5,
    shown: Iterable[str] = (),
) -> list[Quote]:
    """The message sentences that carry decisions, then the strongest commitments and asks,
    each quoted from the message its author wrote; every author once before anyone twice.

    ``statements`` come from the thread's one analysis. A sentence that repeats what the
    reply already shows (``shown``: the summary, the decisions, the action items) is left
    out: a thread's quotes are there only where they add to the rest.
    """
    said = [canonical(text).lower() for text in shown if text.strip()]
    candidates: list[QuoteCandidate] = []
    ts: dict[int, str | None] = {}
    for k, statement in enumerate(statements):
        if statement.is_acceptance or _repeats(canonical(statement.text).lower(), said):
            continue
        message = messages[statement.message_index]
        ts[k] = message.ts
        candidates.append(QuoteCandidate(statement.text, message.author, k, statement.weight, True))
    limit = max_quotes if max_quotes is not None else len(candidates)
    return [
        Quote(text=c.text, speaker=c.speaker, direct=True, ts=ts[c.start]) for c in select_quotes(candidates, limit)
    ]


def _repeats(sentence: str, said: Sequence[str]) -> bool:
    """Whether ``sentence`` holds something already said, or is held by it."""
    return any(part and (part in sentence or sentence in part) for part in said)


def _quoted_tokens(doc: Any, spans: Sequence[QuoteSpan]) -> list[bool]:
    """Per token: inside a quotation (or one of its marks), so never a reporting verb."""
    mask = [False] * len(doc)
    for span in spans:
        chars = doc.char_span(span.start, span.end, alignment_mode="expand")
        if chars is None:
            continue
        for i in range(chars.start, chars.end):
            mask[i] = True
        for i in (chars.start - 1, chars.end):
            if 0 <= i < len(doc) and doc[i].is_quote:
                mask[i] = True
    return mask


def _trim_words(source: str, chars: Any, span: QuoteSpan) -> int:
    """End offset of a long quote: whole sentences, stopping after ``_MAX_QUOTE_WORDS`` words."""
    if len(source[span.start : span.end].split()) <= _MAX_QUOTE_WORDS:
        return span.end
    end = span.end
    words = 0
    for sent in chars.sents:
        sent_end = min(sent.end_char, span.end)
        words += len(source[max(sent.start_char, span.start) : sent_end].split())
        if words > _MAX_QUOTE_WORDS and sent_end > span.start:
            end = sent_end
            break
    return end if end > span.start else span.end


def _direct_quotes(
    doc: Any,
    source: str,
    spans: Sequence[QuoteSpan],
    attributions: Sequence[Attribution],
    resolver: SpeakerResolver,
) -> list[QuoteCandidate]:
    candidates: list[QuoteCandidate] = []
    n_chars = max(len(source), 1)
    for span, found in zip(spans, attributions, strict=True):
        chars = doc.char_span(span.start, span.end, alignment_mode="expand")
        if chars is None or len(chars) == 0:
            continue
        speaker = found.speaker
        text = source[span.start : _trim_words(source, chars, span)].strip()
        words = len(text.split())
        if words < _MIN_WORDS or (speaker is None and words < _MIN_UNATTRIBUTED_WORDS):
            continue
        named = speaker is not None and resolver.is_person(speaker)
        score = 2.0 if named else 1.0 if speaker else 0.0
        score += 1.0 if words >= 8 else 0.0 if words >= 4 else -1.5
        score -= 0.5 * span.start / n_chars
        candidates.append(QuoteCandidate(text, speaker, span.start, score, True, found.mention))
    return candidates


def _reported_statements(
    doc: Any, source: str, sents: Sequence[Any], quoted: Sequence[bool], resolver: SpeakerResolver
) -> list[QuoteCandidate]:
    candidates: list[QuoteCandidate] = []
    n_chars = max(len(source), 1)
    paras = paragraphs(source)
    para_starts = [start for start, _ in paras]
    verbs_by_sentence: dict[int, list[Any]] = {}
    for token in resolver.cues:  # reporting verbs outside quotations, in text order
        if token.lower_ in _REPORTED_WEIGHTS:
            verbs_by_sentence.setdefault(resolver.sentences.index_at(token.idx), []).append(token)
    for k, verbs in verbs_by_sentence.items():
        sent = sents[k]
        # A sentence around a full quotation repeats it; a short partial quote may stay.
        quoted_words = sum(1 for t in sent if quoted[t.i] and not t.is_punct)
        if quoted_words >= _MIN_UNATTRIBUTED_WORDS or sum(quoted[sent.start : sent.end]) * 2 > len(sent):
            continue
        best: tuple[float, Any, Mention] | None = None
        for token in verbs:
            weight = _REPORTED_WEIGHTS[token.lower_]
            if not any(c.dep_ in _CONTENT_DEPS and _has_unquoted_words(doc, c, quoted) for c in token.children):
                continue  # '"...," said X': the quotation is the statement, listed as such
            subject = subject_of(token)
            mention = resolver.mention(subject) if subject is not None else None
            if mention is None:
                continue
            if best is None or weight > best[0]:
                best = (weight, token, mention)
        if best is None:
            continue
        weight, verb, mention = best
        # The sentence within the verb's paragraph (spaCy sentences can run across line breaks).
        para_start, para_end = paras[paragraph_at(para_starts, verb.idx)]
        text = source[max(sent.start_char, para_start) : min(sent.end_char, para_end)].strip()
        if len(text.split()) > _MAX_QUOTE_WORDS:
            text = doc[verb.left_edge.i : verb.right_edge.i + 1].text.strip()
            if len(text.split()) > _MAX_QUOTE_WORDS:
                continue
        person = 1.0 if resolver.is_person(mention.name) else 0.0
        score = weight + person - 0.5 * sent.start_char / n_chars
        candidates.append(QuoteCandidate(text, mention.name, sent.start_char, score, False, mention))
    return candidates


def _has_unquoted_words(doc: Any, head: Any, quoted: Sequence[bool]) -> bool:
    return any(not (quoted[t.i] or t.is_punct) for t in doc[head.left_edge.i : head.right_edge.i + 1])


def select_quotes(candidates: Sequence[QuoteCandidate], limit: int) -> list[QuoteCandidate]:
    """Best first, every speaker once before any speaker twice, direct before reported.

    Rounds: each distinct speaker's best direct quotation, then the best reported statement
    of each speaker not yet heard, then the rest by score; quotes with no speaker come last.
    The same words quoted twice are listed once.
    """
    ordered = sorted(candidates, key=lambda c: (c.speaker is None, not c.direct, -c.score, c.start))
    chosen: list[QuoteCandidate] = []
    keys: list[str] = []
    heard: set[str] = set()

    def take(candidate: QuoteCandidate) -> None:
        key = canonical(candidate.text).lower()
        if any(key in other for other in keys):
            return  # the same words quoted twice in the article
        keys.append(key)
        chosen.append(candidate)
        if candidate.speaker is not None:
            heard.add(candidate.speaker)

    for candidate in ordered:
        if len(chosen) < limit and candidate.speaker is not None and candidate.speaker not in heard:
            take(candidate)
    for candidate in ordered:
        if len(chosen) < limit and candidate not in chosen:
            take(candidate)
    return chosen
