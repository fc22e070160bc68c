"""Action items and decisions that a thread message lays out as notes ("Action items:" and a list).

The thread analysis calls :func:`with_listed_items` on what its chat rules found: where a
message carries such a list, the list's items (owners and due dates from its layout, the
message's author as the owner of "I" and "me") replace what the rules read from that message.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.notes.reader import Notes, read_notes
from bot.core.types import Message, Priority


def listed_notes(messages: Sequence[Message]) -> list[tuple[int, Notes]]:
    """``(index, notes)`` of each message whose layout announces action items or decisions."""
    authors = list(dict.fromkeys(m.author for m in messages if m.author))
    found: list[tuple[int, Notes]] = []
    for index, message in enumerate(messages):
        if "\n" not in message.text:
            continue
        people = [*authors, *(name for name, _ in message.mentions)]
        notes = read_notes(message.text, people=people, author=message.author)
        if notes.structured and (notes.actions or notes.decisions):
            found.append((index, notes))
    return found


def _owner_id(owner: str | None, message: Message, messages: Sequence[Message]) -> str | None:
    """A real Slack id for the owner: the one ``message``'s mention of that name has, else a
    thread author's of that name."""
    if not owner:
        return None
    if (mentioned := message.mention_id(owner)) is not None:
        return mentioned
    low = owner.lower()
    for message in messages:
        author = (message.author or "").lower()
        if message.author_id and author and (author == low or author.split()[0] == low):
            return message.author_id
    return None


def _inside(text: str, source: str) -> bool:
    return bool(text) and text.lower() in source.lower()


def with_listed_items(
    messages: Sequence[Message], actions: Sequence[Priority], decisions: Sequence[str]
) -> tuple[list[Priority], list[str]]:
    """``actions`` and ``decisions`` with the items of messages that lay them out as notes first,
    and without what the rules read from those messages."""
    listed = listed_notes(messages)
    if not listed:
        return list(actions), list(decisions)
    sources = [messages[index] for index, _ in listed]
    own_actions: list[Priority] = []
    own_decisions: list[str] = []
    for index, notes in listed:
        message = messages[index]
        for item in notes.actions:
            owner_id = _owner_id(item.owner, message, messages)
            own_actions.append(Priority(item.text, item.owner, item.due, message.ts, owner_id))
        own_decisions += notes.decisions

    def from_lists(action: Priority) -> bool:
        return any((m.ts is not None and action.ts == m.ts) or _inside(action.text, m.text) for m in sources)

    kept_actions = [a for a in actions if not from_lists(a)]
    kept_decisions = [d for d in decisions if not any(_inside(d, m.text) for m in sources)]
    return own_actions + kept_actions, list(dict.fromkeys(own_decisions + kept_decisions))
