"""Tests of the Slack layer's persistence (sqlite files and in-memory)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.store import Store, Subscription


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/nested/dir/bot.db"


@pytest.fixture()
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.close()


def test_creates_parent_folder_and_tables(tmp_path: Path, db_url: str) -> None:
    Store(db_url).close()
    assert (tmp_path / "nested" / "dir" / "bot.db").is_file()


def test_in_memory_store_is_shared_between_threads() -> None:
    store = Store("sqlite://")
    worker = threading.Thread(target=store.claim_event, args=("Ev1",))
    worker.start()
    worker.join()
    assert store.claim_event("Ev1") is False


def test_claim_event_survives_restart(db_url: str) -> None:
    first = Store(db_url)
    assert first.claim_event("Ev1") is True
    assert first.claim_event("Ev1") is False
    first.close()
    second = Store(db_url)
    assert second.claim_event("Ev1") is False
    assert second.claim_event("Ev2") is True


def test_claim_event_is_exclusive_under_concurrency(store: Store) -> None:
    wins: list[bool] = []
    barrier = threading.Barrier(8)

    def claim() -> None:
        barrier.wait()
        wins.append(store.claim_event("EvRace"))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 7 + [True]


def test_purge_events(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.slack.store.time.time", lambda: 1000.0)
    store.claim_event("old")
    monkeypatch.setattr("bot.slack.store.time.time", lambda: 100_000.0)
    store.claim_event("new")
    assert store.purge_events(older_than=50_000.0) == 1
    assert store.claim_event("old") is True
    assert store.claim_event("new") is False


def test_subscribe_upserts_and_unsubscribes(store: Store) -> None:
    sub = store.subscribe("C1", "daily", "09:00", "Europe/Paris", created_by="U1")
    assert isinstance(sub, Subscription)
    assert (sub.channel_id, sub.cadence, sub.weekday, sub.hhmm, sub.tz, sub.created_by) == (
        "C1",
        "daily",
        None,
        "09:00",
        "Europe/Paris",
        "U1",
    )
    store.subscribe("C1", "weekly", "08:30", "America/New_York", weekday=4)
    store.subscribe("C0", "weekly", "10:00", "UTC")
    assert [(s.channel_id, s.cadence, s.weekday) for s in store.subscriptions()] == [
        ("C0", "weekly", 0),
        ("C1", "weekly", 4),
    ]
    assert store.subscription("C1") is not None and store.subscription("C1").hhmm == "08:30"
    assert store.unsubscribe("C1") is True
    assert store.unsubscribe("C1") is False
    assert store.subscription("C1") is None


@pytest.mark.parametrize(
    ("cadence", "weekday"),
    [("hourly", None), ("weekly", 7), ("weekly", -1)],
)
def test_subscribe_rejects_bad_values(store: Store, cadence: str, weekday: int | None) -> None:
    with pytest.raises(ValueError):
        store.subscribe("C1", cadence, "09:00", "UTC", weekday=weekday)


def test_messages_between_with_threads_edits_and_deletes(store: Store) -> None:
    store.save_message("C1", "100.000100", "before the period", "U1")
    store.save_message("C1", "150.000000", "thread parent, older", "U1", thread_ts="150.000000")
    store.save_message("C1", "200.000000", "hello", "U1")
    store.save_message("C1", "210.000000", "reply a", "U2", thread_ts="150.000000")
    store.save_message("C1", "220.000000", "reply b", "U3", thread_ts="150.000000")
    store.save_message("C1", "230.000000", "to delete", "U3")
    store.save_message("C1", "200.000000", "hello (edited)", "U1")
    store.save_message("C2", "205.000000", "other channel", "U1")
    store.delete_message("C1", "230.000000")

    got = store.messages_between("C1", oldest=200.0, latest=300.0)

    assert [(m.ts, m.thread_ts, m.text, m.reply_count) for m in got] == [
        ("150.000000", None, "thread parent, older", 2),
        ("200.000000", None, "hello (edited)", 0),
        ("210.000000", "150.000000", "reply a", 0),
        ("220.000000", "150.000000", "reply b", 0),
    ]
    assert store.messages_between("C1", oldest=300.0, latest=400.0) == []


def test_purge_messages(store: Store) -> None:
    for ts in ("100.0", "200.0", "300.0"):
        store.save_message("C1", ts, "x", "U1")
    assert store.purge_messages(older_than=250.0) == 2
    assert [m.ts for m in store.messages_between("C1", 0, 1e12)] == ["300.0"]


def test_record_digest_is_an_idempotent_claim(db_url: str) -> None:
    store = Store(db_url)
    assert store.last_digest("C1") is None
    assert store.record_digest("C1", "C1:2026-01-05T09:00:00+01:00", 1000.0) is True
    assert store.record_digest("C1", "C1:2026-01-05T09:00:00+01:00", 1000.0) is False
    assert store.record_digest("C1", "C1:2026-01-06T09:00:00+01:00", 2000.0) is True
    store.close()
    reopened = Store(db_url)
    assert reopened.last_digest("C1") == 2000.0
    assert reopened.digest_recorded("C1:2026-01-05T09:00:00+01:00") is True
    assert reopened.last_digest("C2") is None
