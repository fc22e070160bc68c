"""Asks, commitments and acceptances in a chat thread, with owners and due phrases.

Each message is parsed on its own (one spaCy ``Doc`` per message) and read sentence by
sentence, clause by clause:

* a **commitment** is a verb with "I" and "will"/"'ll"/"can"/"going to" ("I'll take the
  migration"), or "let me ..."; its owner is the author;
* an **ask** is addressed to someone ("Sam, can you ...", "@Lisa please ...", "Action
  item: Bob to ..."), to anyone ("can someone ...", "we need to ...") or is an imperative
  with a name or a date; questions about what *we* should do ("Should we also ...?") are
  not asks;
* an **acceptance** ("Sure, I'll do it", "On it", "Will do") gives the latest open ask
  from someone else to its author.

The task text is the verb and its complements, without subject, auxiliaries, mentions or
the due phrase, which goes to ``due``. An ask broadcast to everyone (``@channel``,
``@here``) without a named addressee gives no item, and neither does a request to the bot
to summarise. Decisions are read by
:mod:`bot.core.thread.decisions`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from bot.core.phrases import inflections, tokens_text, trim
from bot.core.scorer import content_words
from bot.core.spacy_types import Span, Token
from bot.core.thread.addressees import (
    GROUP_OWNER,
    Addressee,
    group_subject,
    is_broadcast,
    mentions,
    name_fragment,
    named_subject,
    participants,
    resolve,
    same_person,
    vocative,
)
from bot.core.thread.decisions import accepted_proposal, decision_cue
from bot.core.thread.due import due_spans, task_due_span
from bot.core.types import Message

StatementKind = Literal["decision", "commitment", "ask"]

_WEIGHTS: dict[str, float] = {"decision": 3.0, "commitment": 2.0, "ask": 1.5}
_TODO_PREFIX = re.compile(r"^\s*(?:todo|to-do|action item|action|ai|next step)s?\s*:\s*", re.I)
_NAMED_TODO = re.compile(r"^([A-Z][\w.-]+(?: [A-Z][\w.-]+)?)\s+(?:to|will|should|must)\s", re.UNICODE)
_ACCEPT_START = re.compile(
    r"^\W*(?:sure|ok|okay|yes|yep|yeah|yup|will do|on it|done|can do|absolutely|np|no problem|happy to|sounds good"
    r"|of course|for sure|got it|roger|ack|consider it done|i'm on it|i'll do it|i can do that)\b",
    re.I,
)
_ANAPHORIC = frozenset({"it", "that", "this", "them", "those", "one"})
_LIGHT_VERBS = inflections("do", "be", "work", "sound", "handle") | {"will", "can", "is", "am", "are", "did"}
_ASK_AUX = frozenset({"can", "could", "would", "will"})
_COMMIT_AUX = frozenset({"'ll", "will", "shall", "\u2019ll", "can", "ll"})
_ASKED = frozenset({"you", "someone", "somebody", "anyone", "anybody", "who"})
_NEED_SUBJECTS = frozenset({"you", "someone", "somebody", "anyone", "anybody", "we"})
_NEED_WORDS = frozenset({"need", "needs", "must", "have", "has", "should"})
_SKIP_DEPS = frozenset({"nsubj", "nsubjpass", "aux", "auxpass", "intj", "punct", "npadvmod", "mark", "cc", "conj"})
_STOP_PUNCT = frozenset({",", ";", ":", "\u2014", "--", "("})
_LEADING_FILLERS = frozenset(
    {"also", "just", "please", "then", "quickly", "probably", "maybe", "perhaps", "really", "actually", "definitely"}
)
_BE = frozenset({"be", "am", "is", "are", "was", "were", "been", "'m", "'re", "'s"})
_WRAPPERS = inflections("want", "plan", "need", "try", "intend", "hope") | {"going", "gon"}
_BOT_TASKS = inflections("summarise", "summarize", "recap", "digest") | {"tldr", "tl;dr"}
_NOT_TASKS = frozenset(
    {"keep you posted", "let you know", "keep you updated", "keep everyone posted", "let everyone know", "do it",
     "do that", "do this", "take it", "take this", "take that", "check", "see", "think about it"}
)
_PARTICIPANT_SUBJECTS = _ASKED | {"i", "we"}
_ACCEPT_WINDOW = 3
_BASE_TAGS = frozenset({"VB", "VBP"})
_DECLINE = re.compile(
    r"^\W*(?!no (?:problem|worries|prob)\b)(?:no\b|nope|sorry|unfortunately|i can'?t|i cannot|can'?t|cannot"
    r"|i won'?t be able|won'?t be able|not me|i'm out|i am out|i'm off)",
    re.I,
)
"""A refusal of the ask just made to the speaker."""
_SOMEDAY = re.compile(
    r"\b(?:some ?day|at some point|(?<!in )(?<!within )one day|eventually|down the (?:road|line)|in the future"
    r"|one of these days|when we have time|if we ever|nice to have|would love to)\b",
    re.I,
)
_STANDUP_LABELS = re.compile(r"(?:^|\s)(?:y|yday|yesterday|blockers?|blocked)\s*:", re.I)
_TODAY = re.compile(
    r"(?:^|(?<=[\s.!;]))(?:t|today|tdy)\s*:\s*(?P<plan>.+?)\s*(?=\b(?:y|yday|yesterday|blockers?|blocked)\s*:"
    r"|\bno blockers?\b|$)",
    re.I | re.S,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")
_OWN_CLAUSE = re.compile(r",\s+(?=(?:i|we|it|that|which|this|they)\b)", re.I)
"""Where a plan's comment starts ("the flaky tests, I think the DB isn't reset")."""
_PLAN_FILLERS = re.compile(r"^(?:still|starting on|start on|continuing(?: with| on)?|more|then|wfh|ooo)\b[\s,]*", re.I)
_NOT_COMMITTED = frozenset({"was", "were", "would", "'d", "could", "might", "should"})
_NO_CONTENT = frozenset({"ready", "done", "finished", "sorted", "live", "asap", "later", "soon", "today", "tomorrow"})
"""Words that say how or when, not what: "have it ready", "get it done" are about nothing yet."""
_PRONOUN = re.compile(r"\b(?:it|them|this|that|those|one)\b", re.I)
_ANTECEDENT_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "attr", "appos", "ROOT"})
_QUALIFIED = re.compile(r"^\W*(?:but|though|however|although|only if|unless|except|as long as)\b", re.I)
_ME = re.compile(r"\bme\b")
_MY = re.compile(r"\bmy\b")
_YOU = re.compile(r"\byou\b")
_FRAGMENT_WORDS = 3
_FRAGMENT_POS = frozenset({"INTJ", "ADV", "CCONJ", "PART", "ADJ", "ADP", "DET"})
"""Words a due fragment may carry besides its date: "ok", "ideally", "and", "at the latest"."""


