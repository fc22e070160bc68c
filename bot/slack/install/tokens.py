"""Each workspace's Web API client, from its installation; rotating tokens refreshed one at a time.

Requests are authorised by :class:`InstallationAuthorize` (Bolt's ``authorize``), jobs and digests
get their client from :class:`InstalledTokens`; both read the installation store and both refresh
through the same locked path, so a token that is about to expire is refreshed once: a lock per
workspace in this process and, on PostgreSQL, an advisory lock across processes; whoever gets the
lock second reads the token the first one saved. Without installations (one ``SLACK_BOT_TOKEN``),
:class:`SingleToken` serves every workspace with the one client.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.slack.install.workspace import Workspace

logger = logging.getLogger(__name__)

REFRESH_BEFORE_S = 30 * 60
"""A rotating token is refreshed when it expires within this (a job started now may run that long)."""


class NotInstalled(Exception):
    """The workspace has no installation (never installed, uninstalled, or its token was revoked)."""


class TokenSource(Protocol):
    """Where a job gets the Web API client of its workspace."""

    def client(self, workspace: Workspace | None) -> WebClient:
        """The client for ``workspace`` (raises :class:`NotInstalled` when it has no token)."""
        ...


class SingleToken:
    """One ``SLACK_BOT_TOKEN`` for everything: the single-workspace set-up."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def client(self, workspace: Workspace | None) -> WebClient:  # noqa: ARG002  # one token serves all
        """The one client."""
        return self._client


class BotStore(Protocol):
    """What :class:`InstalledTokens` needs of slack_sdk's installation store."""

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        """The workspace's latest bot installation."""
        ...

    def save_bot(self, bot: Bot) -> None:
        """Store a (refreshed) bot installation."""
        ...


class InstalledTokens:
    """Bot tokens from the installation store, refreshed before they expire, one refresh at a time."""

    def __init__(
        self,
        store: BotStore,
        rotator: TokenRotator,
        make_client: Callable[[str], WebClient],
        engine: Engine | None = None,
        refresh_before_s: int = REFRESH_BEFORE_S,
    ) -> None:
        self.store = store
        self.rotator = rotator
        self.make_client = make_client
        self.engine = engine
        self.refresh_before_s = refresh_before_s
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._clients: dict[str, WebClient] = {}

    def client(self, workspace: Workspace | None) -> WebClient:
        """A client with the workspace's current bot token."""
        token = str(self.bot(workspace).bot_token)
        with self._guard:
            client = self._clients.get(token)
            if client is None:
                if len(self._clients) > 1000:  # tokens rotate: forget the old ones now and then
                    self._clients.clear()
                client = self._clients[token] = self.make_client(token)
            return client

    def bot(self, workspace: Workspace | None) -> Bot:
        """The workspace's bot installation with a token that is not about to expire."""
        if workspace is None:
            raise NotInstalled("the job names no workspace")
        bot = self._find(workspace)
        if not self._expiring(bot):
            return bot
        with self._refresh_lock(workspace.key):
            bot = self._find(workspace)  # a refresh that held the lock before us has saved a new token
            refreshed = self.rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=max(1, self.refresh_before_s // 60)
            )
            if refreshed is None:
                return bot
            self.store.save_bot(refreshed)
            logger.info("refreshed the bot token of %s", workspace.key)
            return refreshed

    def _find(self, workspace: Workspace) -> Bot:
        bot = self.store.find_bot(
            enterprise_id=workspace.enterprise_id, team_id=workspace.team_id,
            is_enterprise_install=workspace.is_enterprise_install,
        )
        if bot is None or not bot.bot_token:
            raise NotInstalled(f"no installation for {workspace.key}")
        return bot

    def _expiring(self, bot: Bot) -> bool:
        expires = bot.bot_token_expires_at
        return bool(bot.bot_refresh_token) and expires is not None and expires < time.time() + self.refresh_before_s

    @contextmanager
    def _refresh_lock(self, key: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if self.engine is None or self.engine.dialect.name != "postgresql":
                yield
                return
            with self.engine.begin() as connection:  # other processes wait here until we commit
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": zlib.crc32(key.encode())})
                yield


class InstallationAuthorize(Authorize):
    """Bolt's ``authorize`` over :class:`InstalledTokens` (one refresh path for requests and jobs)."""

    def __init__(self, tokens: InstalledTokens) -> None:
        self.tokens = tokens
        self._results: dict[str, AuthorizeResult] = {}
        self._lock = threading.Lock()

    def __call__(
        self, *, context: Any, enterprise_id: str | None, team_id: str | None, user_id: str | None, **_actor: Any
    ) -> AuthorizeResult | None:
        """The request's workspace's bot token and identity (``None``: not installed there)."""
        del user_id  # the bot's token serves every user
        workspace = Workspace(team_id, enterprise_id, bool(context.is_enterprise_install))
        try:
            bot = self.tokens.bot(workspace)
        except NotInstalled:
            logger.info("a request from %s, where the app is not installed", workspace.key)
            return None
        token = str(bot.bot_token)
        with self._lock:
            cached = self._results.get(token)
        if cached is not None:
            return cached
        try:
            auth = context.client.auth_test(token=token)
        except SlackApiError as exc:
            logger.warning("the token of %s was refused: %s", workspace.key, exc.response.get("error"))
            return None
        result = AuthorizeResult.from_auth_test_response(
            auth_test_response=auth, bot_token=token, user_token=None, bot_scopes=bot.bot_scopes, user_scopes=None
        )
        with self._lock:
            if len(self._results) > 1000:
                self._results.clear()
            self._results[token] = result
        return result
