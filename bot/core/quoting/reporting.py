"""Reporting verbs (``said``, ``told``, ``called for``) and their subjects in a spaCy parse.

The lemmatizer is not in the pipeline, so verbs are matched on their inflected forms.
"""

from __future__ import annotations

from bot.core.spacy_types import Token

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_CALL_PARTICLES = frozenset({"for", "on", "upon"})
_CALL_FORMS = frozenset({"call", "calls", "called", "calling"})
_CLIMB_DEPS = frozenset({"conj", "advcl", "xcomp", "relcl", "ccomp", "pcomp"})

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


def is_cue(token: Token) -> bool:
    """A reporting verb, or the ``according`` of ``according to X``."""
    return token.lower_ == "according" or is_reporting_verb(token)


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
    if verb.tag_ == "VBG" and before is not None and before.ent_type_ == "PERSON":
        return before  # "footage of Hillary Clinton asking, '...'": the person right before it
    current = verb
    for _ in range(4):
        subjects = [c for c in current.children if c.dep_ in SUBJECT_DEPS]
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
