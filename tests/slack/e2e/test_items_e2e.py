"""End to end: action items kept from a thread summary, App Home, "Done", "my_items", digests in App Home."""

from __future__ import annotations

import json
from typing import Any

from bot.slack.formats import strings
from bot.slack.jobs.spec import channel_target, job_payload
from tests.support.e2e import CHANNEL, THREAD
from tests.support.slackapp import LocalSlackApp
from tools.fakeslack import FakeSlack

PARENT = "1700001000.000100"


def _summarise_thread(bot: LocalSlackApp, fake: FakeSlack) -> None:
    fake.messages[CHANNEL] = [
        {"ts": f"{float(PARENT) + i:.6f}", "user": user, "text": text, "thread_ts": PARENT}
        for i, (user, text) in enumerate(THREAD)
    ]
    mention = {"type": "app_mention", "user": "U0ANA", "text": "<@UBOT> summarise please",
               "ts": "1700001100.000100", "thread_ts": PARENT, "channel": CHANNEL}
    assert bot.event(mention)[0] == 200
    fake.wait_for("chat.update", 1, timeout=60)
    bot.wait_idle()


def _open_home(bot: LocalSlackApp, fake: FakeSlack, user: str, count: int) -> dict[str, Any]:
    event = {"type": "app_home_opened", "user": user, "channel": "D0" + user, "tab": "home", "event_ts": "1.0"}
    assert bot.event(event)[0] == 200
    fake.wait_for("views.publish", count, timeout=30)
    return fake.home_views[user]


def _buttons(view: dict[str, Any], action_id: str) -> list[dict[str, Any]]:
    found = [b.get("accessory") for b in view["blocks"]]
    found += [e for b in view["blocks"] for e in b.get("elements", []) if b["type"] == "actions"]
    return [b for b in found if b and b.get("action_id") == action_id]


def test_home_lists_the_viewers_items_and_done_removes_one(bot: LocalSlackApp, fake: FakeSlack) -> None:
    _summarise_thread(bot, fake)
    kept = bot.deps.store.items.open_items("U0BO")
    assert kept and all(o.item.channel_id == CHANNEL and o.item.thread_ts == PARENT for o in kept)
    assert any("export" in o.item.text for o in kept)

    view = _open_home(bot, fake, "U0BO", 1)
    assert "export" in json.dumps(view)
    done = _buttons(view, "item_done")
    assert [b["value"] for b in done] == [o.id for o in kept]
    assert "https://example.slack.com/archives/" in json.dumps(view)  # a link to the thread

    ana = _open_home(bot, fake, "U0ANA", 2)
    assert _buttons(ana, "item_done") == [] and strings.MY_ITEMS_NONE in json.dumps(ana)

    assert bot.block_action("item_done", done[0]["value"], user="U0ANA")[0] == 200  # not Ana's to close
    bot.wait_idle()
    assert len(bot.deps.store.items.open_items("U0BO")) == len(kept)
    assert bot.block_action("item_done", done[0]["value"], user="U0BO")[0] == 200
    fake.wait_for("views.publish", 4, timeout=30)
    bot.wait_idle()
    after = fake.home_views["U0BO"]
    assert [b["value"] for b in _buttons(after, "item_done")] == [o.id for o in kept[1:]]


