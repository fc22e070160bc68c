"""The digest feature's jobs: subscribe a channel, post a scheduled digest, ``digest now``.

Also the rules for serving stored messages (how far back subscribing fills the store, the
retention bound, whether the store may be read for a conversation), which the channel
recap follows too.
"""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError

from bot.slack import reading
from bot.slack.deps import Services
from bot.slack.digests import build
from bot.slack.digests.schedule import schedule_words
from bot.slack.formats import blocks, markup, strings
from bot.slack.items.keep import keep_items
from bot.slack.jobs.spec import Blocks, Outcome, Payload, UseCase, notice_outcome

logger = logging.getLogger(__name__)

DAY_S = 86_400


def backfill_s(cadence: str) -> int:
    """How far back subscribing fills the store: the first digest's period."""
    return 7 * DAY_S if cadence == "weekly" else DAY_S


def retention_start(services: Services, now: float) -> float:
    """The oldest time the store may hold (``MESSAGE_RETENTION_DAYS`` is the upper bound)."""
    return now - services.settings.message_retention_days * DAY_S


def readable_store(services: Services, channel: str) -> bool:
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


def _build_digest(
    services: Services, channel: str, period_start: float, period_end: float, team_id: str = ""
) -> build.Digest:
    """The digest of the stored messages of ``[period_start, period_end)`` (within retention); the
    action items it finds are kept."""
    oldest = max(period_start, retention_start(services, time.time()))
    messages = services.store.messages_between(channel, oldest, period_end)
    built = build.build_digest(
        channel, period_start, period_end, messages,
        summarise=services.summariser.summarise,
        fetch=services.fetch,
        names=services.users.name,
        permalink=lambda ts: reading.permalink(services.client, channel, ts),
    )
    raw = [{"ts": m.ts, "thread_ts": m.thread_ts, "user": m.user_id, "text": m.text} for m in messages]
    links = {item.ts: item.permalink for item in built.items if item.permalink}
    keep_items(services, channel, built.priorities, raw, team_id=team_id, permalinks=links)
    return built


def _digest_post(services: Services, built: build.Digest) -> Outcome | None:
    """What a digest posts in its channel: the digest, the quiet-day line
    (``settings.digest_quiet_message``), or nothing."""
    if built.items:
        return Outcome(blocks.digest_blocks(built), blocks.digest_text(built))
    logger.info("digest for %s: nothing to post (%s)", built.channel_id, strings.failures(built.failures) or "quiet")
    if services.settings.digest_quiet_message:
        line = _empty_digest_message(built, strings.QUIET_DAY)
        return Outcome(blocks.notice_blocks(markup.clean(line)), line)
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
    if not readable_store(services, channel):
        logger.info("digest for %s: not subscribed any more, or the bot left it", channel)
        return None
    built = _build_digest(
        services, channel, float(payload["period_start"]), float(payload["period_end"]),
        str(payload.get("team_id") or ""),
    )
    return _digest_post(services, built)


def digest_now(services: Services, payload: Payload) -> Outcome:
    """A digest of what was shared since the previous one (or the last 24 h), claimed like a
    scheduled run so two requests at once post one digest.

    A resumed job digests the period it claimed the first time, and its reply finds the
    digest it may already have posted, so it says "posted" when it did.
    """
    channel, job_id = str(payload["channel"]), str(payload["job_id"])
    if not readable_store(services, channel):
        return notice_outcome(strings.DIGEST_NOT_SUBSCRIBED.format(channel=channel))
    claimed = services.store.claimed_digest(job_id)
    if claimed is not None:
        end = claimed[1]
        start = services.store.last_digest(channel, before=end) or end - DAY_S
    else:
        end = time.time()
        start = services.store.last_digest(channel) or end - DAY_S
        if not services.store.record_digest(channel, f"{channel}:now:{start:.6f}", end, claimed_by=job_id):
            return notice_outcome(strings.DIGEST_ALREADY_RUNNING)
    built = _build_digest(services, channel, start, end, str(payload.get("team_id") or ""))
    post = _digest_post(services, built)
    if not built.items:
        return Outcome(*_words(_empty_digest_message(built, strings.DIGEST_NOTHING)), publish=post)
    return Outcome(*_words(strings.DIGEST_POSTED), publish=post)


def _words(mrkdwn: str) -> tuple[Blocks, str]:
    outcome = notice_outcome(mrkdwn)
    return outcome.blocks, outcome.text


def digest_subscribe(services: Services, payload: Payload) -> Outcome:
    """Subscribe the channel in the caller's time zone, fill the store, confirm the schedule.

    The scheduler picks the new subscription up from the store within seconds.
    """
    channel, user, cadence = str(payload["channel"]), str(payload["user"]), str(payload["cadence"])
    weekday = payload.get("weekday")
    now = time.time()
    oldest = max(now - backfill_s(cadence), retention_start(services, now))
    # Reading one page first proves the bot is a member (not_in_channel otherwise);
    # then the subscription starts storing new messages before the slow back-fill.
    reading.fetch_history(services.client, channel, oldest, now, include_threads=False, max_messages=1)
    services.store.workspaces.remember(channel, services.workspace)  # its digests use this workspace's token
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
        return notice_outcome(strings.DIGEST_NOT_SUBSCRIBED.format(channel=channel))
    return notice_outcome(strings.DIGEST_SUBSCRIBED.format(**words))


DIGESTS: dict[str, UseCase] = {
    "digest_now": UseCase(strings.PROGRESS_DIGEST, digest_now),
    "digest_run": UseCase(None, digest_run),
    "digest_subscribe": UseCase(None, digest_subscribe),
}
"""The digest jobs, by the ``kind`` stored with them."""
