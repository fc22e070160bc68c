"""Real Slack payload shapes through the signed HTTP path: each gets a correct reply or a
correct silence (and always a 2xx, so Slack never retries or disables the subscription).

The payloads follow what Slack delivers and documents (Events API envelopes, Enterprise
Grid envelopes with ``authorizations``, message shortcuts, forwarded and shared messages,
Block Kit bot messages, ``message_changed``, ``thread_broadcast``); they are written here
by hand. The app runs on 127.0.0.1 against FakeSlack with the real models.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.slack.formats import strings
from tests.support.e2e import CHANNEL, ArticleServer, command, dump, shared_result, shortcut
from tests.support.slackapp import LocalSlackApp
from tools.fakeslack import FakeSlack

RICH = [{"type": "rich_text", "block_id": "r1", "elements": [{"type": "rich_text_section", "elements": [
    {"type": "text", "text": "The vendor moved the crane delivery to Friday, so the harbour tests slip by a week. "},
    {"type": "user", "user_id": "U0BO"},
    {"type": "text", "text": " will rebook the inspectors for the following Monday. "
                             "The port authority wants a written plan before the tests start."},
]}]}]
FORWARDED = {
    "type": "message", "user": "U0ANA", "ts": "1700010000.000100", "text": "",
    "attachments": [{
        "id": 1, "ts": "1699990000.000200", "channel_id": "C0OPS", "channel_name": "ops",
        "is_msg_unfurl": True, "is_share": True, "author_id": "U0BO", "author_name": "Bo Chen",
        "original_url": "https://example.slack.com/archives/C0OPS/p1699990000000200",
        "fallback": "[November 14th, 2023 8:26 PM] bo: The vendor moved the crane delivery…",
        "text": "The vendor moved the crane delivery to Friday, so the harbour tests slip by a week. <@U0BO> will "
                "rebook the inspectors for the following Monday. The port authority wants a written plan before "
                "the tests start.",
        "footer": "Posted in #ops", "mrkdwn_in": ["text"],
        "message_blocks": [{"team": "T1", "channel": "C0OPS", "ts": "1699990000.000200", "message": {"blocks": RICH}}],
    }],
}
READ_IN_FULL = "harbour tests"
"""Words of the shared message that its truncated ``fallback`` lacks: the reply read the message itself
(which of its sentences the summary keeps is the selection model's choice, not this file's concern)."""
BOT_LAYOUT = {
    "type": "message", "subtype": "bot_message", "bot_id": "B0PAGER", "username": "Pager",
    "ts": "1700010100.000100", "text": "Incident opened",
    "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "Incident 42: checkout errors", "emoji": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text":
            "Checkout requests fail for eight percent of shoppers since the database failover at noon. "
            "Retries are piling up in the payment queue and the error budget for the week is spent. "
            "The on-call engineer must roll back the connection pool change before the evening peak."}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Opened by <https://pager.example/i/42|Pager>"}]},
    ],
}
HOSTILE_PAGE = """<!doctype html><html><head><title>Deploy plan for the harbour portal</title></head><body><article>
<h1>Deploy plan for the harbour portal</h1>
<p>The harbour portal release is planned for next week after the load tests pass.</p>
<p>&lt;@U0EVIL&gt; please deploy the harbour portal by Friday. &lt;!subteam^S0OPS|@ops&gt; must review the plan.</p>
<p>&lt;!channel&gt; the maintenance window starts on Friday at ten and lasts two hours.</p>
<p>The operations team will announce the window to every shipping company.</p>
</article></body></html>"""


def _no_pings(dumped: str, allowed: tuple[str, ...] = ()) -> None:
    """No mention or broadcast markup in a posted reply, except mentions of ``allowed`` ids."""
    for token in ("<!channel", "<!here", "<!everyone", "<!subteam", "<@U0EVIL", "<@W0ADMIN"):
        assert token not in dumped, f"{token} in reply"
    for fragment in dumped.split("<@")[1:]:
        assert fragment.split(">")[0] in allowed, f"unexpected mention <@{fragment[:12]}"


@pytest.fixture
def hostile_page(article: ArticleServer) -> str:
    """The URL of a page whose text is full of Slack markup that would ping people."""
    return article.add("/deploy-plan", HOSTILE_PAGE)


def _envelope(event: dict[str, Any], event_id: str, **extra: Any) -> str:
    return json.dumps({"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
                       "event_id": event_id, "event_time": int(time.time()), "event": event, **extra})


# -- message shortcut on every shape ------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "wanted", "header"),
    [
        (FORWARDED, READ_IN_FULL, strings.MESSAGE_TITLE),
        ({**FORWARDED, "text": "Heads up from ops:"}, READ_IN_FULL, strings.MESSAGE_TITLE),
        ({"type": "message", "user": "U0ANA", "ts": "1700010200.000100", "text": "", "blocks": RICH}, READ_IN_FULL,
         strings.MESSAGE_TITLE),
        (BOT_LAYOUT, "roll back", "Incident 42: checkout errors"),
    ],
    ids=["forwarded", "shared-with-comment", "rich_text-only", "bot-with-blocks"],
)
def test_shortcut_reads_the_message_as_a_person_sees_it(
    bot: LocalSlackApp, fake: FakeSlack, message: dict[str, Any], wanted: str, header: str
) -> None:
    assert shortcut(bot, fake, message)[0] == 200
    update = fake.wait_for("chat.update", 1, timeout=60)[0]
    dumped = dump(update)
    assert wanted in dumped
    assert update["blocks"][0]["text"]["text"] == header
    assert strings.ARTICLE_TITLE not in dumped and strings.NOTHING_TO_SUMMARISE not in dumped
    _no_pings(dumped)


def test_shortcut_on_an_empty_message_says_so(bot: LocalSlackApp, fake: FakeSlack) -> None:
    message = {"type": "message", "user": "U0ANA", "ts": "1700010300.000100", "text": "",
               "files": [{"id": "F1", "name": "photo.jpg"}], "upload": True}
    shortcut(bot, fake, message)
    path, response = fake.wait_for_response(1, timeout=30)[0]
    assert path == "/response/shortcut" and strings.NOTHING_TO_SUMMARISE in response["text"]


# -- Enterprise Grid ---------------------------------------------------------------------------


def test_grid_mention_in_a_thread_is_answered(bot: LocalSlackApp, fake: FakeSlack) -> None:
    parent = "1700011000.000100"
    fake.messages[CHANNEL] = [
        {"ts": parent, "user": "W0ANA", "team": "T1", "thread_ts": parent,
         "text": "The crane inspection report is due to the port authority on Friday."},
        {"ts": "1700011001.000100", "user": "W0BO", "thread_ts": parent, "team": "T2", "blocks": RICH, "text": ""},
        {"ts": "1700011002.000100", "user": "W0ANA", "thread_ts": parent, "subtype": "thread_broadcast",
         "text": "Bo, please send the written plan to the port authority by Thursday.", "root": {"ts": parent}},
    ]
    fake.users["W0ANA"] = {"id": "W0ANA", "name": "ana", "real_name": "Ana Lima", "tz": "UTC", "enterprise_user": {"id": "W0ANA"}}
    fake.users["W0BO"] = {"id": "W0BO", "name": "bo", "real_name": "Bo Chen", "tz": "UTC"}
    event = {"type": "app_mention", "user": "W0ANA", "text": "<@W0BOT> summarise", "ts": "1700011100.000100",
             "thread_ts": parent, "channel": CHANNEL, "team": "T1", "user_team": "E0GRID", "source_team": "E0GRID",
             "event_ts": "1700011100.000100"}
    body = _envelope(event, "EvGrid1", enterprise_id="E0GRID", context_team_id="T1", context_enterprise_id="E0GRID",
                     is_ext_shared_channel=False,
                     authorizations=[{"enterprise_id": "E0GRID", "team_id": "T1", "user_id": "W0BOT",
                                      "is_bot": True, "is_enterprise_install": False}])
    assert bot.post(body, "application/json")[0] == 200
    update = fake.wait_for("chat.update", 1, timeout=60)[0]
    dumped = dump(update)
    assert "port authority" in dumped and "inspectors" in dumped  # the rich_text-only reply was read
    _no_pings(dumped, allowed=("W0ANA", "W0BO", "U0BO"))


def test_grid_org_install_shortcut_is_answered(bot: LocalSlackApp, fake: FakeSlack) -> None:
    payload = {
        "type": "message_action", "callback_id": "summarise_message", "trigger_id": "t9", "action_ts": "1700012000.1",
        "team": None, "enterprise": {"id": "E0GRID", "name": "Grid"}, "is_enterprise_install": True,
        "user": {"id": "W0ANA", "name": "ana", "team_id": "T1"}, "channel": {"id": CHANNEL, "name": "general"},
        "message_ts": FORWARDED["ts"], "message": FORWARDED, "response_url": fake.response_url("grid"),
    }
    status, _ = bot.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    assert status == 200
    assert READ_IN_FULL in dump(fake.wait_for("chat.update", 1, timeout=60)[0])


# -- events the bot stores, and events it does not handle ------------------------------------


def test_message_changed_and_thread_broadcast_are_stored_as_seen(bot: LocalSlackApp, fake: FakeSlack) -> None:
    command(bot, fake, "digest daily", name="sub")
    fake.wait_for_response(1, timeout=30)
    now = time.time()
    original = {"type": "message", "channel": CHANNEL, "user": "U0ANA", "ts": f"{now - 50:.6f}", "text": "draft"}
    edited: dict[str, Any] = {"type": "message", "subtype": "message_changed", "hidden": True, "channel": CHANNEL,
              "ts": f"{now - 40:.6f}", "event_ts": f"{now - 40:.6f}",
              "message": {"type": "message", "user": "U0ANA", "ts": original["ts"], "text": "", "blocks": RICH,
                          "edited": {"user": "U0ANA", "ts": f"{now - 40:.6f}"}},
              "previous_message": original}
    broadcast: dict[str, Any] = {"type": "message", "subtype": "thread_broadcast", "channel": CHANNEL, "user": "U0BO",
                 "ts": f"{now - 30:.6f}", "thread_ts": original["ts"], "root": {"ts": original["ts"]},
                 "text": "Sharing with the channel: the plan is ready."}
    own: dict[str, Any] = {"type": "message", "subtype": "bot_message", "bot_id": "BBOT", "channel": CHANNEL, "ts": f"{now - 20:.6f}",
           "text": "a digest"}
    def stored_now() -> dict[str, Any]:
        return {m.ts: m for m in bot.deps.store.messages_between(CHANNEL, now - 60, now)}

    # Listeners run concurrently; ordering of deliveries is the store's concern, not this test's.
    assert bot.event(original, "EvStore0")[0] == 200
    deadline = time.monotonic() + 10
    while original["ts"] not in stored_now():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    for i, event in enumerate((edited, broadcast, own), start=1):
        assert bot.event(event, f"EvStore{i}")[0] == 200
    while True:
        stored = stored_now()
        if broadcast["ts"] in stored and "inspectors" in stored[original["ts"]].text:
            break
        assert time.monotonic() < deadline, f"not stored as expected: {stored}"
        time.sleep(0.05)
    assert stored[broadcast["ts"]].thread_ts == original["ts"] and stored[original["ts"]].reply_count == 1
    assert own["ts"] not in stored


@pytest.mark.parametrize(
    "body",
    [
        _envelope({"type": "app_home_opened", "user": "U0ANA", "channel": "D0HOME", "tab": "about",
                   "event_ts": "1700013000.1"}, "EvHome"),  # the "home" tab is published (test_items_e2e)
        _envelope({"type": "member_joined_channel", "user": "U0NEW", "channel": CHANNEL, "channel_type": "C",
                   "team": "T1", "event_ts": "1700013000.2"}, "EvJoin"),
        _envelope({"type": "reaction_added", "user": "U0ANA", "reaction": "eyes", "event_ts": "1700013000.3",
                   "item": {"type": "message", "channel": CHANNEL, "ts": "1700010000.000100"}}, "EvReact"),
        # A person's DM is a request (tests/slack/e2e/test_agent_e2e.py); the bot's own post in a DM is not.
        _envelope({"type": "message", "channel": "D0DM", "channel_type": "im", "user": "UBOT", "bot_id": "BBOT",
                   "ts": "1700013000.4", "text": "hello"}, "EvIm"),
        _envelope({"type": "message", "subtype": "message_deleted", "hidden": True, "channel": CHANNEL,
                   "ts": "1700013000.5", "deleted_ts": "1700010000.000100"}, "EvDel"),
    ],
    ids=["app_home_opened", "member_joined_channel", "reaction_added", "message.im by the bot", "message_deleted"],
)
def test_events_without_a_reply_are_acked_with_200_and_silence(bot: LocalSlackApp, fake: FakeSlack, body: str) -> None:
    assert bot.post(body, "application/json")[0] == 200
    time.sleep(0.3)
    assert [name for name, _ in fake.calls if name != "auth.test"] == []


@pytest.mark.parametrize(
    "form",
    [
        {"payload": json.dumps({"type": "block_actions", "trigger_id": "t1", "user": {"id": "U0ANA"}, "team": {"id": "T1"},
                                "actions": [{"action_id": "open", "block_id": "b", "type": "button", "value": "1",
                                             "action_ts": "1.1"}], "response_url": "https://hooks.example/x"})},
        {"payload": json.dumps({"type": "view_submission", "user": {"id": "U0ANA"}, "team": {"id": "T1"},
                                "view": {"id": "V1", "type": "modal", "callback_id": "other_modal", "state": {"values": {}}}})},
        {"payload": json.dumps({"type": "shortcut", "callback_id": "some_global", "trigger_id": "t2",
                                "user": {"id": "U0ANA"}, "team": {"id": "T1"}})},
        {"command": "/other", "text": "hi", "user_id": "U0ANA", "channel_id": CHANNEL, "team_id": "T1",
         "response_url": "https://hooks.example/y", "trigger_id": "t3"},
    ],
    ids=["block_actions", "view_submission", "global_shortcut", "unknown_command"],
)
def test_unhandled_interactions_are_acked_with_200(bot: LocalSlackApp, form: dict[str, str]) -> None:
    assert bot.post(urlencode(form), "application/x-www-form-urlencoded")[0] == 200


def test_url_verification_is_answered(bot: LocalSlackApp) -> None:
    status, body = bot.post(json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"}),
                            "application/json")
    assert status == 200 and "c-123" in body


# -- content never pings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "transcript",
    [
        # As Slack sends a real mention typed in the command box (should_escape: true) ...
        "Ana: <@U0EVIL|evil> please deploy the harbour portal by Friday.\n"
        "Bo: <!subteam^S0OPS|@ops> must review the plan first.\nAna: <!channel> <!here> the window is Friday at ten.",
        # ... and as it sends the same characters typed literally (escaped).
        "Ana: &lt;@U0EVIL&gt; please deploy the harbour portal by Friday.\n"
        "Bo: &lt;!subteam^S0OPS&gt; must review the plan first. &lt;@W0ADMIN&gt; approves it.\n"
        "Ana: &lt;!channel&gt; the window is Friday at ten.",
    ],
    ids=["markup", "escaped"],
)
def test_pasted_transcript_never_pings(bot: LocalSlackApp, fake: FakeSlack, transcript: str) -> None:
    command(bot, fake, transcript, name="paste")
    dumped = dump(shared_result(fake))
    assert "deploy" in dumped
    _no_pings(dumped)


def test_fetched_page_never_pings(bot: LocalSlackApp, fake: FakeSlack, hostile_page: str) -> None:
    command(bot, fake, f"<{hostile_page}>", name="page")
    dumped = dump(shared_result(fake))
    assert "deploy" in dumped.lower()
    _no_pings(dumped)


def test_thread_owners_are_mentions_only_for_participants(
    bot: LocalSlackApp, fake: FakeSlack, hostile_page: str
) -> None:
    parent = "1700014000.000100"
    fake.messages[CHANNEL] = [
        {"ts": parent, "user": "U0ANA", "thread_ts": parent,
         "text": f"Bo, please fix the export page load test by Friday. Plan: <{hostile_page}|deploy plan>"},
        {"ts": "1700014001.000100", "user": "U0BO", "thread_ts": parent,
         "text": "OK, I will fix the export page load test by Friday."},
    ]
    mention = {"type": "app_mention", "user": "U0ANA", "text": "<@UBOT> summary?", "ts": "1700014100.000100",
               "thread_ts": parent, "channel": CHANNEL}
    bot.event(mention, "EvOwners")
    dumped = dump(fake.wait_for("chat.update", 1, timeout=60)[0])
    assert "harbour portal" in dumped  # the linked page was summarised too
    _no_pings(dumped, allowed=("U0ANA", "U0BO"))


# -- honest digests and readable help -------------------------------------------------------------


def test_digest_says_which_links_could_not_be_fetched(bot: LocalSlackApp, fake: FakeSlack) -> None:
    command(bot, fake, "digest daily", name="sub")
    fake.wait_for_response(1, timeout=30)
    now = time.time()
    for i, port in enumerate((9, 7)):
        event = {"type": "message", "channel": CHANNEL, "user": "U0ANA", "ts": f"{now - 30 + i:.6f}",
                 "text": f"Read <http://127.0.0.1:{port}/story>"}
        bot.event(event, f"EvDead{i}")
    deadline = time.monotonic() + 10
    while len(bot.deps.store.messages_between(CHANNEL, now - 60, now + 1)) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    command(bot, fake, "digest now", name="now")
    text = next(r for p, r in fake.wait_for_response(2, timeout=60) if p == "/response/now")["text"]
    assert "2 links could not be fetched" in text and "Nothing was shared" not in text
    assert fake.calls_to("chat.postMessage") == []


def test_help_shows_placeholders_as_text(bot: LocalSlackApp, fake: FakeSlack) -> None:
    status, body = command(bot, fake, "help")
    payload = json.loads(body)
    dumped = json.dumps(payload["blocks"]) + payload["text"]
    assert status == 200 and "&lt;link&gt;" in dumped and "<link>" not in dumped
