"""Extractive summaries: pick the most summary-worthy source sentences, verbatim.

Candidates are embedded with one batched encoder call per document. They are ranked by
an unsupervised score (similarity to the document centroid plus a lead prior for articles,
length and opener priors for threads), plus the learned
:class:`~bot.core.scorer.SentenceScorer`'s probability when one is injected, then chosen
greedily under a sentence and word budget with trigram blocking against redundancy, and
returned in document order.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Any

import numpy as np

from bot.core.protocols import Encoder
from bot.core.scorer import (
    Lexicon,
    SentenceScorer,
    feature_text,
    feature_width,
    sentence_features,
    subset_features,
)
from bot.core.text import normalise_quotes, normalise_ws, word_count
from bot.core.types import Kind, Message

logger = logging.getLogger(__name__)

ARTICLE_MAX_SENTENCES = 3
ARTICLE_MAX_WORDS = 75
ARTICLE_MAX_CANDIDATES = 6
"""Only the first candidates are embedded: news puts its gist up front, and this bounds latency."""
THREAD_MAX_SENTENCES = 2
THREAD_MAX_WORDS = 60
THREAD_MAX_CANDIDATES = 40
LONG_MESSAGE_WORDS = 40
"""Messages longer than this are split into their sentences before ranking."""

LEAD_WEIGHT = 1.0
LEAD_DECAY = 3.0
LENGTH_WEIGHT = 0.3
OPENER_WEIGHT = 0.4
LEARNED_WEIGHT: dict[Kind, float] = {"article": 1.0, "thread": 1.0}
"""Scale of the learned scorer's logits per kind; 0 ranks that kind with the unsupervised priors."""
REDUNDANT_SIMILARITY = 0.9

_PARAGRAPH = re.compile(r"\s*\n\s*")
_TERMINAL = re.compile(r"[.!?…][\"'’”)\]]*$")
_BOILERPLATE_PREFIX = re.compile(
    r"^(?:scroll down for (?:the )?videos?|click here[^.]*|read more[^.]*|advertisement|"
    r"\(?(?:cnn|ap|reuters|afp)\)?\s*(?:--|-|—|–))\s*",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?i:by)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:\s*(?:,|and|for)\s.*)?$")
BYLINE_MAX_WORDS = 12
_BOILERPLATE_LINE = re.compile(
    r"^(?:(?:published|updated|last updated|posted)\s*:?.*\d.*|"
    r"(?:photo|image|picture|video|source|credit|related|watch)s?\s*[:|].*|"
    r"(?:copyright|share this|follow us|sign up|subscribe|all rights reserved)\b.*|.*\(pictured\)[^.!?]*)$",
    re.IGNORECASE,
)
_CAPTION_LABEL = re.compile(r"^[A-Z][\w'’-]*(?:\s+[\w'’-]+){0,2}:\s+(?=[A-Z‘'\"“])")
_GLUED_CAPTION = re.compile(
    r"(?<=[a-z0-9’”'])\s+(?=(?:A|An|The|He|She|It|They|We|His|Her|Their|This|These)\s+[a-z])"
)
"""A sentence opener right after an unpunctuated word: where a photo caption runs into the text."""
CAPTION_MIN_WORDS = 5
_ATTACHMENT = re.compile(r"^<[\w_]+>$|^https?://\S+$")
_WORD = re.compile(r"\w+")
MIN_ARTICLE_WORDS = 5
MIN_THREAD_WORDS = 3


def summary_words(text: str) -> int:
    """Length of a candidate in words as the budget counts them: PTB artefacts and lone
    punctuation do not count, so tokenised and raw text of one sentence have one length."""
    return sum(1 for token in feature_text(text).split() if _WORD.search(token))


@dataclass(frozen=True)
class Candidate:
    """One selectable unit: the text shown (with "Author: " in threads), the text embedded, its length."""

    shown: str
    embedded: str
    words: int


def _clean_article_unit(text: str) -> str:
    """Drop boilerplate prefixes and short caption labels; the rest stays a verbatim substring."""
    previous = None
    while previous != text:
        previous = text
        text = _BOILERPLATE_PREFIX.sub("", text).strip()
    label = _CAPTION_LABEL.match(text)
    if label and word_count(text[label.end() :]) >= 6:
        text = text[label.end() :].strip()
    return text


