"""The summariser: one document in, one :class:`SummaryResult` out.

Pure composition: the encoder, the spaCy pipeline, the sentence scorer and the optional
abstractor are injected (see ``bot.adapters.models``), so this module loads nothing.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from bot.core import language as lang
from bot.core import selection
from bot.core.article import priorities
from bot.core.article.summary import summarise_article
from bot.core.documents import thread_text
from bot.core.errors import EmptyInputError
from bot.core.notes.reader import Notes, read_notes
from bot.core.notes.summary import notes_summary
from bot.core.protocols import Abstractor, CachedEncoder, Encoder, LanguageIdentifier
from bot.core.quoting import quotes
from bot.core.text import bound_for_parse, token_prefix
from bot.core.thread import shape
from bot.core.thread.analysis import analyse_thread
from bot.core.thread.summary import summarise_thread
from bot.core.thread.units import UnitClassifier
from bot.core.types import Document, Kind, SummaryResult

MAX_PARSE_TOKENS = 50_000
"""Words and marks parsed per document: about 250,000 characters of prose, so the parse of
any input stays within seconds however dense its tokens are."""
DENSE_NOTICE = "Only the first part was summarised: the text is too long or too dense to read whole."
THREAD_DISABLED_PIPES = ["ner"]
NOTES_MODEL = "document structure"
"""The ``model`` of a summary composed from the layout of meeting notes or a plan."""
MAX_NOTES_ITEMS = 20


def bound_document(doc: Document) -> Document:
    """The document with every text bounded for the parser (see :func:`bound_for_parse`),
    cut at ``MAX_PARSE_TOKENS`` words and marks (with a notice)."""
    notices = list(doc.notices)
    if doc.messages:
        kept, budget = [], MAX_PARSE_TOKENS
        for message in doc.messages:
            text, cut = token_prefix(bound_for_parse(message.text), budget)
            budget -= len(text.split())
            if text.strip():
                kept.append(replace(message, text=text))
            if cut or budget <= 0:
                notices.append(DENSE_NOTICE)
                break
        return replace(doc, text=thread_text(kept), messages=tuple(kept), notices=tuple(notices))
    text, cut = token_prefix(bound_for_parse(doc.text), MAX_PARSE_TOKENS)
    if cut:
        notices.append(DENSE_NOTICE)
    return replace(doc, text=text, notices=tuple(notices))


class Summariser:
    """Summary, key quotes and priorities for articles and threads."""

    def __init__(
        self,
        encoder: Encoder,
        nlp: Any,
        scorer: Any | None = None,
        abstractor: Abstractor | None = None,
        unit_classifier: UnitClassifier | None = None,
        language: LanguageIdentifier | None = None,
    ) -> None:
        self.encoder = encoder
        self.nlp = nlp
        self.scorer = scorer
        self.abstractor = abstractor
        self.unit_classifier = unit_classifier
        self.language = language

    @property
    def model_name(self) -> str:
        """The models this summariser runs (for eval and bench tables)."""
        if self.abstractor is not None:
            return self.abstractor.name
        return self.encoder.name + (" + learned scorer" if self.scorer is not None else "")

    def model_for(self, kind: Kind) -> str:
        """What produced the summary of a ``kind`` document, for the output's ``model`` field."""
        if self.abstractor is not None:
            return self.abstractor.name
        learned = (
            self.scorer is not None and self.scorer.supports(kind) and selection.LEARNED_WEIGHT[kind] > 0
        )
        return self.encoder.name + (" + learned scorer" if learned else "")

    def summarise(self, doc: Document) -> SummaryResult:
        """Summarise one document; raises :class:`EmptyInputError` when it has no text."""
        start = time.perf_counter()
        doc = bound_document(doc)
        if not doc.text.strip():
            raise EmptyInputError("There is no text to summarise.")
        result = self._foreign(doc) or (self._thread(doc) if doc.kind == "thread" else self._article(doc))
        if not result.summary:  # e.g. only emoji or punctuation: nothing a sentence can carry
            raise EmptyInputError(f"{doc.source} has no words to summarise.")
        result.elapsed_ms = (time.perf_counter() - start) * 1000
        return result

    def _foreign(self, doc: Document) -> SummaryResult | None:
        """Text the English models cannot read: its opening lines and a notice saying so."""
        if self.language is None:
            return None
        verdict = lang.read_language(lang.segments(doc), self.language)
        if verdict is None:
            return None
        return SummaryResult(
            source=doc.source,
            kind=doc.kind,
            title=doc.title,
            summary=lang.opening_lines(doc),
            model=self.language.name,
            notices=[lang.notice(verdict, doc.kind), *doc.notices],
        )

    def _article(self, doc: Document) -> SummaryResult:
        parsed = self.nlp(doc.text)
        notes = read_notes(doc.layout or doc.text, people=[e.text for e in parsed.ents if e.label_ == "PERSON"])
        if notes.is_notes:
            return self._notes(doc, parsed, notes)
        if self.abstractor is not None:
            sentences = self.abstractor.summarise(doc.text)
        else:
            sentences = summarise_article(parsed, self.encoder, self.scorer)
        return SummaryResult(
            source=doc.source,
            kind="article",
            title=doc.title,
            summary=sentences,
            quotes=quotes.extract_article_quotes(parsed, shown=sentences),
            priorities=priorities.extract_article_priorities(parsed),
            decisions=[],
            model=self.model_for("article"),
            notices=list(doc.notices),
        )

    def _notes(self, doc: Document, parsed: Any, notes: Notes) -> SummaryResult:
        """Meeting notes or a plan: owners, due dates and decisions from the layout."""
        sentences = notes_summary(notes, doc.title)
        return SummaryResult(
            source=doc.source,
            kind="article",
            title=doc.title,
            summary=sentences,
            quotes=quotes.extract_article_quotes(parsed, shown=sentences),
            priorities=notes.actions[:MAX_NOTES_ITEMS],
            decisions=notes.decisions[:MAX_NOTES_ITEMS],
            model=NOTES_MODEL,
            notices=list(doc.notices),
        )

    def _thread(self, doc: Document) -> SummaryResult:
        messages = list(doc.messages)
        # Nothing on the thread path reads named entities; skipping the recogniser halves
        # the parse of a long meeting (outputs checked identical on 120 SAMSum dialogues).
        parsed = list(self.nlp.pipe([m.text for m in messages], disable=THREAD_DISABLED_PIPES))
        encoder = CachedEncoder(self.encoder)
        analysis = analyse_thread(messages, parsed, self.unit_classifier, encoder)
        if self.abstractor is not None:
            sentences = self.abstractor.summarise(doc.text)
        else:
            sentences = summarise_thread(
                messages, parsed, encoder, self.scorer, analysis.decisions, analysis.actions
            )
        shown = [*sentences, *analysis.decisions, *(p.text for p in analysis.actions)]
        result = SummaryResult(
            source=doc.source,
            kind="thread",
            title=doc.title,
            summary=sentences,
            quotes=quotes.extract_thread_quotes(messages, analysis.statements, shown=shown),
            priorities=analysis.actions,
            decisions=analysis.decisions,
            model=self.model_for("thread"),
            notices=list(doc.notices),
        )
        return shape.fit_reply(result, len(doc.text))
