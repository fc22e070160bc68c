"""Decisions, asks and commitments in a chat thread, with owners and due phrases.

Each message is parsed on its own (one spaCy ``Doc`` per message); statements are found
per sentence from the dependency parse, and an acceptance ("Sure, I'll do it") hands the
latest open ask to its author.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from bot.core.text import normalise_quotes
from bot.core.types import Message, Priority

StatementKind = Literal["decision", "commitment", "ask"]

_WEIGHTS: dict[str, float] = {"decision": 3.0, "commitment": 2.0, "ask": 1.5}
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]+))?>|(?<![\w<])@([\w.-]*\w)")
_NAMED_TODO = re.compile(r"^([A-Z][\w.-]+)\s+(?:to|will|should|must)\s", re.UNICODE)
_DECISION_PREFIX = re.compile(
    r"^\s*(?:agreed|(?:final\s+)?decision(?:\s+(?:recorded|made|taken))?|decided|resolved|conclusion)\s*[:\-]\s*",
    re.I,
)
_DECISION_PHRASE = re.compile(
    r"^(?:\W*(?:ok|okay|so|then|yes|yep|great|agreed)\W+)?(?:let'?s|let us)\s+(?!discuss|talk|chat|see|think|check)\w+"
    r"|\b(?:we're|we are|we'll|we will)\s+go(?:ing)?\s+with\b"
    r"|\bthe plan is to\b|\b(?:we|team)\s+(?:have\s+)?(?:decided|agreed|settled|chose|opted|concluded)\b"
    r"|\bit'?s (?:decided|settled|agreed)\b|\bsigned off\b",
    re.I,
)
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_DUE = re.compile(
    r"\b(?:(?:by|before|until|till|no later than)\s+(?:the\s+)?(?:end of (?:the\s+)?(?:day|week|month|sprint|quarter)"
    rf"|{_DAY}|tomorrow|tonight|today|noon|midnight|eod|eow|cob|next \w+|this \w+|\d{{1,2}}(?::\d{{2}})?\s*(?:am|pm)?"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?)"
    r"|before the \w+(?: \w+)?"
    rf"|(?:on|this|next)\s+{_DAY}|next (?:week|month|sprint|quarter|year)|this (?:week|afternoon|evening|morning)"
    r"|end of (?:the\s+)?(?:day|week|month|sprint|quarter)|tomorrow(?: morning| afternoon)?|tonight|today"
    r"|eod|eow|cob|asap|within \w+ (?:hours?|days?|weeks?))\b",
    re.I,
)
_ACCEPT_START = frozenset(
    {"sure", "ok", "okay", "yes", "yep", "yeah", "will", "on", "done", "absolutely", "np", "sounds"}
)
_LIGHT_VERBS = frozenset({"do", "will", "sounds", "sound", "be", "is", "works", "work"})
_ANAPHORIC_OBJECTS = frozenset({"it", "that", "this", "them"})
_ASK_AUX = frozenset({"can", "could", "would", "will"})
_COMMIT_AUX = frozenset({"'ll", "will", "shall", "’ll", "can"})
_ASKED = frozenset({"you", "someone", "somebody", "anyone", "anybody", "who"})
_PARTICIPANTS = _ASKED | {"i", "we"}
_NEED_WORDS = frozenset({"need", "needs", "should", "must", "have", "has"})
_TODO_PREFIX = re.compile(r"^\s*(?:todo|to-do|action item|action|ai)\s*:\s*", re.I)
_SKIP_DEPS = frozenset({"nsubj", "nsubjpass", "aux", "auxpass", "intj", "punct", "npadvmod", "mark"})
_STOP_PUNCT = frozenset({",", ";", ":", "\u2014", "--", "("})
_LEADING_FILLERS = frozenset(
    {"also", "just", "please", "then", "quickly", "probably", "maybe", "perhaps", "really", "actually"}
)
_BE = frozenset({"be", "am", "is", "are", "was", "were", "been"})
_NOT_TASKS = frozenset({"keep you posted", "let you know", "keep you updated", "keep everyone posted"})


@dataclass(frozen=True)
class ThreadStatement:
    """One decision, commitment or ask found in a message sentence."""

    kind: StatementKind
    text: str
    """The verbatim sentence, for quoting."""
    message_index: int
    order: int
    action: str | None = None
    """What must be done (asks, commitments) or what was decided (decisions)."""
    owner: str | None = None
    owner_id: str | None = None
    due: str | None = None

    @property
    def is_acceptance(self) -> bool:
        """A bare "Sure, I'll do it" that only takes on someone else's ask."""
        return self.kind == "commitment" and not self.action

    @property
    def weight(self) -> float:
        """How much a reader wants this statement quoted (a named owner or date adds)."""
        return _WEIGHTS[self.kind] + 0.25 * (self.owner is not None) + 0.25 * (self.due is not None)


