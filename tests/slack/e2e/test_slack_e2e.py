"""End to end: the HTTP app on 127.0.0.1, signed requests, FakeSlack, the real models."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.settings import Settings
from bot.slack.formats import strings
from tests.support.e2e import CHANNEL, THREAD, ArticleServer, command, dump, shared_result, shortcut, start_bot
from tests.support.slackapp import LocalSlackApp
from tools.fakeslack import FakeSlack


def _thread_messages(fake: FakeSlack, parent_ts: str = "1700001000.000100", link: str | None = None) -> str:
    messages = []
    for i, (user, text) in enumerate(THREAD):
        ts = f"{float(parent_ts) + i:.6f}"
        if i == 0 and link:
            text += f" Background: <{link}|the article>"
        messages.append({"ts": ts, "user": user, "text": text, "thread_ts": parent_ts})
    fake.messages[CHANNEL] = messages
    return parent_ts


def test_healthz(bot: LocalSlackApp) -> None:
    with urllib.request.urlopen(bot.url + "/healthz", timeout=5) as response:
        assert response.status == 200 and response.read() == b"ok"


def test_empty_command_answers_help(bot: LocalSlackApp, fake: FakeSlack) -> None:
    status, body = command(bot, fake, "")
    assert status == 200
    payload = json.loads(body)
    assert payload["response_type"] == "ephemeral"
    assert "digest weekly" in json.dumps(payload["blocks"]) and "channel" in payload["text"]


def test_a_mistyped_recap_is_answered_privately_with_help(bot: LocalSlackApp, fake: FakeSlack) -> None:
    status, body = command(bot, fake, "channel 24h <#G0SECRET|secret-ops>")
    payload = json.loads(body)
    assert status == 200 and payload["response_type"] == "ephemeral"
    dumped = json.dumps(payload)
    assert "didn" in payload["text"] and "digest weekly" in dumped  # the error, then the help
    assert "Article summary" not in dumped
    time.sleep(0.5)
    assert bot.deps.store.jobs.counts() == {} and fake.posted == [] and fake.responses == []


@pytest.mark.parametrize(
    ("sign", "age_s", "tamper"),
    [(False, 0, False), (True, 600, False), (True, 0, True)],
    ids=["unsigned", "stale", "wrong-signature"],
)
def test_bad_signatures_are_refused(bot: LocalSlackApp, fake: FakeSlack, sign: bool, age_s: int, tamper: bool) -> None:
    body = urlencode({"command": "/summarise", "text": "help", "response_url": fake.response_url()})
    headers = {"X-Slack-Signature": "v0=" + "0" * 64} if tamper else None
    if tamper:
        status, _ = bot.post(body, "application/x-www-form-urlencoded", sign=False,
                             headers={**(headers or {}), "X-Slack-Request-Timestamp": str(int(time.time()))})
    else:
        status, _ = bot.post(body, "application/x-www-form-urlencoded", sign=sign, age_s=age_s)
    assert status == 401
    assert fake.responses == []


def test_pasted_text_is_summarised_in_channel(bot: LocalSlackApp, fake: FakeSlack, seed_text: str) -> None:
    status, body = command(bot, fake, "<!channel> Fujian report\n\n" + seed_text)
    assert status == 200 and "Summarising" in body
    dumped = dump(shared_result(fake))
    assert "Fujian" in dumped
    # Slack sends a typed @channel as <!channel>: it is read as the words "@channel", shown
    # with a zero-width space after the @, and never pings.
    assert "@\\u200bchannel Fujian report" in dumped and "<!channel>" not in dumped
    assert fake.responses == []  # nothing more through the response_url


def test_url_is_fetched_and_summarised(bot: LocalSlackApp, fake: FakeSlack, article: ArticleServer) -> None:
    command(bot, fake, f"<{article.url}>")
    dumped = dump(shared_result(fake))
    assert "cranes" in dumped.lower()
    assert article.url in dumped  # the context line links the source


def test_a_shared_result_where_the_bot_may_not_post_uses_the_response_url(
    bot: LocalSlackApp, fake: FakeSlack
) -> None:
    fake.set_response("chat.postMessage", {"ok": False, "error": "not_in_channel"}, times=1)
    command(bot, fake, "The port opened a new terminal. It doubles capacity. Ships will wait less.")
    path, response = fake.wait_for_response(1, timeout=60)[0]
    assert path == "/response/r1" and response["response_type"] == "in_channel"
    assert "terminal" in dump(response)


def test_blocked_url_gets_a_clear_message(fake: FakeSlack, summariser: Any, tmp_path: Path) -> None:
    strict = start_bot(fake, summariser, tmp_path / "strict.db", fetch_allow_hosts=frozenset())
    try:
        command(strict, fake, "http://127.0.0.1:9/secret")
        response = fake.wait_for_response(1, timeout=30)[0][1]
    finally:
        strict.close()
    assert response["response_type"] == "ephemeral"
    assert ":warning:" in response["blocks"][0]["text"]["text"]
    # The public placeholder is removed, not left saying "Summarising…".
    assert fake.calls_to("chat.delete")[0]["ts"] == fake.posted[0]["ts"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("x" * 300_000, "too long"), ("\x00\x01\x02\x03\x04binary\x05\x06\x07" * 200, "binary")],
    ids=["huge", "binary"],
)
def test_bad_input_is_answered_and_the_bot_stays_up(bot: LocalSlackApp, fake: FakeSlack, text: str, expected: str) -> None:
    status, _ = command(bot, fake, text, name="bad")
    assert status == 200
    response = fake.wait_for_response(1, timeout=30)[0][1]
    assert response["response_type"] == "ephemeral" and expected in response["text"]
    command(bot, fake, "The port opened a new terminal. It doubles capacity. Ships will wait less.", name="ok")
    assert "terminal" in dump(fake.wait_for("chat.update", 1, timeout=30)[0])


def test_thread_mention_answers_in_thread_with_article(bot: LocalSlackApp, fake: FakeSlack, article: ArticleServer) -> None:
    parent = _thread_messages(fake, link=article.url)
    mention = {"type": "app_mention", "user": "U0BO", "text": "<@UBOT> summarise please",
               "ts": "1700001100.000100", "thread_ts": parent, "channel": CHANNEL}
    assert bot.event(mention, "Ev1")[0] == 200
    progress = fake.wait_for("chat.postMessage", 1, timeout=10)[0]
    assert progress["thread_ts"] == parent and progress["channel"] == CHANNEL
    update = fake.wait_for("chat.update", 1, timeout=60)[0]
    dumped = dump(update)
    assert "export page" in dumped  # the discussion
    assert "cranes" in dumped.lower()  # the linked article
    assert "<@U0BO>" in dumped  # Bo owns the fix: an owner mention built from his user id
    assert "<!here>" not in dumped and "here" in dumped  # shown as text, never a ping
    assert "Bo Chen" in dumped  # names resolved with users.info


def test_duplicates_and_retries_reply_once_even_after_restart(
    bot: LocalSlackApp, fake: FakeSlack, summariser: Any, tmp_path: Path
) -> None:
    parent = _thread_messages(fake)
    mention = {"type": "app_mention", "user": "U0ANA", "text": "<@UBOT> tl;dr",
               "ts": "1700001100.000200", "thread_ts": parent, "channel": CHANNEL}
    bot.event(mention, "EvDup")
    fake.wait_for("chat.update", 1, timeout=60)
    assert bot.event(mention, "EvDup", retry=1)[0] == 200
    assert bot.event(mention, "EvDup")[0] == 200
    bot.close()
    restarted = start_bot(fake, summariser, tmp_path / "bot.db")
    try:
        assert restarted.event(mention, "EvDup", retry=2)[0] == 200
    finally:
        restarted.close()
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert len(fake.calls_to("chat.update")) == 1


def test_shortcut_on_a_link_answers_in_thread(bot: LocalSlackApp, fake: FakeSlack, article: ArticleServer) -> None:
    message = {"type": "message", "ts": "1700002000.000100", "user": "U0BO", "text": f"read this <{article.url}>"}
    assert shortcut(bot, fake, message)[0] == 200
    progress = fake.wait_for("chat.postMessage", 1, timeout=10)[0]
    assert progress["thread_ts"] == message["ts"]
    update = fake.wait_for("chat.update", 1, timeout=60)[0]
    assert "cranes" in dump(update).lower()


def test_not_in_channel_is_explained(bot: LocalSlackApp, fake: FakeSlack) -> None:
    fake.set_response("chat.postMessage", {"ok": False, "error": "not_in_channel"})
    message = {"type": "message", "ts": "1700003000.000100", "user": "U0BO", "text": "A long note. " * 20}
    shortcut(bot, fake, message)
    path, response = fake.wait_for_response(1, timeout=30)[0]
    assert path == "/response/shortcut" and response["response_type"] == "ephemeral"
    assert "/invite" in response["text"]


def test_digest_subscribe_now_and_scheduled(bot: LocalSlackApp, fake: FakeSlack, article: ArticleServer) -> None:
    command(bot, fake, "digest daily 09:00", name="sub")
    confirmation = fake.wait_for_response(1, timeout=30)[0][1]
    assert "daily digest" in confirmation["text"] and "Europe/Paris" in confirmation["text"]
    now = time.time()
    events = [
        {"type": "message", "channel": CHANNEL, "user": "U0ANA", "ts": f"{now - 60:.6f}",
         "text": f"Worth a read: <{article.url}>"},
        {"type": "message", "channel": CHANNEL, "user": "U0BO", "ts": f"{now - 30:.6f}",
         "text": "Reminder <!channel>: the export page load test must be fixed by Friday. " * 8},
    ]
    for i, event in enumerate(events):
        assert bot.event(event, f"EvMsg{i}")[0] == 200
    deadline = time.monotonic() + 10
    while len(bot.deps.store.messages_between(CHANNEL, now - 120, now + 1)) < 2:
        assert time.monotonic() < deadline, "messages were not stored"
        time.sleep(0.05)

    command(bot, fake, "digest now", name="now")
    digest = fake.wait_for("chat.postMessage", 1, timeout=90)[0]
    assert digest["channel"] == CHANNEL
    dumped = dump(digest)
    assert strings.DIGEST_TITLE in dumped and "cranes" in dumped.lower()
    assert "<!channel>" not in dumped

    status, body = command(bot, fake, "digest status", name="status")
    assert status == 200 and "every day at 09:00" in json.loads(body)["text"]

    later = {"type": "message", "channel": CHANNEL, "user": "U0ANA", "ts": f"{time.time():.6f}",
             "text": "Ana here: the cranes go live in March, so please book the crane operators training. " * 6}
    bot.event(later, "EvMsgLater")
    scheduler = bot.scheduler
    assert scheduler is not None
    fire = scheduler.next_run(CHANNEL)
    assert fire is not None
    deadline = time.monotonic() + 10
    while len(bot.deps.store.messages_between(CHANNEL, now - 120, fire.timestamp())) < 3:
        assert time.monotonic() < deadline, "the later message was not stored"
        time.sleep(0.05)
    assert scheduler.run_due(fire.astimezone(UTC) + timedelta(minutes=1)) == [CHANNEL]
    scheduled = fake.wait_for("chat.postMessage", 2, timeout=90)[1]
    assert scheduled["channel"] == CHANNEL and "crane operators" in dump(scheduled)
    assert scheduler.run_due(fire.astimezone(UTC) + timedelta(minutes=2)) == []  # claimed once
    bot.wait_idle()
    assert len(fake.calls_to("chat.postMessage")) == 2


def test_scheduled_run_with_nothing_shared_posts_nothing(bot: LocalSlackApp, fake: FakeSlack) -> None:
    command(bot, fake, "digest weekly mon 08:30", name="weekly")
    assert "Monday" in fake.wait_for_response(1, timeout=30)[0][1]["text"]
    scheduler = bot.scheduler
    fire = scheduler.next_run(CHANNEL)
    assert fire is not None and fire.weekday() == 0 and (fire.hour, fire.minute) == (8, 30)
    assert scheduler.run_due(fire.astimezone(UTC) + timedelta(seconds=30)) == [CHANNEL]
    bot.wait_idle()
    assert bot.deps.store.jobs.counts().get("done") == 2  # the subscription and the (empty) digest
    assert fake.calls_to("chat.postMessage") == []


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        (Settings(), "SLACK_BOT_TOKEN"),
        (Settings(slack_bot_token="xoxb-1"), "SLACK_SIGNING_SECRET"),
        (Settings(slack_bot_token="xoxb-1", slack_app_token="xoxb-wrong"), "xapp-"),
    ],
)
def test_serve_refuses_bad_settings_with_one_line(
    settings: Settings, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.slack.serve import main

    assert main(settings) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err


def test_channel_recap_reads_history_with_thread_replies(bot: LocalSlackApp, fake: FakeSlack) -> None:
    now = time.time()
    parent = f"{now - 300:.6f}"
    fake.messages[CHANNEL] = [
        {"ts": parent, "user": "U0ANA", "text": "The crane contract needs a signature from legal this week."},
        {"ts": f"{now - 200:.6f}", "user": "U0BO", "thread_ts": parent,
         "text": "I will send the crane contract to legal today."},
        {"ts": f"{now - 100:.6f}", "user": "U0ANA", "text": "Also, the harbour tour moved to Thursday."},
    ]
    command(bot, fake, "channel 24h", name="recap")
    response = fake.wait_for_response(1, timeout=60)[0][1]
    assert response["response_type"] == "ephemeral"
    dumped = dump(response)
    assert "Channel recap (last 24h)" in dumped and "legal" in dumped
    replies = fake.calls_to("conversations.replies")
    assert replies and replies[0]["ts"] == parent  # thread replies were read too


def test_mention_outside_a_thread_summarises_the_link(
    bot: LocalSlackApp, fake: FakeSlack, article: ArticleServer
) -> None:
    mention = {"type": "app_mention", "user": "U0ANA", "text": f"<@UBOT> what is this? <{article.url}>",
               "ts": "1700005000.000100", "channel": CHANNEL}
    bot.event(mention, "EvLink")
    assert fake.wait_for("chat.postMessage", 1, timeout=10)[0]["thread_ts"] == mention["ts"]
    assert "cranes" in dump(fake.wait_for("chat.update", 1, timeout=60)[0]).lower()


def test_rate_limited_post_is_retried_after_retry_after(bot: LocalSlackApp, fake: FakeSlack) -> None:
    fake.set_response("chat.postMessage", {"ok": False, "error": "ratelimited"}, status=429,
                      headers={"Retry-After": "1"}, times=1)
    message = {"type": "message", "ts": "1700006000.000100", "user": "U0BO",
               "text": "The harbour tour moved to Thursday. Bring safety shoes. The bus leaves at nine."}
    shortcut(bot, fake, message)
    posts = fake.wait_for("chat.postMessage", 2, timeout=30)
    assert posts[0] == posts[1]  # the same request, sent again after the wait
    assert "Thursday" in dump(fake.wait_for("chat.update", 1, timeout=60)[0])


def test_digest_needs_membership_and_can_be_stopped(bot: LocalSlackApp, fake: FakeSlack) -> None:
    fake.set_response("conversations.history", {"ok": False, "error": "not_in_channel"}, times=1)
    command(bot, fake, "digest daily", name="refused")
    refused = fake.wait_for_response(1, timeout=30)[0][1]
    assert "/invite" in refused["text"] and bot.deps.store.subscription(CHANNEL) is None

    command(bot, fake, "digest daily", name="ok")
    assert "every day at 09:00" in fake.wait_for_response(2, timeout=30)[1][1]["text"]
    assert "stopped" in json.loads(command(bot, fake, "digest off", name="off")[1])["text"]
    assert "has no digest" in json.loads(command(bot, fake, "digest status", name="status")[1])["text"]
    assert bot.deps.store.subscription(CHANNEL) is None