@dataclass(frozen=True)
class ThreadStatement:
    """One decision, commitment, ask or acceptance found in a message sentence."""

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
    marked: bool = True
    """For decisions: an explicit cue (``False``: only "agreed, ..."; the classifier confirms)."""
    reversal: bool = False
    """For decisions: the sentence changes an earlier decision."""
    accepted: bool = False
    """For decisions: an acceptance of the proposal before it, stated as that proposal."""
    declined: bool = False
    """For asks: the addressee refused it; it is open until someone else takes it."""
    chat_only: bool = False
    """For decisions: a cue of written chat, not read in meeting transcripts."""

    @property
    def is_acceptance(self) -> bool:
        """A bare "Sure, I'll do it" that only takes on someone else's ask."""
        return self.kind == "commitment" and not self.action

    @property
    def weight(self) -> float:
        """How much a reader wants this statement quoted (a named owner or date adds)."""
        return _WEIGHTS[self.kind] + 0.25 * (self.owner is not None) + 0.25 * (self.due is not None)


def _subject(verb: Token) -> Token | None:
    """The subject nearest the verb ("Zed, can you print it": "you", not the vocative)."""
    subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
    before = [c for c in subjects if c.i < verb.i]
    return before[-1] if before else (subjects[0] if subjects else None)


def _aux_words(verb: Token) -> set[str]:
    return {c.lower_ for c in verb.children if c.dep_ in {"aux", "auxpass"}}


def _is_let_me(verb: Token) -> bool:
    return verb.lower_ == "let" and verb.i + 1 < len(verb.doc) and verb.doc[verb.i + 1].lower_ == "me"


def _content_verb(verb: Token) -> Token:
    """The verb that carries the task: "going to X", "want to X", "need to X", "let me X"."""
    for _ in range(3):
        if not (verb.lower_ in _WRAPPERS or _is_let_me(verb)):
            return verb
        inner = next((c for c in verb.children if c.dep_ in {"xcomp", "ccomp"} and c.pos_ in {"VERB", "AUX"}), None)
        if inner is None:
            return verb
        verb = inner
    return verb


