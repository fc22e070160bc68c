"""Digest scheduling with APScheduler 3: one cron job per subscription, in its time zone.

A restart neither skips nor double-posts a digest. Each run is keyed by its scheduled
fire time (``"{channel}:{fire_time_iso}"``) and becomes a durable job under that key, so
a run is queued at most once whichever process, replica or catch-up gets there first,
and it survives a crash like any job; on start, :meth:`DigestScheduler.catch_up` queues
the latest missed fire time of each subscription once if it is still within the grace
period. Every replica reconciles its cron jobs with the stored subscriptions every few
seconds, so a subscription made through any replica is scheduled everywhere.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.core.clock import WEEKDAY_ABBREVIATIONS, WEEKDAY_NAMES
from bot.slack.formats import blocks, strings
from bot.slack.storage.messages import Store, Subscription

logger = logging.getLogger(__name__)

JOB_RETENTION = timedelta(days=2)
"""Finished jobs are kept this long: their keys absorb Slack's retries and replays."""
RECONCILE_S = 10
_LOOKBACK = {"daily": timedelta(days=2), "weekly": timedelta(days=8)}
_PURGE_JOB_ID = "purge"
_RECONCILE_JOB_ID = "reconcile"
HOUSEKEEPING = "housekeeping"
"""APScheduler executor of the reconcile and purge jobs: it logs their every run at INFO
(two lines every ``RECONCILE_S``), so entry points log it at DEBUG only (see
:data:`HOUSEKEEPING_LOGGER`); digest runs keep the default executor and its lines."""
HOUSEKEEPING_LOGGER = f"apscheduler.executors.{HOUSEKEEPING}"

EnqueueDigest = Callable[[str, float, float, str], bool]
"""``(channel, period_start, period_end, run_key) -> queued now`` (``False``: already queued)."""


def digest_trigger(sub: Subscription) -> CronTrigger:
    """The cron trigger of a subscription: ``hhmm`` daily, or on ``weekday``, in ``sub.tz``.

    Raises ``ValueError`` for a malformed ``hhmm`` and ``ZoneInfoNotFoundError`` for an
    unknown time zone.
    """
    hour, minute = (int(part) for part in sub.hhmm.split(":"))
    day_of_week = WEEKDAY_ABBREVIATIONS[sub.weekday or 0] if sub.cadence == "weekly" else None
    return CronTrigger(
        day_of_week=day_of_week, hour=hour, minute=minute, timezone=ZoneInfo(sub.tz)
    )


def latest_fire_time(sub: Subscription, now: datetime) -> datetime | None:
    """The most recent scheduled time of ``sub`` at or before ``now`` (aware, in ``sub.tz``)."""
    trigger = digest_trigger(sub)
    fire = trigger.get_next_fire_time(None, now - _LOOKBACK[sub.cadence])
    latest = None
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return latest