@dataclass(frozen=True)
class ThreadAnalysis:
    """Everything :func:`analyse_thread` finds."""

    statements: list[ThreadStatement]
    actions: list[Priority]
    decisions: list[str]


def find_due(text: str) -> str | None:
    """The due phrase of ``text`` ("by Friday", "tomorrow", "EOD"...), if it states one."""
    match = _DUE.search(normalise_quotes(text))  # a 1:1 character mapping keeps offsets
    return text[match.start() : match.end()] if match else None


def _due_in(sent: Any) -> tuple[str, tuple[int, int]] | None:
    """The due phrase of a sentence with its document character range."""
    match = _DUE.search(normalise_quotes(sent.text))
    if match is None:
        return None
    start = sent.start_char + match.start()
    return sent.text[match.start() : match.end()], (start, start + len(match.group()))


def _mentions(text: str, offset: int) -> list[tuple[str, str | None, tuple[int, int]]]:
    """Slack (``<@U123|name>``) and plain (``@tom``) mentions: (owner, user id, char range)."""
    found: list[tuple[str, str | None, tuple[int, int]]] = []
    for match in _MENTION.finditer(text):
        span = (offset + match.start(), offset + match.end())
        if match.group(1):
            found.append((match.group(2) or f"<@{match.group(1)}>", match.group(1), span))
        else:
            found.append((match.group(3), None, span))
    return found


def _vocative(sent: Any) -> str | None:
    """A name the sentence addresses: ``Tom, can you ...`` or ``... by Friday, Tom?``."""
    tokens = [t for t in sent if not t.is_space]
    if len(tokens) >= 2 and tokens[0].pos_ == "PROPN" and tokens[1].text == ",":
        return tokens[0].text
    if len(tokens) >= 3 and tokens[-1].is_punct and tokens[-2].pos_ == "PROPN" and tokens[-3].text == ",":
        return tokens[-2].text
    return None


def _verb_phrase(verb: Any, cut: Sequence[tuple[int, int]] = ()) -> str:
    """The verb and its complements, without subject, auxiliaries, or the ``cut`` char ranges.

    ``cut`` holds the due phrase and any mentions, which are reported separately.
    """
    kept: list[Any] = [verb]
    for child in verb.children:
        if child.dep_ in _SKIP_DEPS or child.lower_ == "please":
            continue
        # "redo the copy, the wording confuses people": a second clause is not the task.
        if child.i > verb.i and (child.dep_ == "advcl" or (child.dep_ == "conj" and _subject(child) is not None)):
            continue
        kept.extend(child.subtree)
    kept.sort(key=lambda t: t.i)
    # A comma hanging off the verb itself ends the task: what follows is another thought.
    stop = next((c.i for c in verb.children if c.i > verb.i and c.text in _STOP_PUNCT), None)
    if stop is not None:
        kept = [t for t in kept if t.i < stop]
    kept = [t for t in kept if not any(a <= t.idx < b for a, b in cut)]
    while kept and (kept[-1].is_punct or kept[-1].lower_ in {"by", "before", "until", "please"}):
        kept.pop()
    while kept and (kept[0].is_punct or (kept[0].lower_ in _LEADING_FILLERS and kept[0] != verb)):
        kept.pop(0)
    parts: list[str] = []
    for k, tok in enumerate(kept):
        parts.append(tok.text)
        if k + 1 < len(kept):
            nxt = kept[k + 1]
            parts.append(tok.whitespace_ if nxt.i == tok.i + 1 else " ")
    return "".join(parts).strip()


