"""The slow work, run in the bounded pool after Slack got its ack.

Every job goes through :func:`run_job`: post "Summarising…", do the work, replace the
placeholder with the result. Any failure becomes a clear message for the user (input
errors as they are, Web API errors mapped to advice, anything else logged), so a failing
job never kills the pool or loses the jobs queued behind it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.slack_markup import first_url, looks_binary
from bot.adapters.slack_messages import message_text, participant_ids
from bot.core.detect import build_document, document_from_messages
from bot.core.errors import BinaryInputError, EmptyInputError, InputError, SummariserError
from bot.core.types import Document, SummaryResult
from bot.slack import blocks, digest, history, manifest, strings
from bot.slack.deps import Deps

logger = logging.getLogger(__name__)

Blocks = list[dict[str, Any]]
Work = Callable[[], tuple[Blocks, str]]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_S = 86_400


class Reply(Protocol):
    """Where a job's progress, result and errors go."""

    def progress(self, what: str) -> None:
        """Show that work started."""
        ...

    def finish(self, content: Blocks, text: str) -> None:
        """Show the result."""
        ...

    def fail(self, message: str) -> None:
        """Show a user-facing error, privately where possible."""
        ...


@dataclass
class ThreadReply:
    """Answers in a thread: a placeholder message, later replaced with chat.update.

    Errors go to the placeholder when there is one, else to ``respond`` (a shortcut's
    response_url, which works even where the bot is not a member), else ephemerally.
    """

    client: WebClient
    channel: str
    thread_ts: str
    user: str | None = None
    respond: Callable[..., Any] | None = None
    ts: str | None = field(default=None, init=False)

    def progress(self, what: str) -> None:
        """Post the "Summarising…" placeholder in the thread."""
        response = self.client.chat_postMessage(
            channel=self.channel,
            thread_ts=self.thread_ts,
            text=strings.progress(what),
            blocks=blocks.progress_blocks(what),
        )
        self.ts = response["ts"]

    def finish(self, content: Blocks, text: str) -> None:
        """Replace the placeholder (or post, when there is none)."""
        if self.ts:
            self.client.chat_update(channel=self.channel, ts=self.ts, text=text, blocks=content)
        else:
            self.client.chat_postMessage(
                channel=self.channel, thread_ts=self.thread_ts, text=text, blocks=content
            )

    def fail(self, message: str) -> None:
        """Show the error where the user will see it."""
        text = blocks.clean(message)  # error text can quote content (a server's reason phrase)
        if self.ts:
            self.finish(blocks.error_blocks(message), text)
        elif self.respond is not None:
            self.respond(text=text, blocks=blocks.error_blocks(message), response_type="ephemeral")
        elif self.user:
            self.client.chat_postEphemeral(
                channel=self.channel, user=self.user, thread_ts=self.thread_ts,
                text=text, blocks=blocks.error_blocks(message),
            )


@dataclass
class ResponseUrlReply:
    """Answers a slash command through its response_url (valid 30 minutes).

    The command's ack already showed "Summarising…" to the caller, so ``progress`` is
    silent; results use ``response_type`` and errors are always ephemeral.
    """

    respond: Callable[..., Any]
    response_type: str = "ephemeral"

    def progress(self, what: str) -> None:
        """Nothing to do: the ack carried the progress line."""

    def finish(self, content: Blocks, text: str) -> None:
        """Post the result."""
        self.respond(text=text, blocks=content, response_type=self.response_type, replace_original=False)

    def fail(self, message: str) -> None:
        """Post the error to the caller only."""
        self.respond(text=blocks.clean(message), blocks=blocks.error_blocks(message), response_type="ephemeral")


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


def run_job(name: str, reply: Reply, what: str | None, work: Work) -> bool:
    """Progress, work, result; every failure becomes a message. True when it succeeded."""
    try:
        if what is not None:
            reply.progress(what)
        result_blocks, text = work()
        reply.finish(result_blocks, text)
        return True
    except SummariserError as exc:
        logger.info("%s: %s", name, exc)
        message = str(exc)
    except SlackApiError as exc:
        logger.warning("%s: Slack API error %s", name, exc.response.get("error"))
        message = slack_error_message(exc)
    except Exception:
        logger.exception("%s failed", name)
        message = strings.UNEXPECTED
    try:
        reply.fail(message)
    except Exception:
        logger.exception("%s: could not tell the user about the failure", name)
    return False


