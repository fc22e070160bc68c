"""Building a person's catch-up from stored messages (data only: reading and posting are elsewhere).

Each channel's messages since a time are split into conversations: its threads, each
message that mentions the person, and the rest of its top-level talk. The ones that may
need the person are summarised first (they were mentioned, then threads they took part
in, then the busiest threads, then the rest), several at once, until a deadline: a catch-up
answers in seconds however much was said, and a thread left unread by then is shown by its
opening words. Every summary gives a one-line gist, its decisions and its action items;
the person's own items make a conversation one that needs them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

from bot.core.documents import document_from_messages
from bot.core.errors import SummariserError
from bot.core.types import Document, Priority, SummaryResult
from bot.slack.catchup.cache import SummaryCache, content_key
from bot.slack.digests.build import snippet
from bot.slack.formats.catchup import LINE_KINDS
from bot.slack.formats.markup import mentioned_user_ids, plain_text
from bot.slack.formats.shapes import to_message
from bot.slack.storage.messages import StoredMessage

logger = logging.getLogger(__name__)

BUSY_REPLIES = 3
"""New replies from which a thread counts as busy."""
FLOW_MIN = 3
"""Top-level messages (outside threads) from which a channel's talk is read for decisions and items."""
FLOW_MAX = 60
"""Newest top-level messages of a channel read as its talk."""
GIST_CHARS = 120

Tier = Literal["mentioned", "took_part", "busy", "flow"]
TIERS: tuple[Tier, ...] = ("mentioned", "took_part", "busy", "flow")
"""Why a conversation is read, most pressing first: the order conversations are summarised in."""
LineKind = Literal["mention", "item", "decision", "thread"]
WEIGHTS: dict[LineKind, float] = {"mention": 100.0, "item": 50.0, "decision": 10.0, "thread": 3.0}
"""How much a line makes its channel come first."""

Permalink = Callable[[str, str, str | None], str | None]
"""``(channel, ts, thread ts or None) -> link``."""


@dataclass(frozen=True)
class Conversation:
    """A thread (parent first), one message that mentions the person, or a channel's other talk."""

    channel_id: str
    ts: str
    """The thread's parent, the message, or the first message of the talk."""
    messages: tuple[StoredMessage, ...]
    tier: Tier
    thread: bool
    new: int
    """Messages posted since the catch-up's start."""


@dataclass(frozen=True)
class Line:
    """One line of a channel's catch-up."""

    kind: LineKind
    text: str
    """Plain text: a gist, an item, a decision or a thread's opening words."""
    link: str | None
    due: str | None = None
    replies: int = 0
    read: bool = True
    """``False``: the conversation was not summarised in time, ``text`` is its opening words."""


@dataclass
class ChannelNews:
    """What a channel has for the person since the start."""

    channel_id: str
    new_messages: int
    lines: list[Line] = field(default_factory=list)

    @property
    def weight(self) -> float:
        """How much the channel needs the person: its lines' weights, then how much was said."""
        return sum(WEIGHTS[line.kind] for line in self.lines) + self.new_messages / 1000


@dataclass
class CatchUp:
    """A person's catch-up: channels with news (most pressing first) and the quiet ones."""

    user_id: str
    since: float
    until: float
    channels: list[ChannelNews]
    """Channels with lines, most pressing first."""
    active: list[ChannelNews]
    """Channels where people talked without anything to show, busiest first."""
    checked: int
    """Channels read: those the person and the bot are both in."""
    unread: int = 0
    """Conversations not summarised in time (shown by their opening words, or not at all)."""


@dataclass(frozen=True)
class Reader:
    """How conversations become summaries: the summariser, names, permalinks and the deadline."""

    summarise: Callable[[Document], SummaryResult]
    names: Callable[[str], str]
    permalink: Permalink
    budget_s: float
    """Seconds the summaries may take in all; what is not done by then is left unread."""
    workers: int = 2
    max_chars: int = 200_000
    cache: SummaryCache | None = None
    """Summaries kept across catch-ups; one finished after the deadline is kept for the next."""


def _mentions(message: StoredMessage, user_id: str) -> bool:
    return message.user_id != user_id and user_id in mentioned_user_ids(message.text)


