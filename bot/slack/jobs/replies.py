"""Where a job's progress, result and errors go, and how Web API errors read to a user.

A job stores its reply target as plain JSON (see :mod:`bot.slack.jobs.spec`), so whichever
process runs the job, and however often it is resumed, rebuilds the same :class:`Reply`:

- :class:`ThreadReply` posts a "Summarising…" placeholder in a thread once, records its ts
  in the job, and later replaces it (``chat.update``), so a resumed job never posts twice;
  every message names its job in its metadata, so a job interrupted between posting and
  recording finds its message again (:class:`Poster`);
- :class:`ResponseUrlReply` answers a slash command: a shared result replaces a placeholder
  in the channel like a thread reply; private results and errors replace the command's
  ephemeral progress line through the ``response_url``, and after Slack's 30 minutes go
  through the Web API;
- :class:`ChannelReply` posts into a channel (scheduled digests), errors to the log only.

Every reply can also ``publish`` a message of the job's own into its conversation (the
digest of ``digest now``): posted once, the same way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.slack.formats import blocks, manifest, markup, strings
from bot.slack.reading import PAGE_SIZE, pages

logger = logging.getLogger(__name__)

Blocks = list[dict[str, Any]]
RESPONSE_URL_TTL_S = 30 * 60 - 60
"""Slack's response_url works for 30 minutes; past this age the Web API is used instead."""
WEBHOOK_TIMEOUT_S = 15


class ReplyError(Exception):
    """A reply could not be delivered anywhere (the job is then failed with this reason)."""


class Reply(Protocol):
    """Where a job's progress, result and errors go."""

    def progress(self, what: str) -> None:
        """Show that work started."""
        ...

    def finish(self, content: Blocks, text: str) -> None:
        """Show the result."""
        ...

    def publish(self, content: Blocks, text: str) -> None:
        """Post a message of the job's own in its conversation, once (before ``finish``)."""
        ...

    def fail(self, message: str) -> None:
        """Show a user-facing error, privately where possible."""
        ...


def slack_error_message(exc: SlackApiError) -> str:
    """A sentence telling the user what to do about a Web API error."""
    error = str(exc.response.get("error", "unknown_error"))
    if error == "not_in_channel":
        return strings.NOT_IN_CHANNEL
    if error == "missing_scope":
        needed = str(exc.response.get("needed") or "")
        # Reinstalling helps only when the manifest asks for the scope.
        template = strings.MISSING_SCOPE if manifest.requested(needed) else strings.SCOPE_NOT_GRANTED
        return template.format(needed=needed or "a scope")
    if error in {"channel_not_found", "thread_not_found"}:
        return strings.CHANNEL_NOT_FOUND
    return strings.SLACK_ERROR.format(error=error)


def _webhook(url: str, **body: Any) -> None:
    response = WebhookClient(url, timeout=WEBHOOK_TIMEOUT_S).send(**body)
    if response.status_code >= 300:
        raise ReplyError(f"response_url answered {response.status_code}: {response.body[:200]!r}")


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
        for page in pages(call, **params):
            for raw in page:
                metadata = raw.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == JOB_EVENT_TYPE and payload.get("job_id") == job_id:
                    return str(raw["ts"])
    except SlackApiError as exc:
        logger.warning("could not look for job %s's message in %s: %s", job_id, channel, exc.response.get("error"))
    return None


@dataclass(frozen=True)
class Poster:
    """Posts a job's messages so that a resumed attempt finds what an interrupted one posted.

    Each message carries the job's id in its metadata. A resumed job (``resumed``) looks
    for a message of its own posted since the job was created before posting a new one.
    """

    client: WebClient
    job_id: str
    created_at: float
    resumed: bool = False

    def find(self, channel: str, thread_ts: str | None = None) -> str | None:
        """The ts of the message an earlier attempt of a resumed job posted, if any."""
        if not self.resumed:
            return None
        found = find_job_message(self.client, channel, self.job_id, self.created_at, thread_ts)
        if found is not None:
            logger.info("job %s: found the message an earlier attempt posted (%s)", self.job_id, found)
        return found

    def send(self, channel: str, text: str, content: Blocks, thread_ts: str | None = None) -> str:
        """Post a new message naming the job in its metadata; returns its ts."""
        response = self.client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, text=text, blocks=content or None,
            metadata=job_metadata(self.job_id),
        )
        return str(response["ts"])

    def post(self, channel: str, text: str, content: Blocks, thread_ts: str | None = None) -> tuple[str, bool]:
        """Post a message, or find the one an earlier attempt posted: ``(ts, found)``."""
        found = self.find(channel, thread_ts)
        if found is not None:
            return found, True
        return self.send(channel, text, content, thread_ts), False

    def put(self, channel: str, text: str, content: Blocks, thread_ts: str | None = None) -> str:
        """Post a result once: a message an earlier attempt posted is updated instead. Returns its ts."""
        ts, found = self.post(channel, text, content, thread_ts)
        if found:
            self.client.chat_update(channel=channel, ts=ts, text=text, blocks=content)
        return ts


