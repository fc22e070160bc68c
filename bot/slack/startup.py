"""Start-up checks, before anything opens: Slack's answer to the tokens, and a writable database.

Each raises :class:`StartupError` with one line naming the setting to fix, so the entry points
exit with it before the models load or a port opens.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings
from bot.slack.storage.database import is_in_memory
from bot.slack.storage.messages import Store

logger = logging.getLogger(__name__)

STARTUP_DEADLINE_S = 12.0
"""How long start-up keeps trying to reach Slack before it gives up (with one line)."""


class StartupError(Exception):
    """Start-up cannot go on; the message is one line naming the setting to fix."""


def check_slack(settings: Settings, deadline_s: float = STARTUP_DEADLINE_S) -> dict[str, Any]:
    """``auth.test`` for the bot token (and the app token in Socket Mode); raises
    :class:`StartupError` when Slack refuses a token or cannot be reached in time.

    slack_sdk logs every failed attempt at ERROR; while this check retries, the one line
    it ends with is all an operator needs, so those are kept quiet.
    """
    sdk_logger = logging.getLogger("slack_sdk.web.base_client")
    level = sdk_logger.level
    sdk_logger.setLevel(logging.CRITICAL)
    try:
        return _check_tokens(settings, deadline_s)
    finally:
        sdk_logger.setLevel(level)


def open_store(settings: Settings) -> Store:
    """The bot's database, opened and checked for writes; raises :class:`StartupError`.

    An in-memory SQLite database is refused: every job acked to Slack would be lost with
    the process (the CLI, which keeps nothing, may use one).
    """
    if is_in_memory(settings.database_url):
        raise StartupError(
            "DATABASE_URL is an in-memory SQLite database, which loses every queued job on restart; "
            "use a file (sqlite:///data/bot.db) or PostgreSQL"
        )
    store: Store | None = None
    try:
        store = Store(settings.database_url)
        store.check_writable()
    except (OSError, SQLAlchemyError, ValueError) as exc:
        if store is not None:
            store.close()
        reason = getattr(exc, "orig", None) or exc  # the driver's error, without SQLAlchemy's SQL echo
        first_line = next(iter(str(reason).splitlines()), "")[:200]
        raise StartupError(
            f"DATABASE_URL could not be opened for writing ({reason.__class__.__name__}: {first_line})"
        ) from None
    return store


def _check_tokens(settings: Settings, deadline_s: float) -> dict[str, Any]:
    if settings.oauth:  # each workspace's token is checked when its requests are authorised
        return {}
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=5)
    try:
        auth = _call_with_deadline(client.auth_test, "SLACK_BOT_TOKEN", settings.slack_api_url, deadline_s)
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        raise StartupError(f"SLACK_BOT_TOKEN was refused by Slack ({error})") from None
    if settings.slack_app_token:
        app_client = WebClient(token=settings.slack_app_token, base_url=settings.slack_api_url, timeout=5)
        try:
            _call_with_deadline(
                lambda: app_client.apps_connections_open(app_token=settings.slack_app_token or ""),
                "SLACK_APP_TOKEN", settings.slack_api_url, deadline_s
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            raise StartupError(f"SLACK_APP_TOKEN was refused by Slack ({error})") from None
    return dict(auth.data) if hasattr(auth, "data") else {}


def _call_with_deadline(call: Callable[[], Any], what: str, url: str, deadline_s: float) -> Any:
    """Call Slack, retrying connection failures with back-off until ``deadline_s``."""
    deadline = time.monotonic() + deadline_s
    delay = 0.5
    while True:
        try:
            return call()
        except SlackApiError:
            raise
        except Exception as exc:  # connection refused, DNS, TLS, timeout: Slack is unreachable
            if time.monotonic() + delay > deadline:
                raise StartupError(
                    f"cannot reach Slack at {url} to check {what} ({exc.__class__.__name__}); "
                    "check the network, or SLACK_API_URL"
                ) from None
            logger.debug("Slack is not reachable yet (%s); retrying in %.1f s", exc.__class__.__name__, delay)
            time.sleep(delay)
            delay = min(delay * 2, 4.0)
