"""Who a chat sentence is addressed to: mentions, vocatives, broadcasts, the bot itself.

Owner ids come only from where they are real: the id of a mention the adapters resolved
(``Message.mentions``: Slack's ``<@U123>`` arrives as "@Name" with the id beside), or the
``author_id`` of a thread participant whose name the sentence uses. A name alone never makes
up an id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.spacy_types import Token
from bot.core.types import Message

_MENTION = re.compile(r"(?<!\w)@([\w][\w.'-]*)")
_BROADCAST = re.compile(r"(?<!\w)@(?:channel|here|everyone)\b", re.I)
_NOT_NAMES = frozenset(
    "ok okay so well right yes yeah yep no nope sure thanks thank hi hey hello morning all folks guys team "
    "everyone anyway also and but then great cool nice agreed fine alright good sorry please honestly".split()
)
_ROLE_WORDS = frozenset({"NOUN", "PROPN"})
_FILLERS = frozenset({"uh", "um", "er", "erm", "and", "so", "then", "also", "now"})


@dataclass(frozen=True)
class Addressee:
    """Someone a sentence speaks to, as written, with the Slack id when one is real."""

    name: str
    user_id: str | None = None


def is_broadcast(text: str) -> bool:
    """``@channel``, ``@here`` or ``@everyone``."""
    return bool(_BROADCAST.search(text))


def participants(messages: Sequence[Message]) -> dict[str, str | None]:
    """Thread authors and the people their messages mention, name -> Slack id (``None`` when unknown)."""
    found: dict[str, str | None] = {}
    for message in messages:
        for name, user_id in [(message.author, message.author_id), *message.mentions]:
            if name and found.get(name) is None:
                found[name] = user_id
    return found


def mentions(text: str, people: dict[str, str | None]) -> list[tuple[Addressee, tuple[int, int]]]:
    """``@Name`` mentions in ``text`` with their character ranges, in order.

    A mention takes the longest participant name that follows the ``@`` (so "@Lisa Berg" is
    one mention), else the word after it; broadcasts are not mentions.
    """
    found: list[tuple[Addressee, tuple[int, int]]] = []
    for match in _MENTION.finditer(text):
        if _BROADCAST.match(text, match.start()):
            continue
        rest = text[match.start() + 1 :]
        name = next(
            (p for p in sorted(people, key=len, reverse=True) if rest.lower().startswith(p.lower())
             and not rest[len(p) : len(p) + 1].isalnum()),
            None,
        )
        if name is not None:
            end = match.start() + 1 + len(name)
            found.append((Addressee(name, people.get(name)), (match.start(), end)))
        else:
            found.append((Addressee(match.group(1)), match.span()))
    return found


def vocative(sent: Any, people: dict[str, str | None] | None = None) -> tuple[str, tuple[int, int]] | None:
    """A name the sentence opens or closes with: "Tom, can you ...", "Marketing, the spec",
    "... by Friday, Tom?" (the name as written and its character range).

    A participant's name counts whatever the tagger made of it ("Bea" as an adverb).
    """
    tokens = [t for t in sent if not t.is_space]
    while tokens and _BROADCAST.fullmatch(tokens[0].text):  # "@here Bo, ...": Bo is addressed
        tokens = tokens[1:]
    lead: list[Token] = []
    for token in tokens[:4]:
        if token.text == ",":
            break
        lead.append(token)
    else:
        lead = []
    if lead and len(lead) < len(tokens) and (_is_name(lead) or _is_participant(lead, people or {})):
        return _span_text(lead)
    if len(tokens) >= 3 and tokens[-1].is_punct and tokens[-2].pos_ == "PROPN" and tokens[-3].text == ",":
        return _span_text([tokens[-2]])
    return None


def _is_name(tokens: Sequence[Token]) -> bool:
    if not tokens or tokens[0].lower_ in _NOT_NAMES:
        return False
    return all(t.text[:1].isupper() and t.pos_ in _ROLE_WORDS and t.lower_ not in _NOT_NAMES for t in tokens)


GROUP_SUBJECTS = frozenset({"we", "us", "everyone", "everybody", "all", "guys", "team"})
GROUP_OWNER = "everyone"
"""Owner shown for a task the whole group takes on ("we'll each complete the questionnaire")."""


def named_subject(verb: Token, people: dict[str, str | None]) -> str | None:
    """The subject of ``verb`` when it names someone: a participant ("Sam will ..."), or a
    capitalised name or role not merely capitalised as the first word ("the Marketing
    Expert will ...")."""
    subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None or subject.pos_ == "PRON":
        return None
    tokens = [t for t in subject.subtree if not t.is_punct and t.dep_ != "det"]
    if not tokens or len(tokens) > 5:
        return None
    if _is_participant(tokens, people) or _is_participant(tokens[:1], people):
        return " ".join(t.text for t in tokens)
    # Spoken subjects carry fillers ("the Marketing uh Expert"): the capitalised words name it.
    sentence_start = tokens[0].sent.start
    capitalised = [t for t in tokens if t.text[:1].isupper() and t.pos_ in _ROLE_WORDS and t.i != sentence_start]
    if not capitalised or capitalised[-1] != subject:
        return None
    return " ".join(t.text for t in capitalised)


def name_fragment(sent: Any) -> str | None:
    """A sentence that is only a name or role ("The Industrial Designer," / "Marketing
    Expert."), as said when handing out tasks in turn."""
    tokens = [t for t in sent if not (t.is_punct or t.is_space) and t.dep_ != "det" and t.lower_ not in _FILLERS]
    if not 0 < len(tokens) <= 4 or any(t.pos_ in {"VERB", "AUX"} for t in sent):
        return None
    if all(t.text[:1].isupper() and t.pos_ in _ROLE_WORDS and t.lower_ not in _NOT_NAMES for t in tokens):
        return " ".join(t.text for t in tokens)
    return None


def group_subject(verb: Token) -> bool:
    """Whether ``verb``'s subject is the group ("we", "everyone", "you guys", "you two")."""
    subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None:
        return False
    if subject.lower_ in GROUP_SUBJECTS:
        return True
    return subject.lower_ == "you" and any(c.lower_ in {"guys", "all", "two", "both"} for c in subject.children)


def _is_participant(tokens: Sequence[Token], people: dict[str, str | None]) -> bool:
    said = " ".join(t.text for t in tokens).lower()
    return any(said in {p.lower(), p.split()[0].lower()} for p in people)


def _span_text(tokens: Sequence[Token]) -> tuple[str, tuple[int, int]]:
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return tokens[0].doc.text[start:end], (start, end)


def resolve(name: str | None, people: dict[str, str | None]) -> Addressee | None:
    """The one participant a name (or first name, or handle) stands for, else the name as written."""
    if not name:
        return None
    key = name.lower().lstrip("@")
    matches = [
        (person, uid) for person, uid in people.items()
        if key in {person.lower(), person.split()[0].lower()} or (uid is not None and key == uid.lower())
    ]
    if len({m[0] for m in matches}) == 1:
        return Addressee(matches[0][0], matches[0][1])
    return Addressee(name.lstrip("@"))


def same_person(name: str | None, message: Message) -> bool:
    """Whether ``name`` (a full name, first name, handle or id) is the author of ``message``."""
    if not name or not message.author:
        return False
    key = name.lower().lstrip("@")
    candidates = {message.author.lower(), message.author.split()[0].lower()}
    if message.author_id:
        candidates.add(message.author_id.lower())
    return key in candidates
