"""End to end: the agent view and DMs over signed HTTP against FakeSlack, with the real models."""

from __future__ import annotations

import json
import time
from typing import Any

from bot.slack.formats import strings
from bot.slack.formats.feedback import FEEDBACK_ACTION
from bot.slack.storage.feedback import Tally
from tests.support.e2e import CHANNEL, THREAD, ArticleServer, dump
from tests.support.slackapp import LocalSlackApp
from tools.fakeslack import BOT_USER_ID, FakeSlack

DM = "D0ANA"
SECRET_CHANNEL = "G0SECRET"
SECRET = "the acquisition of Harbour Co closes on the 30th"


def _dm(
    bot: LocalSlackApp, text: str, ts: str = "1700005000.000100", event_id: str | None = None, **extra: Any
) -> tuple[int, str]:
    event = {"type": "message", "channel": DM, "channel_type": "im", "user": "U0ANA", "text": text, "ts": ts,
             "event_ts": ts, **extra}
    return bot.event(event, event_id=event_id)


def _answer(fake: FakeSlack, count: int = 1) -> dict[str, Any]:
    """The bot's ``count``-th post in the DM (with its ts), after checking the loading status came first."""
    fake.wait_for("chat.postMessage", count, timeout=90)
    deadline = time.monotonic() + 5
    while len(fake.posted) < count and time.monotonic() < deadline:
        time.sleep(0.01)  # the call is recorded a moment before the post is
    methods = [name for name, _ in fake.calls]
    assert methods.index("assistant.threads.setStatus") < methods.index("chat.postMessage")
    return fake.posted[count - 1]


def test_opening_the_messages_tab_sets_the_suggested_prompts(bot: LocalSlackApp, fake: FakeSlack) -> None:
    home = {"type": "app_home_opened", "user": "U0ANA", "channel": DM, "tab": "home", "event_ts": "1.0"}
    assert bot.event(home)[0] == 200
    status, _ = bot.event({**home, "tab": "messages"})
    assert status == 200
    [call] = fake.wait_for("assistant.threads.setSuggestedPrompts", 1, timeout=10)
    assert call["channel_id"] == DM and "thread_ts" not in call
    assert [p["title"] for p in call["prompts"]] == [title for title, _ in strings.AGENT_PROMPTS]
    bot.wait_idle()
    assert len(fake.calls_to("assistant.threads.setSuggestedPrompts")) == 1  # the Home tab set none


def test_a_link_in_a_dm_is_answered_in_its_thread_and_rated(
    bot: LocalSlackApp, fake: FakeSlack, article: ArticleServer
) -> None:
    started = time.monotonic()
    status, _ = _dm(bot, f"summarise <{article.url}>")
    assert status == 200 and time.monotonic() - started < 3
    answer = _answer(fake)
    [loading] = fake.calls_to("assistant.threads.setStatus")
    assert loading["channel_id"] == DM and loading["thread_ts"] == "1700005000.000100"
    assert answer["channel"] == DM and answer["thread_ts"] == "1700005000.000100"
    assert "cranes" in dump(answer).lower()
    buttons = answer["blocks"][-1]["elements"][0]
    assert buttons["type"] == "feedback_buttons"
    for value in (buttons["positive_button"]["value"], buttons["negative_button"]["value"]):
        status, _ = bot.block_action(FEEDBACK_ACTION, value, user="U0ANA", action_type="feedback_buttons",
                                     message={"channel": DM, "ts": answer["ts"], "type": "message"})
        assert status == 200
    assert bot.deps.store.feedback.counts() == [Tally("summarise_url", good=0, bad=1)]  # the second vote stands


def test_a_channel_recap_from_a_dm_is_for_members_only(bot: LocalSlackApp, fake: FakeSlack) -> None:
    fake.members = {SECRET_CHANNEL: ["U0BO", BOT_USER_ID], CHANNEL: ["U0ANA", "U0BO", BOT_USER_ID]}
    now = time.time()
    fake.messages[SECRET_CHANNEL] = [{"ts": f"{now - 600:.6f}", "user": "U0BO", "text": SECRET}]
    fake.messages[CHANNEL] = [
        {"ts": f"{now - 500 + i:.6f}", "user": user, "text": text} for i, (user, text) in enumerate(THREAD)
    ]
    _dm(bot, f"summarise <#{SECRET_CHANNEL}|secret-ops> last 2 days")
    refusal = _answer(fake)
    assert "not a member" in refusal["text"] and SECRET not in json.dumps(fake.posted)
    assert all(call.get("channel") != SECRET_CHANNEL for call in fake.calls_to("conversations.history"))

    _dm(bot, f"recap <#{CHANNEL}|general>", ts="1700005001.000100")
    recap = _answer(fake, 2)
    assert recap["thread_ts"] == "1700005001.000100" and "export page" in dump(recap)
    assert SECRET not in json.dumps(fake.posted)


def test_catch_up_and_my_items_become_their_jobs_answered_in_the_dm(bot: LocalSlackApp, fake: FakeSlack) -> None:
    _dm(bot, f"catch me up on <#{CHANNEL}|general> since Monday", event_id="EvCATCHUP")
    _answer(fake)
    _dm(bot, "my action items", ts="1700005001.000100", event_id="EvITEMS")
    _answer(fake, 2)
    bot.wait_idle()
    catchup, items = (bot.deps.store.jobs.by_key(f"event:{e}") for e in ("EvCATCHUP", "EvITEMS"))
    assert catchup is not None and items is not None
    assert (catchup.kind, items.kind) == ("catchup", "my_items")
    args = catchup.payload["args"]
    assert args["since"] == {"kind": "weekday", "count": 0} and args["channels"] == [CHANNEL]
    assert args["user"] == items.payload["args"]["user"] == "U0ANA"
    assert [p["thread_ts"] for p in fake.posted] == ["1700005000.000100", "1700005001.000100"]


def test_only_a_persons_new_dm_starts_a_job(bot: LocalSlackApp, fake: FakeSlack) -> None:
    assert _dm(bot, "catch me up", bot_id="B0OTHER")[0] == 200
    edit = {"type": "message", "subtype": "message_changed", "channel": DM, "channel_type": "im",
            "message": {"type": "message", "user": "U0ANA", "text": "catch me up", "ts": "1700005000.000100"},
            "ts": "1700005002.000100"}
    assert bot.event(edit)[0] == 200
    time.sleep(0.5)
    bot.wait_idle()
    assert bot.deps.store.jobs.counts() == {} and fake.posted == []