def submit(deps: Deps, name: str, fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """Queue ``fn(*args)`` on the bounded pool; unexpected errors are logged, never raised."""

    def log_failure(future: Future[Any]) -> None:
        exc = future.exception()
        if exc is not None:
            logger.error("%s crashed", name, exc_info=exc)

    future = deps.executor.submit(fn, *args)
    future.add_done_callback(log_failure)
    return future


# -- input helpers ----------------------------------------------------------------------


def _pasted_document(deps: Deps, text: str, title: str | None = None) -> Document:
    limit = deps.settings.max_input_chars
    if len(text) > limit:
        raise InputError(strings.TOO_LONG.format(size=len(text), limit=limit))
    if looks_binary(text):
        raise BinaryInputError(strings.BINARY)
    return build_document(text, source="pasted text", kind="auto", title=title, max_chars=limit)


def _permalinks(deps: Deps, channel: str, result: SummaryResult) -> dict[str, str]:
    wanted = {q.ts for q in result.quotes if q.ts} | {p.ts for p in result.priorities if p.ts}
    links: dict[str, str] = {}
    for ts in sorted(wanted):
        link = history.permalink(deps.client, channel, ts)
        if link:
            links[ts] = link
    return links


# -- summaries --------------------------------------------------------------------------


def summarise_url(deps: Deps, url: str, reply: Reply) -> bool:
    """Fetch an article and reply with its summary."""

    def work() -> tuple[Blocks, str]:
        result = deps.summariser.summarise(deps.fetch(url))
        return blocks.summary_blocks(result, source_url=url), blocks.summary_text(result)

    return run_job("summarise_url", reply, strings.PROGRESS_ARTICLE, work)


def summarise_text(deps: Deps, text: str, reply: Reply, title: str | None = None) -> bool:
    """Summarise pasted text (an article or a transcript), or one message's text under ``title``."""

    def work() -> tuple[Blocks, str]:
        result = deps.summariser.summarise(_pasted_document(deps, text, title))
        return blocks.summary_blocks(result), blocks.summary_text(result)

    return run_job("summarise_text", reply, strings.PROGRESS_TEXT, work)


def summarise_thread(deps: Deps, channel: str, thread_ts: str, reply: Reply) -> bool:
    """Summarise a whole thread; when its parent shares a link, the article too."""

    def work() -> tuple[Blocks, str]:
        raw = history.fetch_thread(deps.client, channel, thread_ts)
        messages = history.to_messages(raw, deps.users)
        if not messages:
            raise EmptyInputError(strings.EMPTY_THREAD)
        source = history.permalink(deps.client, channel, thread_ts)
        doc = document_from_messages(
            messages, source=source or f"thread {thread_ts}", max_chars=deps.settings.max_input_chars
        )
        thread = deps.summariser.summarise(doc)
        url = first_url(message_text(raw[0])) if raw else None
        article: SummaryResult | None = None
        if url is not None:
            try:
                article = deps.summariser.summarise(deps.fetch(url))
            except SummariserError as exc:  # the thread summary stands on its own
                thread.notices.append(str(exc))
        thread_blocks = blocks.summary_blocks(
            thread, source_url=source, permalinks=_permalinks(deps, channel, thread),
            mentionable=participant_ids(raw),
        )
        if article is None:
            return thread_blocks, blocks.summary_text(thread)
        text = blocks.summary_text(article) + "\n\n" + blocks.summary_text(thread)
        return blocks.join_blocks(blocks.summary_blocks(article, source_url=url), thread_blocks), text

    return run_job("summarise_thread", reply, strings.PROGRESS_THREAD, work)


def _period_label(period_s: int) -> str:
    return f"{period_s // DAY_S}d" if period_s % DAY_S == 0 and period_s > DAY_S else f"{period_s // 3600}h"


def _backfill_s(cadence: str) -> int:
    """How far back subscribing fills the store: the first digest's period."""
    return 7 * DAY_S if cadence == "weekly" else DAY_S


def _channel_raw(deps: Deps, channel: str, oldest: float, latest: float) -> list[dict[str, Any]]:
    """From the store when the channel is subscribed and the store covers the period."""
    sub = deps.store.subscription(channel)
    if sub is not None and sub.created_at - _backfill_s(sub.cadence) <= oldest:
        stored = deps.store.messages_between(channel, oldest, latest)
        return [
            {"ts": m.ts, "user": m.user_id, "text": m.text, "thread_ts": m.thread_ts,
             "reply_count": m.reply_count}
            for m in stored
        ]
    return history.fetch_history(deps.client, channel, oldest, latest)


def summarise_channel(deps: Deps, channel: str, period_s: int, reply: Reply) -> bool:
    """Recap of the channel's discussion over the last ``period_s`` seconds."""
    label = _period_label(period_s)

    def work() -> tuple[Blocks, str]:
        latest = time.time()
        raw = _channel_raw(deps, channel, latest - period_s, latest)
        raw.sort(key=lambda m: float(m.get("ts") or 0))
        messages = history.to_messages(raw, deps.users)
        if not messages:
            raise EmptyInputError(strings.NOTHING_IN_CHANNEL.format(period=label))
        doc = document_from_messages(
            messages, source=f"#{channel}", title=strings.CHANNEL_TITLE.format(period=label),
            max_chars=deps.settings.max_input_chars,
        )
        result = deps.summariser.summarise(doc)
        links = _permalinks(deps, channel, result)
        content = blocks.summary_blocks(result, permalinks=links, mentionable=participant_ids(raw))
        return content, blocks.summary_text(result)

    return run_job("summarise_channel", reply, strings.PROGRESS_CHANNEL, work)


# -- digests ----------------------------------------------------------------------------


def post_digest(deps: Deps, channel: str, period_start: float, period_end: float) -> digest.Digest:
    """Build and post one digest in ``channel``; nothing is posted when it has no items.

    With ``settings.digest_quiet_message`` a one-line "quiet day" (or what failed) is posted
    instead. Returns the digest, so callers can tell "nothing shared" from "nothing worked".
    """
    messages = deps.store.messages_between(channel, period_start, period_end)
    built = digest.build_digest(
        channel, period_start, period_end, messages,
        summarise=deps.summariser.summarise,
        fetch=deps.fetch,
        names=deps.users.name,
        permalink=lambda ts: history.permalink(deps.client, channel, ts),
    )
    if not built.items:
        if deps.settings.digest_quiet_message:
            deps.client.chat_postMessage(channel=channel, text=_empty_digest_message(built, strings.QUIET_DAY))
        logger.info("digest for %s: nothing to post (%s)", channel, strings.failures(built.failures) or "quiet")
        return built
    deps.client.chat_postMessage(
        channel=channel, text=blocks.digest_text(built), blocks=blocks.digest_blocks(built)
    )
    return built


def _empty_digest_message(built: digest.Digest, quiet: str) -> str:
    """Why a digest has no items: nothing shared (``quiet``), or what could not be read."""
    if built.failures:
        return strings.DIGEST_ONLY_FAILURES.format(failures=strings.failures(built.failures))
    return quiet


def digest_runner(deps: Deps) -> Callable[[str, float, float], None]:
    """The scheduler's ``run_digest`` callback; errors are logged, never raised."""

    def run_digest(channel: str, period_start: float, period_end: float) -> None:
        try:
            post_digest(deps, channel, period_start, period_end)
        except SlackApiError as exc:
            logger.warning("digest for %s: Slack API error %s", channel, exc.response.get("error"))
        except Exception:
            logger.exception("digest for %s failed", channel)

    return run_digest


def digest_now(deps: Deps, channel: str, reply: Reply) -> bool:
    """Post a digest of what was shared since the previous one (or the last 24 h)."""

    def work() -> tuple[Blocks, str]:
        end = time.time()
        start = deps.store.last_digest(channel) or end - DAY_S
        built = post_digest(deps, channel, start, end)
        if not built.items:
            return _notice(_empty_digest_message(built, strings.DIGEST_NOTHING))
        deps.store.record_digest(channel, f"{channel}:now:{end:.3f}", end)
        return blocks.notice_blocks(strings.DIGEST_POSTED), strings.DIGEST_POSTED

    return run_job("digest_now", reply, strings.PROGRESS_DIGEST, work)


def _schedule_words(deps: Deps, channel: str) -> dict[str, str] | None:
    sub = deps.store.subscription(channel)
    if sub is None:
        return None
    if sub.cadence == "weekly" and sub.weekday is not None:
        when = strings.DIGEST_WHEN_WEEKLY.format(weekday=_WEEKDAYS[sub.weekday], hhmm=sub.hhmm)
    else:
        when = strings.DIGEST_WHEN_DAILY.format(hhmm=sub.hhmm)
    next_run: datetime | None = deps.scheduler.next_run(channel) if deps.scheduler else None
    return {
        "channel": channel,
        "cadence": sub.cadence,
        "when": when,
        "tz": sub.tz,
        "next_run": blocks.slack_date(next_run.timestamp())
        if next_run else strings.DIGEST_UNKNOWN_NEXT,
    }


def _notice(mrkdwn: str) -> tuple[Blocks, str]:
    return blocks.notice_blocks(mrkdwn), mrkdwn


def digest_subscribe(
    deps: Deps, channel: str, user: str, cadence: str, hhmm: str | None, weekday: int | None, reply: Reply
) -> bool:
    """Subscribe ``channel`` in the caller's time zone, fill the store, confirm the schedule."""

    def work() -> tuple[Blocks, str]:
        if deps.scheduler is None:
            raise InputError(strings.DIGEST_NO_SCHEDULER)
        now = time.time()
        # Reading one page first proves the bot is a member (not_in_channel otherwise);
        # then the subscription starts storing new messages before the slow back-fill.
        history.fetch_history(
            deps.client, channel, now - _backfill_s(cadence), now, include_threads=False, max_messages=1
        )
        deps.store.subscribe(
            channel, cadence, hhmm or deps.settings.digest_default_time, deps.users.tz(user),
            weekday=(weekday if weekday is not None else 0) if cadence == "weekly" else None,
            created_by=user,
        )
        deps.scheduler.sync(channel)
        # Only the first digest's period is filled: history calls are rate-limited.
        try:
            history.backfill(deps.client, deps.store, channel, now - _backfill_s(cadence), now)
        except SlackApiError as exc:
            logger.warning("back-fill of %s stopped early: %s", channel, exc.response.get("error"))
        words = _schedule_words(deps, channel)
        assert words is not None  # just subscribed
        return _notice(strings.DIGEST_SUBSCRIBED.format(**words))

    return run_job("digest_subscribe", reply, None, work)


def digest_unsubscribe(deps: Deps, channel: str, reply: Reply) -> bool:
    """Stop the channel's digest."""

    def work() -> tuple[Blocks, str]:
        if not deps.store.unsubscribe(channel):
            return _notice(strings.DIGEST_NOT_SUBSCRIBED.format(channel=channel))
        if deps.scheduler is not None:
            deps.scheduler.sync(channel)
        return _notice(strings.DIGEST_UNSUBSCRIBED.format(channel=channel))

    return run_job("digest_unsubscribe", reply, None, work)


def digest_status(deps: Deps, channel: str, reply: Reply) -> bool:
    """Show the channel's digest schedule."""

    def work() -> tuple[Blocks, str]:
        words = _schedule_words(deps, channel)
        if words is None:
            return _notice(strings.DIGEST_NOT_SUBSCRIBED.format(channel=channel))
        return _notice(strings.DIGEST_STATUS.format(**words))

    return run_job("digest_status", reply, None, work)