def quoted_spans(text: str) -> list[tuple[int, int]] | None:
    """(start, end) of each quotation in ``text``, or ``None`` when one opens and does not close
    (or closes without opening).

    Double marks pair up in order; single marks are told from apostrophes by what surrounds
    them ("don't", "the players' room" are apostrophes; "'Go,' she said" is a quotation),
    also in PTB spacing ("' go , ' she said").
    """
    text = normalise_quotes(text)
    doubles = [m.start() for m in re.finditer('"', text)]
    if len(doubles) % 2:
        return None
    spans = [(doubles[i], doubles[i + 1] + 1) for i in range(0, len(doubles), 2)]
    opened: int | None = None
    for m in re.finditer("'", text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if before.isalnum() and after.isalnum():
            continue  # don't, it's
        if opened is not None:
            spans.append((opened, m.end()))
            opened = None
            continue
        left = text[: m.start()].rstrip()
        prior = left[-1].lower() if left else ""
        after_punct = before.isspace() and prior != "" and prior in ".,!?;:"
        if (before.isspace() or before in "([") and not after_punct and (after.isalnum() or after.isspace()):
            if after.isspace() and prior == "s":
                continue  # PTB's detached possessive: "players ' room"
            opened = m.start()
        elif prior != "s":  # "the players' room" closes nothing; anything else closes what never opened
            return None
    return None if opened is not None else sorted(spans)


def _quotation_is_whole(text: str) -> bool:
    """No quotation, or every quotation closes in ``text`` and words outside them say who spoke."""
    spans = quoted_spans(text)
    if spans is None:
        return False
    if not spans:
        return True
    plain = normalise_quotes(text)
    starts = [0] + [end for _, end in spans]
    ends = [start for start, _ in spans] + [len(plain)]
    outside = " ".join(plain[a:b] for a, b in zip(starts, ends, strict=True))
    return len(_WORD.findall(outside)) >= 2


def _is_article_sentence(text: str) -> bool:
    """A real sentence: long enough, ends like a sentence, not a byline or caption, no dangling quotation."""
    return (
        word_count(text) >= MIN_ARTICLE_WORDS
        and bool(_TERMINAL.search(text))
        and not _BOILERPLATE_LINE.match(text)
        and not (word_count(text) <= BYLINE_MAX_WORDS and _BYLINE.match(text))
        and _quotation_is_whole(text)
    )


_FUNCTION_POS = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "AUX", "PRON", "PART", "ADJ", "PROPN"})
_OPENING_QUOTES = frozenset({'"', "“", "‘", "'"})


def _starts_clause(tok: Any, start: int) -> bool:
    """``tok`` is the first word of a subject whose verb comes after it, in a clause that starts
    at token ``start`` (``tok`` itself, or the quotation mark before it)."""
    for node in (tok, *tok.ancestors):
        if node.left_edge.i < start:
            return False
        if node.dep_ in {"nsubj", "nsubjpass"}:
            verb = node.head
            return bool(verb.i > node.i and verb.left_edge.i >= start)
    return False


def glued_breaks(sent: Any) -> list[int]:
    """Character offsets in ``sent`` (a spaCy span) where an unpunctuated caption runs into a sentence.

    The parse decides: the break is before a capitalised word (or an opening quotation mark
    and a capitalised word) that follows a lowercase content word with no punctuation, and
    that starts the subject of a clause whose verb follows ("... to his relatives Police in
    Maryland have launched ..."). Function words before it ("as Kilmarnock's manager") never
    break, nor do names, unless a quotation opens after the name ("... on Friday 'I'd be ...").
    """
    breaks: list[int] = []
    tokens = list(sent)
    for k in range(1, len(tokens) - 1):
        tok, prev = tokens[k], tokens[k - 1]
        first = tokens[k + 1] if tok.text in _OPENING_QUOTES else tok
        if not (first.text[:1].isupper() and prev.whitespace_ and prev.text[-1:].isalnum()):
            continue
        quoted = first is not tok
        if prev.text[-1:].isupper() or prev.dep_ in {"compound", "poss", "det"}:
            continue
        if prev.pos_ in _FUNCTION_POS and not (quoted and prev.pos_ == "PROPN"):
            continue  # a name may end a caption when a quotation opens right after it
        if word_count(sent.doc.text[sent.start_char : tok.idx]) < CAPTION_MIN_WORDS:
            continue
        if _starts_clause(first, tok.i):
            breaks.append(tok.idx - sent.start_char)
    return breaks