def _thread_tier(messages: Sequence[StoredMessage], user_id: str, since: float) -> Tier | None:
    new = [m for m in messages if float(m.ts) >= since]
    if any(_mentions(m, user_id) for m in new):
        return "mentioned"
    others = [m for m in new if m.user_id != user_id]
    if others and any(m.user_id == user_id for m in messages):
        return "took_part"
    replies = [m for m in new if m.thread_ts]
    return "busy" if len(replies) >= BUSY_REPLIES else None


def conversations(channel_id: str, messages: Iterable[StoredMessage], user_id: str, since: float) -> list[Conversation]:
    """The conversations of a channel worth reading for ``user_id``, most pressing first.

    ``messages`` are the stored ones since ``since``, with the parents of threads that had
    replies since then (:meth:`~bot.slack.storage.messages.Store.messages_between`).
    """
    ordered = sorted(messages, key=lambda m: float(m.ts))
    threads: dict[str, list[StoredMessage]] = {}
    for message in ordered:
        if message.thread_ts:
            threads.setdefault(message.thread_ts, []).append(message)
    found: list[Conversation] = []
    flow: list[StoredMessage] = []
    for message in ordered:
        if message.thread_ts or float(message.ts) < since:
            continue
        if message.ts in threads:
            continue
        if _mentions(message, user_id):
            found.append(Conversation(channel_id, message.ts, (message,), "mentioned", False, 1))
        else:
            flow.append(message)
    by_ts = {m.ts: m for m in ordered}
    for parent_ts, replies in threads.items():
        parent = [by_ts[parent_ts]] if parent_ts in by_ts else []
        thread = (*parent, *replies)
        tier = _thread_tier(thread, user_id, since)
        if tier is not None:
            new = sum(1 for m in thread if float(m.ts) >= since)
            found.append(Conversation(channel_id, parent_ts, thread, tier, True, new))
    if len(flow) >= FLOW_MIN:
        talk = tuple(flow[-FLOW_MAX:])
        found.append(Conversation(channel_id, talk[0].ts, talk, "flow", False, len(flow)))
    found.sort(key=lambda c: (TIERS.index(c.tier), -c.new, float(c.ts)))
    return found


def _document(conversation: Conversation, names: Callable[[str], str], max_chars: int) -> Document:
    thread = [
        to_message(m.text, names, names(m.user_id) if m.user_id else None, m.ts, m.user_id)
        for m in conversation.messages
    ]
    return document_from_messages(
        thread, source=f"conversation {conversation.ts} in {conversation.channel_id}", max_chars=max_chars
    )


def _summarise(conversation: Conversation, reader: Reader) -> SummaryResult:
    return reader.summarise(_document(conversation, reader.names, reader.max_chars))


def summarise_in_time(conversations: Sequence[Conversation], reader: Reader) -> dict[int, SummaryResult]:
    """Summaries of ``conversations`` (by index) finished within ``reader.budget_s``, started in order.

    Summaries in ``reader.cache`` (done, or under way for another catch-up) are used; those not
    started by the deadline are cancelled, those running then finish into the cache. One that
    fails is left out (logged).
    """
    if not conversations:
        return {}
    deadline = time.monotonic() + reader.budget_s
    pool = ThreadPoolExecutor(max_workers=max(1, reader.workers), thread_name_prefix="catchup")
    futures: dict[Future[SummaryResult], int] = {}
    for index, conversation in enumerate(conversations):
        start = partial(pool.submit, _summarise, conversation, reader)
        if reader.cache is None:
            futures[start()] = index
        else:
            futures[reader.cache.future(content_key(conversation.channel_id, conversation.messages), start)] = index
    done, _pending = wait(futures, timeout=max(0.0, deadline - time.monotonic()))
    pool.shutdown(wait=False, cancel_futures=True)
    results: dict[int, SummaryResult] = {}
    for future in done:
        index = futures[future]
        try:
            results[index] = future.result()
        except SummariserError as exc:
            logger.info("catch-up: %s not summarised: %s", conversations[index].ts, exc)
        except Exception:  # one conversation must not cost the person their catch-up
            logger.exception("catch-up: summarising %s failed", conversations[index].ts)
    return results


