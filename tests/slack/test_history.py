"""Reading Slack history through slack_sdk against the fake Web API."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.core.types import Message
from bot.slack.reading import (
    UserDirectory,
    backfill,
    fetch_history,
    fetch_thread,
    permalink,
    to_messages,
)
from bot.slack.storage.messages import Store
from tools.fakeslack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        server.users.update(
            {
                "U1": {
                    "id": "U1",
                    "name": "ada",
                    "real_name": "Ada Lovelace",
                    "tz": "Europe/London",
                },
                "U2": {"id": "U2", "name": "grace", "profile": {"display_name": "Grace"}},
            }
        )
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(
        token="xoxb-test",
        base_url=fake.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )


def thread(parent_ts: int, replies: int, user: str = "U2") -> list[dict[str, Any]]:
    parent = {"ts": f"{parent_ts}.000000", "user": "U1", "text": f"parent {parent_ts}"}
    return [parent] + [
        {
            "ts": f"{parent_ts + i}.000000",
            "user": user,
            "text": f"reply {i}",
            "thread_ts": parent["ts"],
        }
        for i in range(1, replies + 1)
    ]


def test_fetch_thread_paginates(fake: FakeSlack, client: WebClient) -> None:
    fake.messages["C1"] = thread(1000, 450)
    read = fetch_thread(client, "C1", "1000.000000")
    got = read.messages
    assert len(got) == 451 and read.total == 451 and read.complete
    assert got[0]["text"] == "parent 1000" and got[-1]["text"] == "reply 450"
    calls = fake.calls_to("conversations.replies")
    assert len(calls) == 3
    assert [c.get("cursor") for c in calls] == [None, "200", "400"]


def test_a_thread_over_the_budget_keeps_its_parent_and_newest_replies(fake: FakeSlack, client: WebClient) -> None:
    fake.messages["C1"] = thread(1000, 50)
    read = fetch_thread(client, "C1", "1000.000000", budget=10)
    assert [m["text"] for m in read.messages] == ["parent 1000"] + [f"reply {i}" for i in range(42, 51)]
    assert read.total == 51 and not read.complete
    assert len(fake.calls_to("conversations.replies")) <= 3


@pytest.mark.parametrize("bursty", [False, True], ids=["even", "busy-at-the-end"])
def test_a_3000_message_thread_is_read_from_its_end(fake: FakeSlack, client: WebClient, bursty: bool) -> None:
    """Parent + 2,999 replies: the parent and the newest 999 are read, in a few pages, not 15."""
    messages = thread(1000, 2999)
    if bursty:  # the first 100 replies over days, the other 2,899 within the last hour
        for i, message in enumerate(messages[1:], start=1):
            message["ts"] = f"{1000 + i * 3000 if i <= 100 else 400_000 + i:.6f}"
    fake.messages["C1"] = messages
    read = fetch_thread(client, "C1", "1000.000000")
    assert read.total == 3000 and len(read.messages) == 1000 and not read.complete
    assert read.messages[0]["text"] == "parent 1000"
    assert [m["text"] for m in read.messages[1:]] == [f"reply {i}" for i in range(2001, 3000)]
    assert len(fake.calls_to("conversations.replies")) <= 8


def test_fetch_history_paginates_and_adds_window_replies(
    fake: FakeSlack, client: WebClient
) -> None:
    plain = [{"ts": f"{2000 + i}.000000", "user": "U1", "text": f"m{i}"} for i in range(250)]
    fake.messages["C1"] = thread(1000, 3) + plain + thread(5000, 2) + [
        {"ts": "9000.000000", "user": "U1", "text": "after the window"}
    ]
    read = fetch_history(client, "C1", oldest=1000.0, latest=6000.0)
    got = read.messages

    assert read.complete and read.threads == {m["ts"] for m in got if m.get("thread_ts") in (None, m["ts"])}
    assert len(got) == 4 + 250 + 3
    assert [float(m["ts"]) for m in got] == sorted(float(m["ts"]) for m in got)
    assert "after the window" not in {m["text"] for m in got}
    assert len(fake.calls_to("conversations.history")) == 2
    assert sorted(c["ts"] for c in fake.calls_to("conversations.replies")) == [
        "1000.000000",
        "5000.000000",
    ]


def test_fetch_history_without_threads_and_capped(fake: FakeSlack, client: WebClient) -> None:
    fake.messages["C1"] = thread(1000, 3) + thread(2000, 3)
    got = fetch_history(client, "C1", 0, 3000, include_threads=False).messages
    assert [m["text"] for m in got] == ["parent 1000", "parent 2000"]
    assert fake.calls_to("conversations.replies") == []
    capped = fetch_history(client, "C1", 0, 3000, max_messages=3)
    assert len(capped.messages) == 3 and not capped.complete
    # The newest are kept: both parents, then the newest reply of the newest thread.
    assert [m["text"] for m in capped.messages] == ["parent 1000", "parent 2000", "reply 3"]


def test_rate_limit_is_retried_by_the_client(fake: FakeSlack, client: WebClient) -> None:
    fake.messages["C1"] = [{"ts": "100.000000", "user": "U1", "text": "hi"}]
    fake.rate_limit("conversations.history", retry_after=1)
    got = fetch_history(client, "C1", 0, 200).messages
    assert [m["text"] for m in got] == ["hi"]
    assert len(fake.calls_to("conversations.history")) == 2


def test_api_errors_propagate(fake: FakeSlack, client: WebClient) -> None:
    fake.set_response("conversations.history", {"ok": False, "error": "not_in_channel"})
    with pytest.raises(SlackApiError) as err:
        fetch_history(client, "C1", 0, 200)
    assert err.value.response["error"] == "not_in_channel"


def test_user_directory_caches_each_user_once(fake: FakeSlack, client: WebClient) -> None:
    users = UserDirectory(client)
    workers = [threading.Thread(target=users.name, args=("U1",)) for _ in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()

    assert users.name("U1") == "Ada Lovelace"
    assert users.name("U2") == "Grace"
    assert users.name("UNOPE") == "UNOPE"
    assert users.tz("U1") == "Europe/London"
    assert users.tz("U2") == "UTC"
    assert users.names({"U1", "U2"}) == {"U1": "Ada Lovelace", "U2": "Grace"}
    looked_up = [c["user"] for c in fake.calls_to("users.info")]
    assert sorted(looked_up) == ["U1", "U2", "UNOPE"]


def test_user_directory_ttl(fake: FakeSlack, client: WebClient) -> None:
    now = [0.0]
    users = UserDirectory(client, ttl_s=100, error_ttl_s=10, clock=lambda: now[0])
    users.name("U1")
    users.name("UNOPE")
    now[0] = 50.0
    users.name("U1")
    users.name("UNOPE")  # the failure has expired: asked again
    now[0] = 150.0
    users.name("U1")  # the hit has expired
    assert [c["user"] for c in fake.calls_to("users.info")] == ["U1", "UNOPE", "UNOPE", "U1"]


def test_permalink(fake: FakeSlack, client: WebClient) -> None:
    link = permalink(client, "C1", "123.000400")
    assert link == "https://example.slack.com/archives/C1/p123000400"
    fake.set_response("chat.getPermalink", {"ok": False, "error": "message_not_found"})
    assert permalink(client, "C1", "1.0") is None


def test_to_messages(client: WebClient) -> None:
    raw = [
        {"ts": "1.0", "user": "U1", "text": "ping <@U2>"},
        {"ts": "2.0", "user": "U3", "text": "joined", "subtype": "channel_join"},
        {"ts": "3.0", "bot_id": "BBOT", "text": "summary"},
        {"ts": "4.0", "user": "U2", "text": "pong"},
    ]
    assert to_messages(raw, UserDirectory(client)) == [
        Message(author="Ada Lovelace", text="ping @Grace", ts="1.0", author_id="U1", mentions=(("Grace", "U2"),)),
        Message(author="Grace", text="pong", ts="4.0", author_id="U2"),
    ]


def test_backfill_saves_human_messages(fake: FakeSlack, client: WebClient) -> None:
    fake.messages["C1"] = [*thread(1000, 2), {"ts": "1500.000000", "bot_id": "BBOT", "text": "a digest"}, {"ts": "1600.000000", "user": "U2", "subtype": "channel_join", "text": "joined"}]
    store = Store("sqlite://")
    assert backfill(client, store, "C1", 0, 2000) == 3
    stored = store.messages_between("C1", 0, 2000)
    assert [(m.ts, m.thread_ts, m.user_id, m.reply_count) for m in stored] == [
        ("1000.000000", None, "U1", 2),
        ("1001.000000", "1000.000000", "U2", 0),
        ("1002.000000", "1000.000000", "U2", 0),
    ]


def test_backfill_without_threads(fake: FakeSlack, client: WebClient) -> None:
    fake.messages["C1"] = thread(1000, 2)
    store = Store("sqlite://")
    assert backfill(client, store, "C1", 0, 2000, include_threads=False) == 1
    assert fake.calls_to("conversations.replies") == []
    assert [m.ts for m in store.messages_between("C1", 0, 2000)] == ["1000.000000"]
