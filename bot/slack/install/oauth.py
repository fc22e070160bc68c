"""The OAuth install flow's parts, on the bot's own database: installations, OAuth states, tokens.

Bolt serves ``/slack/install`` (a page with the "Add to Slack" link, whose state is kept in the
database and a cookie) and ``/slack/oauth_redirect`` (it checks the state, calls
``oauth.v2.access`` through the app's client, so ``SLACK_API_URL`` points it at a fake in tests, and
saves the installation). The authorize page is Slack's, beside ``SLACK_API_URL``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack.formats import manifest
from bot.slack.install.tokens import InstalledTokens

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_TTL_S = 600
"""How long an install link works: from opening /slack/install to approving in Slack."""


def authorization_url(api_url: str) -> str:
    """Slack's authorize page beside its Web API (``https://slack.com/oauth/v2/authorize``)."""
    return api_url.rstrip("/").removesuffix("/api") + "/oauth/v2/authorize"


@dataclass(frozen=True)
class Installs:
    """The installation store, the OAuth settings Bolt serves the install flow with, and the tokens."""

    store: SQLAlchemyInstallationStore
    oauth_settings: OAuthSettings
    tokens: InstalledTokens


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    """slack_sdk's installation tables on the bot's engine (created when missing)."""
    store = SQLAlchemyInstallationStore(client_id=settings.slack_client_id or "", engine=engine)
    store.create_tables()
    return store


def installed_tokens(
    settings: Settings, store: SQLAlchemyInstallationStore, engine: Engine, make_client: Callable[[str], WebClient]
) -> InstalledTokens:
    """Each workspace's client from ``store``, refreshing rotating tokens through ``SLACK_API_URL``."""
    rotator = TokenRotator(
        client_id=settings.slack_client_id or "", client_secret=settings.slack_client_secret or "",
        client=WebClient(base_url=settings.slack_api_url),
    )
    return InstalledTokens(store, rotator, make_client, engine)


def open_installs(settings: Settings, engine: Engine, make_client: Callable[[str], WebClient]) -> Installs:
    """Everything the install flow and the per-workspace tokens need, on the bot's database."""
    store = installation_store(settings, engine)
    states = SQLAlchemyOAuthStateStore(expiration_seconds=STATE_TTL_S, engine=engine)
    states.create_tables()
    oauth_settings = OAuthSettings(
        client_id=settings.slack_client_id, client_secret=settings.slack_client_secret,
        scopes=sorted(manifest.BOT_SCOPES), installation_store=store, state_store=states,
        install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(settings.slack_api_url),
    )
    return Installs(store, oauth_settings, installed_tokens(settings, store, engine, make_client))
