"""What each kind of job does: summarise a link, text, thread or channel; digests.

A use case takes the shared :class:`~bot.slack.deps.Services` and the job's JSON payload
and returns what to show (an :class:`Outcome`) or ``None`` when there is nothing to post.
It raises :class:`~bot.core.errors.SummariserError` (or a ``SlackApiError``) for anything
the user should read; the job runner turns those into replies. Nothing here knows how the
job was queued or where its reply goes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.core.detect import build_document, document_from_messages
from bot.core.errors import BinaryInputError, EmptyInputError, InputError, SummariserError
from bot.core.types import Document, SummaryResult
from bot.slack import reading
from bot.slack.deps import Services
from bot.slack.digests import build
from bot.slack.digests.schedule import digest_trigger
from bot.slack.formats import blocks, strings
from bot.slack.formats.markup import first_url, looks_binary, plain_text
from bot.slack.formats.shapes import message_text, participant_ids
from bot.slack.storage.messages import Store

logger = logging.getLogger(__name__)

Blocks = list[dict[str, Any]]
Payload = dict[str, Any]
DAY_S = 86_400
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Outcome:
    """What a finished job shows: Block Kit blocks and their plain-text fallback.

    ``publish`` is a message the job also posts in its conversation (``digest now``'s
    digest), once: the reply posts it with the job's metadata before showing the outcome.
    """

    blocks: Blocks
    text: str
    publish: Outcome | None = None


@dataclass(frozen=True)
class UseCase:
    """A kind of job: its progress wording (``None``: no placeholder) and its work."""

    progress: str | None
    run: Callable[[Services, Payload], Outcome | None]


def _notice(mrkdwn: str) -> Outcome:
    return Outcome(blocks.notice_blocks(mrkdwn), mrkdwn)


def _pasted_document(services: Services, text: str, title: str | None = None) -> Document:
    limit = services.settings.max_input_chars
    if len(text) > limit:
        raise InputError(strings.TOO_LONG.format(size=len(text), limit=limit))
    if looks_binary(text):
        raise BinaryInputError(strings.BINARY)
    return build_document(text, source="pasted text", kind="auto", title=title, max_chars=limit)


def _permalinks(services: Services, channel: str, result: SummaryResult) -> dict[str, str]:
    wanted = {q.ts for q in result.quotes if q.ts} | {p.ts for p in result.priorities if p.ts}
    links: dict[str, str] = {}
    for ts in sorted(wanted):
        link = reading.permalink(services.client, channel, ts)
        if link:
            links[ts] = link
    return links


# -- summaries --------------------------------------------------------------------------


def summarise_url(services: Services, payload: Payload) -> Outcome:
    """Fetch an article and summarise it."""
    url = str(payload["url"])
    result = services.summariser.summarise(services.fetch(url))
    return Outcome(blocks.summary_blocks(result, source_url=url), blocks.summary_text(result))


def summarise_text(services: Services, payload: Payload) -> Outcome:
    """Summarise pasted text (an article or a transcript), or one message's text under ``title``."""
    text = str(payload["text"])
    if payload.get("markup"):  # a Slack message: mentions by id become names
        text = plain_text(text, services.users.name)
    document = _pasted_document(services, text, payload.get("title"))
    result = services.summariser.summarise(document)
    return Outcome(blocks.summary_blocks(result), blocks.summary_text(result))


def summarise_thread(services: Services, payload: Payload) -> Outcome:
    """Summarise a whole thread; when its parent shares a link, the article too."""
    channel, thread_ts = str(payload["channel"]), str(payload["thread_ts"])
    read = reading.fetch_thread(services.client, channel, thread_ts)
    raw = read.messages
    messages = reading.to_messages(raw, services.users)
    if not messages:
        raise EmptyInputError(strings.EMPTY_THREAD)
    source = reading.permalink(services.client, channel, thread_ts)
    doc = document_from_messages(
        messages, source=source or f"thread {thread_ts}", max_chars=services.settings.max_input_chars
    )
    thread = services.summariser.summarise(doc)
    if not read.complete:
        thread.notices.insert(0, strings.THREAD_PARTLY_READ.format(total=read.total, newest=len(raw) - 1))
    url = first_url(message_text(raw[0])) if raw else None
    article: SummaryResult | None = None
    if url is not None:
        try:
            article = services.summariser.summarise(services.fetch(url))
        except SummariserError as exc:  # the thread summary stands on its own
            thread.notices.append(str(exc))
    thread_blocks = blocks.summary_blocks(
        thread, source_url=source, permalinks=_permalinks(services, channel, thread),
        mentionable=participant_ids(raw),
    )
    if article is None:
        return Outcome(thread_blocks, blocks.summary_text(thread))
    text = blocks.summary_text(article) + "\n\n" + blocks.summary_text(thread)
    return Outcome(blocks.join_blocks(blocks.summary_blocks(article, source_url=url), thread_blocks), text)


def _period_label(period_s: int) -> str:
    return f"{period_s // DAY_S}d" if period_s % DAY_S == 0 and period_s > DAY_S else f"{period_s // 3600}h"