def _split_at(text: str, offsets: Sequence[int]) -> list[str]:
    bounds = [0, *offsets, len(text)]
    return [text[a:b].strip() for a, b in itertools.pairwise(bounds) if text[a:b].strip()]


def article_units(parsed: Any) -> list[str]:
    """Sentences of a parsed article: spaCy sentences, split at line breaks and glued captions, stripped."""
    units: list[str] = []
    for sent in parsed.sents:
        for piece in _split_at(sent.text, glued_breaks(sent)):
            units.extend(p for p in _PARAGRAPH.split(piece) if p)
    return units


def split_glued_captions(unit: str) -> list[str]:
    """Split ``unit`` where a photo caption without a full stop runs into the next sentence.

    Raw news pages glue captions to the text ("... has denied four counts of sexual assault
    A senior doctor facing ..."); the caption piece then fails the sentence test and drops out.
    A break needs at least ``CAPTION_MIN_WORDS`` words before it, so "Plan A was" stays whole.
    """
    pieces: list[str] = []
    start = 0
    for match in _GLUED_CAPTION.finditer(unit):
        if word_count(unit[start : match.start()]) >= CAPTION_MIN_WORDS:
            pieces.append(unit[start : match.start()])
            start = match.end()
    pieces.append(unit[start:])
    return pieces


def _starts_inside(unit: str) -> bool:
    """A unit whose first letter is lowercase starts inside a sentence or a title (in cased text)."""
    first = re.search(r"[^\W\d_]", unit)
    return first is not None and first.group(0).islower()


def article_candidate_texts(units: Sequence[str]) -> list[str]:
    """The leading units that may enter an article summary, split at glued captions, cleaned of boilerplate.

    In cased text (most units start with a capital) a unit starting in lowercase is a fragment
    and is dropped; lowercased input (the training text) skips that test. Shared with
    ``bot.tools.train_examples`` so that training sees the same candidates.
    """
    cleaned = [_clean_article_unit(piece) for u in units for piece in split_glued_captions(u)]
    cased = sum(not _starts_inside(u) for u in cleaned) > len(cleaned) / 2
    kept = [u for u in cleaned if _is_article_sentence(u) and not (cased and _starts_inside(u))]
    if not kept:  # Headline-only or caption-only input: fall back to whatever has words.
        kept = [u for u in cleaned if _WORD.search(u)]
    return kept[:ARTICLE_MAX_CANDIDATES]


def article_candidates(parsed: Any) -> list[Candidate]:
    """Selectable sentences of a parsed article (see :func:`article_candidate_texts`)."""
    return [Candidate(u, u, summary_words(u)) for u in article_candidate_texts(article_units(parsed))]


_THIRD_PERSON = {
    "am": "is", "'m": "is", "’m": "is", "have": "has", "'ve": "has", "’ve": "has",
    "do": "does", "'ll": "will", "’ll": "will", "'d": "would", "’d": "would",
}
_AGREES_ANYWAY = {"MD", "VBD"}
"""Tags after which "I" can become a name unchanged: modals ("can", "will") and past tense."""
_POSSESSIVE = {"my", "mine"}
_SAME_PAST_AND_PRESENT = frozenset(
    "beat bet bid broadcast burst cast cost cut fit forecast hit hurt let put quit read rid set shed "
    "shut slit split spread thrust upset wet".split()
)
"""English verbs whose past tense is spelt like the present: "I read it" may be either, so no
"reads" is written for them (that would change the tense)."""
_ADDRESSEE = re.compile(r"^(?:you|your|yours|yourself|yourselves)$", re.IGNORECASE)
_QUOTE_MARK = re.compile(r"[\"“”‘]|(?<!\S)'(?=\w)")
"""An opening quotation mark (a closing ’ or ' may be an apostrophe: "the players’ room")."""