def _main_verb(sent: Any) -> Any | None:
    """The verb whose subject is a participant ("we need to ..."), else the root verb."""
    for token in sent:
        if token.pos_ in {"VERB", "AUX"}:
            subject = _subject(token)
            if subject is not None and subject.lower_ in _PARTICIPANTS:
                return token
    root = sent.root
    if root.pos_ in {"VERB", "AUX"}:
        return root
    for token in sent:
        if token.pos_ == "VERB":
            return token
    return None


def _aux_words(verb: Any) -> set[str]:
    return {c.lower_ for c in verb.children if c.dep_ in {"aux", "auxpass"}}


def _subject(verb: Any) -> Any | None:
    return next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)


def _is_acceptance(sent: Any, verb: Any | None) -> bool:
    words = [t.lower_ for t in sent if not (t.is_punct or t.is_space)]
    if not words or len(words) > 8:
        return False
    if verb is not None and any(c.dep_ == "dobj" and c.lower_ in _ANAPHORIC_OBJECTS for c in verb.children):
        return True
    return words[0] in _ACCEPT_START and (verb is None or verb.lower_ in _LIGHT_VERBS)


def _decision(raw: str) -> str | None:
    """The decision a sentence records ("Agreed: X" gives "X"), if it records one."""
    prefix = _DECISION_PREFIX.match(raw)
    if prefix is not None and raw[prefix.end() :].strip():
        decided = raw[prefix.end() :].strip()
        return decided[0].upper() + decided[1:]
    if _DECISION_PHRASE.search(normalise_quotes(raw)) and not raw.endswith("?"):
        return raw
    return None


def _is_let_me(verb: Any) -> bool:
    return verb.lower_ == "let" and verb.i + 1 < len(verb.doc) and verb.doc[verb.i + 1].lower_ == "me"


def _content_verb(verb: Any, subject: Any | None) -> Any:
    """The verb that carries the task: "going to X", "want to X", "need to X", "let me X"."""
    wrapper = (
        verb.lower_ in {"going", "need", "needs"}
        or _is_let_me(verb)
        or (verb.lower_ in {"want", "plan"} and subject is not None and subject.lower_ == "i")
    )
    if wrapper:
        inner = next((c for c in verb.children if c.dep_ in {"xcomp", "ccomp"}), None)
        if inner is not None:
            return inner
    return verb


def _ask_owner(
    sent: Any, raw: str, mentions: Sequence[tuple[str, str | None, tuple[int, int]]]
) -> tuple[str | None, str | None]:
    """Who an ask is addressed to: a single mention, "Bob to ..." after a TODO label, a vocative."""
    if len(mentions) == 1:
        return mentions[0][0], mentions[0][1]
    label = _TODO_PREFIX.match(raw)
    if label is not None:
        named = _NAMED_TODO.match(raw[label.end() :])
        if named is not None:
            return named.group(1), None
    return _vocative(sent), None


def _classify_sentence(sent: Any, index: int, order: int, message: Message) -> ThreadStatement | None:
    raw = sent.text.strip()
    if not raw:
        return None
    decision = _decision(raw)
    if decision is not None:
        return ThreadStatement("decision", raw, index, order, action=decision)
    verb = _main_verb(sent)
    if _is_acceptance(sent, verb):
        return ThreadStatement("commitment", raw, index, order)
    if verb is None:
        return None
    due = _due_in(sent)
    due_text = due[0] if due is not None else None
    mentions = _mentions(sent.text, sent.start_char)
    cut = [m[2] for m in mentions] + ([due[1]] if due is not None else [])
    subject = _subject(verb)
    subject_word = subject.lower_ if subject is not None else None
    aux = _aux_words(verb)
    task = _content_verb(verb, subject)
    action = _verb_phrase(task, cut)
    if not action or task.lower_ in _BE or action.lower() in _NOT_TASKS:
        return None
    if " " not in action and task.lower_ in {"do", "have"}:
        return None
    if (_is_let_me(verb) and task != verb) or (subject_word == "i" and (aux & _COMMIT_AUX or _going_to(sent))):
        return ThreadStatement(
            "commitment", raw, index, order, action, message.author, message.author_id, due_text
        )
    owner, owner_id = _ask_owner(sent, raw, mentions)
    is_question_ask = subject_word in _ASKED and bool(aux & _ASK_AUX)
    is_imperative = subject is None and verb.tag_ == "VB" and verb.dep_ == "ROOT"
    has_please = any(t.lower_ == "please" for t in sent)
    is_need = subject_word in _ASKED | {"we"} and bool(aux & _NEED_WORDS or verb.lower_ in {"need", "needs"})
    todo = _TODO_PREFIX.match(raw) is not None
    if not (is_question_ask or is_imperative or has_please or is_need or todo or mentions):
        return None
    # A bare imperative ("Count me in") is chatter unless it names a person or a date.
    if is_imperative and not (has_please or owner or todo or due_text):
        return None
    return ThreadStatement("ask", raw, index, order, action, owner, owner_id, due_text)


