"""The Bolt app and its Web API client."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.settings import Settings
from bot.slack.deps import Deps
from bot.slack.install.tokens import InstallationAuthorize
from bot.slack.listeners import register_all

if TYPE_CHECKING:
    from bot.slack.install.oauth import Installs

logger = logging.getLogger(__name__)

API_TIMEOUT_S = 30
RATE_LIMIT_RETRIES = 3


class _DropTokenWarning(logging.Filter):
    """Bolt reads ``SLACK_BOT_TOKEN`` from the environment on its own and warns that the
    client we pass (built from the same setting) wins; that is the intent, so say nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def create_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient for ``settings.slack_api_url`` that honours Retry-After on 429s, with ``token``
    (default: ``SLACK_BOT_TOKEN``; none when the bot installs to any workspace)."""
    return WebClient(
        token=token or (None if settings.oauth else settings.slack_bot_token),
        base_url=settings.slack_api_url,
        timeout=API_TIMEOUT_S,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


def build_app(deps: Deps, client: WebClient, *, verify_token: bool = False, installs: Installs | None = None) -> App:
    """The Bolt app with every listener registered; request signatures are verified.

    Listeners run before the response is sent (``process_before_response``): they only
    store a job or answer from the database, so the ack still comes in milliseconds, and
    it is sent only once the job is durably stored. ``verify_token`` calls ``auth.test`` now
    (the entry point does, after its own start-up check) so no request waits for it later;
    without it, building the app never touches the network. With ``installs`` (the bot installs to
    any workspace) Bolt serves the install flow, and each request is authorised with its workspace's
    token (:class:`~bot.slack.install.tokens.InstallationAuthorize`); listeners that call Slack use
    the client Bolt injects, which holds that token.
    """
    logging.getLogger("slack_bolt.App").addFilter(_DropTokenWarning())
    if installs is None:
        app = App(
            client=client, signing_secret=deps.settings.slack_signing_secret or "", process_before_response=True,
            token_verification_enabled=verify_token, request_verification_enabled=True,
        )
    else:
        app = App(
            client=client, signing_secret=deps.settings.slack_signing_secret or "", process_before_response=True,
            request_verification_enabled=True, oauth_settings=installs.oauth_settings,
            installation_store=installs.store,
            authorize=InstallationAuthorize(installs.tokens),  # type: ignore[arg-type]  # an Authorize is accepted
        )
    register_all(app, deps)
    return app
