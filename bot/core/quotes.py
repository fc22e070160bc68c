"""Key quotes: verbatim direct quotations and reported statements, with their speakers.

Every returned ``Quote.text`` is a slice of the source text (so it passes
:func:`bot.core.text.is_verbatim`); nothing is paraphrased.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.action_items import classify_thread
from bot.core.quote_spans import QuoteSpan, find_quote_spans
from bot.core.speakers import SpeakerResolver, is_reporting_verb, subject_of
from bot.core.text import canonical
from bot.core.types import Message, Quote

logger = logging.getLogger(__name__)

_MAX_QUOTE_WORDS = 60
_MIN_WORDS = 3
_MIN_UNATTRIBUTED_WORDS = 6
_INHERIT_GAP_CHARS = 250
_NEAR_SENTENCE_TOKENS = 10
_MAX_LABEL_TOKENS = 12
_REPEAT_SPEAKER_PENALTY = 0.75
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
class _Candidate:
    text: str
    speaker: str | None
    start: int
    score: float
    direct: bool


def extract_article_quotes(parsed: Any, max_quotes: int | None = 5) -> list[Quote]:
    """Direct quotations (best first), then the strongest reported statements.

    ``max_quotes=None`` returns every candidate (used by the evaluation tool).
    """
    doc = parsed
    resolver = SpeakerResolver(doc)
    source = doc.text  # built on each access, so read once
    spans = find_quote_spans(source)
    quoted = _quoted_tokens(doc, spans)
    direct = _direct_quotes(doc, source, spans, quoted, resolver)
    reported = _reported_statements(doc, len(source), quoted, resolver)
    limit = max_quotes if max_quotes is not None else len(direct) + len(reported)
    chosen = _select(direct, limit)
    chosen += _select(reported, limit - len(chosen))
    logger.debug("quotes: %d direct and %d reported candidates", len(direct), len(reported))
    return [Quote(text=c.text, speaker=c.speaker, direct=c.direct) for c in chosen]


def extract_thread_quotes(
    messages: Sequence[Message], parsed: Sequence[Any], max_quotes: int | None = 5
) -> list[Quote]:
    """The message sentences that carry decisions, then the strongest commitments and asks."""
    statements = classify_thread(messages, parsed)
    ranked = sorted(statements, key=lambda s: (-s.weight, s.order))
    quotes: list[Quote] = []
    seen: set[str] = set()
    for statement in ranked:
        if statement.is_acceptance or statement.text in seen:
            continue
        seen.add(statement.text)
        message = messages[statement.message_index]
        quotes.append(Quote(text=statement.text, speaker=message.author, direct=True, ts=message.ts))
        if max_quotes is not None and len(quotes) >= max_quotes:
            break
    return quotes


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


def _window(doc: Any, first: int, last: int) -> tuple[int, int]:
    """Token range of the sentences around a quote, widened for ``he said.`` fragments."""
    start_sent = doc[first].sent
    end_sent = doc[last].sent
    start, end = start_sent.start, end_sent.end
    tail = [t for t in doc[last + 1 : end] if not (t.is_punct or t.is_space)]
    if not tail and end < len(doc):
        following = doc[end].sent
        if len(following) <= _NEAR_SENTENCE_TOKENS:
            end = following.end
    head = [t for t in doc[start:first] if not (t.is_punct or t.is_space)]
    if not head and start > 0:
        previous = doc[start - 1].sent
        if any(t.text == ":" for t in previous[-3:]):
            start = previous.start
    return start, end


def _reporting_verb(doc: Any, first: int, last: int, quoted: Sequence[bool]) -> Any | None:
    start, end = _window(doc, first, last)
    best: Any | None = None
    best_distance = len(doc) + 1
    for i in range(start, end):
        if quoted[i]:
            continue
        token = doc[i]
        if not (is_reporting_verb(token) or token.lower_ == "according"):
            continue
        distance = first - i if i < first else i - last
        if distance < best_distance:
            best, best_distance = token, distance
    return best


def _colon_speaker(doc: Any, first: int, resolver: SpeakerResolver) -> str | None:
    """The speaker of ``Name, Outlet: "..."`` (a byline or transcript label before a colon)."""
    i = first - 1
    while i >= 0 and (doc[i].is_quote or doc[i].is_space):
        i -= 1
    if i < 1 or doc[i].text != ":":
        return None
    start = i
    while start > 0 and i - start < _MAX_LABEL_TOKENS:
        before = doc[start - 1]
        if before.is_space or before.is_sent_end:
            break
        start -= 1
    label = doc[start:i]
    people = [e for e in label.ents if e.label_ == "PERSON"]
    if people:
        return resolver.full_name(people[0].text)
    if label.ents:
        return label.ents[0].text
    return None


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


def _attribute(
    doc: Any, chars: Any, quoted: Sequence[bool], resolver: SpeakerResolver
) -> tuple[bool, str | None]:
    """(attributed, speaker) of the quote in token span ``chars``.

    ``attributed`` is False when no reporting verb or label is near the quote at all,
    which is different from a verb whose subject names nobody.
    """
    verb = _reporting_verb(doc, chars.start, chars.end - 1, quoted)
    if verb is not None:
        subject = subject_of(verb)
        return True, resolver.resolve(subject) if subject is not None else None
    label = _colon_speaker(doc, chars.start, resolver)
    return label is not None, label


def _direct_quotes(
    doc: Any,
    source: str,
    spans: Sequence[QuoteSpan],
    quoted: Sequence[bool],
    resolver: SpeakerResolver,
) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    previous: tuple[int, str | None] | None = None  # (end offset, speaker) of the last quote
    n_chars = max(len(source), 1)
    for span in spans:
        chars = doc.char_span(span.start, span.end, alignment_mode="expand")
        if chars is None or len(chars) == 0:
            continue
        attributed, speaker = _attribute(doc, chars, quoted, resolver)
        if not attributed:
            # No reporting verb or label: a follow-on quote of the previous speaker.
            near = previous is not None and span.start - previous[0] <= _INHERIT_GAP_CHARS
            speaker = previous[1] if near and previous is not None else None
        named = speaker is not None and resolver.is_person(speaker)
        text = source[span.start : _trim_words(source, chars, span)].strip()
        words = len(text.split())
        previous = (span.end, speaker)
        if words < _MIN_WORDS or (speaker is None and words < _MIN_UNATTRIBUTED_WORDS):
            continue
        score = 2.0 if named else 1.0 if speaker else 0.0
        score += 1.0 if words >= 8 else 0.0 if words >= 4 else -1.5
        score -= 0.5 * span.start / n_chars
        candidates.append(_Candidate(text, speaker, span.start, score, direct=True))
    return candidates


def _reported_statements(
    doc: Any, n_chars: int, quoted: Sequence[bool], resolver: SpeakerResolver
) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    n_chars = max(n_chars, 1)
    for sent in doc.sents:
        # A sentence around a full quotation repeats it; a short partial quote may stay.
        quoted_words = sum(1 for t in sent if quoted[t.i] and not t.is_punct)
        if quoted_words >= _MIN_UNATTRIBUTED_WORDS or sum(quoted[sent.start : sent.end]) * 2 > len(sent):
            continue
        best: tuple[float, Any, str] | None = None
        for token in sent:
            weight = _REPORTED_WEIGHTS.get(token.lower_)
            if weight is None or quoted[token.i] or not is_reporting_verb(token):
                continue
            if not any(c.dep_ in _CONTENT_DEPS for c in token.children):
                continue
            subject = subject_of(token)
            speaker = resolver.resolve(subject) if subject is not None else None
            if speaker is None:
                continue
            if best is None or weight > best[0]:
                best = (weight, token, speaker)
        if best is None:
            continue
        weight, verb, speaker = best
        text = sent.text.strip()
        if len(text.split()) > _MAX_QUOTE_WORDS:
            text = doc[verb.left_edge.i : verb.right_edge.i + 1].text.strip()
            if len(text.split()) > _MAX_QUOTE_WORDS:
                continue
        score = weight + (1.0 if resolver.is_person(speaker) else 0.0) - 0.5 * sent.start_char / n_chars
        candidates.append(_Candidate(text, speaker, sent.start_char, score, direct=False))
    return candidates


def _select(candidates: Sequence[_Candidate], limit: int) -> list[_Candidate]:
    """Greedy best-first choice that prefers not to repeat a speaker."""
    pool = list(candidates)
    chosen: list[_Candidate] = []
    seen: list[str] = []
    speakers: set[str | None] = set()
    while pool and len(chosen) < limit:
        best = max(
            pool,
            key=lambda c: (c.score - (_REPEAT_SPEAKER_PENALTY if c.speaker in speakers else 0.0), -c.start),
        )
        pool.remove(best)
        key = canonical(best.text).lower()
        if any(key in other for other in seen):
            continue  # the same words quoted twice in the article
        seen.append(key)
        chosen.append(best)
        speakers.add(best.speaker)
    return chosen
