"""Each workspace's token from its installation: rotation one refresh at a time, workspaces in jobs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Installation

from bot.settings import Settings
from bot.slack.install.oauth import Installs, authorization_url, open_installs
from bot.slack.install.tokens import NotInstalled
from bot.slack.install.workspace import Workspace, workspace_of
from bot.slack.jobs.spec import channel_target, job_payload
from bot.slack.storage.messages import Store
from tools.fakeslack import CLIENT_ID, CLIENT_SECRET, FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def installs(fake: FakeSlack, database_url: str) -> Iterator[Installs]:
    settings = Settings(
        slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET, slack_api_url=fake.api_url,
        database_url=database_url,
    )
    store = Store(settings.database_url)
    yield open_installs(settings, store.engine, lambda token: WebClient(token=token, base_url=fake.api_url))
    store.close()


def _install(fake: FakeSlack, installs: Installs, team_id: str, **grant: object) -> None:
    """What the OAuth redirect does: exchange a code, save the installation."""
    code = fake.install(team_id, **grant)  # type: ignore[arg-type]
    answer = WebClient(base_url=fake.api_url).oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code)
    installs.store.save(Installation(
        app_id="A1", team_id=team_id, user_id="U0INSTALLER", bot_id="BBOT", bot_user_id="UBOT",
        bot_token=answer["access_token"], bot_refresh_token=answer.get("refresh_token"),
        bot_token_expires_in=answer.get("expires_in"),
    ))


def _refreshes(fake: FakeSlack) -> int:
    return sum(1 for call in fake.calls_to("oauth.v2.access") if call.get("grant_type") == "refresh_token")


def test_concurrent_jobs_refresh_an_expiring_token_once(fake: FakeSlack, installs: Installs) -> None:
    _install(fake, installs, "T3", rotating=True, expires_in=60)  # expires within the refresh margin
    old = fake.token_of("T3")
    start = threading.Barrier(8)
    used: list[str] = []
    errors: list[Exception] = []

    def job() -> None:
        start.wait()
        try:
            client = installs.tokens.client(Workspace("T3"))
            client.auth_test()
            used.append(str(client.token))
        except Exception as exc:  # collected: a second refresh fails with invalid_refresh_token
            errors.append(exc)

    threads = [threading.Thread(target=job) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert _refreshes(fake) == 1
    assert set(used) == {fake.token_of("T3")} and old not in used
    bot = installs.store.find_bot(enterprise_id=None, team_id="T3")
    assert bot is not None and bot.bot_token == fake.token_of("T3")  # saved for the next process


def test_a_token_far_from_expiry_is_not_refreshed(fake: FakeSlack, installs: Installs) -> None:
    _install(fake, installs, "T3", rotating=True, expires_in=43_200)
    installs.tokens.client(Workspace("T3")).auth_test()
    assert _refreshes(fake) == 0


def test_workspaces_get_their_own_clients(fake: FakeSlack, installs: Installs) -> None:
    _install(fake, installs, "T1")
    _install(fake, installs, "T2")
    one, two = installs.tokens.client(Workspace("T1")), installs.tokens.client(Workspace("T2"))
    assert (one.token, two.token) == (fake.token_of("T1"), fake.token_of("T2"))
    assert one.auth_test()["team_id"] == "T1" and two.auth_test()["team_id"] == "T2"


@pytest.mark.parametrize("workspace", [None, Workspace("T9")], ids=["none", "not-installed"])
def test_a_workspace_without_an_installation_has_no_client(installs: Installs, workspace: Workspace | None) -> None:
    with pytest.raises(NotInstalled):
        installs.tokens.client(workspace)


def test_an_org_wide_install_serves_every_workspace_of_the_org(fake: FakeSlack, installs: Installs) -> None:
    code = fake.install("T5", enterprise_id="E1", org_wide=True)
    answer = WebClient(base_url=fake.api_url).oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code)
    installs.store.save(Installation(
        app_id="A1", enterprise_id="E1", team_id=None, user_id="U0INSTALLER", bot_id="BBOT",
        bot_user_id="UBOT", bot_token=answer["access_token"], is_enterprise_install=True,
    ))
    client = installs.tokens.client(Workspace("T6", "E1", is_enterprise_install=True))
    assert client.token == answer["access_token"]


def test_the_fake_refuses_a_wrong_client_secret(fake: FakeSlack) -> None:
    code = fake.install("T2")
    with pytest.raises(SlackApiError) as refused:
        WebClient(base_url=fake.api_url).oauth_v2_access(client_id=CLIENT_ID, client_secret="wrong", code=code)
    assert refused.value.response["error"] == "bad_client_secret"
    assert fake.tokens == {}  # nothing issued


def test_a_job_payload_names_its_workspace() -> None:
    org = Workspace("T6", "E1", is_enterprise_install=True)
    payload = job_payload({"channel": "C1"}, channel_target("C1"), org)
    assert Workspace.from_json(payload["workspace"]) == org and org.key == "E:E1"
    assert Workspace("T1").key != Workspace("T2").key
    assert "workspace" not in job_payload({}, channel_target("C1"))
    assert Workspace.from_json(None) is None and Workspace.from_json({"team_id": None}) is None
    assert workspace_of({"team_id": "T1", "enterprise_id": None}) == Workspace("T1")
    assert workspace_of({}) is None


def test_the_authorize_page_is_beside_the_web_api() -> None:
    assert authorization_url("https://slack.com/api/") == "https://slack.com/oauth/v2/authorize"
    assert authorization_url("http://127.0.0.1:9/api/") == "http://127.0.0.1:9/oauth/v2/authorize"


def test_a_scheduled_digest_runs_in_its_channel_s_workspace(tmp_path: Path) -> None:
    from bot.slack.runtime import digest_enqueuer

    store = Store(f"sqlite:///{tmp_path / 'digests.db'}")
    submitted: list[dict[str, object]] = []

    class Queue:
        def submit(self, key: str, kind: str, payload: dict[str, object]) -> object:
            submitted.append(payload)
            return store.jobs.enqueue(key, kind, payload)[0]

    store.workspaces.remember("C0TWO", Workspace("T2"))
    enqueue = digest_enqueuer(Queue(), store)  # type: ignore[arg-type]
    assert enqueue("C0TWO", 0.0, 1.0, "C0TWO:run")
    assert Workspace.from_json(submitted[0]["workspace"]) == Workspace("T2")
    store.close()


def _kept(store: Store, channel: str, workspace: Workspace) -> None:
    store.workspaces.remember(channel, workspace)
    store.subscribe(channel, "daily", "09:00", "UTC")
    store.save_message(channel, "1700000000.000100", f"said in {channel}", "U0ANA")


def test_forgetting_an_org_wide_install_forgets_every_workspace_of_the_org(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'org.db'}")
    _kept(store, "C0A", Workspace("T6", "E1", is_enterprise_install=True))
    _kept(store, "C0B", Workspace("T7", "E1", is_enterprise_install=True))
    _kept(store, "C0C", Workspace("T8", "E2"))
    assert store.forget_workspace(Workspace("T6", "E1", is_enterprise_install=True)) == ["C0A", "C0B"]
    assert store.subscription("C0A") is None and store.messages_between("C0B", 0, 2e9) == []
    assert store.subscription("C0C") is not None and store.workspaces.of("C0C") == Workspace("T8", "E2")
    store.close()


@pytest.mark.parametrize(
    ("event", "forgotten"),
    [
        ({"type": "app_uninstalled"}, True),
        ({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}}, True),
        ({"type": "tokens_revoked", "tokens": {"oauth": ["U0ANA"]}}, False),
    ],
    ids=["uninstalled", "bot-token-revoked", "user-token-only"],
)
def test_losing_the_workspace_forgets_it(tmp_path: Path, event: dict[str, object], forgotten: bool) -> None:
    from bot.slack.deps import Deps
    from bot.slack.listeners import uninstall

    store = Store(f"sqlite:///{tmp_path / 'gone.db'}")
    _kept(store, "C0TWO", Workspace("T2"))
    deps = Deps(settings=Settings(), store=store, queue=None)  # type: ignore[arg-type]  # no job is queued
    uninstall.handle(deps, event, Workspace("T2"))
    assert (store.subscription("C0TWO") is None) is forgotten
    store.close()


class _FlakyTokens:
    """A token source that fails with ``errors`` in turn, then serves ``client``."""

    def __init__(self, client: WebClient, *errors: Exception) -> None:
        self.errors = list(errors)
        self.client_ = client

    def client(self, workspace: Workspace | None) -> WebClient:
        assert workspace == Workspace("T2")
        if self.errors:
            raise self.errors.pop(0)
        return self.client_


@pytest.mark.parametrize(
    ("error", "result"),
    [(NotInstalled("gone"), "failed"), (OSError("network down"), "retry")],
    ids=["uninstalled", "network"],
)
def test_a_job_without_its_token_is_dropped_or_retried(
    fake: FakeSlack, tmp_path: Path, error: Exception, result: str
) -> None:
    from bot.slack.deps import Services
    from bot.slack.jobs.runner import JobRunner, RunnerConfig
    from bot.slack.jobs.spec import UseCase, notice_outcome

    store = Store(f"sqlite:///{tmp_path / 'runner.db'}")
    client = WebClient(token="xoxb-two", base_url=fake.api_url)
    services = Services(
        settings=Settings(), client=WebClient(base_url=fake.api_url), store=store, summariser=None,  # type: ignore[arg-type]
        users=None, fetch=None, tokens=_FlakyTokens(client, error),  # type: ignore[arg-type]
    )
    cases = {"hello": UseCase(None, lambda _s, _p: notice_outcome("hello"))}
    runner = JobRunner(services, RunnerConfig(retry_delay_s=0.0), use_cases=cases)
    job, _ = store.jobs.enqueue("k", "hello", job_payload({}, channel_target("C0TWO"), Workspace("T2")))
    assert runner.run(job.id) == result
    assert fake.posted == []
    if result == "retry":  # the next attempt gets the token and answers with it
        assert runner.run(job.id) == "done"
        assert fake.calls_with_tokens("chat.postMessage")[0][1] == "xoxb-two"
    store.close()
