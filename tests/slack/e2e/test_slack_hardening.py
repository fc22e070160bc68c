"""End to end against hostile and unusual delivery: replays, ordering, odd text, bad headers, start-up."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.conftest import REPO_ROOT
from tests.support.e2e import ARTICLE_HTML, ArticleServer, make_bot
from tests.support.slackapp import LocalSlackApp
from tools.fakeslack import FakeSlack
from tools.slackclient import FORM

CHANNEL = "C0HARD"


@pytest.fixture
def bot(fake: FakeSlack, summariser: Any, database_url: str, article: ArticleServer) -> Iterator[LocalSlackApp]:
    running = make_bot(fake, summariser, database_url, fetch_allow_hosts=article.allow)
    yield running
    running.close()


def dump(params: dict[str, Any]) -> str:
    return json.dumps(params.get("blocks", ""), ensure_ascii=False) + json.dumps(params.get("text", ""), ensure_ascii=False)


# -- replay and retries -----------------------------------------------------------------


def test_a_replayed_command_is_answered_once(bot: LocalSlackApp, fake: FakeSlack) -> None:
    text = "The ferry to Xiamen restarts on Monday. Tickets cost 40 yuan. Crossings take two hours."
    for _ in range(5):  # the same signed body, five times within Slack's five minutes
        status, _ = bot.command(text, fake.response_url("replay"), channel=CHANNEL, user="U0ANA", trigger_id="T.replay")
        assert status == 200
    bot.wait_idle()
    assert len(fake.posted) == 1 and len(fake.calls_to("chat.update")) == 1
    assert bot.deps.store.jobs.counts() == {"done": 1}


def test_a_replayed_shortcut_is_answered_once(bot: LocalSlackApp, fake: FakeSlack) -> None:
    message = {"type": "message", "ts": "1700002000.000100", "user": "U0ANA",
               "text": "The harbour tour moved to Thursday. Bring safety shoes. The bus leaves at nine."}
    for _ in range(5):
        bot.shortcut(message, CHANNEL, fake.response_url("sc"), user="U0ANA", trigger_id="T.shortcut")
    bot.wait_idle()
    assert len(fake.posted) == 1 and len(fake.calls_to("chat.update")) == 1


def test_a_retry_of_an_unfinished_event_is_not_dropped(
    fake: FakeSlack, summariser: Any, database_url: str
) -> None:
    """Acked, then the bot died before running it: Slack's retry after the restart gets answered."""
    mention = {"type": "app_mention", "user": "U0ANA", "text": "<@UBOT> what is this about?",
               "ts": "1700005000.000100", "channel": CHANNEL}
    stopped = make_bot(fake, summariser, database_url)
    stopped.runtime.local._closing.set()  # type: ignore[union-attr]  # runs nothing: as if it died at once
    assert stopped.event(mention, "EvLost")[0] == 200
    stopped.close(grace_s=0.1)
    restarted = make_bot(fake, summariser, database_url)
    try:
        assert restarted.event(mention, "EvLost", retry=1)[0] == 200
        restarted.wait_idle()
    finally:
        restarted.close()
    assert len(fake.posted) == 1  # the hint, once


# -- ordering in the store --------------------------------------------------------------


def test_deletes_and_edits_hold_whatever_order_they_arrive_in(bot: LocalSlackApp) -> None:
    bot.deps.store.subscribe(CHANNEL, "daily", "09:00", "UTC")
    now = time.time()
    secret_ts, edited_ts = f"{now - 50:.6f}", f"{now - 40:.6f}"
    events: list[dict[str, Any]] = [
        {"type": "message", "subtype": "message_deleted", "channel": CHANNEL, "deleted_ts": secret_ts,
         "event_ts": f"{now - 10:.6f}"},
        {"type": "message", "channel": CHANNEL, "user": "U0ANA", "ts": secret_ts, "text": "the password is hunter2"},
        {"type": "message", "subtype": "message_changed", "channel": CHANNEL, "event_ts": f"{now - 20:.6f}",
         "message": {"type": "message", "user": "U0ANA", "ts": edited_ts, "text": "Launch moves to Thursday.",
                     "edited": {"user": "U0ANA", "ts": f"{now - 20:.6f}"}}},
        {"type": "message", "channel": CHANNEL, "user": "U0ANA", "ts": edited_ts, "text": "Launch is on Monday."},
    ]
    for event in events:
        assert bot.event(event)[0] == 200
    stored = {m.ts: m.text for m in bot.deps.store.messages_between(CHANNEL, now - 100, now)}
    assert stored == {edited_ts: "Launch moves to Thursday."}


# -- text the bot must not choke on or echo -----------------------------------------------


