"""Tests of the Slack layer's persistence (sqlite files and in-memory)."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.storage.messages import ReadWindow, SlackMessage, Store, Subscription


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/nested/dir/bot.db"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.close()


def test_creates_parent_folder_and_tables(tmp_path: Path, db_url: str) -> None:
    Store(db_url).close()
    assert (tmp_path / "nested" / "dir" / "bot.db").is_file()


def test_in_memory_store_is_shared_between_threads() -> None:
    store = Store("sqlite://")
    worker = threading.Thread(target=store.jobs.enqueue, args=("event:Ev1", "notice", {}))
    worker.start()
    worker.join()
    assert store.jobs.enqueue("event:Ev1", "notice", {})[1] is False


def test_job_keys_survive_restart(database_url: str) -> None:
    first = Store(database_url)
    assert first.jobs.enqueue("event:Ev1", "notice", {})[1] is True
    assert first.jobs.enqueue("event:Ev1", "notice", {})[1] is False
    first.close()
    second = Store(database_url)
    assert second.jobs.enqueue("event:Ev1", "notice", {})[1] is False
    assert second.jobs.enqueue("event:Ev2", "notice", {})[1] is True
    second.close()


def test_job_keys_are_exclusive_under_concurrency(database_url: str) -> None:
    store = Store(database_url)
    wins: list[bool] = []
    ids: set[str] = set()
    barrier = threading.Barrier(8)

    def enqueue() -> None:
        barrier.wait()
        job, created = store.jobs.enqueue("command:race", "notice", {})
        wins.append(created)
        ids.add(job.id)

    threads = [threading.Thread(target=enqueue) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    assert sorted(wins) == [False] * 7 + [True] and len(ids) == 1


def test_claims_are_exclusive_under_concurrency(database_url: str) -> None:
    store = Store(database_url)
    job, _ = store.jobs.enqueue("event:claim-race", "notice", {})
    barrier = threading.Barrier(8)
    winners: list[str] = []

    def claim(owner: str) -> None:
        barrier.wait()
        if store.jobs.claim(job.id, owner, lease_s=30) is not None:
            winners.append(owner)

    threads = [threading.Thread(target=claim, args=(f"runner-{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    assert len(winners) == 1


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
    found = store.subscription("C1")
    assert found is not None and found.hhmm == "08:30"
    assert store.forget_conversation("C1") is True
    assert store.forget_conversation("C1") is False
    assert store.subscription("C1") is None


@pytest.mark.parametrize(
    ("cadence", "weekday"),
    [("hourly", None), ("weekly", 7), ("weekly", -1)],
)
def test_subscribe_rejects_bad_values(store: Store, cadence: str, weekday: int | None) -> None:
    with pytest.raises(ValueError, match="cadence|weekday"):
        store.subscribe("C1", cadence, "09:00", "UTC", weekday=weekday)


def test_messages_between_with_threads_edits_and_deletes(store: Store) -> None:
    store.save_message("C1", "100.000100", "before the period", "U1")
    store.save_message("C1", "150.000000", "thread parent, older", "U1", thread_ts="150.000000")
    store.save_message("C1", "200.000000", "hello", "U1")
    store.save_message("C1", "210.000000", "reply a", "U2", thread_ts="150.000000")
    store.save_message("C1", "220.000000", "reply b", "U3", thread_ts="150.000000")
    store.save_message("C1", "230.000000", "to delete", "U3")
    store.save_message("C1", "200.000000", "hello (edited)", "U1", version="250.000000")
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


def test_purge_messages_keeps_the_retention_period_of_every_channel(store: Store) -> None:
    store.subscribe("C1", "daily", "09:00", "UTC")
    for ts in ("100.0", "200.0", "300.0"):
        store.save_message("C1", ts, "x", "U1")
    store.save_message("C2", "150.0", "an unsubscribed channel, too old", "U1")
    store.save_message("C2", "300.0", "an unsubscribed channel (kept for catch-ups)", "U1")
    assert store.purge_messages(older_than=250.0) == 3
    assert [m.ts for m in store.messages_between("C1", 0, 1e12)] == ["300.0"]
    assert [m.ts for m in store.messages_between("C2", 0, 1e12)] == ["300.0"]


def test_active_channels_have_a_live_message_in_the_window(store: Store) -> None:
    store.save_message("C1", "100.0", "old", "U1")
    store.save_message("C2", "200.0", "in the window", "U1")
    store.save_message("C3", "210.0", "deleted", "U1")
    store.delete_message("C3", "210.0")
    store.save_message("C4", "300.0", "at the end: outside", "U1")
    assert store.active_channels(150.0, 300.0) == {"C2"}


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


def test_a_delete_before_its_message_leaves_it_deleted(database_url: str) -> None:
    store = Store(database_url)
    store.delete_message("C1", "100.000000")  # message_deleted arrived first
    assert store.save_message("C1", "100.000000", "password: hunter2", "U1") is False
    store.save_message("C1", "100.000000", "password: hunter2 (edited)", "U1", version="150.000000")
    assert store.messages_between("C1", 0, 1e12) == []
    store.close()


def test_an_older_state_never_overwrites_an_edit(database_url: str) -> None:
    store = Store(database_url)
    store.save_message("C1", "100.000000", "first draft", "U1")
    store.save_message("C1", "100.000000", "final text", "U1", version="180.000000")
    store.save_message("C1", "100.000000", "second draft", "U1", version="120.000000")  # a late edit event
    store.save_message("C1", "100.000000", "first draft", "U1")  # Slack retries the original
    assert [m.text for m in store.messages_between("C1", 0, 1e12)] == ["final text"]
    store.close()


def test_a_deleted_thread_reply_no_longer_counts(database_url: str) -> None:
    store = Store(database_url)
    store.save_message("C1", "100.000000", "parent", "U1")
    store.save_message("C1", "110.000000", "reply", "U2", thread_ts="100.000000")
    store.delete_message("C1", "110.000000")
    assert [(m.ts, m.reply_count) for m in store.messages_between("C1", 0, 1e12)] == [("100.000000", 0)]
    store.close()


def test_concurrent_messages_edits_and_deletes_end_as_slack_shows_them(database_url: str) -> None:
    """1,200 messages, 200 edits (each delivered twice, out of order) and 100 deletes, all at once."""
    store = Store(database_url)
    rng = random.Random(7)
    events: list[tuple[str, ...]] = []
    for i in range(1200):
        ts = f"{1000 + i}.000000"
        events.append(("save", ts, f"original {i}", ts))
        if i % 6 == 0:  # 200 edited messages: two edits, the later one wins
            events.append(("save", ts, f"edit one {i}", f"{5000 + i}.000000"))
            events.append(("save", ts, f"edit two {i}", f"{9000 + i}.000000"))
        if i % 12 == 1:  # 100 deleted messages
            events.append(("delete", ts))
    events += [e for e in events if e[0] == "save" and "edit" in e[2]]  # redeliveries
    rng.shuffle(events)

    def deliver(chunk: list[tuple[str, ...]]) -> None:
        for event in chunk:
            if event[0] == "delete":
                store.delete_message("C1", event[1])
            else:
                store.save_message("C1", event[1], event[2], "U1", version=event[3])

    chunks = [events[k::16] for k in range(16)]
    threads = [threading.Thread(target=deliver, args=(chunk,)) for chunk in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    stored = {m.ts: m.text for m in store.messages_between("C1", 0, 1e12)}
    store.close()
    expected = {
        f"{1000 + i}.000000": (f"edit two {i}" if i % 6 == 0 else f"original {i}")
        for i in range(1200) if i % 12 != 1
    }
    assert stored == expected


def test_forget_conversation_deletes_everything_kept_about_it(database_url: str) -> None:
    store = Store(database_url)
    store.subscribe("C1", "daily", "09:00", "UTC")
    store.subscribe("C2", "daily", "09:00", "UTC")
    store.save_message("C1", "100.000000", "kept until forgotten", "U1")
    store.delete_message("C1", "110.000000")  # a tombstone
    store.save_message("C2", "100.000000", "another channel", "U1")
    assert store.record_digest("C1", "C1:now:1", 200.0)
    assert store.forget_conversation("C1") is True
    assert store.subscription("C1") is None and store.last_digest("C1") is None
    assert store.messages_between("C1", 0, 1e12) == []
    assert store.save_message("C1", "110.000000", "a late redelivery", "U1")  # no tombstone left either
    assert [m.text for m in store.messages_between("C2", 0, 1e12)] == ["another channel"]
    assert store.forget_conversation("C1") is False  # nothing subscribed any more
    store.close()


def test_without_create_only_stored_messages_change(database_url: str) -> None:
    store = Store(database_url)
    store.save_message("C1", "100.000000", "secret", "U1")
    assert store.save_message("C1", "100.000000", "edited away", "U1", version="150.000000", create=False)
    assert not store.save_message("C1", "200.000000", "never stored", "U1", create=False)
    store.delete_message("C1", "300.000000", create=False)  # no tombstone for a message never stored
    assert [(m.ts, m.text) for m in store.messages_between("C1", 0, 1e12)] == [("100.000000", "edited away")]
    store.delete_message("C1", "100.000000", create=False)
    assert store.messages_between("C1", 0, 1e12) == []
    store.close()


def test_replace_window_makes_the_window_what_slack_shows(database_url: str) -> None:
    """Read at 1000 over [100, 900]: a stale text is replaced, a message Slack no longer has is
    dropped, an edit made after the read began and what lies outside the read stay."""
    store = Store(database_url)
    store.save_message("C1", "50.000000", "before the window", "U1")
    store.save_message("C1", "100.000000", "stale text", "U1")
    store.save_message("C1", "200.000000", "deleted in Slack", "U1")
    store.save_message("C1", "300.000000", "edited after the read began", "U1", version="1100.000000")
    store.save_message("C1", "400.000000", "a parent", "U1")
    store.save_message("C1", "410.000000", "reply deleted in Slack", "U2", thread_ts="400.000000")
    store.save_message("C1", "60.000000", "an older parent", "U1")
    store.save_message("C1", "420.000000", "reply to a thread not read", "U2", thread_ts="60.000000")
    read = [
        SlackMessage("100.000000", "current text", "U1"),
        SlackMessage("300.000000", "the text before that edit", "U1"),
        SlackMessage("400.000000", "a parent", "U1"),
        SlackMessage("500.000000", "new to the store", "U3"),
    ]
    window = ReadWindow(oldest=100.0, latest=900.0, top_level_from=100.0, threads=frozenset({"400.000000"}))
    stored, dropped = store.replace_window("C1", read, window, read_at=1000.0)
    assert dropped == 2 and stored == 3
    assert [(m.ts, m.text) for m in store.messages_between("C1", 0, 1e12)] == [
        ("50.000000", "before the window"),
        ("60.000000", "an older parent"),
        ("100.000000", "current text"),
        ("300.000000", "edited after the read began"),
        ("400.000000", "a parent"),
        ("420.000000", "reply to a thread not read"),
        ("500.000000", "new to the store"),
    ]
    # A redelivered original of a dropped message does not come back.
    assert not store.save_message("C1", "200.000000", "deleted in Slack", "U1")
    store.close()


def test_a_window_read_only_in_part_drops_only_from_that_part(database_url: str) -> None:
    store = Store(database_url)
    store.save_message("C1", "100.000000", "older than what was read: kept", "U1")
    store.save_message("C1", "800.000000", "in what was read, gone from Slack", "U1")
    window = ReadWindow(oldest=0.0, latest=900.0, top_level_from=700.0, threads=frozenset())
    assert store.replace_window("C1", [], window, read_at=1000.0) == (0, 1)
    assert [m.ts for m in store.messages_between("C1", 0, 1e12)] == ["100.000000"]
    store.close()


def test_a_resumed_digest_now_finds_its_claim(database_url: str) -> None:
    store = Store(database_url)
    assert store.record_digest("C1", "C1:now:100", 500.0, claimed_by="job-a")
    assert store.record_digest("C1", "C1:now:500", 900.0, claimed_by="job-b")
    assert store.claimed_digest("job-a") == ("C1", 500.0) and store.claimed_digest("job-c") is None
    assert store.last_digest("C1") == 900.0 and store.last_digest("C1", before=900.0) == 500.0
    assert store.last_digest("C1", before=500.0) is None
    store.close()