def _third_person_verb(word: str) -> str:
    """``want`` -> ``wants``, ``go`` -> ``goes``, ``try`` -> ``tries`` (regular present tense)."""
    lowered = word.lower()
    if lowered in _THIRD_PERSON:
        return _THIRD_PERSON[lowered]
    if re.search(r"(?:s|sh|ch|x|z|o)$", lowered):
        return word + "es"
    if re.search(r"[^aeiou]y$", lowered):
        return word[:-1] + "ies"
    return word + "s"


def _unsafe_to_rewrite(tokens: Sequence[Any]) -> bool:
    """Units where a third-person rewrite could mislead: they address someone ("you"), so the
    rewritten text would seem to speak to the reader, or they quote someone else."""
    text = "".join(t.text + t.whitespace_ for t in tokens)
    return bool(_QUOTE_MARK.search(text)) or any(_ADDRESSEE.match(t.text) for t in tokens)


def _rewritten_verb(author: str, verb: Any, after: Any | None) -> str | None:
    """The third-person form of the verb after "I", or ``None`` when its tense would be in doubt."""
    low = verb.lower_
    if low in {"'d", "’d"}:  # "I'd gone" is "had", "I'd go" is "would"; anything else: unsure
        if after is None or after.tag_ not in {"VBN", "VB"}:
            return None
        return "had" if after.tag_ == "VBN" else "would"
    if low in _THIRD_PERSON:
        return _THIRD_PERSON[low]
    if low in _SAME_PAST_AND_PRESENT:
        return None
    return _third_person_verb(verb.text)


def third_person(author: str, tokens: Sequence[Any]) -> str | None:
    """Rewrite a message's first person singular into its author's name, or ``None`` when unsure.

    ``tokens`` are spaCy tokens of the message. "I'll bring cookies" by Amanda becomes
    "Amanda will bring cookies" and the tense is kept ("I bought" -> "Amanda bought"). The
    message is left as it is (``None``) for questions ("Am I late?"), "myself", verbs whose
    past and present look alike ("I read it"), text that addresses someone ("you") or quotes
    someone, and verb forms the agreement rules cannot handle.
    """
    if _unsafe_to_rewrite(tokens):
        return None
    out: list[str] = []
    changed = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        low = tok.lower_
        text = tok.text
        if low == "i" and tok.tag_ == "PRP":
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is None or (i > 0 and tokens[i - 1].tag_ in {"MD", "VBP", "VBD", "VBZ"}):
                return None
            coordinated = (i > 0 and tokens[i - 1].lower_ in {"and", "or"}) or nxt.lower_ in {"and", "or"}
            if coordinated:  # "Tom and I are going": the verb agrees with the pair already
                out.append(author + tok.whitespace_)
                i += 1
                changed = True
                continue
            adverb = nxt if nxt.tag_ == "RB" and nxt.lower_ not in {"n't", "not"} else None
            if adverb is not None and i + 2 < len(tokens):
                nxt = tokens[i + 2]  # "I also think" -> "Amanda also thinks"
            verb_at = i + (2 if adverb is not None else 1)
            if not (nxt.is_alpha or nxt.lower_ in _THIRD_PERSON):
                return None  # split contractions in the source ("I ' Ve"): no safe verb to agree
            if nxt.lower_ in _THIRD_PERSON or nxt.tag_ in {"VBP", "VB"}:
                after = tokens[verb_at + 1] if verb_at + 1 < len(tokens) else None
                verb = _rewritten_verb(author, nxt, after)
                if verb is None:
                    return None
                out.append(author + " ")
                if adverb is not None:
                    out.append(adverb.text + adverb.whitespace_)
                out.append(verb + nxt.whitespace_)
                i = verb_at + 1
                changed = True
                continue
            if nxt.tag_ not in _AGREES_ANYWAY:
                return None
            text, changed = author, True
            if adverb is not None:  # "I really can't" -> "Amanda really can't"
                out.append(text + " ")
                text = adverb.text
                i += 1
                tok = adverb
        elif low in _POSSESSIVE and tok.tag_ in {"PRP$", "PRP"}:
            text, changed = author + "'s", True
        elif low == "me" and tok.tag_ == "PRP":
            text, changed = author, True
        elif low == "myself":
            return None
        out.append(text + tok.whitespace_)
        i += 1
    return normalise_ws("".join(out)) if changed else None


