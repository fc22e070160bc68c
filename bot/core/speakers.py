"""Who said it: reporting verbs, their subjects, and names resolved over a parsed spaCy ``Doc``.

Names are always slices of the source text taken by character offsets (never tokens joined
with spaces), so ``Helena Okonkwo-Barre`` and ``Brendan O'Hare`` come out as written. The
lemmatizer is not in the pipeline, so verbs are matched on their inflected forms.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Token = Any
Doc = Any

REPORTING_VERBS: frozenset[str] = frozenset(
    """
    say says said saying tell tells told telling write writes wrote written writing
    add adds added adding stress stresses stressed stressing urge urges urged urging
    explain explains explained explaining note notes noted noting warn warns warned warning
    insist insists insisted insisting argue argues argued arguing claim claims claimed claiming
    ask asks asked asking reply replies replied replying respond responds responded
    declare declares declared declaring emphasize emphasizes emphasized emphasizing
    emphasise emphasises emphasised emphasising announce announces announced announcing
    acknowledge acknowledges acknowledged admit admits admitted recall recalls recalled
    continue continues continued tweet tweets tweeted tweeting post posts posted
    state states stated conclude concludes concluded suggest suggests suggested
    quip quips quipped joke jokes joked recount recounts recounted observe observes observed
    pledge pledges pledged vow vows vowed promise promises promised
    demand demands demanded predict predicts predicted describe describes described
    highlight highlights highlighted remark remarks remarked begin begins began
    """.split()
)
"""Inflected forms of verbs that introduce a quotation or a reported statement."""

HONORIFICS: frozenset[str] = frozenset("mr mrs ms miss mx dr prof sir dame rev".split())
"""Courtesy titles written before a name; dropped from the speaker shown."""

_CALL_PARTICLES = frozenset({"for", "on", "upon"})
_CALL_FORMS = frozenset({"call", "calls", "called", "calling"})
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
_HONORIFIC_GENDER = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_CLIMB_DEPS = frozenset({"conj", "advcl", "xcomp", "relcl", "ccomp", "pcomp"})
_TITLE_DEPS = frozenset({"compound", "amod"})
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
_ORG_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC"})
_MAX_SPEAKER_TOKENS = 8
_MAX_NAME_TOKENS = 8
_PRONOUN_CANDIDATES = 6


_ROLE_OTHER, _ROLE_SUBJECT, _ROLE_MAIN_SUBJECT = 0, 1, 2

PRONOUN_WEIGHTS: dict[str, float] = {"distance": 1.0, "role": 1.0, "gender": 1.0, "speaker": 0.5}
"""How ``he``/``she`` picks among earlier people: sentences back (a cost), then bonuses for
the role of the mention (0 passing, 1 subject, 2 subject of a main clause or of a reporting
verb), for already being called by this pronoun, and for having spoken before."""


def _role(token: Token) -> int:
    """How prominent a name is where it stands: subject of a main clause, subject, other."""
    if token.dep_ == "appos":
        token = token.head
    if token.dep_ not in _SUBJECT_DEPS:
        return _ROLE_OTHER
    verb = token.head
    main = verb.dep_ == "ROOT" or is_reporting_verb(verb)
    return _ROLE_MAIN_SUBJECT if main else _ROLE_SUBJECT


def is_reporting_verb(token: Token) -> bool:
    """True for a verb that reports speech: ``said``, ``told``, ``called for`` ..."""
    if not (token.pos_ in {"VERB", "AUX"} or token.tag_.startswith("VB")):
        return False
    lower = token.lower_
    if lower in REPORTING_VERBS:
        return True
    if lower in _CALL_FORMS:
        return any(c.lower_ in _CALL_PARTICLES for c in token.children)
    if lower in {"point", "points", "pointed", "pointing"}:
        return any(c.lower_ == "out" for c in token.children)
    return False


def according_to_source(token: Token) -> Token | None:
    """For the ``according`` of ``according to X``, the head token of X."""
    if token.lower_ != "according":
        return None
    for child in token.children:
        if child.lower_ == "to":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


def subject_of(verb: Token) -> Token | None:
    """The subject of ``verb``, climbing through conjoined and subordinate verbs."""
    source = according_to_source(verb)
    if source is not None:
        return source
    before = verb.doc[verb.i - 1] if verb.i > 0 else None
    if verb.tag_ == "VBG" and before is not None and before.ent_type_ == "PERSON" and before.ent_iob_ != "":
        return before  # "footage of Hillary Clinton asking, '...'": the person right before it
    current = verb
    for _ in range(4):
        subjects = [c for c in current.children if c.dep_ in _SUBJECT_DEPS]
        if subjects:
            # "said co - founder Anneliese Krüger-Obi" parses as three subjects: take the name.
            subject = min(subjects, key=lambda c: (c.ent_type_ != "PERSON", c.pos_ != "PROPN", c.is_punct))
            if subject.lower_ in {"who", "which", "that"} and current.dep_ == "relcl":
                return current.head
            return subject
        if current.dep_ not in _CLIMB_DEPS or current.head == current:
            return None
        current = current.head
    return None


@dataclass(frozen=True)
class Mention:
    """A speaker as the text names it: the name shown, and where the naming words are."""

    name: str
    start: int
    end: int
    """Character offsets of the words in the source that name the speaker (``she``, ``Okafor``)."""


def _is_honorific(token: Token) -> bool:
    return token.lower_.rstrip(".") in HONORIFICS


def _hyphen_joined(doc: Doc, i: int) -> bool:
    """True when token ``i`` is glued to token ``i + 1`` by a hyphen written without spaces."""
    token = doc[i]
    return (
        i + 2 < len(doc)
        and not token.whitespace_
        and doc[i + 1].text in {"-", "\u2010", "\u2011"}
        and not doc[i + 1].whitespace_
        and doc[i + 2].text[:1].isupper()
    )


class SpeakerResolver:
    """Resolves the subject of a reporting verb to the fullest name the document gives.

    ``Okafor`` after ``Miriam Okafor`` gives ``Miriam Okafor``; ``she`` gives the most
    recent fitting person (a person, not an organisation; not one the text calls ``he``);
    ``the Vice Premier`` gives the person first introduced with that title.
    """

    def __init__(self, doc: Doc, quoted: Sequence[bool] | None = None) -> None:
        self._doc = doc
        self._text = doc.text
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
        self._sent_starts = [sent.start_char for sent in doc.sents]
        self._orgs: list[tuple[int, int, int]] = []  # (char offset, token start, token end)
        self._register_entities()
        self._register_speakers()

    # -- names --------------------------------------------------------------------------

    def _name_bounds(self, token: Token) -> tuple[int, int, str] | None:
        """Token range and entity label of the name ``token`` belongs to, if it is in one."""
        doc = self._doc
        if token.ent_type_ in _NAME_LABELS:
            start, end, label = token.i, token.i + 1, token.ent_type_
            while start > 0 and doc[start].ent_iob_ == "I":
                start -= 1
            while end < len(doc) and doc[end].ent_iob_ == "I":
                end += 1
            # "Marieke van der" + "Berg-Jansen": two entities glued by a compound.
            while (
                start > 0
                and doc[start - 1].ent_type_ == label
                and doc[start - 1].dep_ == "compound"
                and doc[start - 1].whitespace_
            ):
                start -= 1
                while start > 0 and doc[start].ent_iob_ == "I":
                    start -= 1
        elif token.pos_ == "PROPN":
            start, end, label = token.i, token.i + 1, ""
            while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ == "compound":
                start -= 1
            while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end - 1].dep_ == "compound":
                end += 1
        else:
            return None
        while start >= 2 and _hyphen_joined(doc, start - 2):
            start -= 2
        while end < len(doc) and _hyphen_joined(doc, end - 1):
            end += 2
        return start, end, label

    def _name_text(self, start: int, end: int) -> tuple[str, int, int] | None:
        """The name in tokens ``start:end`` as written, without honorifics or a possessive."""
        doc = self._doc
        while start < end and (doc[start].pos_ in {"DET", "PUNCT"} or _is_honorific(doc[start])):
            start += 1
        for i in range(start, end):
            if doc[i].tag_.startswith("VB") or doc[i].tag_ == "POS" or doc[i].lower_ in {"'s", "\u2019s"}:
                end = i
                break
        while end > start and doc[end - 1].is_punct:
            end -= 1
        if end <= start or end - start > _MAX_NAME_TOKENS:
            return None
        first, last = doc[start], doc[end - 1]
        begin, finish = first.idx, last.idx + len(last.text)
        return self._text[begin:finish], begin, finish

    def _register_entities(self) -> None:
        first_part: dict[str, str] = {}
        people: list[tuple[int, str, int]] = []
        covered = -1
        for ent in self._doc.ents:
            if ent.label_ not in _NAME_LABELS or ent.start < covered or self._quoted[ent.root.i]:
                continue
            bounds = self._name_bounds(ent.root)
            named = self._name_text(bounds[0], bounds[1]) if bounds is not None else None
            if bounds is None or named is None:
                continue
            covered = bounds[1]
            start, name = bounds[0], named[0]
            if ent.label_ == "PERSON":
                self._votes[name] += 1
                parts = name.split()
                if len(parts) >= 2:
                    # The first full name wins: "Trump" after "Donald Trump ... Melania Trump".
                    self._by_part.setdefault(parts[-1].lower(), name)
                    first_part.setdefault(parts[0].lower(), name)
                    self._learn_title(start, name)
                honorific = self._doc[start - 1] if start > 0 else None
                for tok in (self._doc[start], honorific):
                    if tok is not None and tok.lower_.rstrip(".") in _HONORIFIC_GENDER:
                        self._count_gender(name, _HONORIFIC_GENDER[tok.lower_.rstrip(".")], 2)
                people.append((named[1], name, _role(ent.root)))
                self._ends[named[1]] = named[2]
            else:
                self._votes[name] -= 1
                self._orgs.append((ent.start_char, start, bounds[1]))
        for part, name in first_part.items():
            self._by_part.setdefault(part, name)
        self._timeline = sorted((start, self.full_name(name), role) for start, name, role in people)

    def _learn_title(self, ent_start: int, name: str) -> None:
        """Remember ``Vice Premier`` in ``Vice Premier Zhang Guoqing`` as naming that person."""
        title: list[Token] = []
        i = ent_start - 1
        while i >= 0 and len(title) < 3:
            tok = self._doc[i]
            nominal = tok.pos_ in {"PROPN", "NOUN"} and not _is_honorific(tok)
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
        return name.split()[-1].lower().strip(".,") in ORGANISATION_HEADS or self._votes[name] < 0

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
        for token in self._doc:
            lower = token.lower_
            if self._quoted[token.i]:
                continue
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
            subjects = [c for c in verb.children if c.dep_ in _SUBJECT_DEPS]
            first = subjects[0] if subjects else None
            # "Carol accused her opponent": the subject before the possessive, not its own phrase.
            if first is not None and first.i < pronoun.i and not first.left_edge.i <= pronoun.i <= first.right_edge.i:
                return first
        elif pronoun.dep_ == "nsubj":
            verb = pronoun.head
        else:
            return None
        # "Achebe said his firm ...", "DuVernay said she felt ...": the reporting verb's subject.
        if verb.dep_ != "ccomp" or not is_reporting_verb(verb.head):
            return None
        verb = verb.head
        if any(c.dep_ in {"dobj", "dative"} for c in verb.children):
            return None  # "Warren told Stumpf he ...": he may be either
        return next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), None)

    def _register_speakers(self) -> None:
        """Put every subject of a reporting verb on the timeline, in text order, so that
        ``she said`` can refer back to a speaker whom the NER did not label a person, and a
        run of ``he said`` keeps pointing at the same person."""
        subjects: list[Token] = []
        for token in self._doc:
            if self._quoted[token.i] or not (is_reporting_verb(token) or token.lower_ == "according"):
                continue
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
            if mention.name in self._proper and not self._is_org(mention.name):
                self._on_timeline(mention)
        self._learn_genders()
        for pronoun in sorted(pronouns, key=lambda t: t.i):
            mention = self.mention(pronoun)
            if mention is not None and pronoun.lower_ in {"he", "she"}:
                self._on_timeline(mention)

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
        if subject.pos_ != "PROPN" and subject.ent_type_ not in _NAME_LABELS:
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
        bounds = self._name_bounds(token)
        if bounds is None:
            return None
        start, end, label = bounds
        named = self._name_text(start, end)
        if named is None:
            return None
        name, begin, finish = named
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

    def _sentence_index(self, char: int) -> int:
        return bisect.bisect_right(self._sent_starts, char) - 1

    def _pronoun(self, char: int, gender: str) -> str | None:
        """The person ``he``/``she`` at ``char`` most likely means.

        Candidates are the last few distinct people named before it. Nearer sentences win;
        within about a sentence, the subject of a main clause or a reporting verb beats a
        passing mention, and a person the text already calls by this pronoun beats one it
        says nothing about. One it calls by the other pronoun, or names as an organisation,
        is skipped.
        """
        here = self._sentence_index(char)
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
            distance = here - self._sentence_index(start)
            score = -PRONOUN_WEIGHTS["distance"] * distance + PRONOUN_WEIGHTS["role"] * role
            score += PRONOUN_WEIGHTS["gender"] if known == gender else 0.0
            score += PRONOUN_WEIGHTS["speaker"] if name in self._speakers else 0.0
            if best is None or score > best[0]:
                best = (score, name)
            if len(seen) >= _PRONOUN_CANDIDATES:
                break
        return best[1] if best is not None else None

    def main_subject_between(self, begin: int, end: int) -> Mention | None:
        """The last person between offsets ``begin`` and ``end`` who is the subject of a main
        clause (``Teodora Nikolić-Hart ran the shelter ...``), if any."""
        lo = bisect.bisect_left(self._timeline, (begin, "", 0))
        hi = bisect.bisect_left(self._timeline, (end, "", 0))
        for start, name, role in reversed(self._timeline[lo:hi]):
            if role == _ROLE_MAIN_SUBJECT and not self._is_org(name):
                return Mention(name, start, self._ends.get(start, start))
        return None

    def _last_org_before(self, char: int) -> str | None:
        k = bisect.bisect_left(self._orgs, (char, -1, -1))
        if not k:
            return None
        _, start, end = self._orgs[k - 1]
        named = self._name_text(start, end)
        return named[0] if named is not None else None
