"""Installing the app through the bot's own OAuth pages, as a browser and Slack's authorize page would."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from typing import Any

from bot.settings import Settings
from tests.support.e2e import SECRET
from tests.support.slackapp import LocalSlackApp
from tools.fakeslack import CLIENT_ID, CLIENT_SECRET, FakeSlack

_STATE = re.compile(r"[?&;]state=([A-Za-z0-9_-]+)")


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    """A GET without following redirects: status, body and headers."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def install(bot: LocalSlackApp, fake: FakeSlack, team_id: str, **grant: Any) -> tuple[int, str]:
    """Open /slack/install, approve in the fake Slack (a code for ``team_id``), follow the redirect
    back to /slack/oauth_redirect with the state and its cookie; returns the redirect's status and page."""
    status, page, headers = get(bot.url + "/slack/install")
    assert status == 200, page
    match = _STATE.search(page.replace("&amp;", "&"))
    assert match is not None, page
    assert fake.base_url + "/oauth/v2/authorize?" in page.replace("&amp;", "&")
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
    code = fake.install(team_id, **grant)
    status, page, _ = get(f"{bot.url}/slack/oauth_redirect?code={code}&state={match.group(1)}", {"Cookie": cookie})
    return status, page


def start_installable_bot(fake: FakeSlack, summariser: Any, database_url: str, **overrides: Any) -> LocalSlackApp:
    """The bot that installs to any workspace (no SLACK_BOT_TOKEN), against FakeSlack."""
    values: dict[str, Any] = {
        "slack_client_id": CLIENT_ID, "slack_client_secret": CLIENT_SECRET, "slack_signing_secret": SECRET,
        "slack_api_url": fake.api_url, "database_url": database_url, "worker_pool_size": 2,
    }
    return LocalSlackApp(Settings(**{**values, **overrides}), summariser)