def test_my_items_answers_and_done_reply_and_deletion_close_items(bot: LocalSlackApp, fake: FakeSlack) -> None:
    _summarise_thread(bot, fake)
    kept = bot.deps.store.items.open_items("U0BO")
    assert kept
    bot.deps.queue.submit("test:my", "my_items", job_payload({"user": "U0BO"}, channel_target("D0BO")))
    bot.wait_idle()
    answer = [p for p in fake.posted if p["channel"] == "D0BO"][-1]
    assert strings.MY_ITEMS_TITLE in answer["text"] and "export" in json.dumps(answer["blocks"])
    first = next(b["accessory"]["value"] for b in answer["blocks"] if "accessory" in b)
    assert first == kept[0].id
    clicked = {"channel": "D0BO", "ts": answer["ts"], "blocks": answer["blocks"]}
    assert bot.block_action("item_done", first, user="U0BO", message=clicked, response_url=fake.response_url("dm"))[0] == 200
    replaced = fake.wait_for_response(1, timeout=30)[-1][1]
    assert replaced["replace_original"] is True and first not in json.dumps(replaced["blocks"])
    bot.wait_idle()
    kept = kept[1:]
    assert bot.deps.store.items.open_items("U0BO") == kept
    if not kept:
        return

    hedge = {"type": "message", "user": "U0BO", "text": "not done yet, sorry", "ts": "1700002000.000100",
             "thread_ts": PARENT, "channel": CHANNEL}
    assert bot.event(hedge)[0] == 200
    assert len(bot.deps.store.items.open_items("U0BO")) == len(kept)
    by_ana = {**hedge, "user": "U0ANA", "text": "done", "ts": "1700002001.000100"}
    assert bot.event(by_ana)[0] == 200
    assert len(bot.deps.store.items.open_items("U0BO")) == len(kept)  # only the owner closes
    done = {**hedge, "text": "Done! merged", "ts": "1700002002.000100"}
    assert bot.event(done)[0] == 200
    assert bot.deps.store.items.open_items("U0BO") == []

    bot.deps.queue.submit("test:my2", "my_items", job_payload({"user": "U0BO"}, channel_target("D0BO")))
    bot.wait_idle()
    assert strings.MY_ITEMS_NONE in [p for p in fake.posted if p["channel"] == "D0BO"][-1]["text"]


def test_a_deleted_message_takes_its_items_with_it(bot: LocalSlackApp, fake: FakeSlack) -> None:
    _summarise_thread(bot, fake)
    kept = bot.deps.store.items.open_items("U0BO")
    assert kept
    for ts in sorted({o.item.message_ts for o in kept}):
        assert bot.event(fake.delete_message(CHANNEL, ts))[0] == 200
    assert bot.deps.store.items.open_items("U0BO") == []


def test_home_lists_digests_of_the_viewers_channels_with_buttons(bot: LocalSlackApp, fake: FakeSlack) -> None:
    bot.deps.store.subscribe(CHANNEL, "daily", "09:00", "Europe/Paris")
    bot.deps.store.subscribe("C0OTHER", "weekly", "10:00", "UTC", weekday=2)
    fake.members = {CHANNEL: ["U0ANA", "U0BO"], "C0OTHER": ["U0ANA"]}
    view = _open_home(bot, fake, "U0BO", 1)
    dumped = json.dumps(view)
    assert f"<#{CHANNEL}>" in dumped and "every day at 09:00" in dumped and "C0OTHER" not in dumped
    assert [b["value"] for b in _buttons(view, "digest_weekly")] == [CHANNEL]
    assert [b["value"] for b in _buttons(view, "digest_stop")] == [CHANNEL]

    assert bot.block_action("digest_stop", "C0OTHER", user="U0BO")[0] == 200  # not Bo's channel
    fake.wait_for("views.publish", 2, timeout=30)
    assert bot.deps.store.subscription("C0OTHER") is not None
    assert bot.block_action("digest_weekly", CHANNEL, user="U0BO")[0] == 200
    fake.wait_for("views.publish", 3, timeout=30)
    changed = bot.deps.store.subscription(CHANNEL)
    assert changed is not None and changed.cadence == "weekly" and changed.hhmm == "09:00"
    assert bot.block_action("digest_stop", CHANNEL, user="U0BO")[0] == 200
    fake.wait_for("views.publish", 4, timeout=30)
    bot.wait_idle()
    assert bot.deps.store.subscription(CHANNEL) is None
    assert strings.HOME_DIGESTS_NONE in json.dumps(fake.home_views["U0BO"])
