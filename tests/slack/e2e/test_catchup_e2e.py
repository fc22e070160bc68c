"""Catch me up over signed HTTP: channel messages arrive as events, a DM asks, the DM gets the answer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.catchup import ScriptedSummariser
from tests.support.e2e import dump, start_bot
from tests.support.slackapp import LocalSlackApp
from tools.fakeslack import FakeSlack

ANA, BO = "U0ANA", "U0BO"
GENERAL, SECRET, BO_DM, ANA_DM = "C0GENERAL", "G0SECRET", "D0BOTHER", "D0ANA"


@pytest.fixture
def scripted_bot(fake: FakeSlack, tmp_path: Path) -> Iterator[LocalSlackApp]:
    running = start_bot(fake, ScriptedSummariser(), tmp_path / "bot.db")
    yield running
    running.close()


def said(bot: LocalSlackApp, channel: str, kind: str, user: str, text: str, ago_s: float,
         thread_ts: str | None = None) -> str:
    ts = f"{time.time() - ago_s:.6f}"
    event = {"type": "message", "channel": channel, "channel_type": kind, "user": user, "text": text, "ts": ts,
             "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    assert bot.event(event)[0] == 200
    return ts


def test_a_catch_up_asked_in_a_dm_covers_the_askers_channels_only(fake: FakeSlack, scripted_bot: LocalSlackApp) -> None:
    bot = scripted_bot
    fake.members = {GENERAL: [ANA, BO], SECRET: [BO], BO_DM: [BO], ANA_DM: [ANA]}
    parent = said(bot, GENERAL, "channel", BO, "The export page load test fails again.", 900)
    said(bot, GENERAL, "channel", BO, f"<@{ANA}> DECIDED: ship on Monday. ITEM {ANA}: fix the export test", 800,
         thread_ts=parent)
    said(bot, SECRET, "group", BO, f"<@{ANA}> the salary review: SECRET-PAY", 700)
    said(bot, BO_DM, "im", BO, f"<@{ANA}> between us: SECRET-DM", 600)
    bot.wait_idle()
    stored = bot.deps.store.active_channels(0, time.time() + 60)
    assert stored == {GENERAL, SECRET}  # every channel the bot is in is kept; a DM is not

    ask = said(bot, ANA_DM, "im", ANA, "catch me up since yesterday", 1)
    status = fake.wait_for("assistant.threads.setStatus", 1, timeout=30)[0]
    assert status["channel_id"] == ANA_DM and status["thread_ts"] == ask
    bot.wait_idle()
    replies = [p for p in fake.posted if p.get("channel") == ANA_DM]
    assert len(replies) == 1 and replies[0]["thread_ts"] == ask
    text = dump(replies[0])
    assert "Your catch-up" in text and f"<#{GENERAL}>" in text
    assert "Needs you" in text and "fix the export test" in text and "ship on Monday" in text
    for secret in ("SECRET-PAY", "SECRET-DM", SECRET, BO_DM):
        assert secret not in text
    order = [m for m, params in fake.calls if m == "assistant.threads.setStatus" or params.get("channel") == ANA_DM]
    assert order[0] == "assistant.threads.setStatus" and "chat.postMessage" in order  # the loading status first
    assert fake.calls_to("conversations.history") == [] and fake.calls_to("conversations.replies") == []
