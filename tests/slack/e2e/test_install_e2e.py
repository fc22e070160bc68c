"""End to end: installing to any workspace through /slack/install, per-workspace tokens, uninstall."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot.slack.install.workspace import Workspace
from bot.slack.jobs.spec import channel_target, job_payload
from tests.support.install import get, install, start_installable_bot
from tests.support.slackapp import LocalSlackApp
from tools.fakeslack import FakeSlack


@pytest.fixture
def installable(fake: FakeSlack, summariser: Any, database_url: str) -> Iterator[LocalSlackApp]:
    running = start_installable_bot(fake, summariser, database_url)
    yield running
    running.close()


def _mention(bot: LocalSlackApp, team_id: str, channel: str) -> None:
    event = {"type": "app_mention", "channel": channel, "user": "U0ANA", "text": "<@UBOT> hello", "ts": "1700000000.000100"}
    status, _ = bot.event(event, team_id=team_id)
    assert status == 200


def test_a_second_workspace_installs_and_is_answered_with_its_own_token(
    installable: LocalSlackApp, fake: FakeSlack
) -> None:
    fake.channel_teams = {"C0ONE": "T1", "C0TWO": "T2"}
    assert install(installable, fake, "T1")[0] == 200
    status, page = install(installable, fake, "T2")
    assert status == 200 and "oauth_redirect" not in page
    exchanged = fake.calls_to("oauth.v2.access")
    assert [call["code"] for call in exchanged] == ["code-T1-1", "code-T2-3"]
    _mention(installable, "T2", "C0TWO")
    _mention(installable, "T1", "C0ONE")
    fake.wait_for("chat.postMessage", 2, timeout=30)
    tokens = {params["channel"]: token for params, token in fake.calls_with_tokens("chat.postMessage")}
    assert tokens == {"C0TWO": fake.token_of("T2"), "C0ONE": fake.token_of("T1")}
    assert fake.token_of("T1") != fake.token_of("T2")
    # Every call carried a live token of its workspace: none was refused.
    assert all(token for name, token in zip((n for n, _ in fake.calls), fake.call_tokens, strict=True)
               if name != "oauth.v2.access")


def test_a_request_from_a_workspace_without_an_installation_runs_nothing(
    installable: LocalSlackApp, fake: FakeSlack
) -> None:
    install(installable, fake, "T1")
    _mention(installable, "T9", "C0NINE")
    time.sleep(0.5)
    assert installable.runtime.store.jobs.counts() == {} and fake.posted == []


def test_an_install_link_without_its_cookie_is_refused(installable: LocalSlackApp, fake: FakeSlack) -> None:
    status, _page, _ = get(installable.url + "/slack/install")
    assert status == 200
    code = fake.install("T2")
    status, _, _ = get(f"{installable.url}/slack/oauth_redirect?code={code}&state=forged")
    assert status == 400 and fake.calls_to("oauth.v2.access") == []


def test_uninstalling_deletes_that_workspace_only(installable: LocalSlackApp, fake: FakeSlack) -> None:
    install(installable, fake, "T1")
    install(installable, fake, "T2")
    store = installable.runtime.store
    for team, channel in (("T1", "C0ONE"), ("T2", "C0TWO")):
        store.workspaces.remember(channel, Workspace(team))
        store.subscribe(channel, "daily", "09:00", "UTC")
        store.save_message(channel, "1700000000.000100", f"kept in {team}", "U0ANA")
    event = fake.revoke("T2")
    status, _ = installable.event(event, team_id="T2")
    assert status == 200
    installations = installable.deps.installations
    assert installations.find_bot(enterprise_id=None, team_id="T2") is None
    assert installations.find_bot(enterprise_id=None, team_id="T1") is not None
    assert store.subscription("C0TWO") is None and store.messages_between("C0TWO", 0, 2e9) == []
    assert store.subscription("C0ONE") is not None
    assert [m.text for m in store.messages_between("C0ONE", 0, 2e9)] == ["kept in T1"]
    assert store.workspaces.of("C0TWO") is None


def test_without_client_settings_the_single_token_serves_as_before(bot: LocalSlackApp, fake: FakeSlack) -> None:
    status, _, _ = get(bot.url + "/slack/install")
    assert status == 404
    _mention(bot, "T1", "C0GENERAL")
    fake.wait_for("chat.postMessage", 1, timeout=30)
    assert fake.calls_with_tokens("chat.postMessage")[0][1] == "xoxb-test"


def test_background_jobs_refresh_a_rotating_token_themselves(installable: LocalSlackApp, fake: FakeSlack) -> None:
    """Jobs without a request (digests, queued work) refresh an expiring token once, then use it."""
    install(installable, fake, "T2", rotating=True, expires_in=60)
    old = fake.token_of("T2")
    for i in range(4):
        payload = job_payload({"text": "hello"}, channel_target("C0TWO"), Workspace("T2"))
        installable.deps.queue.submit(f"background:{i}", "notice", payload)
    installable.wait_idle()
    tokens = {token for _, token in fake.calls_with_tokens("chat.postMessage")}
    assert len(fake.posted) == 4 and tokens == {fake.token_of("T2")} and old not in tokens
    assert [c.get("grant_type") for c in fake.calls_to("oauth.v2.access")].count("refresh_token") == 1


def test_a_job_of_an_uninstalled_workspace_is_dropped(installable: LocalSlackApp, fake: FakeSlack) -> None:
    install(installable, fake, "T1")
    job = installable.deps.queue.submit("orphan", "notice", job_payload({"text": "hi"}, channel_target("C0X"), Workspace("T9")))
    installable.wait_idle()
    stored = installable.runtime.store.jobs.get(job.id)
    assert stored is not None and stored.status == "failed" and "no token" in (stored.error or "")
    assert fake.posted == []


def test_an_org_wide_install_answers_every_workspace_of_the_org(installable: LocalSlackApp, fake: FakeSlack) -> None:
    fake.channel_teams = {"C0SIX": "T6", "C0SEVEN": "T7"}
    status, _ = install(installable, fake, "T5", enterprise_id="E1", org_wide=True)
    assert status == 200
    org_token = fake.token_of("T5")
    for team, channel in (("T6", "C0SIX"), ("T7", "C0SEVEN")):
        event = {"type": "app_mention", "channel": channel, "user": "W0ANA", "text": "<@UBOT> hi", "ts": "1700000000.000100"}
        assert installable.event(event, team_id=team, enterprise_id="E1", org_wide=True)[0] == 200
    fake.wait_for("chat.postMessage", 2, timeout=30)
    posted = {(params["channel"], token) for params, token in fake.calls_with_tokens("chat.postMessage")}
    assert posted == {("C0SIX", org_token), ("C0SEVEN", org_token)}


def test_a_dm_and_the_home_tab_of_a_second_workspace_use_its_own_token(
    installable: LocalSlackApp, fake: FakeSlack
) -> None:
    fake.channel_teams = {"D0TWO": "T2"}
    assert install(installable, fake, "T2")[0] == 200
    dm = {"type": "message", "channel": "D0TWO", "channel_type": "im", "user": "U0ANA", "text": "help",
          "ts": "1700000100.000100"}
    assert installable.event(dm, team_id="T2")[0] == 200
    home = {"type": "app_home_opened", "user": "U0ANA", "channel": "D0TWO", "tab": "home"}
    assert installable.event(home, team_id="T2")[0] == 200
    fake.wait_for("chat.postMessage", 1, timeout=30)
    fake.wait_for("views.publish", 1, timeout=30)
    for method in ("chat.postMessage", "views.publish"):
        assert {token for _, token in fake.calls_with_tokens(method)} == {fake.token_of("T2")}, method
