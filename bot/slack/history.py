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
from collections.abc import Callable, Iterator
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.slack_markup import plain_text
from bot.adapters.slack_messages import is_human_message, message_text
from bot.core.types import Message
from bot.slack.store import Store

logger = logging.getLogger(__name__)

PAGE_SIZE = 200
"""Messages asked per page; Slack may return fewer (15 for rate-limited apps)."""

def _pages(call: Callable[..., Any], **params: Any) -> Iterator[list[dict[str, Any]]]:
    """Yield the ``messages`` of each page of a cursor-paginated Web API method."""
    cursor: str | None = None
    while True:
        response = call(**params, cursor=cursor) if cursor else call(**params)
        yield list(response.get("messages") or [])
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor or not response.get("has_more", True):
            return


def fetch_thread(
    client: WebClient, channel: str, thread_ts: str, limit: int = 1000
) -> list[dict[str, Any]]:
    """The parent and replies of a thread, oldest first, at most ``limit`` messages.

    Raises ``SlackApiError`` (e.g. ``not_in_channel``, ``thread_not_found``).
    """
    messages: list[dict[str, Any]] = []
    for page in _pages(
        client.conversations_replies, channel=channel, ts=thread_ts, limit=min(limit, PAGE_SIZE)
    ):
        messages.extend(page)
        if len(messages) >= limit:
            break
    return messages[:limit]


def fetch_history(
    client: WebClient,
    channel: str,
    oldest: float,
    latest: float,
    include_threads: bool = True,
    max_messages: int = 2000,
) -> list[dict[str, Any]]:
    """Channel messages posted in ``[oldest, latest]``, oldest first, with thread replies.

    Replies are fetched for each parent that has any (one ``conversations.replies`` per
    thread), and only those posted within the window are kept. Stops at ``max_messages``.
    Raises ``SlackApiError``.
    """
    top: list[dict[str, Any]] = []
    for page in _pages(
        client.conversations_history,
        channel=channel,
        oldest=f"{oldest:.6f}",
        latest=f"{latest:.6f}",
        inclusive=True,
        limit=min(max_messages, PAGE_SIZE),
    ):
        top.extend(page)
        if len(top) >= max_messages:
            break
    top = top[:max_messages]
    collected = list(top)
    if include_threads:
        for parent in top:
            if len(collected) >= max_messages:
                break
            if not parent.get("reply_count") or parent.get("thread_ts") != parent.get("ts"):
                continue
            replies = fetch_thread(
                client, channel, parent["ts"], limit=max_messages - len(collected) + 1
            )
            collected.extend(
                r
                for r in replies
                if r.get("ts") != parent["ts"] and oldest <= float(r["ts"]) <= latest
            )
    collected.sort(key=lambda m: float(m["ts"]))
    return collected[:max_messages]


def backfill(
    client: WebClient,
    store: Store,
    channel: str,
    oldest: float,
    latest: float,
    max_messages: int = 2000,
    include_threads: bool = True,
) -> int:
    """Fill the store with a channel's messages in ``[oldest, latest]`` (just after subscribing).

    Only what people wrote is kept. Each page and each thread is one rate-limited call
    (about one a minute for non-Marketplace apps), so ``include_threads=False`` or a small
    ``max_messages`` keep a backfill short. Returns the number of messages saved; raises
    ``SlackApiError`` when the history cannot be read.
    """
    saved = 0
    history = fetch_history(
        client, channel, oldest, latest, include_threads=include_threads, max_messages=max_messages
    )
    for raw in history:
        if is_human_message(raw):
            store.save_message(
                channel, raw["ts"], message_text(raw), raw.get("user"), raw.get("thread_ts")
            )
            saved += 1
    logger.info("Backfilled %d message(s) of %s", saved, channel)
    return saved


JOB_EVENT_TYPE = "summariser_job"
"""The ``event_type`` of the message metadata that ties a posted message to its job."""


def job_metadata(job_id: str) -> dict[str, Any]:
    """Message metadata naming the job that posts the message (see :func:`find_job_message`)."""
    return {"event_type": JOB_EVENT_TYPE, "event_payload": {"job_id": job_id}}


def find_job_message(
    client: WebClient, channel: str, job_id: str, since: float, thread_ts: str | None = None
) -> str | None:
    """The ts of a message that job ``job_id`` posted since ``since``, found by its metadata.

    A job interrupted between posting a message and recording its ts asks this before
    posting again. Reads the thread when ``thread_ts`` is given, else the channel. A read
    Slack refuses returns ``None``: the caller then posts again (at least once, never lost).
    """
    call = client.conversations_replies if thread_ts else client.conversations_history
    params: dict[str, Any] = {
        "channel": channel, "oldest": f"{since:.6f}", "include_all_metadata": True, "limit": PAGE_SIZE,
    }
    if thread_ts:
        params["ts"] = thread_ts
    try:
        for page in _pages(call, **params):
            for raw in page:
                metadata = raw.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == JOB_EVENT_TYPE and payload.get("job_id") == job_id:
                    return str(raw["ts"])
    except SlackApiError as exc:
        logger.warning("could not look for job %s's message in %s: %s", job_id, channel, exc.response.get("error"))
    return None


def permalink(client: WebClient, channel: str, ts: str) -> str | None:
    """The message's permalink, or ``None`` when Slack will not give one."""
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except SlackApiError as exc:
        logger.warning("No permalink for %s/%s: %s", channel, ts, exc.response.get("error"))
        return None


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
    sees it (:func:`message_text`), mentions rendered as ``@Name``."""
    return [
        Message(
            author=users.name(item["user"]),
            text=plain_text(message_text(item), users.name),
            ts=item.get("ts"),
            author_id=item["user"],
        )
        for item in raw
        if is_human_message(item)
    ]