def _going_to(sent: Any) -> bool:
    lowered = sent.text.lower()
    return "going to" in lowered or "gonna" in lowered


def _same_person(owner: str | None, message: Message) -> bool:
    if owner is None:
        return False
    candidates = {message.author or "", message.author_id or "", f"<@{message.author_id}>"}
    first = (message.author or "").split()
    if first:
        candidates.add(first[0])
    return owner.lower().lstrip("@") in {c.lower() for c in candidates if c}


def analyse_thread(messages: Sequence[Message], parsed: Sequence[Any]) -> ThreadAnalysis:
    """Decisions, asks and commitments of a thread; acceptances give asks an owner."""
    statements: list[ThreadStatement] = []
    order = 0
    for index, (message, doc) in enumerate(zip(messages, parsed, strict=False)):
        for sent in doc.sents:
            statement = _classify_sentence(sent, index, order, message)
            order += 1
            if statement is None:
                continue
            if statement.is_acceptance:
                _accept_open_ask(statements, messages, index)
            statements.append(statement)
    statements = [_with_participant(s, messages) for s in statements]
    actions = [
        Priority(
            text=s.action,
            owner=s.owner,
            due=s.due,
            ts=messages[s.message_index].ts,
            owner_id=s.owner_id,
        )
        for s in statements
        if s.kind != "decision" and s.action
    ]
    decisions = list(dict.fromkeys(s.action or s.text for s in statements if s.kind == "decision"))
    return ThreadAnalysis(statements, _dedupe_actions(actions), decisions)


def _with_participant(statement: ThreadStatement, messages: Sequence[Message]) -> ThreadStatement:
    """Expand a vocative first name ("Tom") to the one thread participant it names."""
    if statement.owner is None or statement.owner_id is not None:
        return statement
    matches = {(m.author, m.author_id) for m in messages if m.author and _same_person(statement.owner, m)}
    if len(matches) != 1:
        return statement
    author, author_id = matches.pop()
    return replace(statement, owner=author, owner_id=author_id)


def _accept_open_ask(
    statements: list[ThreadStatement], messages: Sequence[Message], index: int
) -> None:
    """Give the latest open ask from someone else to the author of an acceptance."""
    message = messages[index]
    for k in range(len(statements) - 1, -1, -1):
        ask = statements[k]
        if ask.kind != "ask" or index - ask.message_index > 3:
            continue
        asker = messages[ask.message_index]
        if ask.message_index == index or (asker.author, asker.author_id) == (message.author, message.author_id):
            continue
        if ask.owner is None or _same_person(ask.owner, message):
            statements[k] = replace(ask, owner=message.author or ask.owner, owner_id=message.author_id)
            return


def _dedupe_actions(actions: list[Priority]) -> list[Priority]:
    seen: set[str] = set()
    unique: list[Priority] = []
    for action in actions:
        key = action.text.lower()
        if key not in seen:
            seen.add(key)
            unique.append(action)
    return unique


def classify_thread(messages: Sequence[Message], parsed: Sequence[Any]) -> list[ThreadStatement]:
    """The decision, commitment and ask statements of a thread, in order."""
    return analyse_thread(messages, parsed).statements