def task_phrase(verb: Token, cut: Sequence[tuple[int, int]] = ()) -> str:
    """The verb and its complements, without subject, auxiliaries, fillers or the ``cut``
    character ranges (the due phrase and mentions, reported separately)."""
    kept: list[Token] = [verb]
    for child in verb.children:
        if child.dep_ in _SKIP_DEPS or child.lower_ == "please" or (child.i < verb.i and child.dep_ != "neg"):
            continue
        # "redo the copy, the wording confuses people": a second clause is not the task
        # ("check why it failed" keeps its complement clause).
        if child.dep_ in {"advcl", "parataxis"} or (child.dep_ != "ccomp" and _subject(child) is not None):
            continue
        kept.extend(child.subtree)
    kept.sort(key=lambda t: t.i)
    stop = next((c.i for c in verb.children if c.i > verb.i and c.text in _STOP_PUNCT), None)
    if stop is not None:
        kept = [t for t in kept if t.i < stop]
    kept = [t for t in kept if not any(a <= t.idx < b for a, b in cut)]
    while kept and kept[0] != verb and (kept[0].is_punct or kept[0].lower_ in _LEADING_FILLERS):
        kept.pop(0)
    kept = [t for t in kept if not (t.lower_ == "also" and t.dep_ == "advmod")]
    return _join(trim(kept))


def _join(tokens: Sequence[Token]) -> str:
    """The tokens' text; where a cut left a gap, the two sides are joined by one space."""
    if not tokens:
        return ""
    parts: list[str] = []
    for k, tok in enumerate(tokens):
        parts.append(tok.text)
        if k + 1 < len(tokens):
            parts.append(tok.whitespace_ if tokens[k + 1].i == tok.i + 1 else " ")
    return tokens_text([tokens[0], tokens[-1]]) if _contiguous(tokens) else "".join(parts).strip()


def _contiguous(tokens: Sequence[Token]) -> bool:
    return all(b.i == a.i + 1 for a, b in itertools.pairwise(tokens))


def _verb_coordination(verb: Token) -> list[Token]:
    """The verb and the verbs coordinated with it that share its subject ("review X and update Y";
    "book X and set up Y", where the tagger may read the base form "set" as a past one)."""
    verbs = [verb]
    for child in verb.children:
        if child.dep_ != "conj" or child.pos_ != "VERB" or _subject(child) is not None:
            continue
        if child.tag_ in _BASE_TAGS or (verb.tag_ in _BASE_TAGS and child.tag_ in {"VBD", "VBN"}):
            verbs.extend(_verb_coordination(child))
    return verbs


