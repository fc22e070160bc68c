"""Reading Slack: threads, channel history, user names and permalinks (Web API adapter).

Everything goes through the ``slack_sdk.WebClient`` passed in. Slack limits
``conversations.history``/``conversations.replies`` for non-Marketplace apps to about one
call a minute, so the bot builds digests from its own store and reads history only to
fill a gap; 429 answers are retried by the client's ``RateLimitErrorRetryHandler``
(give it a ``max_retry_count`` large enough for the pages a backfill needs).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.types import Message
from bot.slack.formats.shapes import is_human_message, message_text, to_message
from bot.slack.storage.messages import ReadWindow, SlackMessage, Store

logger = logging.getLogger(__name__)

PAGE_SIZE = 200
"""Messages asked per page; Slack may return fewer (15 for rate-limited apps)."""
MEMBERS_PAGE = 1000
"""Members per ``conversations.members`` page (Slack's largest)."""

THREAD_BUDGET = 1000
"""Messages of one thread the bot reads at most: all of a shorter thread; of a longer one the
parent and the newest ``THREAD_BUDGET - 1`` replies (where a thread ends up matters most)."""
CHANNEL_BUDGET = 2000
"""Messages of a channel (thread replies included) a recap or back-fill reads at most, newest first."""
_TAIL_WINDOWS = 6
"""Windows read at most, going back from a long thread's latest reply."""
_MARGIN = 1.1
_PACE_SAMPLE = 100
"""Replies whose pace sizes the next tail window."""
"""How much wider than estimated a tail window is read, so that one window usually suffices."""


def pages(call: Callable[..., Any], **params: Any) -> Iterator[list[dict[str, Any]]]:
    """Yield the ``messages`` of each page of a cursor-paginated Web API method."""
    for page, _more in _pages_with_more(call, **params):
        yield page


def _pages_with_more(call: Callable[..., Any], **params: Any) -> Iterator[tuple[list[dict[str, Any]], bool]]:
    """Like :func:`pages`, with whether Slack has more pages after each one."""
    cursor: str | None = None
    while True:
        response = call(**params, cursor=cursor) if cursor else call(**params)
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        more = bool(cursor) and bool(response.get("has_more", True))
        yield list(response.get("messages") or []), more
        if not more:
            return


@dataclass(frozen=True)
class ThreadRead:
    """What was read of a thread: its parent first, then replies, oldest first."""

    messages: list[dict[str, Any]]
    total: int
    """Messages in the thread as Slack counts them (the parent and its ``reply_count``)."""

    @property
    def complete(self) -> bool:
        """Whether every message of the thread was read."""
        return len(self.messages) >= self.total


@dataclass(frozen=True)
class HistoryRead:
    """What was read of a channel's window, oldest first, and how much of it."""

    messages: list[dict[str, Any]]
    complete: bool
    """Whether every message of the window (thread replies included) was read."""
    top_level_from: float
    """Top-level messages were read whole from here to the window's end."""
    threads: frozenset[str]
    """Top-level messages whose replies in the window were read whole (none, for a message
    Slack shows without replies)."""


def _ts(message: dict[str, Any]) -> float:
    return float(message.get("ts") or 0)


def _tail(
    client: WebClient, channel: str, parent: dict[str, Any], after: float, left: int, want: int
) -> tuple[list[dict[str, Any]], bool]:
    """The newest ``want`` replies of a long thread posted after ``after``, read from its end.

    ``left`` replies follow ``after``. A window ending at the latest reply is read, as wide as
    ``want`` replies take at the thread's mean pace plus a margin; while it holds fewer than
    ``want`` and more of the thread lies before it, the window before it is read
    (:func:`_next_width`; at most ``_TAIL_WINDOWS`` windows). A
    long thread costs about ``want / PAGE_SIZE`` calls. Returns the replies, oldest first, and
    whether everything after ``after`` was read.
    """
    latest = float(parent["latest_reply"])
    width = max((latest - after) * want / max(left, want) * _MARGIN, 1.0)
    found: dict[str, dict[str, Any]] = {}
    upper = latest
    for _ in range(_TAIL_WINDOWS):
        lower = max(upper - width, after)
        window: deque[dict[str, Any]] = deque(maxlen=want - len(found))
        params: dict[str, Any] = {
            "channel": channel, "ts": parent["ts"], "oldest": f"{lower:.6f}", "latest": f"{upper:.6f}",
            "inclusive": True, "limit": PAGE_SIZE,
        }
        for page in pages(client.conversations_replies, **params):
            window.extend(m for m in page if m.get("ts") != parent["ts"] and m.get("ts") not in found)
        found.update((str(m["ts"]), m) for m in window)
        if len(found) >= want or lower <= after:
            return sorted(found.values(), key=_ts), lower <= after and len(found) < want
        width = _next_width(sorted(found.values(), key=_ts), want - len(found), width)
        upper = lower
    return sorted(found.values(), key=_ts), False


def _next_width(found: list[dict[str, Any]], missing: int, width: float) -> float:
    """How far back the next tail window reaches for ``missing`` replies: at the pace of the
    oldest replies found (a quiet spell, or a late bot reply, near the end does not count),
    or twice the last width when too few were found to tell."""
    oldest = found[:_PACE_SAMPLE]
    if len(oldest) < 2 or _ts(oldest[-1]) <= _ts(oldest[0]):
        return width * 2
    rate = (len(oldest) - 1) / (_ts(oldest[-1]) - _ts(oldest[0]))
    return max(missing / rate * _MARGIN, 1.0)


def fetch_thread(client: WebClient, channel: str, thread_ts: str, budget: int = THREAD_BUDGET) -> ThreadRead:
    """A thread, oldest first: all of it, or the parent and its newest ``budget - 1`` replies.

    The first page gives the parent, its reply count and its latest reply; a thread longer
    than ``budget`` is then read from its end (:func:`_tail`), so the replies left out are
    the ones in between. Raises ``SlackApiError`` (e.g. ``not_in_channel``, ``thread_not_found``).
    """
    budget = max(budget, 2)
    want = budget - 1
    thread_pages = _pages_with_more(
        client.conversations_replies, channel=channel, ts=thread_ts, limit=min(budget, PAGE_SIZE)
    )
    first, more = next(thread_pages)
    parent = first[0] if first and first[0].get("ts") == thread_ts else None
    if parent is None:  # never seen from Slack: the thread as it comes, at most ``budget``
        return ThreadRead(first[:budget], len(first) + (1 if more else 0))
    total = int(parent.get("reply_count") or 0) + 1
    if more and total > budget and parent.get("latest_reply"):
        replies, reached = _tail(client, channel, parent, _ts(first[-1]), total - len(first), want)
        if reached:  # the tail met the first page: it continues it
            seen = {m["ts"] for m in replies}
            replies = sorted([m for m in first[1:] if m["ts"] not in seen] + replies, key=_ts)[-want:]
        return ThreadRead([parent, *replies], total)
    # Short (or uncounted) thread: read on, keeping the newest replies should it be longer.
    tail: deque[dict[str, Any]] = deque(first[1:], maxlen=want)
    seen_count = len(first)
    while more:
        page, more = next(thread_pages)
        tail.extend(page)
        seen_count += len(page)
    return ThreadRead([parent, *tail], max(total, seen_count))


def fetch_history(
    client: WebClient,
    channel: str,
    oldest: float,
    latest: float,
    include_threads: bool = True,
    max_messages: int = CHANNEL_BUDGET,
) -> HistoryRead:
    """Channel messages posted in ``[oldest, latest]``, oldest first, with thread replies.

    Top-level messages are read newest first, so a window holding more than
    ``max_messages`` keeps its newest; replies are read for each parent that has any (one
    ``conversations.replies`` per thread, newest threads first), and only those posted
    within the window are kept. Raises ``SlackApiError``.
    """
    top: list[dict[str, Any]] = []
    complete = True
    for page, more in _pages_with_more(
        client.conversations_history,
        channel=channel,
        oldest=f"{oldest:.6f}",
        latest=f"{latest:.6f}",
        inclusive=True,
        limit=min(max_messages, PAGE_SIZE),
    ):
        top.extend(page)
        if len(top) >= max_messages:
            complete = complete and not more and len(top) == max_messages
            break
    top = top[:max_messages]
    top_level_from = oldest if complete else min((_ts(m) for m in top), default=latest)
    collected = list(top)
    threads: set[str] = set()
    for message in top:  # a message Slack shows without replies has none left to keep
        if not message.get("reply_count") and message.get("thread_ts") in (None, message.get("ts")):
            threads.add(str(message["ts"]))
    if include_threads:
        for parent in top:
            if not parent.get("reply_count") or parent.get("thread_ts") != parent.get("ts"):
                continue
            room = max_messages - len(collected)
            if room <= 0:
                complete = False
                break
            thread = fetch_thread(client, channel, parent["ts"], budget=room + 1)
            replies = [
                r for r in thread.messages
                if r.get("ts") != parent["ts"] and oldest <= _ts(r) <= latest
            ]
            collected.extend(replies)
            if thread.complete:
                threads.add(str(parent["ts"]))
            else:
                complete = False
    collected.sort(key=_ts)
    return HistoryRead(collected, complete, top_level_from, frozenset(threads))


def backfill(
    client: WebClient,
    store: Store,
    channel: str,
    oldest: float,
    latest: float,
    max_messages: int = CHANNEL_BUDGET,
    include_threads: bool = True,
) -> int:
    """Make the store's ``[oldest, latest]`` of a channel what Slack shows now.

    Only what people wrote is kept. Messages read replace older stored states (an edit the
    bot missed) and stored messages of the part read that Slack no longer returns (deleted
    meanwhile) are dropped. Each page and each thread is one rate-limited call (about one a
    minute for non-Marketplace apps), so ``include_threads=False`` or a small
    ``max_messages`` keep a back-fill short. Returns the number of messages read; raises
    ``SlackApiError`` when the history cannot be read.
    """
    read_at = time.time()
    read = fetch_history(
        client, channel, oldest, latest, include_threads=include_threads, max_messages=max_messages
    )
    people = [
        SlackMessage(str(raw["ts"]), message_text(raw), raw.get("user"), raw.get("thread_ts"))
        for raw in read.messages
        if is_human_message(raw)
    ]
    window = ReadWindow(oldest, latest, read.top_level_from, read.threads)
    stored, dropped = store.replace_window(channel, people, window, read_at=min(read_at, latest))
    logger.info("Backfilled %s: %d message(s) read, %d stored, %d dropped", channel, len(people), stored, dropped)
    return len(people)


def is_member(client: WebClient, channel: str) -> bool:
    """Whether the bot is still in the conversation (``conversations.info``).

    ``False`` when Slack says the bot is not a member, the conversation is archived, or
    Slack no longer shows it to the bot; ``True`` when Slack will not say (a missing scope,
    a DM without ``im:read``), so an unanswerable check never hides a conversation.
    """
    try:
        info = client.conversations_info(channel=channel)
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error in {"channel_not_found", "not_in_channel", "is_archived"}:
            return False
        logger.warning("could not check membership of %s: %s", channel, error)
        return True
    conversation = info.get("channel") or {}
    if conversation.get("is_archived"):
        return False
    return conversation.get("is_member") is not False


CHANNEL_TYPES = "public_channel,private_channel"
"""The conversations a membership list names: channels, never DMs or group DMs."""


def member_channels(client: WebClient, user: str | None = None) -> frozenset[str]:
    """Ids of the unarchived public and private channels ``user`` is in (``users.conversations``);
    without ``user``, the bot's own. A bot token sees only the private channels the bot is in."""
    params: dict[str, Any] = {"types": CHANNEL_TYPES, "exclude_archived": True, "limit": PAGE_SIZE}
    if user:
        params["user"] = user
    found: set[str] = set()
    while True:
        response = client.users_conversations(**params)
        found.update(str(c["id"]) for c in response.get("channels") or () if c.get("id"))
        params["cursor"] = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not params["cursor"]:
            return frozenset(found)


def has_member(client: WebClient, channel: str, user: str) -> bool:
    """Whether ``user`` is in the conversation (``conversations.members``, every page).

    Fails closed: when Slack will not list the members, the person is not taken for one.
    """
    cursor: str | None = None
    try:
        while True:
            response = client.conversations_members(channel=channel, limit=MEMBERS_PAGE, cursor=cursor)
            if user in (response.get("members") or []):
                return True
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return False
    except SlackApiError as exc:
        logger.info("could not list the members of %s: %s", channel, exc.response.get("error"))
        return False


def permalink(client: WebClient, channel: str, ts: str) -> str | None:
    """The message's permalink, or ``None`` when Slack will not give one."""
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except SlackApiError as exc:
        logger.warning("No permalink for %s/%s: %s", channel, ts, exc.response.get("error"))
        return None


def permalinks(client: WebClient) -> Callable[[str, str, str | None], str | None]:
    """``(channel, ts, thread ts) -> link`` built from the workspace's URL (one ``auth.test``),
    so many links cost no call each; :func:`permalink` per message when Slack gives no URL."""
    try:
        base = str(client.auth_test().get("url") or "")
    except SlackApiError as exc:
        logger.warning("auth.test failed, asking Slack for each permalink: %s", exc.response.get("error"))
        base = ""

    def link(channel: str, ts: str, thread_ts: str | None) -> str | None:
        if not base.startswith("https://"):
            return permalink(client, channel, ts)
        url = f"{base.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"
        return url + f"?thread_ts={thread_ts}&cid={channel}" if thread_ts and thread_ts != ts else url

    return link


class UserDirectory:
    """User names and time zones from ``users.info``, cached for ``ttl_s`` seconds.

    A failed lookup falls back to the user id and is retried after ``error_ttl_s``.
    """

    def __init__(
        self,
        client: WebClient,
        ttl_s: float = 3600.0,
        error_ttl_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl_s = ttl_s
        self.error_ttl_s = error_ttl_s
        self.clock = clock
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}  # id -> (expires, user)
        self._lock = threading.Lock()

    def _user(self, user_id: str) -> dict[str, Any]:
        # One lock around the lookup so concurrent callers trigger a single users.info call.
        with self._lock:
            hit = self._cache.get(user_id)
            if hit and self.clock() < hit[0]:
                return hit[1]
            try:
                user = dict(self.client.users_info(user=user_id)["user"])
                ttl = self.ttl_s
            except SlackApiError as exc:
                logger.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
                user, ttl = {}, self.error_ttl_s
            self._cache[user_id] = (self.clock() + ttl, user)
            return user

    def name(self, user_id: str) -> str:
        """The user's real name, else display name or handle, else the id itself."""
        user = self._user(user_id)
        profile = user.get("profile") or {}
        for candidate in (
            user.get("real_name"),
            profile.get("real_name"),
            profile.get("display_name"),
            user.get("name"),
        ):
            if candidate:
                return str(candidate)
        return user_id

    def tz(self, user_id: str) -> str:
        """The user's IANA time zone, ``"UTC"`` when unknown."""
        return str(self._user(user_id).get("tz") or "UTC")

    def names(self, user_ids: list[str] | set[str]) -> dict[str, str]:
        """``{user id: name}`` for several users (for rendering mentions)."""
        return {uid: self.name(uid) for uid in user_ids}


def to_messages(raw: list[dict[str, Any]], users: UserDirectory) -> list[Message]:
    """Model input from raw Slack messages: people only, every message shape read as a person
    sees it (:func:`message_text`), mentions rendered as ``@Name`` with their ids kept beside."""
    return [
        to_message(message_text(item), users.name, users.name(item["user"]), item.get("ts"), item["user"])
        for item in raw
        if is_human_message(item)
    ]