def thread_candidates(messages: Sequence[Message], parsed: Sequence[Any]) -> list[Candidate]:
    """Selectable units of a conversation: substantial messages, long ones split in sentences.

    A unit is shown in the third person when that is safe (see :func:`third_person`),
    else as "Author: text".
    """
    candidates: list[Candidate] = []
    for message, doc in zip(messages, parsed, strict=False):
        text = normalise_ws(message.text)
        if not text or _ATTACHMENT.match(text):
            continue
        spans: list[Any] = [doc]
        if word_count(text) > LONG_MESSAGE_WORDS:
            spans = [s for s in doc.sents if s.text.strip()] or [doc]
        for span in spans:
            piece = normalise_ws(span.text) if len(spans) > 1 else text
            shown = piece
            if message.author:
                shown = third_person(message.author, list(span)) or f"{message.author}: {piece}"
            candidates.append(Candidate(shown, piece, summary_words(shown)))
    substantial = [c for c in candidates if word_count(c.embedded) >= MIN_THREAD_WORDS]
    return (substantial or candidates)[:THREAD_MAX_CANDIDATES]


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def unsupervised_scores(embeddings: np.ndarray, words: np.ndarray, kind: Kind) -> np.ndarray:
    """Similarity to the centroid plus a lead prior (articles) or length and opener priors (threads)."""
    centroid = embeddings.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    scores = embeddings @ centroid
    if kind == "article":
        positions = np.arange(len(words), dtype=np.float32)
        return scores + LEAD_WEIGHT * np.exp(-positions / LEAD_DECAY)
    scores = scores + LENGTH_WEIGHT * np.minimum(words, 30.0) / 30.0
    scores[0] += OPENER_WEIGHT  # the opening message usually states what the thread is about
    return scores


def uses_learned(scorer: SentenceScorer | None, kind: Kind, dim: int | None = None) -> bool:
    """Whether ``scorer`` ranks ``kind`` documents (it has weights of the right width for them)."""
    if scorer is None or LEARNED_WEIGHT[kind] <= 0 or not scorer.supports(kind):
        return False
    return dim is None or scorer.input_dim(kind) == feature_width(dim, kind)


def rank_scores(
    embeddings: np.ndarray,
    word_counts: Sequence[int],
    scorer: SentenceScorer | None,
    kind: Kind,
    texts: Sequence[str],
    lexicon: Lexicon,
) -> np.ndarray:
    """Per-sentence scores: the learned scorer's logits when it has ``kind`` weights, else the priors.

    ``texts`` are the candidates in feature_text form and ``lexicon`` their content words in
    the document (see :func:`~bot.core.scorer.sentence_features`).
    """
    words = np.asarray(word_counts, dtype=np.float32)
    if not uses_learned(scorer, kind):
        return unsupervised_scores(embeddings, words, kind)
    assert scorer is not None
    if not uses_learned(scorer, kind, embeddings.shape[1]):
        logger.warning(
            "Scorer expects %d features but the encoder gives %d; using the unsupervised ranking",
            scorer.input_dim(kind),
            feature_width(embeddings.shape[1], kind),
        )
        return unsupervised_scores(embeddings, words, kind)
    features = sentence_features(embeddings, word_counts, texts, lexicon, kind)
    return LEARNED_WEIGHT[kind] * scorer.logits(features, kind)


@lru_cache(maxsize=64)
def candidate_subsets(n: int, max_sentences: int) -> tuple[tuple[int, ...], ...]:
    """Every non-empty set of at most ``max_sentences`` of ``n`` candidates, as sorted index tuples."""
    return tuple(c for k in range(1, max_sentences + 1) for c in combinations(range(n), k))


