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
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.scorer import content_words
from bot.core.text import normalise_quotes

_META = (
    r"discuss|talk|chat|see|think|check|meet|sync|start|begin|kick|continue|wrap|recap|revisit|circle|ask"
    r"|wait|look|figure|find|hear|hop|jump|catch|regroup|reconvene|touch|follow|focus|dig|brainstorm|review"
    r"|sleep|get started|get back|move on|pick (?:this|it|that) up|take (?:this|it) offline|keep going"
    r"|go (?:through|over|around)|not|decide|vote|sum up|recap"
)
_LABEL = re.compile(
    r"(?:^|(?<=[\s,(]))(?:(?:final|the|our|new)\s+)?(?:decision|decided|resolved|resolution|conclusion|outcome|verdict"
    r"|agreed|(?<!of )plan)(?:\s+(?:recorded|made|taken|is))?\s*[:\u2013\u2014]\s*(?=\S)",
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
_IT_IS = re.compile(
    rf"(?:^|[,.;:!\u2014]\s+){_INTERJECTIONS}(?P<choice>[^,;:?.!\u2014]{{1,40}}?)\s+it\s+is\s*(?:[.!,;\u2014]|$)", re.I
)
_SUMMING_UP = re.compile(
    r"^(?:(?:ok|okay|alright|right)\W+)?so\s*[:,]?\s+(?!(?:what|who|how|when|where|why|which|if|to)\b)\S", re.I
)
"""A conclusion said as one: "ok so we go to offer with Lena", "so: Saturday slot yes, ..."."""
_CONCLUDING_THEN = re.compile(r"^(?P<clause>(?:[^,;?]*\s)?[^,;?\s]+)\s+then\s*(?:[.!,;\u2014]|$)", re.I)
"""A clause closed by "then" that concludes ("manual tonight then, no hotfix", "ok, no failover then")."""
_AGREED_AFTER = re.compile(r"^(?P<statement>[^?]*\w[^?]*?)[,;]?\s+(?:agreed|all agreed|deal)\s*[.!]*$", re.I)
"""A statement sealed by "agreed" at its end ("ok code freeze Nov 1, agreed")."""
_OPINION = re.compile(r"\b(?:is|are|was|were|'s|sounds|seems|looks|feels)\b", re.I)
_REJECTING = re.compile(
    r"\b(?:scrap|drop|ditch|cancel|forget|skip|kill|shelve|park)\s+(?:the\s+|that\s+|those\s+|this\s+)?"
    r"(?P<what>[\w$%.-]+(?:\s+[\w$%.-]+)?)|\bno to (?:the\s+)?(?P<no>[\w$%.-]+)",
    re.I,
)
_ACCEPTANCE = re.compile(
    r"^(?:\W*(?:ok|okay|yes|yep|yeah|sure|fine|great|perfect|agreed|agree|deal|done|\+1|:\+1:|:thumbsup:|:white_check_mark:"
    r"|sounds good|sounds great|works for me|let's do (?:that|it|this)|let's go with (?:that|it|this)|makes sense"
    r"|fair enough|good idea|love it|go for it|ship it|do it|approved|lgtm|same|me too)\W*)+$",
    re.I,
)
"""A sentence that only accepts what was proposed before it."""
_CHOICE_ACCEPTED = re.compile(
    r"^(?:(?:ok|okay|yes|yeah|fine|so)\W+)?(?P<choice>[^,;:?.!]{1,30}?)\s+"
    r"(?:works for me|works|it is|:\+1:|\+1)(?=\W|$)",
    re.I,
)
_PROPOSING = re.compile(
    r"^(?:(?:ok|okay|so|then|hmm|well|also|and|fair|right)\W+)*(?P<lead>how about|what about|what if we|should we"
    r"|shall we|can we|could we|why don't we|maybe we should|maybe we|perhaps we should|we could|we should"
    r"|i'd suggest|i suggest|i'd propose|i propose|i'd say|i'd|i would|proposal:|suggestion:|my vote is|let's"
    r"|so(?=[^?]*\?$))\s+(?P<rest>\S.*)$",
    re.I,
)
_CHOICE = re.compile(r"(?P<a>[\w$%.-]+(?:\s[\w$%.-]+)?)\s+or\s+(?P<b>[\w$%.-]+(?:\s[\w$%.-]+)?)", re.I)

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
_AGREED_CLAUSE = re.compile(
    r"^(?:(?:ok|okay|so|yes|yep)\W+)?(?:agreed|agree|good idea|sounds good|\+1)\s*[,;:\u2014\u2013-]\s+"
    r"(?P<rest>\S.*\w.*)$",
    re.I,
)
_HEDGES = re.compile(
    r"\b(?:maybe|perhaps|possibly|probably|i think|i guess|i'd|i would|we could|we might|should we|shall we|could we"
    r"|can we|how about|what about|what if|i suggest|i propose|would it|do we|if we|unless|not sure|lean|without"
    r"|otherwise|in case)\b",
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
    chat_only: bool = False
    """A cue of written chat ("X then", "ok so ..."): spoken meetings say it of everything."""


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
    if _IT_IS.search(text) or _SUMMING_UP.match(text):
        return DecisionCue(raw, True, reversal, chat_only=True)
    sealed = _AGREED_AFTER.match(text)
    if sealed is not None and len(sealed.group("statement").split()) >= 2:
        return DecisionCue(raw[: sealed.end("statement")], True, reversal, chat_only=True)
    then = _CONCLUDING_THEN.match(_strip_interjections(text))
    if then is not None and _concludes(then.group("clause")):
        return DecisionCue(raw, True, reversal, chat_only=True)
    for pattern in (_LETS, _WE_WILL, _GOING_WITH, _THEN_WE):
        match = pattern.search(text)
        if match is not None:
            return DecisionCue(_clause_from(raw, match.start()), True, reversal)
    agreed = _AGREED_CLAUSE.match(text)
    if agreed is not None:
        return DecisionCue(raw, False, reversal)
    return None


def _strip_interjections(text: str) -> str:
    return re.sub(rf"^{_INTERJECTIONS}", "", text, flags=re.I)


def _concludes(clause: str) -> bool:
    """A clause before "then" that settles something: not a plan to talk or meet, not the
    speaker's own commitment ("I'll do the call then"), at least two words."""
    said = clause.lower().split()
    if len(said) < 2 or said[0] in {"i", "i'll", "i'm", "you", "you'll", "see", "talk", "if", "and", "but"}:
        return False
    return not (re.search(rf"\b(?:{_META})\b", clause, re.I) or _OPINION.search(clause))


def rejected(sentence: str) -> list[str]:
    """What a sentence drops ("ok scrap the trailers", "no to the 10%"): the content words naming
    it ("forget it" names nothing)."""
    text = normalise_quotes(sentence)
    if text.rstrip().endswith("?"):
        return []
    named = [(m.group("what") or m.group("no")).lower() for m in _REJECTING.finditer(text)]
    return [word for phrase in named for word in content_words(phrase)]


def is_acceptance(sentence: str) -> bool:
    """A sentence that only accepts ("ok", "+1", "works for me", "let's do that")."""
    return bool(_ACCEPTANCE.match(normalise_quotes(sentence).strip()))


def proposal_text(sentence: str, choice: str | None = None) -> str | None:
    """A proposal stated as the decision it becomes once accepted: "should we ship Tuesday or
    Wednesday?" with "Tuesday" chosen is "We ship Tuesday"; "I'd cap it at 20 GB" is "Cap it at
    20 GB". ``None`` when the sentence proposes nothing."""
    text = normalise_quotes(sentence).strip()
    match = _PROPOSING.match(text)
    if match is None:
        return None
    lead, rest = match.group("lead").lower(), match.group("rest").rstrip(" ?!.")
    if lead.endswith(" we") or lead in {"we could", "we should", "maybe we should", "perhaps we should"}:
        rest = "we " + rest
    if choice is not None:
        rest = _chosen(rest, choice)
    elif _CHOICE.search(rest) and text.endswith("?"):
        return None  # "A or B?" answered "ok" settles neither
    return _capitalised(rest) if len(rest.split()) >= 2 else None


def _chosen(text: str, choice: str) -> str:
    """``text`` with an "A or B" alternative cut down to the ``choice``."""
    key = choice.lower().strip()
    word = r"[\w$%.-]+"
    alternative = rf"{word}(?:\s+{word}){{{len(key.split()) - 1}}}"
    for match in re.finditer(rf"(?P<a>{alternative})\s+or\s+(?P<b>{alternative})", text, re.I):
        for side in ("a", "b"):
            if match.group(side).lower() == key:
                return text[: match.start()] + match.group(side) + text[match.end() :]
    return text


def accepted_proposal(sentence: str, earlier: Sequence[tuple[str | None, str]], author: str | None) -> str | None:
    """The decision an acceptance makes: the proposal it answers, stated as the proposal.

    ``earlier`` holds the sentences of the message it answers (the latest by someone else),
    latest first, with their author. "Tuesday works for me" or "Tuesday :+1:" picks the
    alternative it names.
    """
    text = normalise_quotes(sentence).strip()
    choice: str | None = None
    if not is_acceptance(text):
        named = _CHOICE_ACCEPTED.match(text)
        if named is None or len(named.group("choice").split()) > 3:
            return None
        choice = named.group("choice")
    for speaker, said in earlier:
        if speaker == author:
            continue
        stated = proposal_text(said, choice)
        if stated is not None and (choice is None or choice.lower() in said.lower()):
            return stated
    return None
