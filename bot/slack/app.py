"""The Bolt app and its Web API client."""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.settings import Settings
from bot.slack.deps import Deps
from bot.slack.listeners import register_all

logger = logging.getLogger(__name__)

API_TIMEOUT_S = 30
RATE_LIMIT_RETRIES = 3
# Bolt's own threads only ack and hand off; the model work runs in Deps.executor.
LISTENER_THREADS = 8


def create_client(settings: Settings) -> WebClient:
    """A WebClient for ``settings.slack_api_url`` that honours Retry-After on 429s."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=API_TIMEOUT_S,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


def build_app(
    deps: Deps, *, token_verification_enabled: bool = False, listener_executor: Executor | None = None
) -> App:
    """The Bolt app with every listener registered; request signatures are verified.

    ``token_verification_enabled`` calls auth.test at construction; off by default so
    building the app never touches the network (the first request resolves the bot id).
    ``listener_executor`` runs Bolt's listeners (ack, then hand off); tests pass their own
    to wait for it.
    """
    app = App(
        client=deps.client,
        signing_secret=deps.settings.slack_signing_secret or "",
        process_before_response=False,
        token_verification_enabled=token_verification_enabled,
        request_verification_enabled=True,
        listener_executor=listener_executor
        or ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="bolt"),
    )
    register_all(app, deps)
    return app
