"""Who said it: the subject of a reporting verb resolved to the fullest name the text gives.

Surnames expand to full names, titles (``the Vice Premier``) to the person introduced with
them, ``he``/``she`` to the last fitting person and ``it`` to the last organisation. Names
come from :mod:`bot.core.quoting.names`, verbatim.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.quoting.names import NAME_LABELS, is_honorific, name_bounds, name_text
from bot.core.quoting.reporting import SUBJECT_DEPS, is_cue, is_reporting_verb, subject_of
from bot.core.quoting.spans import paragraph_at, paragraphs
from bot.core.spacy_types import Doc, Token

_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_NEUTER = frozenset({"it", "its", "itself"})
_PRONOUN_GENDER = {**dict.fromkeys(_MALE, "m"), **dict.fromkeys(_FEMALE, "f"), **dict.fromkeys(_NEUTER, "n")}

ORGANISATION_HEADS: frozenset[str] = frozenset(
    """
    inc incorporated ltd limited llc llp plc corp corporation co company companies group
    holdings partners ventures capital bank fund trust foundation institute university college
    hospital agency ministry department council committee commission authority association
    union party services systems technologies industries labs media network
    """.split()
)
"""Last words that make a name an organisation's (``Northlight Ventures``, ``Acme Ltd``),
whatever label the NER gave it; such a name is never ``he`` or ``she``."""
_HONORIFIC_GENDER = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "sir": "m", "dame": "f"}
_TITLE_DEPS = frozenset({"compound", "amod"})
_ORG_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC"})
_MAX_SPEAKER_TOKENS = 8
_PRONOUN_CANDIDATES = 6


_ROLE_OTHER, _ROLE_SUBJECT, _ROLE_MAIN_SUBJECT = 0, 1, 2

PRONOUN_WEIGHTS: dict[str, float] = {"distance": 1.0, "role": 1.0, "gender": 1.0, "speaker": 0.5}
"""How ``he``/``she`` picks among earlier people: sentences back (a cost), then bonuses for
the role of the mention (0 passing, 1 subject, 2 subject of a main clause or of a reporting
verb), for already being called by this pronoun, and for having spoken before."""


_HEADLINE_TOKENS = 40


def _headline_line(tokens: Any) -> bool:
    """True for a headline: a short line whose words outside names are mostly capitalised
    (``Black Lawmakers Rip Donald Trump As A 'Disgusting Fraud.'``)."""
    if len(tokens) > _HEADLINE_TOKENS:
        return False
    words = [t for t in tokens if t.is_alpha and len(t) > 3 and not t.ent_type_]
    return len(words) >= 2 and sum(t.text[0].isupper() for t in words) * 4 >= len(words) * 3


def _role(token: Token) -> int:
    """How prominent a name is where it stands: subject of a main clause, subject, other."""
    if token.dep_ == "appos":
        token = token.head
    if token.dep_ not in SUBJECT_DEPS:
        return _ROLE_OTHER
    verb = token.head
    main = verb.dep_ == "ROOT" or is_reporting_verb(verb)
    return _ROLE_MAIN_SUBJECT if main else _ROLE_SUBJECT


class Sentences:
    """A doc's sentences, found once: spaCy finds a token's sentence by scanning for it."""

    def __init__(self, doc: Doc) -> None:
        self.spans: list[Any] = list(doc.sents)
        self._token_starts = [sent.start for sent in self.spans]
        self._char_starts = [sent.start_char for sent in self.spans]

    def of_token(self, i: int) -> Any:
        """The sentence (a spaCy ``Span``) that holds token ``i``."""
        return self.spans[max(bisect.bisect_right(self._token_starts, i) - 1, 0)]

    def index_at(self, char: int) -> int:
        """The number of the sentence that holds character offset ``char``."""
        return bisect.bisect_right(self._char_starts, char) - 1


@dataclass(frozen=True)
class Mention:
    """A speaker as the text names it: the name shown, and where the naming words are."""

    name: str
    start: int
    end: int
    """Character offsets of the words in the source that name the speaker (``she``, ``Okafor``)."""


class SpeakerResolver:
    """Resolves the subject of a reporting verb to the fullest name the document gives.

    ``Okafor`` after ``Miriam Okafor`` gives ``Miriam Okafor``; ``she`` gives the most
    recent fitting person (a person, not an organisation; not one the text calls ``he``);
    ``the Vice Premier`` gives the person first introduced with that title.
    """

    def __init__(
        self,
        doc: Doc,
        quoted: Sequence[bool] | None = None,
        source: str | None = None,
        sentences: Sentences | None = None,
    ) -> None:
        self._doc = doc
        self._text = source if source is not None else doc.text  # built on each access
        self.sentences = sentences if sentences is not None else Sentences(doc)
        self._quoted = quoted if quoted is not None else [False] * len(doc)
        self._by_part: dict[str, str] = {}
        self._titles: dict[str, str] = {}
        self._votes: Counter[str] = Counter()
        self._gender: dict[str, Counter[str]] = {}
        self._speakers: set[str] = set()
        self._resolved: dict[int, Mention | None] = {}
        # Person-like mentions in text order: (char offset, full name, role; see _role).
        self._timeline: list[tuple[int, str, int]] = []
        self._ends: dict[int, int] = {}  # end offset of the mention starting at each offset
        self._proper: set[str] = set()
        self._orgs: list[tuple[int, int, int]] = []  # (char offset, token start, token end)
        self.cues: list[Token] = []
        """Reporting verbs (and ``according``) outside quotation marks, in text order."""
        self._pronouns: list[Token] = []  # he, she, it ... and who/which, outside quotations
        for token in doc:
            if self._quoted[token.i]:
                continue
            if token.lower_ in _PRONOUN_GENDER or token.lower_ in {"who", "which"}:
                self._pronouns.append(token)
            elif is_cue(token):
                self.cues.append(token)
        self.cue_indices = {t.i for t in self.cues}
        self._honorifics_seen: set[int] = set()
        self._lines = paragraphs(self._text)
        self._line_starts = [start for start, _ in self._lines]
        self._headlines: dict[int, bool] = {}
        self._register_entities()
        self._register_speakers()

    # -- names --------------------------------------------------------------------------

    def _register_entities(self) -> None:
        first_part: dict[str, str] = {}
        people: list[tuple[int, str, int]] = []
        covered = -1
        for ent in self._doc.ents:
            if ent.label_ not in NAME_LABELS or ent.start < covered or self._quoted[ent.root.i]:
                continue
            bounds = name_bounds(ent.root)
            named = name_text(self._doc, self._text, bounds[0], bounds[1]) if bounds is not None else None
            if bounds is None or named is None:
                continue
            covered = bounds[1]
            start, name = bounds[0], named[0]
            self._note_honorific(start, name)
            if ent.label_ == "PERSON":
                self._votes[name] += 1
                parts = name.split()
                # A headline's capitals mislead the NER ("Lawmakers Rip Donald Trump").
                if len(parts) >= 2 and not self._in_headline(self._doc[start]):
                    # The first full name wins: "Trump" after "Donald Trump ... Melania Trump".
                    self._by_part.setdefault(parts[-1].lower(), name)
                    first_part.setdefault(parts[0].lower(), name)
                    self._learn_title(start, name)
                people.append((named[1], name, _role(ent.root)))
                self._ends[named[1]] = named[2]
            else:
                self._votes[name] -= 1
                self._orgs.append((ent.start_char, start, bounds[1]))
        for part, name in first_part.items():
            self._by_part.setdefault(part, name)
        self._timeline = sorted((start, self.full_name(name), role) for start, name, role in people)

    def _in_headline(self, token: Token) -> bool:
        """True when ``token`` stands in a headline (checked once per line)."""
        k = paragraph_at(self._line_starts, token.idx)
        if k not in self._headlines:
            line = self._doc.char_span(*self._lines[k], alignment_mode="expand") if self._lines else None
            self._headlines[k] = line is not None and _headline_line(line)
        return self._headlines[k]

    def _note_honorific(self, start: int, name: str) -> None:
        """``Dr``, ``Ms`` or ``Sir`` before (or opening) a name: a person, maybe of known gender."""
        for i in (start - 1, start):
            if i < 0 or i in self._honorifics_seen or not is_honorific(self._doc[i]):
                continue
            self._honorifics_seen.add(i)
            self._votes[name] += 2
            gender = _HONORIFIC_GENDER.get(self._doc[i].lower_.rstrip("."))
            if gender is not None:
                self._count_gender(name, gender, 2)

    def _learn_title(self, ent_start: int, name: str) -> None:
        """Remember ``Vice Premier`` in ``Vice Premier Zhang Guoqing`` as naming that person."""
        title: list[Token] = []
        i = ent_start - 1
        while i >= 0 and len(title) < 3:
            tok = self._doc[i]
            nominal = tok.pos_ in {"PROPN", "NOUN"} and not is_honorific(tok)
            modifies_name = tok.dep_ in _TITLE_DEPS and ent_start <= tok.head.i
            if nominal and (modifies_name or (title and tok.head.i == title[0].i)):
                title.insert(0, tok)
                i -= 1
            else:
                break
        self._add_title([t.lower_ for t in title], name)

    def _add_title(self, words: list[str], name: str) -> None:
        for k in range(len(words)):
            self._titles.setdefault(" ".join(words[k:]), name)

    def full_name(self, name: str) -> str:
        """Expand a surname (or a first name) to the full name mentioned elsewhere."""
        parts = name.split()
        if len(parts) >= 2 and self._by_part.get(parts[-1].lower()) == name:
            return name
        for part in reversed(parts):
            full = self._by_part.get(part.lower())
            if full is not None and set(parts) <= set(full.split()):
                return full
        return name

    def is_person(self, name: str) -> bool:
        """True when the document names ``name`` as a person more than as an organisation."""
        return (self._votes[name] > 0 or self.gender_of(name) in {"m", "f"}) and not self._is_org(name)

    def _is_org(self, name: str) -> bool:
        """True for an organisation: called ``it``/``which``, named like one, or labelled so."""
        gender = self.gender_of(name)
        if gender is not None:
            return gender == "n"
        # One ORG label is weak evidence: the NER often gives unfamiliar people's names ORG.
        return name.split()[-1].lower().strip(".,") in ORGANISATION_HEADS or self._votes[name] < -1

    # -- gender ---------------------------------------------------------------------------

    def _count_gender(self, name: str, gender: str, weight: int = 1) -> None:
        self._gender.setdefault(name, Counter())[gender] += weight

    def gender_of(self, name: str) -> str | None:
        """``m``, ``f`` or ``n`` (it) when the text refers to ``name`` so, by pronouns or titles."""
        counts = self._gender.get(name)
        if not counts:
            return None
        (top, n), *rest = counts.most_common()
        return top if not rest or n > rest[0][1] else None

    def _learn_genders(self) -> None:
        """Learn genders where the grammar ties a pronoun to a named subject: ``Carol
        Whitmore-Hayes accused her opponent``, ``DuVernay said she felt``, ``Luminar Grid
        said it would``; and ``who`` or ``which`` after a name (``n``: not a person)."""
        for token in self._pronouns:
            lower = token.lower_
            if lower in {"who", "which"} and token.head.dep_ == "relcl":
                named = self._named(token.head.head)
                if named is not None and lower == "which":
                    self._count_gender(named.name, "n")
                elif named is not None:
                    self._votes[named.name] += 1
                continue
            gender = _PRONOUN_GENDER.get(lower)
            if gender is None:
                continue
            subject = self._binding_subject(token)
            if subject is None or subject.pos_ == "PRON":
                continue
            named = self._named(subject)
            if named is not None:
                self._count_gender(named.name, gender)

    def _binding_subject(self, pronoun: Token) -> Token | None:
        """The subject a possessive, a reflexive, or the subject of ``X said he ...`` refers to."""
        if pronoun.tag_ == "PRP$" or pronoun.lower_ in {"himself", "herself"}:
            verb = pronoun.head
            while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
                verb = verb.head
            subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
            first = subjects[0] if subjects else None
            # "Carol accused her opponent": the subject before the possessive, not its own phrase.
            if first is not None and first.i < pronoun.i and not first.left_edge.i <= pronoun.i <= first.right_edge.i:
                return first
        elif pronoun.dep_ == "nsubj":
            verb = pronoun.head
        else:
            return None
        # "Achebe said his firm ...", "DuVernay said she felt ...": the reporting verb's subject;
        # "..., said Margaret Ní Bhriain as she watched": the subject of the clause it modifies.
        if not ((verb.dep_ == "ccomp" and is_reporting_verb(verb.head)) or verb.dep_ == "advcl"):
            return None
        verb = verb.head
        if any(c.dep_ in {"dobj", "dative"} for c in verb.children):
            return None  # "Warren told Stumpf he ...": he may be either
        return next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)

    def _register_speakers(self) -> None:
        """Put every subject of a reporting verb on the timeline, in text order, so that
        ``she said`` can refer back to a speaker whom the NER did not label a person, and a
        run of ``he said`` keeps pointing at the same person."""
        pronouns = self._register_cue_subjects()
        self._register_sentence_subjects()
        self._learn_genders()
        for pronoun in sorted(pronouns, key=lambda t: t.i):
            mention = self.mention(pronoun)
            if mention is not None and pronoun.lower_ in {"he", "she"}:
                self._on_timeline(mention)

    def _register_cue_subjects(self) -> list[Token]:
        """Register the named subjects of reporting verbs; returns the pronoun ones, for later."""
        subjects: list[Token] = []
        for token in self.cues:
            subject = subject_of(token)
            if subject is not None and not self._quoted[subject.i]:
                subjects.append(subject)
        pronouns: list[Token] = []
        for subject in subjects:
            if subject.pos_ == "PRON":
                pronouns.append(subject)
                continue
            mention = self.mention(subject)
            if mention is None:
                continue
            self._speakers.add(mention.name)
            if self._is_named_person(mention):
                self._on_timeline(mention)
        return pronouns

    def _register_sentence_subjects(self) -> None:
        """"His predecessor, Dame Eleanor Whitcombe, is less sure.": a person the NER missed
        (but not a headline's capitalised words)."""
        for sent in self.sentences.spans:
            for subject in sent.root.children:
                if subject.dep_ not in SUBJECT_DEPS or subject.pos_ == "PRON" or self._quoted[subject.i]:
                    continue
                if self._in_headline(subject):
                    continue
                mention = self.mention(subject)
                if mention is not None and self._is_named_person(mention):
                    self._on_timeline(mention)

    def _is_named_person(self, mention: Mention) -> bool:
        return mention.name in self._proper and not self._is_org(mention.name)

    def _on_timeline(self, mention: Mention) -> None:
        start, name = mention.start, mention.name
        self._ends[start] = mention.end
        k = bisect.bisect_left(self._timeline, (start, "", 0))
        if k < len(self._timeline) and self._timeline[k][:2] == (start, name):
            self._timeline[k] = (start, name, _ROLE_MAIN_SUBJECT)
        else:
            self._timeline.insert(k, (start, name, _ROLE_MAIN_SUBJECT))

    def mention(self, subject: Token) -> Mention | None:
        """The speaker named by ``subject`` (a token heading the subject phrase)."""
        if subject.i not in self._resolved:
            self._resolved[subject.i] = self._mention(subject)
        return self._resolved[subject.i]

    def resolve(self, subject: Token) -> str | None:
        """The name of the speaker named by ``subject``, or None."""
        found = self.mention(subject)
        return found.name if found is not None else None

    def _mention(self, subject: Token) -> Mention | None:
        lower = subject.lower_
        start, end = subject.idx, subject.idx + len(subject.text)
        if lower in {"he", "she"}:
            name = self._pronoun(subject.idx, "m" if lower == "he" else "f")
            return Mention(name, start, end) if name else None
        if lower == "it":
            name = self._last_org_before(subject.idx)
            return Mention(name, start, end) if name else None
        if subject.pos_ == "PRON":
            return None
        if subject.pos_ != "PROPN" and subject.ent_type_ not in NAME_LABELS:
            appos = next((c for c in subject.children if c.dep_ == "appos"), None)
            if appos is not None and appos.i > subject.i:
                named = self._named(appos)
                if named is not None:
                    self._add_title(self._title_words(subject), named.name)
                    return named
        if subject.ent_type_ != "PERSON":
            # "the Vice Premier", "the mayor": a title the text gave someone by name.
            titled = self._by_title(subject)
            if titled is not None:
                return Mention(titled, *self._phrase_offsets(subject))
        named = self._named(subject)
        if named is not None:
            self._learn_appos_title(subject, named.name)
            return named
        return self._noun_phrase(subject)

    def _named(self, token: Token) -> Mention | None:
        bounds = name_bounds(token)
        if bounds is None:
            return None
        start, end, label = bounds
        named = name_text(self._doc, self._text, start, end)
        if named is None:
            return None
        name, begin, finish = named
        self._note_honorific(start, name)
        if label in _ORG_LABELS and self._votes[name] <= 0 and start > 0 and self._doc[start - 1].lower_ == "the":
            # Organisations keep their article: "The Post", "the Ministry of Health".
            the = self._doc[start - 1]
            return Mention(self._text[the.idx : finish], the.idx, finish)
        full = self.full_name(name)
        self._proper.add(full)
        return Mention(full, begin, finish)

    def _title_words(self, subject: Token) -> list[str]:
        return [t.lower_ for t in subject.lefts if t.dep_ in _TITLE_DEPS] + [subject.lower_]

    def _learn_appos_title(self, subject: Token, name: str) -> None:
        """``Priya Raman, an analyst at ...``: ``the analyst`` now names Priya Raman."""
        for child in subject.children:
            if child.dep_ == "appos" and child.pos_ == "NOUN":
                self._add_title(self._title_words(child), name)

    def _by_title(self, subject: Token) -> str | None:
        words = self._title_words(subject)
        for k in range(len(words)):
            name = self._titles.get(" ".join(words[k:]))
            if name is not None:
                return name
        return None

    def _phrase_offsets(self, subject: Token) -> tuple[int, int]:
        first = self._doc[subject.left_edge.i]
        return first.idx, subject.idx + len(subject.text)

    def _noun_phrase(self, subject: Token) -> Mention | None:
        if subject.pos_ in {"PRON", "DET", "PUNCT", "VERB", "AUX", "NUM"}:
            return None
        start = max(subject.left_edge.i, subject.i + 1 - _MAX_SPEAKER_TOKENS)
        while start <= subject.i and self._doc[start].is_punct:
            start += 1
        if start > subject.i:
            return None
        begin = self._doc[start].idx
        finish = subject.idx + len(subject.text)
        return Mention(self._text[begin:finish], begin, finish)

    # -- pronouns -------------------------------------------------------------------------

    def _pronoun(self, char: int, gender: str) -> str | None:
        """The person ``he``/``she`` at ``char`` most likely means.

        Candidates are the last few distinct people named before it. Nearer sentences win;
        within about a sentence, the subject of a main clause or a reporting verb beats a
        passing mention, and a person the text already calls by this pronoun beats one it
        says nothing about. One it calls by the other pronoun, or names as an organisation,
        is skipped.
        """
        here = self.sentences.index_at(char)
        k = bisect.bisect_left(self._timeline, (char, "", 0))
        best: tuple[float, str] | None = None
        seen: set[str] = set()
        for start, name, role in reversed(self._timeline[:k]):
            if name in seen:
                continue
            seen.add(name)
            known = self.gender_of(name)
            if (known is not None and known != gender) or self._is_org(name):
                continue
            distance = here - self.sentences.index_at(start)
            score = -PRONOUN_WEIGHTS["distance"] * distance + PRONOUN_WEIGHTS["role"] * role
            score += PRONOUN_WEIGHTS["gender"] if known == gender else 0.0
            score += PRONOUN_WEIGHTS["speaker"] if name in self._speakers else 0.0
            if best is None or score > best[0]:
                best = (score, name)
            if len(seen) >= _PRONOUN_CANDIDATES:
                break
        return best[1] if best is not None else None

    def main_subject_between(self, begin: int, end: int) -> Mention | None:
        """The person named as the subject of the last sentence between offsets ``begin`` and
        ``end`` (``Teodora Nikolić-Hart ran the shelter ...``), if that sentence has one."""
        span = self._doc.char_span(begin, end, alignment_mode="contract")
        if span is None or len(span) == 0:
            return None
        sent = self.sentences.of_token(span.end - 1)
        root = sent.root
        for child in root.children:
            if child.dep_ in SUBJECT_DEPS and not self._quoted[child.i]:
                named = self._named(child) if child.pos_ != "PRON" else self.mention(child)
                if named is not None and named.name in self._proper and not self._is_org(named.name):
                    return named
        return None

    def _last_org_before(self, char: int) -> str | None:
        k = bisect.bisect_left(self._orgs, (char, -1, -1))
        if not k:
            return None
        _, start, end = self._orgs[k - 1]
        named = name_text(self._doc, self._text, start, end)
        return named[0] if named is not None else None