def _series(parts: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _named(text: str, speaker: str | None, answering: str | None = None) -> str:
    """The task as a reader sees it: the speaker's "me" and "my" named ("share it with Priya"),
    and, in a commitment, the "you" it answers ("ping Julia")."""
    if speaker:
        name = speaker.split()[0]
        text = _MY.sub(f"{name}'s", _ME.sub(name, text))
    if answering:
        text = _YOU.sub(answering.split()[0], text)
    return text


def _has_content(text: str) -> bool:
    """Whether a task says what it is about beyond its verb: "share it", "push them", "do it
    then" point back to something said elsewhere and are no item on their own."""
    return any(w not in _NO_CONTENT for w in content_words(text.lower().partition(" ")[2]))


@dataclass(frozen=True)
class SentenceContext:
    """The message a sentence comes from and the thread's participants."""

    message: Message
    index: int
    people: dict[str, str | None]
    answering: str | None = None
    """Who spoke last before the message, other than its author: the "you" of a commitment."""


def _dues(sent: Any) -> list[tuple[str, tuple[int, int]]]:
    """Every due phrase of the sentence with its document character range, the first as
    :func:`_due` reads it."""
    first = _due(sent)
    if first is None:
        return []
    found = [first]
    for start, end in due_spans(sent.text):
        span = (sent.start_char + start, sent.start_char + end)
        if span[1] <= first[1][0] or span[0] >= first[1][1]:
            found.append((sent.text[start:end], span))
    return sorted(found, key=lambda due: due[1])


def _due_of(verb: Token, verbs: Sequence[Token], dues: Sequence[tuple[str, tuple[int, int]]]) -> str | None:
    """The due phrase of ``verb``'s own clause ("I'll send the offer by Thursday, and I'll send
    the decline today"): inside its subtree and not inside another of the ``verbs``' under it;
    else the sentence's first."""
    if not dues:
        return None
    nested = [v for v in verbs if v is not verb and verb.is_ancestor(v)]

    def inside(token: Token, start: int) -> bool:
        first, last = token.left_edge, token.right_edge
        return first.idx <= start < last.idx + len(last.text)

    own = [text for text, (start, _) in dues if inside(verb, start) and not any(inside(v, start) for v in nested)]
    return own[0] if own else dues[0][0]


def _due(sent: Any) -> tuple[str, tuple[int, int]] | None:
    span = task_due_span(sent.text)
    if span is None:
        return None
    start = sent.start_char + span[0]
    return sent.text[span[0] : span[1]], (start, sent.start_char + span[1])


def _is_acceptance_clause(sent: Any, verb: Token | None) -> bool:
    """ "Sure." / "Will do." / "On it!" / "Sure, I'll do it." / "Yes, I can do that by Friday." """
    words = [t for t in sent if not (t.is_punct or t.is_space)]
    if not words:
        return False
    if verb is not None and _task_object_is_anaphoric(verb):
        return True
    return bool(_ACCEPT_START.match(sent.text)) and len(words) <= 6 and (verb is None or verb.lower_ in _LIGHT_VERBS)


def _task_object_is_anaphoric(verb: Token) -> bool:
    """ "I'll do it", "I can take this": a task verb whose only object points back."""
    if verb.lower_ in _BE:
        return False  # "Agreed, signup is exactly that" agrees with an opinion
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    return bool(objects) and all(o.lower_ in _ANAPHORIC for o in objects) and len(list(verb.subtree)) <= 8


def _objects_point_back(verb: Token) -> bool:
    """Whether what ``verb`` acts on is a pronoun ("I'll send it", "I'll have it ready by the 20th")."""
    objects = [t for t in verb.subtree if (t.dep_ in {"dobj", "nsubj"} and t.head is not verb) or t.dep_ == "dobj"]
    objects = [t for t in objects if t is not verb and t.i > verb.i]
    return bool(objects) and all(o.lower_ in _ANAPHORIC for o in objects) and verb.lower_ not in _BE


def _commitment_verbs(sent: Any) -> list[Token]:
    """Verbs the author takes on: "I'll X", "I can X", "I'm going to X", "let me X"."""
    found: list[Token] = []
    for token in sent:
        if token.pos_ not in {"VERB", "AUX"} or token.dep_ in {"aux", "auxpass"}:
            continue
        subject = _subject(token)
        aux = _aux_words(token)
        future = bool(aux & _COMMIT_AUX) or "going" in aux or token.lower_ == "going"
        # "I was going to ...", "I could ...", "I can't ...": a plan given up, a hypothetical, a refusal
        future = future and not (aux & _NOT_COMMITTED or any(c.dep_ == "neg" for c in token.children))
        if (subject is not None and subject.lower_ == "i" and future) or _is_let_me(token):
            found.append(token)
    # "I'm going to X": keep the outer verb only; its content verb is found from it.
    inner = {_content_verb(v).i for v in found if _content_verb(v) is not v}
    return [v for v in found if v.i not in inner]


def _states_a_change(sent: Any) -> bool:
    """ "Agreed, dark mode moves to Q3": after "agreed", a thing (not "that"/"it") does
    something (not "is", not in the past), so the sentence settles something rather than
    agreeing with an opinion ("Agreed, signup is exactly that")."""
    root = sent.root
    if root.lower_ in {"agree", "agreed"}:  # "agree, stay on the primary": what follows is what was agreed
        root = next((c for c in root.children if c.dep_ in {"ccomp", "conj", "parataxis"} and c.pos_ == "VERB"), root)
    if root.pos_ not in {"VERB", "NOUN"} or root.lower_ in _BE or root.tag_ in {"VBD", "VBN"}:
        return False
    if root.tag_ == "VB" and _subject(root) is None:
        return True  # an instruction: "stay on the primary"
    subject = _subject(root) or next((c for c in root.children if c.dep_ == "compound"), None)
    return subject is not None and subject.pos_ in {"NOUN", "PROPN"}


def _main_verb(sent: Span) -> Token | None:
    """The verb whose subject is a participant ("we need to ..."), else the root verb."""
    for token in sent:
        if token.pos_ in {"VERB", "AUX"}:
            subject = _subject(token)
            if subject is not None and subject.lower_ in _PARTICIPANT_SUBJECTS:
                return token
    root = sent.root
    if root.pos_ in {"VERB", "AUX"}:
        return root
    return next((t for t in sent if t.pos_ == "VERB"), None)


def coordinated_task(
    verb: Token, cut: Sequence[tuple[int, int]], speaker: str | None = None, answering: str | None = None
) -> str:
    """The task of a verb and the verbs coordinated with it, as one commitment ("patch the parser
    and get it reviewed"), with the speaker's "me" (and the ``answering`` "you") named; ``""``
    when none of them is a task or it is only a pronoun fragment ("share it")."""
    head, *others = _verb_coordination(_content_verb(verb))
    parts = [text for text in [task_phrase(head, cut)] if _usable_task(head, text)]
    parts += [text for v in others if _usable_task(v, text := task_phrase(v, cut), coordinated=True)]
    task = _named(_series(parts), speaker, answering) if parts else ""
    if task and not _has_content(task):
        task = _resolved(task, head)
    return task if _has_content(task) else ""


def _resolved(task: str, verb: Token) -> str:
    """A pronoun-only task with its pronoun replaced by what it points back to in the same
    message ("your scorecard isn't in, can you get it in" -> "get your scorecard in")."""
    pronoun = next((c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"} and c.lower_ in _ANAPHORIC), None)
    if pronoun is None:
        return task
    found = _antecedent(pronoun)
    return _PRONOUN.sub(found, task, count=1) if found else task


def _antecedent(pronoun: Token) -> str | None:
    """The nearest thing named before ``pronoun`` in its message: an object or subject noun, with
    the words that qualify it ("access to the CI secrets"), up to a verb or a comma."""
    before = list(reversed(pronoun.doc[: pronoun.i]))
    nouns = [t for t in before if t.pos_ == "NOUN" and t.dep_ in _ANTECEDENT_DEPS]
    nouns += [t for t in before if t.pos_ == "NOUN" and t.dep_ == "pobj"]
    for token in nouns[:1]:
        while token.dep_ == "pobj" and token.head.head.pos_ == "NOUN" and token.head.head.i < token.i:
            token = token.head.head  # "access to the CI secrets": the thing is "access"
        phrase: list[Token] = []
        for t in token.subtree:
            if t.i > token.i and (t.pos_ in {"VERB", "AUX"} or t.text in _STOP_PUNCT or t.i >= pronoun.i):
                break
            phrase.append(t)
        words_before = [t for t in phrase if t.i <= token.i]
        if words_before and all(t.pos_ in {"DET", "ADJ", "NOUN", "PROPN", "NUM", "PRON", "ADP"} for t in phrase):
            return tokens_text(phrase)
        return tokens_text([t for t in phrase if t.i <= token.i]) or None
    return None


def _statement_tasks(
    verb: Token, cut: list[tuple[int, int]], speaker: str | None, answering: str | None = None
) -> list[str]:
    task = coordinated_task(verb, cut, speaker, answering)
    return [task] if task else []


def _usable_task(verb: Token, text: str, coordinated: bool = False) -> bool:
    """A task phrase worth listing (a verb coordinated with a task may be tagged as past)."""
    past = verb.tag_ in {"VBD", "VBN"} and not coordinated
    if not text or verb.lower_ in _BE or text.lower() in _NOT_TASKS or past:
        return False
    return " " in text  # a lone verb ("keep" of "keep you posted", "check") is no task


def sentence_statements(sent: Any, order: int, context: SentenceContext) -> list[ThreadStatement]:
    """The decision, commitments, ask or acceptance of one sentence (often none)."""
    raw = sent.text.strip()
    if not raw:
        return []
    message, index = context.message, context.index
    found: list[ThreadStatement] = []
    cue = decision_cue(raw)
    if cue is not None:
        marked = cue.marked or _states_a_change(sent)
        found.append(
            ThreadStatement(
                "decision", raw, index, order, cue.text, marked=marked, reversal=cue.reversal, chat_only=cue.chat_only
            )
        )
    broadcast = is_broadcast(raw)
    dues = _dues(sent)
    due_text = dues[0][0] if dues else None
    people = context.people
    named = sentence_mentions(sent, people)
    cut = [span for _, span in named]
    called = vocative(sent, people)
    cut += [called[1]] if called is not None else []
    cut += [span for _, span in dues]
    if is_someday(raw):  # "we could rewrite the tokenizer someday": a wish, no task
        return found
    commitments = _commitment_verbs(sent)
    verb = _main_verb(sent)
    accepted = False
    for committed in commitments:
        content = _content_verb(committed)
        if _task_object_is_anaphoric(content) or (content.lower_ in _LIGHT_VERBS and len(list(content.subtree)) <= 3):
            accepted = True
            continue
        tasks = _statement_tasks(committed, cut, message.author, context.answering)
        if not tasks and _objects_point_back(content):
            accepted = True  # "can do, I'll have it ready by the 20th"
        own_due = _due_of(committed, commitments, dues)
        for task in tasks:
            found.append(
                ThreadStatement("commitment", raw, index, order, task, message.author, message.author_id, own_due)
            )
    if not accepted and not any(s.kind == "commitment" for s in found):
        accepted = _is_acceptance_clause(sent, verb)
    if accepted:
        found.append(
            ThreadStatement("commitment", raw, index, order, None, message.author, message.author_id, due_text)
        )
    if commitments or accepted or cue is not None or verb is None:
        return found
    ask = _ask(sent, raw, verb, named, called, cut, due_text, context, order)
    # "@channel please read X" asks everyone, so no one: only a named addressee makes it a task.
    return found + [a for a in ask if not broadcast or a.owner is not None]


def is_someday(text: str) -> bool:
    """Whether a sentence puts its task off to no time at all ("someday", "at some point")."""
    return bool(_SOMEDAY.search(text))


def _ask(
    sent: Any,
    raw: str,
    verb: Token,
    named: Sequence[tuple[Addressee, tuple[int, int]]],
    called: tuple[str, tuple[int, int]] | None,
    cut: list[tuple[int, int]],
    due_text: str | None,
    context: SentenceContext,
    order: int,
) -> list[ThreadStatement]:
    subject = _subject(verb)
    subject_word = subject.lower_ if subject is not None else None
    aux = _aux_words(verb)
    owner = _ask_owner(raw, named, context.people, called)
    question = raw.endswith("?")
    is_question_ask = subject_word in _ASKED and bool(aux & _ASK_AUX)
    is_imperative = subject is None and verb.tag_ == "VB" and verb.dep_ == "ROOT" and not question
    has_please = any(t.lower_ == "please" for t in sent)
    is_need = (
        subject_word in _NEED_SUBJECTS and bool(aux & _NEED_WORDS or verb.lower_ in {"need", "needs"}) and not question
    )
    todo = _TODO_PREFIX.match(raw) is not None
    if not (is_question_ask or is_imperative or has_please or is_need or todo or named):
        return []
    # A bare imperative ("Count me in") is chatter unless it names a person or a date.
    if is_imperative and not (has_please or owner or todo or due_text):
        return []
    # "Should we also update X?", "Do I need to ...?": a question about what to do is no task.
    if question and not is_question_ask and not (owner and subject_word in {None, "you"}):
        return []
    tasks = _statement_tasks(verb, cut, context.message.author)
    if any(t.split()[0].lower() in _BOT_TASKS for t in tasks):
        return []
    name = owner.name if owner else None
    uid = owner.user_id if owner else None
    return [ThreadStatement("ask", raw, context.index, order, task, name, uid, due_text) for task in tasks]


def _ask_owner(
    raw: str,
    named: Sequence[tuple[Addressee, tuple[int, int]]],
    people: dict[str, str | None],
    called: tuple[str, tuple[int, int]] | None,
) -> Addressee | None:
    """Who an ask is addressed to: a single mention, "Bob to ..." after a TODO label, a vocative."""
    if len(named) == 1:
        found = named[0][0]
        return found if found.user_id else resolve(found.name, people)
    label = _TODO_PREFIX.match(raw)
    if label is not None:
        todo = _NAMED_TODO.match(raw[label.end() :])
        if todo is not None:
            return resolve(todo.group(1), people)
    return resolve(called[0], people) if called else None


def sentence_mentions(sent: Any, people: dict[str, str | None]) -> list[tuple[Addressee, tuple[int, int]]]:
    """Mentions that overlap the sentence, with document character ranges.

    Mentions are found in the whole message, so one the parser split ("TODO: @Ben" |
    "Cho fix the test") still addresses the sentence it runs into.
    """
    found = mentions(sent.doc.text, people)
    return [(who, span) for who, span in found if span[0] < sent.end_char and span[1] > sent.start_char]


@dataclass(frozen=True)
class Task:
    """A task read from a sentence the classifier flagged: what, who, by when."""

    text: str
    owner: str | None
    owner_id: str | None
    due: str | None


def addressed_to_you(sent: Any) -> bool:
    """Whether the sentence's main verb has a plain "you" subject ("you're gonna look at X")."""
    verb = _main_verb(sent)
    return verb is not None and getattr(_subject(verb), "lower_", None) == "you"


def flagged_task(
    sent: Any, message: Message, people: dict[str, str | None], min_words: int = 3, replier: Message | None = None
) -> Task:
    """The task of a sentence the learned classifier calls an action item.

    The text is the task phrase of its main verb (the sentence itself when that is too
    short, e.g. "Marketing, the user requirement specification."); the owner is the
    addressee (a mention, a vocative, a sentence that is only a name), a named subject
    ("the Marketing Expert will ..."), the author for "I", everyone for "we" / "you guys",
    and for a plain "you" the ``replier``: who answers next.
    """
    raw = sent.text.strip()
    due = _due(sent)
    named = sentence_mentions(sent, people)
    called = vocative(sent, people)
    cut = [span for _, span in named]
    cut += ([called[1]] if called else []) + ([due[1]] if due else [])
    verb = _main_verb(sent)
    text = ""
    if verb is not None and verb.tag_ not in {"VBD", "VBN"}:
        text = coordinated_task(verb, cut, message.author) or task_phrase(_content_verb(verb), cut)
    if len(text.split()) < min_words:
        text = raw
    owner: Addressee | None = None
    if len(named) == 1:
        owner = named[0][0] if named[0][0].user_id else resolve(named[0][0].name, people)
    elif called is not None:
        owner = resolve(called[0], people)
    elif verb is not None and (subject := named_subject(verb, people)) is not None:
        owner = resolve(subject, people)
    elif verb is not None and getattr(_subject(verb), "lower_", None) == "i":
        owner = Addressee(message.author or "", message.author_id) if message.author else None
    elif verb is not None and group_subject(verb):
        owner = Addressee(GROUP_OWNER)
    elif (fragment := name_fragment(sent)) is not None:
        owner = resolve(fragment, people)
    elif replier is not None and addressed_to_you(sent):
        owner = Addressee(replier.author or "", replier.author_id) if replier.author else None
    return Task(text, owner.name if owner else None, owner.user_id if owner else None, due[0] if due else None)


def accept_open_ask(
    statements: list[ThreadStatement], messages: Sequence[Message], acceptance: ThreadStatement
) -> None:
    """Give the latest open ask from someone else to the author of an acceptance (in place)."""
    index = acceptance.message_index
    message = messages[index]
    for k in range(len(statements) - 1, -1, -1):
        ask = statements[k]
        if ask.kind != "ask" or index - ask.message_index > _ACCEPT_WINDOW:
            continue
        asker = messages[ask.message_index]
        if ask.message_index == index or (asker.author, asker.author_id) == (message.author, message.author_id):
            continue
        if ask.owner is None or same_person(ask.owner, message):
            due = ask.due or acceptance.due
            # every task of the same ask sentence goes to the acceptor
            for j in range(len(statements)):
                other = statements[j]
                if other.kind == "ask" and other.text == ask.text and other.message_index == ask.message_index:
                    statements[j] = replace(
                        other, owner=message.author or other.owner, owner_id=message.author_id,
                        due=other.due or due, declined=False,
                    )
            return


def due_fragment(sent: Any) -> str | None:
    """The due phrase of a sentence that says nothing else ("By tomorrow.", "by Thursday?",
    "ideally before the demo"): a date given to the task just asked or taken on."""
    due = _due(sent)
    if due is None:
        return None
    start, end = due[1]
    rest = [t for t in sent if not (t.is_punct or t.is_space) and not start <= t.idx < end]
    return due[0] if len(rest) <= _FRAGMENT_WORDS and all(t.pos_ in _FRAGMENT_POS for t in rest) else None


def attach_due(statements: list[ThreadStatement], messages: Sequence[Message], index: int, due: str) -> None:
    """Give ``due`` to the latest task without one, asked or taken on by the fragment's author or
    asked of them, in the last few messages (in place)."""
    speaker = messages[index]
    for k in range(len(statements) - 1, -1, -1):
        task = statements[k]
        if index - task.message_index > _ACCEPT_WINDOW:
            return
        if task.kind == "decision" or not task.action:
            continue
        said = messages[task.message_index]
        asked_by_speaker = (said.author, said.author_id) == (speaker.author, speaker.author_id)
        if not asked_by_speaker and not same_person(task.owner, speaker):
            continue
        if task.due is None:
            for j in range(len(statements)):  # every task of that sentence
                other = statements[j]
                if other.order == task.order and other.action and other.due is None:
                    statements[j] = replace(other, due=due)
        return


def drop_declined(statements: list[ThreadStatement], messages: Sequence[Message], index: int) -> None:
    """Take the latest ask to the author of a refusal ("sorry, can't this week") off them: it is
    open again, for whoever accepts it or is handed it next (in place)."""
    author = messages[index]
    for k in range(len(statements) - 1, -1, -1):
        ask = statements[k]
        if index - ask.message_index > _ACCEPT_WINDOW:
            return
        if ask.kind == "ask" and ask.message_index < index and same_person(ask.owner, author):
            for j in range(len(statements)):
                if statements[j].kind == "ask" and statements[j].order == ask.order:
                    statements[j] = replace(statements[j], owner=None, owner_id=None, declined=True)
            return


def reassignment(sent: Any, people: dict[str, str | None]) -> Addressee | None:
    """Who a sentence hands the task just discussed to: "actually Mia will do it", "Mia can take
    this one", "Mia, can you take it over?"."""
    for verb in sent:
        if verb.pos_ != "VERB" or not (_task_object_is_anaphoric(verb) or _takes_over(verb)):
            continue
        named = named_subject(verb, people)
        if named is not None:
            return resolve(named, people)
        called = vocative(sent, people)
        if called is not None and getattr(_subject(verb), "lower_", None) == "you":
            return resolve(called[0], people)
    return None


def _takes_over(verb: Token) -> bool:
    return verb.lower_ in {"take", "takes"} and any(c.lower_ == "over" for c in verb.children)


def reassign(statements: list[ThreadStatement], index: int, taker: Addressee) -> None:
    """Move the latest task of the last few messages to ``taker`` (in place)."""
    for k in range(len(statements) - 1, -1, -1):
        task = statements[k]
        if index - task.message_index > _ACCEPT_WINDOW:
            return
        if task.kind == "decision" or not task.action:
            continue
        if task.owner == taker.name:
            return
        for j in range(len(statements)):
            if statements[j].order == task.order and statements[j].action:
                statements[j] = replace(statements[j], owner=taker.name, owner_id=taker.user_id, declined=False)
        return


def standup_plan(text: str) -> tuple[str, str | None, int] | None:
    """What a stand-up update says its author does today ("y: ... t: training the staff at 11.
    blockers: none"): the plan without its date, the date, and where the plan starts."""
    if not _STANDUP_LABELS.search(text):
        return None
    match = _TODAY.search(text)
    if match is None:
        return None
    plan = match.group("plan").strip()
    start = match.start("plan")
    plan = _OWN_CLAUSE.split(_SENTENCE_END.split(plan, maxsplit=1)[0], maxsplit=1)[0]
    span = task_due_span(plan)
    due = plan[span[0] : span[1]] if span else None
    if span is not None:
        plan = (plan[: span[0]].rstrip(" ,;") + " " + plan[span[1] :].lstrip(" ,;")).strip()
    plan = _PLAN_FILLERS.sub("", plan).strip(" ,.;:-")
    return (plan, due, start) if _has_content("do " + plan) else None


def classify_thread(messages: Sequence[Message], parsed: Sequence[Any]) -> list[ThreadStatement]:
    """The decision, commitment and ask statements of a thread, in order, by the rules alone.

    Acceptances hand open asks to their authors, a sentence that only names a date gives it to
    the task just asked or taken on, and first names become the one thread participant they name.
    """
    people = participants(messages)
    statements: list[ThreadStatement] = []
    order = 0
    said: list[tuple[int, str]] = []
    for index, (message, doc) in enumerate(zip(messages, parsed, strict=False)):
        answering = next((m.author for m in reversed(messages[:index]) if m.author != message.author), None)
        context = SentenceContext(message, index, people, answering)
        answered = next((i for i, _ in reversed(said) if messages[i].author != message.author), None)
        earlier = [(messages[i].author, text) for i, text in reversed(said) if i == answered]
        first, first_order = len(statements), order
        for sent in doc.sents:
            found = sentence_statements(sent, order, context)
            decided = None if any(s.kind == "decision" for s in found) else accepted_proposal(
                sent.text, earlier, message.author
            )
            if decided is not None:
                accepted = ThreadStatement(
                    "decision", sent.text.strip(), index, order, decided, accepted=True, chat_only=True
                )
                found.insert(0, accepted)
            said.append((index, sent.text.strip()))
            for statement in found:
                if statement.is_acceptance:
                    accept_open_ask(statements, messages, statement)
                statements.append(statement)
            due = due_fragment(sent) if not any(s.action for s in found) else None
            if due is not None:
                attach_due(statements, messages, index, due)
            if not any(s.kind == "commitment" for s in found):
                if _DECLINE.match(sent.text):
                    drop_declined(statements, messages, index)
                elif (taker := reassignment(sent, people)) is not None:
                    reassign(statements, index, taker)
            order += 1
        plan = standup_plan(message.text)
        if plan is not None:
            sent_order = first_order + sum(1 for sent in doc.sents if sent.end_char <= plan[2])
            statements.append(
                ThreadStatement("commitment", plan[0], index, sent_order, plan[0], message.author, message.author_id,
                                plan[1])
            )
        # "agreed. we move the cutover to the 23rd": the message's own decision, not what "agreed"
        # answered; "good idea. but let's see ... first" accepts nothing yet
        own = any(s.kind == "decision" and not s.accepted for s in statements[first:])
        if own or any(_QUALIFIED.match(sent.text) for sent in list(doc.sents)[1:]):
            statements[first:] = [s for s in statements[first:] if not s.accepted]
    return [_with_participant(s, people) for s in statements]


def _with_participant(statement: ThreadStatement, people: dict[str, str | None]) -> ThreadStatement:
    """Expand a first name ("Tom") to the one thread participant it names."""
    if statement.owner is None or statement.owner_id is not None:
        return statement
    found = resolve(statement.owner, people)
    return statement if found is None else replace(statement, owner=found.name, owner_id=found.user_id)