def test_odd_characters_in_a_thread_are_summarised_and_never_echoed(bot: LocalSlackApp, fake: FakeSlack) -> None:
    parent = "1700001000.000100"
    fake.messages[CHANNEL] = [
        {"ts": parent, "user": "U0ANA", "thread_ts": parent,
         "text": "The export page load test fails \ud800 again on the staging cluster."},
        {"ts": "1700001001.000100", "user": "U0ANA", "thread_ts": parent,
         "text": "I will fix the \u202egnigats\u202c export test by Friday and then we ship on Monday."},
        {"ts": "1700001002.000100", "user": "U0ANA", "thread_ts": parent, "text": "\U0001f600" * 20_000},
    ]
    mention = {"type": "app_mention", "user": "U0ANA", "text": "<@UBOT> summary", "ts": "1700001100.000100",
               "thread_ts": parent, "channel": CHANNEL}
    bot.event(mention)
    update = fake.wait_for("chat.update", 1, timeout=60)[0]
    dumped = dump(update)
    assert "export" in dumped and ":warning:" not in dumped
    for invisible in ("\u202e", "\u202c", "\ud800"):
        assert invisible not in dumped


def test_credentials_in_a_link_are_neither_sent_shown_nor_logged(
    bot: LocalSlackApp, fake: FakeSlack, article: ArticleServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_url = article.url.replace("http://", "http://admin:hunter2@")
    bot.command(f"<{secret_url}>", fake.response_url("cred"), channel=CHANNEL, user="U0ANA")
    update = fake.wait_for("chat.update", 1, timeout=60)[0]
    assert "cranes" in dump(update).lower()
    assert "hunter2" not in json.dumps(fake.calls) + caplog.text
    job = bot.deps.store.jobs.by_key(next(iter(_keys(bot))))
    assert job is not None and "hunter2" not in json.dumps(job.payload)


def test_a_links_query_string_is_not_logged_at_info(
    bot: LocalSlackApp, fake: FakeSlack, article: ArticleServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The bot's own lines (the entry point keeps httpx's request lines at WARNING)."""
    caplog.set_level(logging.INFO)
    url = article.add("/news/cranes?token=sekrit-42&user=ana", ARTICLE_HTML)
    bot.command(f"<{url.replace('&', '&amp;')}#part>", fake.response_url("query"), channel=CHANNEL, user="U0ANA")
    assert "cranes" in dump(fake.wait_for("chat.update", 1, timeout=60)[0]).lower()
    bot.wait_idle()
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    assert f"fetched {article.url}?..." in ours  # the page is logged, its query is not
    assert "sekrit-42" not in ours and "#part" not in ours


def _keys(bot: LocalSlackApp) -> list[str]:
    from sqlalchemy import text

    with bot.deps.store.engine.connect() as connection:
        return [row[0] for row in connection.execute(text("SELECT key FROM jobs"))]


# -- malformed requests -------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "1700000000.5", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "-1", "X-Slack-Signature": "v0=zz"},
        {"X-Slack-Request-Timestamp": "9" * 40, "X-Slack-Signature": "v1=abc"},
    ],
    ids=["letters", "fraction", "negative", "huge"],
)
def test_malformed_signature_headers_are_401(bot: LocalSlackApp, headers: dict[str, str]) -> None:
    status, _ = bot.post(urlencode({"command": "/summarise", "text": "help"}), FORM, sign=False, headers=headers)
    assert status == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("{not json", "application/json"), ("payload=%7Bnope", FORM), (b"\xff\xfe\x00bad", FORM), ("[1, 2]", "application/json")],
    ids=["json", "payload", "not-utf8", "not-an-object"],
)
def test_signed_but_malformed_bodies_are_400(bot: LocalSlackApp, body: str | bytes, content_type: str) -> None:
    assert bot.post(body, content_type)[0] == 400


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"a":' * 5000 + "1" + "}" * 5000, "application/json"),
        ("payload=" + "%5B" * 5000 + "%5D" * 5000, FORM),
    ],
    ids=["json", "form-payload"],
)
def test_signed_json_nested_5000_deep_is_400_with_one_log_line(
    bot: LocalSlackApp, body: str, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    assert bot.post(body, content_type)[0] == 400
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(" (")[0] for r in lines] == [
        "refused a signed request whose JSON is nested too deeply to parse"
    ]
    assert lines[0].exc_info is None and "RecursionError" not in caplog.text


def test_an_oversized_id_is_refused_cleanly(bot: LocalSlackApp, fake: FakeSlack) -> None:
    assert bot.event({"type": "app_mention", "channel": CHANNEL, "user": "U0ANA", "ts": "1.0"}, "E" * 300)[0] == 400
    status, _ = bot.command("digest status", fake.response_url(), channel="C" + "X" * 300)
    assert status == 400


def test_a_long_but_plausible_channel_id_gets_an_answer(bot: LocalSlackApp, fake: FakeSlack) -> None:
    fake.set_response("chat.postMessage", {"ok": False, "error": "channel_not_found"})
    channel = "C" + "0" * 40
    status, _ = bot.command("Ships wait less now. The port doubled its cranes.", fake.response_url("long"), channel=channel)
    assert status == 200
    response = fake.wait_for_response(1, timeout=60)[0][1]
    assert response["response_type"] == "in_channel" and "cranes" in dump(response).lower()


def test_readiness_reports_models_and_database(bot: LocalSlackApp) -> None:
    import urllib.request

    with urllib.request.urlopen(bot.url + "/readyz", timeout=5) as response:
        assert json.loads(response.read()) == {"ready": True, "draining": False, "models": True, "database": True}
    bot.front.drain()
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(bot.url + "/healthz", timeout=5)
    assert info.value.code == 503 and info.value.read() == b"draining"


def test_readiness_is_503_with_a_reason_when_the_database_refuses_writes(
    bot: LocalSlackApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import urllib.error
    import urllib.request

    from sqlalchemy.exc import OperationalError

    def disk_full() -> None:
        raise OperationalError("DELETE FROM digest_runs", {}, Exception("database or disk is full"))

    monkeypatch.setattr(bot.runtime.store, "check_writable", disk_full)
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(bot.url + "/readyz", timeout=5)
    assert info.value.code == 503
    assert json.loads(info.value.read()) == {
        "ready": False, "draining": False, "models": True, "database": False,
        "reason": "database: Exception: database or disk is full",
    }


# -- start-up ------------------------------------------------------------------------------


def _serve(env: dict[str, str], timeout: float = 30.0, cwd: Path = REPO_ROOT) -> tuple[int, str, float]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PORT", "DATABASE_URL", "JOB_"))}
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "serve"], cwd=cwd, env={**clean, **env},
        capture_output=True, text=True, timeout=timeout,
    )
    return proc.returncode, proc.stderr, time.monotonic() - start


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"SLACK_BOT_TOKEN": "abc", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN must be a bot token"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "99999"}, "PORT must be at most 65535"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "http://127.0.0.1:9/api/"},
         "cannot reach Slack"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_API_URL": "http://127.0.0.1:9/api/"},
         "cannot reach Slack"),
    ],
    ids=["malformed-token", "bad-port", "unreachable-http-mode", "unreachable-socket-mode"],
)
def test_start_up_problems_exit_with_one_line(env: dict[str, str], fragment: str, tmp_path: Path) -> None:
    code, err, seconds = _serve({**env, "DATABASE_URL": f"sqlite:///{tmp_path}/bot.db"})
    assert code == 2 and fragment in err and "Traceback" not in err
    assert err.strip().count("\n") == 0  # one line
    assert seconds < 25


def test_a_revoked_token_exits_with_one_line(fake: FakeSlack, tmp_path: Path) -> None:
    fake.set_response("auth.test", {"ok": False, "error": "token_revoked"})
    code, err, _ = _serve({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": fake.api_url,
                           "DATABASE_URL": f"sqlite:///{tmp_path}/bot.db"})
    assert code == 2 and "SLACK_BOT_TOKEN was refused by Slack (token_revoked)" in err and "Traceback" not in err


def test_the_cli_ignores_settings_only_the_bot_uses(tmp_path: Path) -> None:
    text = tmp_path / "note.txt"
    text.write_text("The ferry restarts on Monday. Tickets cost 40 yuan. Crossings take two hours.")
    clean = {k: v for k, v in os.environ.items() if k not in ("PORT", "DATABASE_URL")}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "summarise", str(text), "--format", "json"], cwd=REPO_ROOT,
        env={**clean, "PORT": "99999", "JOB_QUEUE": "celery", "DATABASE_URL": "sqlite://"},
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0 and "ferry" in proc.stdout


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_serve_refuses_an_in_memory_database(fake: FakeSlack, url: str) -> None:
    code, err, _ = _serve({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": fake.api_url,
                           "DATABASE_URL": url}, timeout=60)
    assert code == 2 and "in-memory SQLite database" in err and "Traceback" not in err
    assert err.strip().count("\n") == 0


def test_an_unwritable_database_is_found_before_the_models_load(tmp_path: Path) -> None:
    """A SQLite path under a file (mkdir fails, even for root): one line and exit 2, before
    Slack is asked (its address here answers nothing) or a model loads."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database's folder should be")
    code, err, seconds = _serve({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
                                 "SLACK_API_URL": "http://127.0.0.1:9/api/",
                                 "DATABASE_URL": f"sqlite:///{blocker}/bot.db"}, timeout=60)
    assert code == 2 and "DATABASE_URL could not be opened for writing" in err and "Traceback" not in err
    assert err.strip().count("\n") == 0
    assert seconds < 12  # the Slack check alone retries for 12 s: it never ran


def test_an_unreadable_env_file_exits_with_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"SLACK_BOT_TOKEN=xoxb-\xff\n")
    code, err, _ = _serve({}, cwd=tmp_path)
    assert code == 2 and ".env could not be read" in err and "Traceback" not in err
    assert err.strip().count("\n") == 0
