"""The catch-up bench's day of messages, and the fake Slack's users.conversations it relies on."""

from __future__ import annotations

from collections import Counter

from slack_sdk import WebClient

from bot.slack.reading import member_channels
from tools.bench_catchup import ASKER, CHANNELS, MESSAGES, day
from tools.fakeslack import FakeSlack


def test_the_day_has_2000_messages_over_20_channels_with_threads_and_mentions() -> None:
    said = day(1_800_000_000.0)
    assert len(said) == MESSAGES and len({m.channel for m in said}) == CHANNELS
    assert set(Counter(m.channel for m in said).values()) == {MESSAGES // CHANNELS}
    parents = {m.ts: m for m in said if m.thread_ts is None}
    replies = [m for m in said if m.thread_ts]
    assert replies and all(m.thread_ts in parents and float(m.ts) > float(m.thread_ts) for m in replies)
    assert len({m.ts for m in said if m.channel == "C0CU00"}) == MESSAGES // CHANNELS
    assert sum(1 for m in said if f"<@{ASKER}>" in m.text) == 7
    assert all(1_800_000_000.0 - 72_000 <= float(m.ts) < 1_800_000_000.0 for m in said)


def test_users_conversations_pages_and_hides_private_channels_the_bot_is_not_in() -> None:
    with FakeSlack() as fake:
        fake.members = {f"C{i:03d}": ["U1"] for i in range(250)} | {"G1": ["U1"], "G2": ["U1"], "D1": ["U1"]}
        fake.left = {"G2", "C000"}
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        mine = member_channels(client, "U1")
        assert len(mine) == 251 and "G1" in mine and "C000" in mine and not {"G2", "D1"} & mine
        assert member_channels(client) == (mine - {"C000"})
        assert len(fake.calls_to("users.conversations")) == 4  # two pages each
