"""Digest scheduling: a controllable clock, restarts, grace period and DST."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.slack.digests.schedule import DigestScheduler, latest_fire_time
from bot.slack.storage.messages import Store

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=PARIS)


class Recorder:
    """The scheduler's enqueue callback as the bot has it (a job per run key), recording runs."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.runs: list[tuple[str, float, float]] = []
        self.ran = threading.Event()

    def __call__(self, channel_id: str, period_start: float, period_end: float, run_key: str) -> bool:
        _job, created = self.store.jobs.enqueue(f"digest:{run_key}", "digest_run", {})
        if created:
            self.runs.append((channel_id, period_start, period_end))
            self.ran.set()
        return created


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/bot.db"


SUBSCRIBED_AT = paris(2025, 12, 1, 12, 0).timestamp()


@pytest.fixture
def store(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    s = Store(db_url)
    with monkeypatch.context() as patch:
        patch.setattr("bot.slack.storage.messages.time.time", lambda: SUBSCRIBED_AT)
        s.subscribe("CDAY", "daily", "09:00", "Europe/Paris")
        s.subscribe("CWEEK", "weekly", "09:00", "Europe/Paris", weekday=0)
    yield s
    s.close()


def wait_for_catch_up(scheduler: DigestScheduler, timeout: float = 5.0) -> None:
    """Wait until the start-up catch-up (a thread of its own) has run."""
    thread = scheduler._catch_up
    assert thread is not None, "start() did not catch up"
    thread.join(timeout)
    assert not thread.is_alive(), "the catch-up never finished"


def make(store: Store, now: datetime, grace_s: int = 3600) -> tuple[DigestScheduler, Recorder]:
    recorder = Recorder(store)
    return DigestScheduler(store, recorder, grace_s=grace_s, clock=lambda: now), recorder


# 2026-01-05 is a Monday.
@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (paris(2026, 1, 5, 8, 59), []),
        (paris(2026, 1, 5, 9, 0), ["CDAY", "CWEEK"]),
        (paris(2026, 1, 5, 9, 59), ["CDAY", "CWEEK"]),
        (paris(2026, 1, 5, 10, 1), []),  # past the one-hour grace
        (paris(2026, 1, 6, 9, 30), ["CDAY"]),  # Tuesday: daily only
    ],
)
def test_run_due(store: Store, now: datetime, expected: list[str]) -> None:
    scheduler, recorder = make(store, now)
    assert scheduler.run_due(now) == expected
    assert [channel for channel, _, _ in recorder.runs] == expected


def test_periods_are_the_previous_fire_time_to_this_one(store: Store) -> None:
    now = paris(2026, 1, 5, 9, 0, 5)
    scheduler, recorder = make(store, now)
    scheduler.run_due(now)
    periods = {channel: (start, end) for channel, start, end in recorder.runs}
    end = paris(2026, 1, 5, 9, 0).timestamp()
    assert periods["CDAY"] == (paris(2026, 1, 4, 9, 0).timestamp(), end)
    assert periods["CWEEK"] == (paris(2025, 12, 29, 9, 0).timestamp(), end)


def test_restart_does_not_double_post(db_url: str, store: Store) -> None:
    first, first_runs = make(store, paris(2026, 1, 6, 9, 0, 1))
    assert first.run_due() == ["CDAY"]
    assert first.run_due(paris(2026, 1, 6, 9, 20)) == []

    restarted_store = Store(db_url)
    second, second_runs = make(restarted_store, paris(2026, 1, 6, 9, 30))
    assert second.catch_up() == []
    assert second_runs.runs == []
    assert len(first_runs.runs) == 1
    restarted_store.close()