@dataclass
class ThreadReply:
    """Answers in a thread: a placeholder message, later replaced with ``chat.update``.

    ``placeholder_ts`` comes from the job (a resumed job reuses it); ``remember`` stores a
    newly posted one in the job before anything else happens. Errors go to the placeholder
    when there is one, else to the response_url (a shortcut's, which works even where the
    bot is not a member), else privately to the user.
    """

    poster: Poster
    channel: str
    thread_ts: str
    user: str | None = None
    response_url: str | None = None
    placeholder_ts: str | None = None
    remember: Callable[[str], None] | None = None

    def progress(self, what: str) -> None:
        """Post the "Summarising…" placeholder once."""
        if self.placeholder_ts:
            return
        self.placeholder_ts, _ = self.poster.post(
            self.channel, strings.progress(what), blocks.progress_blocks(what), self.thread_ts
        )
        if self.remember is not None:
            self.remember(self.placeholder_ts)

    def finish(self, content: Blocks, text: str) -> None:
        """Replace the placeholder (or post, when there is none)."""
        if self.placeholder_ts:
            self.poster.client.chat_update(channel=self.channel, ts=self.placeholder_ts, text=text, blocks=content)
        else:
            self.poster.put(self.channel, text, content, self.thread_ts)

    def publish(self, content: Blocks, text: str) -> None:
        """Post a message of the job's own in the thread, once."""
        self.poster.put(self.channel, text, content, self.thread_ts)

    def fail(self, message: str) -> None:
        """Show the error where the user will see it."""
        text = markup.clean(message)  # error text can quote content (a server's reason phrase)
        content = blocks.error_blocks(message)
        if self.placeholder_ts:
            self.finish(content, text)
        elif self.response_url:
            _webhook(self.response_url, text=text, blocks=content, response_type="ephemeral")
        elif self.user:
            self.poster.client.chat_postEphemeral(
                channel=self.channel, user=self.user, thread_ts=self.thread_ts, text=text, blocks=content
            )


