"""The catchup job against the fake Slack and a real store: whose channels it reads, and how."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.settings import Settings
from bot.slack.catchup.usecases import catch_up
from bot.slack.deps import Services
from bot.slack.runtime import build_services
from bot.slack.storage.messages import Store
from tests.support.catchup import ScriptedSummariser
from tools.fakeslack import FakeSlack

ASKER = "U0ANA"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.users = {
            ASKER: {"id": ASKER, "real_name": "Ana Lima", "tz": "Europe/Paris"},
            "U0BO": {"id": "U0BO", "real_name": "Bo Chen", "tz": "UTC"},
        }
        yield fake


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path / 'bot.db'}")
    yield store
    store.close()


def services(fake: FakeSlack, store: Store, summariser: ScriptedSummariser, **settings: object) -> Services:
    values = {"slack_bot_token": "xoxb-test", "slack_api_url": fake.api_url, **settings}
    config = Settings(**values)  # type: ignore[arg-type]
    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    return build_services(config, store, client, summariser)


def plant(store: Store, channel: str, text: str, ago_s: float, user: str = "U0BO", thread: str | None = None) -> str:
    ts = f"{time.time() - ago_s:.6f}"
    store.save_message(channel, ts, text, user, thread_ts=thread)
    return ts


def dump(outcome: object) -> str:
    return json.dumps(getattr(outcome, "blocks", "")) + json.dumps(getattr(outcome, "text", ""))


def test_only_conversations_the_asker_is_in_are_read(fake: FakeSlack, store: Store) -> None:
    fake.members = {
        "C0GENERAL": [ASKER, "U0BO"],
        "G0SECRET": ["U0BO"],  # private; the bot is in it, the asker is not
        "C0NOBOT": [ASKER],  # the asker is in it; the bot was removed
        "D0BOTHER": ["U0BO"],  # Bo's DM with the bot
    }
    fake.left = {"C0NOBOT"}
    parent = plant(store, "C0GENERAL", f"<@{ASKER}> can you check the release notes?", 600)
    plant(store, "C0GENERAL", f"DECIDED: ship the dashboard on Monday. ITEM {ASKER}: fix the export test", 500,
          thread=parent)
    plant(store, "G0SECRET", f"<@{ASKER}> the salary review says SECRET-PAY", 400)
    plant(store, "D0BOTHER", f"<@{ASKER}> keep this between us: SECRET-DM", 300)
    plant(store, "C0NOBOT", f"<@{ASKER}> SECRET-GONE", 200)
    summariser = ScriptedSummariser()
    outcome = catch_up(services(fake, store, summariser), {"user": ASKER, "since": {"kind": "hours", "count": 24}})
    text = dump(outcome)
    for secret in ("SECRET-PAY", "SECRET-DM", "SECRET-GONE", "G0SECRET", "D0BOTHER", "C0NOBOT"):
        assert secret not in text
    assert all("SECRET" not in m.text for doc in summariser.documents for m in doc.messages)
    assert "*<#C0GENERAL>*" in text and ":bell: *Needs you:*" in text
    assert "fix the export test" in text and "ship the dashboard on Monday" in text
    assert f"https://example.slack.com/archives/C0GENERAL/p{parent.replace('.', '')}" in text
    asked = fake.calls_to("users.conversations")
    assert [c.get("user") for c in asked] == [ASKER, None]
    assert all(c["types"] == "public_channel,private_channel" for c in asked)
    assert fake.calls_to("conversations.history") == [] and fake.calls_to("conversations.replies") == []


def test_named_channels_and_the_look_back(fake: FakeSlack, store: Store) -> None:
    fake.members = {"C0A": [ASKER], "C0B": [ASKER]}
    plant(store, "C0A", "talk in A one", 3600)
    plant(store, "C0A", "talk in A two", 3500)
    plant(store, "C0A", "talk in A three", 3400)
    plant(store, "C0B", "old news in B", 2 * 86_400)
    summariser = ScriptedSummariser()
    only_b = catch_up(services(fake, store, summariser), {"user": ASKER, "channels": ["C0B", "G0ELSE"]})
    assert "Nothing new since" in dump(only_b) and "left out 1 channel(s)" in dump(only_b)
    week = catch_up(services(fake, store, summariser), {"user": ASKER, "since": {"kind": "days", "count": 3}})
    assert "People also talked in <#C0A>, <#C0B>." in dump(week)


def test_the_look_back_stops_at_the_retention(fake: FakeSlack, store: Store) -> None:
    fake.members = {"C0A": [ASKER]}
    plant(store, "C0A", "hello there", 60)
    outcome = catch_up(
        services(fake, store, ScriptedSummariser(), message_retention_days=2),
        {"user": ASKER, "since": {"kind": "days", "count": 10}},
    )
    assert "I keep messages for 2 day(s)" in dump(outcome)


def test_no_shared_channel(fake: FakeSlack, store: Store) -> None:
    fake.members = {"C0A": ["U0BO"]}
    plant(store, "C0A", "not for Ana", 60)
    outcome = catch_up(services(fake, store, ScriptedSummariser()), {"user": ASKER})
    assert "I'm not in any channel you're in" in dump(outcome) and "not for Ana" not in dump(outcome)