@pytest.mark.usefixtures("store")
def test_restart_catches_up_a_missed_run_once(db_url: str) -> None:
    # The bot was down at 09:00 and comes back at 09:40: the missed digest runs once.
    scheduler, recorder = make(Store(db_url), paris(2026, 1, 6, 9, 40))
    assert scheduler.catch_up() == ["CDAY"]
    assert scheduler.catch_up() == []
    again, again_runs = make(Store(db_url), paris(2026, 1, 6, 9, 45))
    assert again.catch_up() == []
    assert len(recorder.runs) == 1 and again_runs.runs == []


def test_fire_time_before_the_subscription_is_not_a_missed_run(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Subscribed at 09:10 for a 09:00 digest: a restart at 09:20 must not post the 09:00 one.
    monkeypatch.setattr("bot.slack.storage.messages.time.time", lambda: paris(2026, 1, 6, 9, 10).timestamp())
    store.subscribe("CLATE", "daily", "09:00", "Europe/Paris")
    scheduler, _recorder = make(store, paris(2026, 1, 6, 9, 20))
    assert scheduler.catch_up() == ["CDAY"]
    assert scheduler.run_due(paris(2026, 1, 7, 9, 0)) == ["CDAY", "CLATE"]


def test_missed_run_past_grace_is_skipped(store: Store) -> None:
    scheduler, recorder = make(store, paris(2026, 1, 6, 11, 0))
    assert scheduler.catch_up() == []
    assert recorder.runs == []


def test_period_starts_at_a_later_digest(store: Store) -> None:
    # A digest recorded after the previous fire time (e.g. by hand) bounds the next period.
    store.record_digest("CDAY", "CDAY:manual", paris(2026, 1, 5, 15, 0).timestamp())
    scheduler, recorder = make(store, paris(2026, 1, 6, 9, 0))
    scheduler.run_due()
    start = {c: s for c, s, _ in recorder.runs}["CDAY"]
    assert start == paris(2026, 1, 5, 15, 0).timestamp()


@pytest.mark.parametrize(
    ("now", "expected_utc"),
    [
        # Europe/Paris switches to summer time on 2026-03-29 at 02:00 local.
        (paris(2026, 3, 28, 12, 0), datetime(2026, 3, 28, 8, 0, tzinfo=UTC)),
        (paris(2026, 3, 29, 12, 0), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
        # ...and back on 2026-10-25 at 03:00 local.
        (paris(2026, 10, 25, 12, 0), datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),
    ],
)
def test_fire_times_follow_dst(store: Store, now: datetime, expected_utc: datetime) -> None:
    sub = store.subscription("CDAY")
    assert sub is not None
    fire = latest_fire_time(sub, now)
    assert fire is not None
    assert fire.astimezone(UTC) == expected_utc
    assert (fire.hour, fire.minute) == (9, 0)


def test_dst_day_period_is_23_hours(store: Store) -> None:
    now = paris(2026, 3, 29, 9, 0)
    scheduler, recorder = make(store, now)
    scheduler.run_due()
    _, start, end = recorder.runs[0]
    assert end - start == 23 * 3600


def test_next_run_and_reconcile(store: Store) -> None:
    scheduler, _ = make(store, paris(2026, 1, 6, 10, 0))
    assert scheduler.next_run("CDAY") == paris(2026, 1, 7, 9, 0)
    assert scheduler.next_run("CWEEK") == paris(2026, 1, 12, 9, 0)
    assert scheduler.next_run("CNONE") is None

    scheduler.reconcile()
    store.subscribe("CNEW", "weekly", "17:30", "America/New_York", weekday=4)  # e.g. by another replica
    scheduler.reconcile()
    assert "digest:CNEW" in scheduler.job_ids()
    expected = datetime(2026, 1, 9, 17, 30, tzinfo=ZoneInfo("America/New_York"))
    assert scheduler.next_run("CNEW") == expected

    store.forget_conversation("CNEW")
    scheduler.reconcile()
    scheduler.reconcile()  # removing twice is harmless
    assert "digest:CNEW" not in scheduler.job_ids()
    assert {"digest:CDAY", "digest:CWEEK"} <= set(scheduler.job_ids())


def test_start_schedules_jobs_and_catches_up(store: Store) -> None:
    scheduler, recorder = make(store, paris(2026, 1, 6, 9, 10))
    scheduler.start()
    try:
        assert recorder.ran.wait(5)
        wait_for_catch_up(scheduler)
        assert {"digest:CDAY", "digest:CWEEK", "purge", "reconcile"} <= set(scheduler.job_ids())
    finally:
        scheduler.shutdown()
    assert [c for c, _, _ in recorder.runs] == ["CDAY"]


def test_purge_uses_retention(store: Store) -> None:
    now = datetime(2026, 1, 10, tzinfo=UTC)
    store.save_message("CDAY", str((now - timedelta(days=8)).timestamp()), "old", "U1")
    store.save_message("CDAY", str((now - timedelta(days=1)).timestamp()), "recent", "U1")
    scheduler = DigestScheduler(store, Recorder(store), clock=lambda: now, retention_days=7)
    messages, _ = scheduler.purge()
    assert messages == 1
    assert [m.text for m in store.messages_between("CDAY", 0, now.timestamp())] == ["recent"]


def test_zero_grace_runs_only_on_time(store: Store) -> None:
    scheduler, recorder = make(store, paris(2026, 1, 6, 9, 0, 1), grace_s=0)
    scheduler.start()  # a zero grace must still be accepted by APScheduler
    wait_for_catch_up(scheduler)
    scheduler.shutdown()
    assert scheduler.run_due(paris(2026, 1, 6, 9, 0)) == ["CDAY"]
    assert recorder.runs and scheduler.run_due(paris(2026, 1, 7, 9, 0, 1)) == []


def test_a_shutdown_right_after_start_raises_nothing_in_the_scheduler(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """APScheduler removes a one-shot job after handing it out; a shutdown flipping its state
    at that moment made the removal raise ``JobLookupError`` in the scheduler's thread. The
    shutdown is forced into exactly that moment: each job handed out waits for it."""
    from apscheduler.executors.pool import ThreadPoolExecutor as Pool
    from apscheduler.schedulers.base import STATE_STOPPED

    crashes: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: crashes.append(args.exc_value))
    scheduler, _ = make(store, paris(2026, 1, 6, 9, 10))
    submitted = threading.Event()
    original = Pool.submit_job

    def submit_then_wait_for_shutdown(self: Pool, job: object, run_times: object) -> None:
        original(self, job, run_times)
        submitted.set()
        deadline = time.monotonic() + 5
        while scheduler._scheduler.state != STATE_STOPPED and time.monotonic() < deadline:
            time.sleep(0.005)

    monkeypatch.setattr(Pool, "submit_job", submit_then_wait_for_shutdown)
    scheduler.start()
    submitted.wait(2)  # everything due at start was handed out (if anything was)
    scheduler.shutdown()
    time.sleep(0.2)
    assert crashes == []


def test_housekeeping_logs_at_debug_only(store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The reconcile job runs every few seconds: at INFO its runs leave no lines; at DEBUG they do."""
    import logging

    from bot import cli
    from bot.settings import Settings
    from bot.slack.digests import schedule

    monkeypatch.setattr(schedule, "RECONCILE_S", 0.05)
    for level, expected in (("INFO", False), ("DEBUG", True)):
        caplog.clear()
        cli.configure_logging(Settings(log_level=level), "serve", 0)
        caplog.set_level(getattr(logging, level))
        scheduler, _ = make(store, paris(2026, 1, 6, 9, 10))
        scheduler.start()
        time.sleep(0.4)
        scheduler.shutdown()
        lines = [
            r.getMessage() for r in caplog.records
            if "reconcile" in r.getMessage() and ("Running job" in r.getMessage() or "executed" in r.getMessage())
        ]
        assert bool(lines) is expected, lines
    logging.getLogger(schedule.HOUSEKEEPING_LOGGER).setLevel(logging.NOTSET)