def _backfill_s(cadence: str) -> int:
    """How far back subscribing fills the store: the first digest's period."""
    return 7 * DAY_S if cadence == "weekly" else DAY_S


def _retention_start(services: Services, now: float) -> float:
    """The oldest time the store may hold (``MESSAGE_RETENTION_DAYS`` is the upper bound)."""
    return now - services.settings.message_retention_days * DAY_S


def _readable_store(services: Services, channel: str) -> bool:
    """Whether the store may be read for ``channel``: it is subscribed and the bot is still in it.

    A conversation the bot has left unnoticed (an event missed while it was down) is
    forgotten here, so nothing stored about it is ever served.
    """
    if services.store.subscription(channel) is None:
        return False
    if not reading.is_member(services.client, channel):
        logger.info("the bot is no longer in %s: forgetting it", channel)
        services.store.forget_conversation(channel)
        return False
    return True


def _channel_raw(
    services: Services, channel: str, oldest: float, latest: float
) -> tuple[list[dict[str, Any]], bool]:
    """From the store when the channel is subscribed and the store covers the period, else
    from Slack; with whether the whole period was read."""
    sub = services.store.subscription(channel)
    covered = (
        sub is not None
        and sub.created_at - _backfill_s(sub.cadence) <= oldest
        and _retention_start(services, latest) <= oldest
    )
    if covered and _readable_store(services, channel):
        stored = services.store.messages_between(channel, oldest, latest)
        raw = [
            {"ts": m.ts, "user": m.user_id, "text": m.text, "thread_ts": m.thread_ts,
             "reply_count": m.reply_count}
            for m in stored
        ]
        return raw, True
    read = reading.fetch_history(services.client, channel, oldest, latest)
    return read.messages, read.complete


def summarise_channel(services: Services, payload: Payload) -> Outcome:
    """Recap of the channel's discussion over the last ``period_s`` seconds."""
    channel, period_s = str(payload["channel"]), int(payload["period_s"])
    label = _period_label(period_s)
    latest = time.time()
    raw, complete = _channel_raw(services, channel, latest - period_s, latest)
    raw.sort(key=lambda m: float(m.get("ts") or 0))
    messages = reading.to_messages(raw, services.users)
    if not messages:
        raise EmptyInputError(strings.NOTHING_IN_CHANNEL.format(period=label))
    doc = document_from_messages(
        messages, source=f"#{channel}", title=strings.CHANNEL_TITLE.format(period=label),
        max_chars=services.settings.max_input_chars,
    )
    result = services.summariser.summarise(doc)
    if not complete:
        result.notices.insert(0, strings.CHANNEL_PARTLY_READ.format(period=label, count=len(raw)))
    links = _permalinks(services, channel, result)
    content = blocks.summary_blocks(result, permalinks=links, mentionable=participant_ids(raw))
    return Outcome(content, blocks.summary_text(result))


def notice(services: Services, payload: Payload) -> Outcome:
    """A fixed message (e.g. the hint after a mention with nothing to summarise)."""
    return _notice(str(payload["text"]))


def refuse(services: Services, payload: Payload) -> Outcome:
    """Tell the user, privately, that there is nothing to do (the reply's error path)."""
    raise InputError(str(payload["text"]))


# -- digests ----------------------------------------------------------------------------


def _build_digest(services: Services, channel: str, period_start: float, period_end: float) -> build.Digest:
    """The digest of the stored messages of ``[period_start, period_end)`` (within retention)."""
    oldest = max(period_start, _retention_start(services, time.time()))
    messages = services.store.messages_between(channel, oldest, period_end)
    return build.build_digest(
        channel, period_start, period_end, messages,
        summarise=services.summariser.summarise,
        fetch=services.fetch,
        names=services.users.name,
        permalink=lambda ts: reading.permalink(services.client, channel, ts),
    )


def _digest_post(services: Services, built: build.Digest) -> Outcome | None:
    """What a digest posts in its channel: the digest, the quiet-day line
    (``settings.digest_quiet_message``), or nothing."""
    if built.items:
        return Outcome(blocks.digest_blocks(built), blocks.digest_text(built))
    logger.info("digest for %s: nothing to post (%s)", built.channel_id, strings.failures(built.failures) or "quiet")
    if services.settings.digest_quiet_message:
        line = _empty_digest_message(built, strings.QUIET_DAY)
        return Outcome(blocks.notice_blocks(blocks.clean(line)), line)
    return None


def _empty_digest_message(built: build.Digest, quiet: str) -> str:
    """Why a digest has no items: nothing shared (``quiet``), or what could not be read."""
    if built.failures:
        return strings.DIGEST_ONLY_FAILURES.format(failures=strings.failures(built.failures))
    return quiet