def _gist(conversation: Conversation, result: SummaryResult | None, names: Callable[[str], str]) -> tuple[str, bool]:
    """A one-line gist and whether it was read: the summary's first sentence, else the opening words."""
    sentence = next((s.strip() for s in result.summary if s.strip()), "") if result is not None else ""
    if sentence:
        return snippet(sentence, GIST_CHARS) or sentence, True
    opening = plain_text(conversation.messages[0].text, names)
    return snippet(opening, GIST_CHARS) or "…", result is not None


def _owned(priority: Priority, user_id: str, name: str) -> bool:
    """Whether the person owns the item: by id, or, when the owner is no participant of the
    conversation (no id), by their full name or first name ("Tom, can you …")."""
    if priority.owner_id is not None:
        return priority.owner_id == user_id
    owner = (priority.owner or "").lstrip("@").strip().lower()
    full = name.strip().lower()
    return bool(owner) and full != user_id.lower() and owner in {full, full.split()[0]}


def _items(result: SummaryResult, user_id: str, name: str, since: float) -> list[Priority]:
    """The person's own action items, from messages posted since ``since``."""
    return [p for p in result.priorities if _owned(p, user_id, name) and (p.ts is None or float(p.ts) >= since)]


def _conversation_lines(
    conversation: Conversation, result: SummaryResult | None, user_id: str, since: float, reader: Reader
) -> list[Line]:
    channel = conversation.channel_id
    thread_ts = conversation.ts if conversation.thread else None
    link = reader.permalink(channel, conversation.ts, None)
    items = _items(result, user_id, reader.names(user_id), since) if result is not None else []
    lines = [
        Line("item", p.text, reader.permalink(channel, p.ts, thread_ts) if p.ts else link, due=p.due) for p in items
    ]
    decided_at = link if conversation.thread or conversation.tier == "mentioned" else None
    lines += [Line("decision", d, decided_at) for d in (result.decisions if result is not None else [])]
    if conversation.tier == "flow":
        return lines
    text, read = _gist(conversation, result, reader.names)
    replies = sum(1 for m in conversation.messages if m.thread_ts and float(m.ts) >= since)
    needs = conversation.tier == "mentioned" or bool(items)
    lines.append(Line("mention" if needs else "thread", text, link, replies=replies, read=read))
    return lines


def channel_news(
    channel_id: str, messages: Sequence[StoredMessage], found: Sequence[Conversation],
    results: dict[int, SummaryResult], user_id: str, since: float, reader: Reader,
) -> ChannelNews:
    """A channel's lines from its conversations (``found``; ``results`` their summaries by index)."""
    news = ChannelNews(channel_id, sum(1 for m in messages if float(m.ts) >= since))
    seen: set[str] = set()
    for index, conversation in enumerate(found):
        for line in _conversation_lines(conversation, results.get(index), user_id, since, reader):
            key = f"{line.kind}:{line.text.lower()}"
            if key not in seen:
                seen.add(key)
                news.lines.append(line)
    news.lines.sort(key=lambda line: LINE_KINDS.index(line.kind))  # stable: reading order within a kind
    return news


def build_catch_up(
    user_id: str, since: float, until: float, stored: dict[str, list[StoredMessage]], reader: Reader
) -> CatchUp:
    """The catch-up of ``user_id`` over ``stored`` (each channel's messages since ``since``)."""
    per_channel = {channel: conversations(channel, messages, user_id, since) for channel, messages in stored.items()}
    # One queue across channels, most pressing first, so the deadline cuts the least needed.
    queue = sorted(
        ((channel, index, c) for channel, found in per_channel.items() for index, c in enumerate(found)),
        key=lambda entry: (TIERS.index(entry[2].tier), -entry[2].new, float(entry[2].ts)),
    )
    done = summarise_in_time([c for _channel, _index, c in queue], reader)
    results: dict[str, dict[int, SummaryResult]] = {channel: {} for channel in stored}
    for position, (channel, index, _c) in enumerate(queue):
        if position in done:
            results[channel][index] = done[position]
    news = [
        channel_news(channel, stored[channel], per_channel[channel], results[channel], user_id, since, reader)
        for channel in stored
    ]
    with_lines = sorted((n for n in news if n.lines), key=lambda n: (-n.weight, n.channel_id))
    active = sorted((n for n in news if not n.lines and n.new_messages), key=lambda n: (-n.new_messages, n.channel_id))
    return CatchUp(user_id, since, until, with_lines, active, len(stored), unread=len(queue) - len(done))