def redundant_pairs(texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
    """``[i, j]`` is true when candidates i and j share a word trigram or are near-duplicates in meaning."""
    grams = [_trigrams(t) for t in texts]
    blocked = embeddings @ embeddings.T > REDUNDANT_SIMILARITY
    for i, j in combinations(range(len(texts)), 2):
        if grams[i] & grams[j]:
            blocked[i, j] = blocked[j, i] = True
    return blocked


def allowed_subsets(
    words: np.ndarray, blocked: np.ndarray, max_sentences: int, max_words: int
) -> list[tuple[int, ...]]:
    """The candidate summaries within the budgets without a redundant pair (shared with training)."""
    return [
        members
        for members in candidate_subsets(len(words), max_sentences)
        if sum(words[i] for i in members) <= max_words
        and not any(blocked[i, j] for i, j in combinations(members, 2))
    ]


def choose_subset(
    scores: np.ndarray,
    words: np.ndarray,
    embeddings: np.ndarray,
    blocked: np.ndarray,
    max_sentences: int,
    max_words: int,
    lexicon: Lexicon,
    kind: Kind,
    subset_weights: np.ndarray | None = None,
) -> list[int]:
    """The allowed summary with the highest total: its sentences' scores plus, when given, the
    learned weights of its :func:`~bot.core.scorer.subset_features` (length, redundancy).

    Without ``subset_weights`` the total is the sum of scores. When no summary fits the
    budget (one sentence longer than ``max_words``), the best-scored sentence alone.
    """
    best: tuple[int, ...] = ()
    best_value = -np.inf
    for members in allowed_subsets(words, blocked, max_sentences, max_words):
        value = float(sum(scores[i] for i in members))
        if subset_weights is not None:
            row = subset_features(members, words, embeddings, max_words, lexicon, kind)
            value += float(row @ subset_weights)
        if value > best_value:
            best, best_value = members, value
    return list(best) if best else [int(np.argmax(scores))]


def fit_words(text: str, max_words: int) -> str:
    """``text`` itself when it fits ``max_words``, else its verbatim first words and "…".

    Only a lone sentence longer than the whole budget is cut: the cut prefers the last
    clause break (comma, semicolon, colon, dash) in the second half of the budget.
    """
    matches = list(re.finditer(r"\S+", text))
    if len(matches) <= max_words:
        return text
    # Cut in the original string so the kept part stays a verbatim prefix.
    head = text[: matches[max_words - 1].end()]
    floor = matches[max_words // 2].end()
    clause = max(head.rfind(mark, floor) for mark in (",", ";", ":", " -", " —", " –"))
    return (head[:clause] if clause > 0 else head).rstrip(" ,;:-—–") + "…"


BUDGET: dict[Kind, tuple[int, int]] = {
    "article": (ARTICLE_MAX_SENTENCES, ARTICLE_MAX_WORDS),
    "thread": (THREAD_MAX_SENTENCES, THREAD_MAX_WORDS),
}
"""(sentences, words) a summary of each kind may use."""


def _summarise(
    candidates: Sequence[Candidate],
    document: Sequence[str],
    encoder: Encoder,
    scorer: SentenceScorer | None,
    kind: Kind,
) -> list[str]:
    max_sentences, max_words = BUDGET[kind]
    if len(candidates) <= 1:
        return [fit_words(c.shown, max_words) for c in candidates]
    embedded = [feature_text(c.embedded) for c in candidates]
    embeddings = np.asarray(encoder.encode(embedded), dtype=np.float32)  # one batched call
    words = np.asarray([c.words for c in candidates], dtype=np.float32)
    lexicon = Lexicon.of(embedded, [feature_text(u) for u in document])
    scores = rank_scores(embeddings, [c.words for c in candidates], scorer, kind, embedded, lexicon)
    subset_weights = scorer.subset_weights(kind) if scorer is not None and uses_learned(scorer, kind) else None
    blocked = redundant_pairs(embedded, embeddings)
    picked = choose_subset(
        scores, words, embeddings, blocked, max_sentences, max_words, lexicon, kind, subset_weights
    )
    return [fit_words(candidates[i].shown, max_words) for i in sorted(picked)]


def summarise_article(parsed: Any, encoder: Encoder, scorer: SentenceScorer | None = None) -> list[str]:
    """Pick 1-3 verbatim sentences (at most ~75 words in all) from a parsed article, in order."""
    units = article_units(parsed)
    candidates = [Candidate(u, u, summary_words(u)) for u in article_candidate_texts(units)]
    return _summarise(candidates, units, encoder, scorer, "article")


def summarise_thread(
    messages: Sequence[Message],
    parsed: Sequence[Any],
    encoder: Encoder,
    scorer: SentenceScorer | None = None,
) -> list[str]:
    """Pick 1-2 central, informative messages (or sentences of long ones) as "Author: text"."""
    candidates = thread_candidates(messages, parsed)
    return _summarise(candidates, [c.embedded for c in candidates], encoder, scorer, "thread")
