"""Who said it: reporting verbs and speaker resolution over a parsed spaCy ``Doc``.

The lemmatizer is not in the pipeline, so verbs are matched on their inflected forms.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
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
    insist pledge pledges pledged vow vows vowed promise promises promised
    demand demands demanded predict predicts predicted describe describes described
    highlight highlights highlighted remark remarks remarked begin begins began
    """.split()
)
"""Inflected forms of verbs that introduce a quotation or a reported statement."""

_CALL_PARTICLES = frozenset({"for", "on", "upon"})
_CALL_FORMS = frozenset({"call", "calls", "called", "calling"})
_PERSONAL = frozenset({"he", "she", "him", "her"})
_NEUTER = frozenset({"it"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_CLIMB_DEPS = frozenset({"conj", "advcl", "xcomp", "relcl", "ccomp", "pcomp"})
_TITLE_DEPS = frozenset({"compound", "amod"})
_MAX_SPEAKER_TOKENS = 8


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
    current = verb
    for _ in range(4):
        for child in current.children:
            if child.dep_ in _SUBJECT_DEPS:
                if child.lower_ in {"who", "which", "that"} and current.dep_ == "relcl":
                    return current.head
                return child
        if current.dep_ not in _CLIMB_DEPS or current.head == current:
            return None
        current = current.head
    return None


def _clean_name(tokens: Iterable[Token]) -> str:
    """Name text without possessive marks, cut before a verb the NER swallowed."""
    words: list[str] = []
    for token in tokens:
        if token.tag_.startswith("VB"):
            break
        if token.tag_ != "POS" and token.text not in {"'s", "\u2019s"}:
            words.append(token.text)
    return " ".join(words).strip()


class SpeakerResolver:
    """Resolves subjects of reporting verbs to the fullest name the document gives.

    ``Okafor`` after ``Miriam Okafor`` gives ``Miriam Okafor``; ``she`` gives the last
    named person before it; ``the Vice Premier`` gives the person first introduced with
    that title (``Vice Premier Zhang Guoqing``).
    """

    def __init__(self, doc: Doc) -> None:
        self._doc = doc
        self._people: list[tuple[int, str]] = []
        self._subjects: list[tuple[int, str]] = []
        self._orgs: list[tuple[int, str]] = []
        self._by_part: dict[str, str] = {}
        self._titles: dict[str, str] = {}
        self._names: set[str] = set()
        first_part: dict[str, str] = {}
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                name = _clean_name(ent)
                if not name:
                    continue
                parts = name.split()
                if len(parts) >= 2:
                    # The first full name wins: "Trump" after "Donald Trump ... Melania Trump".
                    self._by_part.setdefault(parts[-1].lower(), name)
                    first_part.setdefault(parts[0].lower(), name)
                    self._learn_title(ent, name)
                self._people.append((ent.start_char, name))
                if ent.root.dep_ in _SUBJECT_DEPS:
                    self._subjects.append((ent.start_char, name))
                self._names.add(name)
            elif ent.label_ in {"ORG", "NORP", "GPE"}:
                self._orgs.append((ent.start_char, ent.text))
        for part, name in first_part.items():
            self._by_part.setdefault(part, name)
        self._people_starts = [start for start, _ in self._people]
        self._subject_starts = [start for start, _ in self._subjects]
        self._org_starts = [start for start, _ in self._orgs]

    def _learn_title(self, ent: Any, name: str) -> None:
        title: list[Token] = []
        i = ent.start - 1
        while i >= 0 and len(title) < 3:
            tok = self._doc[i]
            nominal = tok.pos_ in {"PROPN", "NOUN"}
            modifies_name = tok.dep_ in _TITLE_DEPS and ent.start <= tok.head.i < ent.end + 1
            if nominal and (modifies_name or (title and tok.head.i == title[0].i)):
                title.insert(0, tok)
                i -= 1
            else:
                break
        if not title:
            return
        words = [t.lower_ for t in title]
        for k in range(len(words)):
            self._titles.setdefault(" ".join(words[k:]), name)

    def is_person(self, name: str) -> bool:
        """True when ``name`` is a person the document names (not an organisation or a role)."""
        return name in self._names

    def full_name(self, name: str) -> str:
        """Expand a surname (or ``Title Surname``) to the full name mentioned elsewhere."""
        parts = name.split()
        if len(parts) >= 2 and self._by_part.get(parts[-1].lower()) == name:
            return name
        for part in reversed(parts):
            full = self._by_part.get(part.lower())
            if full is not None and part in full.split():
                return full
        return name

    def last_person_before(self, char: int) -> str | None:
        """The person a pronoun at ``char`` most likely means.

        The last person named as a subject wins over one only mentioned in passing
        (``Xi Jinping's instructions``); failing both, there is none.
        """
        k = bisect.bisect_left(self._subject_starts, char)
        if k:
            return self.full_name(self._subjects[k - 1][1])
        k = bisect.bisect_left(self._people_starts, char)
        return self.full_name(self._people[k - 1][1]) if k else None

    def _last_org_before(self, char: int) -> str | None:
        k = bisect.bisect_left(self._org_starts, char)
        return self._orgs[k - 1][1] if k else None

    def resolve(self, subject: Token) -> str | None:
        """The speaker named by ``subject`` (a token heading the subject phrase)."""
        lower = subject.lower_
        if lower in _PERSONAL:
            return self.last_person_before(subject.idx)
        if lower in _NEUTER:
            return self._last_org_before(subject.idx)
        if subject.pos_ == "PRON":
            return None
        # Only the words up to the head: "The Post, which gave Clinton ..." is The Post.
        span = self._doc[subject.left_edge.i : subject.i + 1]
        people = [e for e in span.ents if e.label_ == "PERSON"]
        if people:
            head_person = next((e for e in people if e.start <= subject.i < e.end), people[0])
            return self.full_name(_clean_name(head_person))
        if subject.ent_type_ in {"ORG", "NORP", "GPE"}:
            whole = self._doc[subject.left_edge.i : subject.right_edge.i + 1]
            ents = [e for e in whole.ents if e.start <= subject.i < e.end]
            if ents:
                start = ents[0].start
                if start > subject.left_edge.i and self._doc[start - 1].lower_ == "the":
                    start -= 1
                return self._doc[start : ents[0].end].text
        titled = self._by_title(subject)
        if titled is not None:
            return titled
        if subject.pos_ == "PROPN":
            left = list(self._doc[subject.left_edge.i : subject.i + 1])
            if all(t.pos_ in {"DET", "PROPN"} for t in left) and left[0].pos_ == "DET":
                return _clean_name(left)
            return self.full_name(_clean_name(t for t in left if t.pos_ == "PROPN"))
        return self._noun_phrase(subject)

    def _by_title(self, subject: Token) -> str | None:
        words = [t.lower_ for t in subject.lefts if t.dep_ in _TITLE_DEPS] + [subject.lower_]
        for k in range(len(words)):
            name = self._titles.get(" ".join(words[k:]))
            if name is not None:
                return name
        return None

    def _noun_phrase(self, subject: Token) -> str | None:
        if subject.pos_ in {"PRON", "DET", "PUNCT", "VERB", "AUX"}:
            return None
        start = subject.left_edge.i
        end = subject.i + 1
        tokens = list(self._doc[start:end])
        if len(tokens) > _MAX_SPEAKER_TOKENS:
            tokens = tokens[-_MAX_SPEAKER_TOKENS:]
        text = " ".join(t.text for t in tokens if not t.is_punct).strip()
        return text or None