def run_key(channel_id: str, fire_time: datetime) -> str:
    """The idempotency key of one scheduled digest run."""
    return f"{channel_id}:{fire_time.isoformat()}"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class DigestScheduler:
    """Runs channel digests on time, at most once per scheduled time, across restarts."""

    def __init__(
        self,
        store: Store,
        enqueue_digest: EnqueueDigest,
        grace_s: int = 3600,
        clock: Callable[[], datetime] | None = None,
        retention_days: int = 7,
        max_workers: int = 2,
    ) -> None:
        self.store = store
        self.enqueue_digest = enqueue_digest
        self._known: dict[str, Subscription] = {}
        self.grace = timedelta(seconds=grace_s)
        self.clock = clock or _utc_now
        self.retention = timedelta(days=retention_days)
        self._catch_up: threading.Thread | None = None
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers), HOUSEKEEPING: ThreadPoolExecutor(1)},
            # APScheduler wants a positive grace; a zero grace is enforced by _run_if_due.
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": max(grace_s, 1),
            },
        )

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> None:
        """Schedule every subscription and the daily purge, then catch up missed runs.

        The catch-up runs on a thread of its own so ``start`` returns without waiting for it;
        it is not an APScheduler one-shot job, whose removal after running races a shutdown
        that comes right after start (``JobLookupError`` in the scheduler's thread).
        """
        self.reconcile()
        self._scheduler.add_job(
            self.reconcile, "interval", seconds=RECONCILE_S, id=_RECONCILE_JOB_ID, replace_existing=True,
            executor=HOUSEKEEPING,
        )
        self._scheduler.add_job(
            self.purge,
            CronTrigger(hour=3, minute=17, timezone=UTC),
            id=_PURGE_JOB_ID,
            replace_existing=True,
            executor=HOUSEKEEPING,
        )
        self._scheduler.start()
        self._catch_up = threading.Thread(target=self._catch_up_logged, name="digest-catch-up", daemon=True)
        self._catch_up.start()

    def shutdown(self) -> None:
        """Stop scheduling (queuing a digest takes milliseconds: nothing is left half done)."""
        if self._catch_up is not None:
            self._catch_up.join()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def _catch_up_logged(self) -> None:
        try:
            self.catch_up()
        except Exception:  # a database hiccup at start must not go unseen
            logger.exception("catching up missed digests failed")

    # -- jobs -----------------------------------------------------------------------

    def reconcile(self) -> None:
        """Bring the cron jobs in line with the stored subscriptions (made through any replica)."""
        subs = {sub.channel_id: sub for sub in self.store.subscriptions()}
        for channel_id in self._known.keys() - subs.keys():
            with contextlib.suppress(JobLookupError):
                self._scheduler.remove_job(self._job_id(channel_id))
            del self._known[channel_id]
        for channel_id, sub in subs.items():
            if self._known.get(channel_id) != sub:
                self._schedule(sub)
                self._known[channel_id] = sub

    def next_run(self, channel_id: str) -> datetime | None:
        """When the channel's next digest is due (in its time zone), or ``None``."""
        sub = self.store.subscription(channel_id)
        if sub is None:
            return None
        try:
            fire: datetime | None = digest_trigger(sub).get_next_fire_time(None, self.clock())
            return fire
        except (ValueError, ZoneInfoNotFoundError):
            return None

    def job_ids(self) -> list[str]:
        """Ids of the scheduled APScheduler jobs (for status and tests)."""
        return sorted(job.id for job in self._scheduler.get_jobs())

    def _job_id(self, channel_id: str) -> str:
        return f"digest:{channel_id}"

    def _schedule(self, sub: Subscription) -> None:
        try:
            trigger = digest_trigger(sub)
        except (ValueError, ZoneInfoNotFoundError):
            logger.error(
                "Not scheduling the digest of %s: bad time %r or zone %r",
                sub.channel_id,
                sub.hhmm,
                sub.tz,
            )
            return
        self._scheduler.add_job(
            self._fire,
            trigger,
            args=[sub.channel_id],
            id=self._job_id(sub.channel_id),
            replace_existing=True,
        )

    def _fire(self, channel_id: str) -> None:
        sub = self.store.subscription(channel_id)
        if sub is not None:
            self._run_if_due(sub, self.clock())

    # -- running --------------------------------------------------------------------

    def run_due(self, now: datetime | None = None) -> list[str]:
        """Queue every subscription's latest fire time that is not queued yet and within grace.

        Returns the channel ids whose digest was queued now.
        """
        now = now or self.clock()
        subs = self.store.subscriptions()
        return [sub.channel_id for sub in subs if self._run_if_due(sub, now)]

    def catch_up(self) -> list[str]:
        """Queue, once, each subscription's latest missed digest that is still within grace."""
        ran = self.run_due(self.clock())
        if ran:
            logger.info("Caught up %d missed digest(s): %s", len(ran), ", ".join(ran))
        return ran

    def _run_if_due(self, sub: Subscription, now: datetime) -> bool:
        try:
            fire = latest_fire_time(sub, now)
        except (ValueError, ZoneInfoNotFoundError):
            logger.error("Bad digest schedule for %s: %r %r", sub.channel_id, sub.hhmm, sub.tz)
            return False
        # A fire time before the subscription existed is not a missed run.
        if fire is None or fire.timestamp() < sub.created_at:
            return False
        key = run_key(sub.channel_id, fire)
        if now - fire > self.grace:
            if not self.store.digest_recorded(key):
                logger.info(
                    "Skipping the digest of %s due %s: past the grace period",
                    sub.channel_id,
                    fire.isoformat(),
                )
            return False
        queued = self.enqueue_digest(sub.channel_id, self._period_start(sub, fire), fire.timestamp(), key)
        if queued:
            logger.info("Queued the digest of %s for %s", sub.channel_id, fire.isoformat())
        return queued

    def _period_start(self, sub: Subscription, fire: datetime) -> float:
        """The previous scheduled time (DST-aware), or a later digest's end if there was one."""
        previous = latest_fire_time(sub, fire - timedelta(seconds=1))
        start = previous.timestamp() if previous else fire.timestamp() - 86_400
        last = self.store.last_digest(sub.channel_id)
        if last is not None and start < last < fire.timestamp():
            start = last
        return start

    # -- retention ------------------------------------------------------------------

    def purge(self, now: datetime | None = None) -> tuple[int, int]:
        """Delete stored messages past retention and old finished jobs; return both counts."""
        now = now or self.clock()
        messages = self.store.purge_messages((now - self.retention).timestamp())
        jobs = self.store.jobs.purge((now - JOB_RETENTION).timestamp())
        logger.info("Purged %d stored message(s) and %d finished job(s)", messages, jobs)
        return messages, jobs


def schedule_words(store: Store, channel: str) -> dict[str, str] | None:
    """The values of the digest status sentences for ``channel`` (``None``: no digest)."""
    sub = store.subscription(channel)
    if sub is None:
        return None
    if sub.cadence == "weekly" and sub.weekday is not None:
        when = strings.DIGEST_WHEN_WEEKLY.format(weekday=WEEKDAY_NAMES[sub.weekday], hhmm=sub.hhmm)
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