def digest_run(services: Services, payload: Payload) -> Outcome | None:
    """A scheduled digest (the job's unique key is the run's key: at most one per fire time).

    The reply posts it into the channel with the job's metadata, so a run resumed after a
    crash finds the digest it posted instead of posting a second one. A channel that was
    unsubscribed or that the bot left since the run was queued gets nothing.
    """
    channel = str(payload["channel"])
    if not _readable_store(services, channel):
        logger.info("digest for %s: not subscribed any more, or the bot left it", channel)
        return None
    built = _build_digest(services, channel, float(payload["period_start"]), float(payload["period_end"]))
    return _digest_post(services, built)


def digest_now(services: Services, payload: Payload) -> Outcome:
    """A digest of what was shared since the previous one (or the last 24 h), claimed like a
    scheduled run so two requests at once post one digest.

    A resumed job digests the period it claimed the first time, and its reply finds the
    digest it may already have posted, so it says "posted" when it did.
    """
    channel, job_id = str(payload["channel"]), str(payload["job_id"])
    if not _readable_store(services, channel):
        return _notice(strings.DIGEST_NOT_SUBSCRIBED.format(channel=channel))
    claimed = services.store.claimed_digest(job_id)
    if claimed is not None:
        end = claimed[1]
        start = services.store.last_digest(channel, before=end) or end - DAY_S
    else:
        end = time.time()
        start = services.store.last_digest(channel) or end - DAY_S
        if not services.store.record_digest(channel, f"{channel}:now:{start:.6f}", end, claimed_by=job_id):
            return _notice(strings.DIGEST_ALREADY_RUNNING)
    built = _build_digest(services, channel, start, end)
    post = _digest_post(services, built)
    if not built.items:
        return Outcome(*_words(_empty_digest_message(built, strings.DIGEST_NOTHING)), publish=post)
    return Outcome(*_words(strings.DIGEST_POSTED), publish=post)


def _words(mrkdwn: str) -> tuple[Blocks, str]:
    notice = _notice(mrkdwn)
    return notice.blocks, notice.text


def schedule_words(store: Store, channel: str) -> dict[str, str] | None:
    """The values of the digest status sentences for ``channel`` (``None``: no digest)."""
    sub = store.subscription(channel)
    if sub is None:
        return None
    if sub.cadence == "weekly" and sub.weekday is not None:
        when = strings.DIGEST_WHEN_WEEKLY.format(weekday=_WEEKDAYS[sub.weekday], hhmm=sub.hhmm)
    else:
        when = strings.DIGEST_WHEN_DAILY.format(hhmm=sub.hhmm)
    try:
        next_run = digest_trigger(sub).get_next_fire_time(None, datetime.now(UTC))
    except (ValueError, LookupError):
        next_run = None
    return {
        "channel": channel,
        "cadence": sub.cadence,
        "when": when,
        "tz": sub.tz,
        "next_run": blocks.slack_date(next_run.timestamp()) if next_run else strings.DIGEST_UNKNOWN_NEXT,
    }


def digest_subscribe(services: Services, payload: Payload) -> Outcome:
    """Subscribe the channel in the caller's time zone, fill the store, confirm the schedule.

    The scheduler picks the new subscription up from the store within seconds.
    """
    channel, user, cadence = str(payload["channel"]), str(payload["user"]), str(payload["cadence"])
    weekday = payload.get("weekday")
    now = time.time()
    oldest = max(now - _backfill_s(cadence), _retention_start(services, now))
    # Reading one page first proves the bot is a member (not_in_channel otherwise);
    # then the subscription starts storing new messages before the slow back-fill.
    reading.fetch_history(services.client, channel, oldest, now, include_threads=False, max_messages=1)
    services.store.subscribe(
        channel, cadence, payload.get("hhmm") or services.settings.digest_default_time, services.users.tz(user),
        weekday=(weekday if weekday is not None else 0) if cadence == "weekly" else None,
        created_by=user,
    )
    # Only the first digest's period is filled: history calls are rate-limited.
    try:
        reading.backfill(services.client, services.store, channel, oldest, now)
    except SlackApiError as exc:
        logger.warning("back-fill of %s stopped early: %s", channel, exc.response.get("error"))
    words = schedule_words(services.store, channel)
    if words is None:  # `digest off` (or the bot left) while the back-fill ran
        services.store.forget_conversation(channel)
        return _notice(strings.DIGEST_NOT_SUBSCRIBED.format(channel=channel))
    return _notice(strings.DIGEST_SUBSCRIBED.format(**words))


USE_CASES: dict[str, UseCase] = {
    "summarise_url": UseCase(strings.PROGRESS_ARTICLE, summarise_url),
    "summarise_text": UseCase(strings.PROGRESS_TEXT, summarise_text),
    "summarise_thread": UseCase(strings.PROGRESS_THREAD, summarise_thread),
    "summarise_channel": UseCase(strings.PROGRESS_CHANNEL, summarise_channel),
    "digest_now": UseCase(strings.PROGRESS_DIGEST, digest_now),
    "digest_run": UseCase(None, digest_run),
    "digest_subscribe": UseCase(None, digest_subscribe),
    "notice": UseCase(None, notice),
    "refuse": UseCase(None, refuse),
}
"""Every kind of job, by the ``kind`` stored with it."""