@dataclass
class ResponseUrlReply:
    """Answers a slash command: a result for the channel, or a private one.

    A result for the channel goes into a "Summarising…" placeholder that the bot posts in
    the channel and later replaces (``chat.update``), like a thread reply, so a resumed job
    never posts it twice. Where the bot may not post (not a member of a private channel),
    and for private results and errors, the command's ``response_url`` is used while it is
    valid (30 minutes), then ``chat.postEphemeral``.
    """

    poster: Poster
    response_url: str
    response_type: str
    channel: str
    user: str | None
    placeholder_ts: str | None = None
    remember: Callable[[str], None] | None = None
    clock: Callable[[], float] = time.time

    @property
    def expired(self) -> bool:
        """Whether Slack no longer accepts the response_url."""
        return self.clock() - self.poster.created_at > RESPONSE_URL_TTL_S

    def progress(self, what: str) -> None:
        """Post the channel placeholder of a shared result (the ack already told the caller)."""
        if self.response_type != "in_channel" or self.placeholder_ts:
            return
        try:
            self.placeholder_ts, _ = self.poster.post(
                self.channel, strings.progress(what), blocks.progress_blocks(what)
            )
        except SlackApiError as exc:  # not a member, archived...: the response_url still works
            logger.info("no placeholder in %s (%s): answering through the response_url",
                        self.channel, exc.response.get("error"))
            return
        if self.remember is not None:
            self.remember(self.placeholder_ts)

    def _send(self, content: Blocks, text: str, response_type: str) -> None:
        if not self.expired:
            # A private answer replaces the command's own ephemeral progress line, so a job
            # resumed after a crash between posting and recording replaces it again rather
            # than posting a second copy. A shared one cannot replace a private message.
            _webhook(self.response_url, text=text, blocks=content, response_type=response_type,
                     replace_original=response_type == "ephemeral")
            return
        logger.info("response_url of a job in %s expired; answering through the Web API", self.channel)
        if response_type == "in_channel":
            self.poster.put(self.channel, text, content)
        elif self.user:
            self.poster.client.chat_postEphemeral(channel=self.channel, user=self.user, text=text, blocks=content)
        else:
            raise ReplyError("the response_url expired and the command named no user")

    def finish(self, content: Blocks, text: str) -> None:
        """Post the result (into the placeholder when there is one)."""
        if self.placeholder_ts:
            self.poster.client.chat_update(channel=self.channel, ts=self.placeholder_ts, text=text, blocks=content)
        else:
            self._send(content, text, self.response_type)

    def publish(self, content: Blocks, text: str) -> None:
        """Post a message of the job's own in the command's channel, once (``digest now``)."""
        self.poster.put(self.channel, text, content)

    def fail(self, message: str) -> None:
        """Tell the caller privately; a public placeholder is removed, not left "Summarising…"."""
        if self.placeholder_ts:
            try:
                self.poster.client.chat_delete(channel=self.channel, ts=self.placeholder_ts)
            except SlackApiError as exc:
                if exc.response.get("error") != "message_not_found":
                    raise
        self._send(blocks.error_blocks(message), markup.clean(message), "ephemeral")


@dataclass
class ChannelReply:
    """Posts a result into a channel; failures are logged (nobody asked, nobody to tell).

    The ts of what it posted is stored in the job (``remember``), so a job put back after
    posting updates that message rather than posting again, even without the metadata lookup.
    """

    poster: Poster
    channel: str
    posted_ts: str | None = None
    remember: Callable[[str], None] | None = None

    def progress(self, what: str) -> None:
        """Scheduled work shows no progress."""

    def finish(self, content: Blocks, text: str) -> None:
        """Post the result in the channel (once: a resumed job updates what it posted)."""
        if self.posted_ts:
            self.poster.client.chat_update(channel=self.channel, ts=self.posted_ts, text=text, blocks=content)
            return
        self.posted_ts = self.poster.put(self.channel, text, content)
        if self.remember is not None:
            self.remember(self.posted_ts)

    def publish(self, content: Blocks, text: str) -> None:
        """The result is the channel's message: post it as :meth:`finish` does."""
        self.finish(content, text)

    def fail(self, message: str) -> None:
        """Log the failure."""
        logger.warning("job for channel %s failed: %s", self.channel, message)


def make_reply(
    client: WebClient,
    target: dict[str, Any],
    *,
    job_id: str,
    created_at: float,
    resumed: bool = False,
    placeholder_ts: str | None = None,
    remember: Callable[[str], None] | None = None,
) -> Reply:
    """The :class:`Reply` a stored job's target describes (``resumed``: an earlier attempt ran)."""
    poster = Poster(client, job_id, created_at, resumed)
    kind = target.get("type")
    if kind == "thread":
        return ThreadReply(
            poster, str(target["channel"]), str(target["thread_ts"]), target.get("user"),
            response_url=target.get("response_url"), placeholder_ts=placeholder_ts, remember=remember,
        )
    if kind == "response_url":
        return ResponseUrlReply(
            poster, str(target["response_url"]), str(target.get("response_type") or "ephemeral"),
            str(target.get("channel") or ""), target.get("user"),
            placeholder_ts=placeholder_ts, remember=remember,
        )
    if kind == "channel":
        return ChannelReply(poster, str(target["channel"]), posted_ts=placeholder_ts, remember=remember)
    if kind == "agent":
        from bot.slack.jobs.agent_reply import AgentReply  # it builds on this module's Poster

        rated = target.get("kind")
        return AgentReply(poster, str(target["channel"]), str(target["thread_ts"]), str(rated) if rated else None)
    raise ValueError(f"unknown reply target {kind!r}")
