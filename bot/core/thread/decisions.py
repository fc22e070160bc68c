"""Decision phrasing in chat, and which decisions still stand at the end of a thread.

High-precision cues, found anywhere in a message sentence:

* a label: "Decision: X", "OK, decision: we raise ...", "Agreed: X", "Decision recorded: X";
* a report: "we decided / agreed / settled on ...", "it's settled";
* a choice: "Porto it is", "let's go with / do B then", "we'll go with Elena",
  "agreed, going with the events table", "then we ship on Wednesday";
* "agreed, <statement>" is a weaker cue (it may only agree with an opinion), which the
  caller confirms with the learned classifier.

Questions and hedged proposals ("maybe we should ...", "how about ...", "I'd go with ...")
are never decisions. A later decision on the same topic replaces the earlier one; a
reversal cue ("actually", "change of plan", "instead") marks a change of mind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.text import normalise_quotes

_META = (
    r"discuss|talk|chat|see|think|check|meet|sync|start|begin|kick|continue|wrap|recap|revisit|circle|ask"
    r"|wait|look|figure|find|hear|hop|jump|catch|regroup|reconvene|touch|follow|focus|dig|brainstorm|review"
    r"|sleep|get started|get back|move on|pick (?:this|it|that) up|take (?:this|it) offline|keep going"
    r"|go (?:through|over|around)|not"
)
_LABEL = re.compile(
    r"(?:^|(?<=[\s,(]))(?:(?:final|the|our)\s+)?(?:decision|decided|resolved|resolution|conclusion|outcome|verdict"
    r"|agreed)(?:\s+(?:recorded|made|taken|is))?\s*[:\u2013\u2014]\s*(?=\S)",
    re.I,
)
_REPORTED = re.compile(
    r"\b(?:we|team|the team|everyone|all of us|group)\s+(?:have\s+|has\s+|'ve\s+)?"
    r"(?:decided|agreed|settled|chose|chosen|opted|concluded|voted)\b"
    r"|\bit'?s\s+(?:decided|settled|agreed|final)\b|\bsigned off on\b",
    re.I,
)
_INTERJECTIONS = (
    r"(?:(?:ok|okay|yes|yep|yeah|so|then|right|fine|alright|great|cool|sure|agreed|good|change of plan)\W+)*"
)
_IT_IS = re.compile(rf"^{_INTERJECTIONS}(?P<choice>[^,;:?]{{1,40}}?)\s+it\s+is\s*[.!]*$", re.I)
_LETS = re.compile(
    rf"(?:\blet's|\blet us|(?:^|[,.;:!]\s*|\b(?:ok|okay|so|then|yes|agreed|alright|right)\W+)lets)\s+"
    rf"(?!(?:{_META})\b)[a-z]+",
    re.I,
)
_WE_WILL = re.compile(
    r"\bwe(?:'ll| will| shall|'re going to| are going to|'re gonna| are gonna)\s+"
    rf"(?!(?:{_META}|need|have|want|try|know|probably|maybe|likely|be|get back)\b)[a-z]+",
    re.I,
)
_GOING_WITH = re.compile(
    r"(?:^|[,;:]\s*|\b(?:agreed|ok|okay|so|then)\W+)(?:we'?re\s+|we\s+are\s+)?going\s+(?:with|for)\b", re.I
)
_THEN_WE = re.compile(
    rf"^(?:then|so|ok(?:ay)?|right|alright|fine|great),?\s+we\s+(?!(?:{_META}|need|have|want|should|could|might|can"
    r"|will|'ll|are|were|was|do|did|don't)\b)[a-z]+",
    re.I,
)
_AGREED_CLAUSE = re.compile(r"^(?:(?:ok|okay|so|yes|yep)\W+)?agreed\s*[,;]\s+(?P<rest>\S.*\w.*)$", re.I)
_HEDGES = re.compile(
    r"\b(?:maybe|perhaps|possibly|probably|i think|i guess|i'd|i would|we could|we might|should we|shall we|could we"
    r"|can we|how about|what about|what if|i suggest|i propose|would it|do we|if we|unless|not sure|lean)\b",
    re.I,
)
_REVERSAL = re.compile(
    r"\b(?:actually|change of plan|instead|scratch that|on second thought|never ?mind|switch(?:ing)? to|after all"
    r"|rather than|wait)\b",
    re.I,
)


@dataclass(frozen=True)
class DecisionCue:
    """What a sentence decides, verbatim, and how it says so."""

    text: str
    marked: bool
    """An explicit cue (label, report, choice phrasing); ``False`` for a bare "agreed, ..."."""
    reversal: bool
    """The sentence changes an earlier decision ("actually", "change of plan")."""


def is_proposal(sentence: str) -> bool:
    """A question or a hedged suggestion ("maybe we should ...", "how about ...")."""
    text = normalise_quotes(sentence).strip()
    return text.endswith("?") or bool(_HEDGES.search(text))


def _clause_from(text: str, position: int) -> str:
    """``text`` from the start of the clause holding ``position`` (after a comma, semicolon or dash)."""
    cut = max(text.rfind(mark, 0, position) for mark in (", ", "; ", " - ", " \u2014 ", ": "))
    if cut < 0:
        return text
    clause = text[cut + 2 :].lstrip()
    # A short clause ("so agreed," / "ok,") belongs with what follows it.
    return clause if len(clause.split()) >= 2 else text


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def decision_cue(sentence: str) -> DecisionCue | None:
    """The decision a sentence records, if it records one."""
    raw = sentence.strip()
    text = normalise_quotes(raw)  # 1:1 character mapping, so offsets carry over to ``raw``
    if not text or text.endswith("?"):
        return None
    reversal = bool(_REVERSAL.search(text))
    label = _LABEL.search(text)
    if label is not None:
        return DecisionCue(_capitalised(raw[label.end() :].strip()), True, reversal)
    if _REPORTED.search(text):
        return DecisionCue(raw, True, reversal)
    if _HEDGES.search(text):
        return None
    if _IT_IS.match(text):
        return DecisionCue(raw, True, reversal)
    for pattern in (_LETS, _WE_WILL, _GOING_WITH, _THEN_WE):
        match = pattern.search(text)
        if match is not None:
            return DecisionCue(_clause_from(raw, match.start()), True, reversal)
    agreed = _AGREED_CLAUSE.match(text)
    if agreed is not None:
        return DecisionCue(raw, False, reversal)
    return None
