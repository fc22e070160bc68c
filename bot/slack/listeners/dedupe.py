"""Global middleware: a Slack event is handled once, even across retries and restarts.

Slack redelivers an event (with ``X-Slack-Retry-Num``) when it did not see our ack in
time, and may deliver the same ``event_id`` twice. The first delivery claims the id in
the store (a unique insert, so the claim survives a restart); later ones are acked and
dropped. A retry whose first delivery never reached us is processed normally, once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.slack.deps import Deps

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    """Install the dedupe middleware (runs after Bolt's signature verification)."""

    @app.middleware
    def drop_duplicates(
        request: BoltRequest, body: dict[str, Any], next_: Callable[[], None]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not deps.store.claim_event(str(event_id)):
            retry = request.headers.get("x-slack-retry-num", ["0"])
            logger.info("dropping duplicate delivery of %s (retry %s)", event_id, retry[0] if retry else "0")
            return BoltResponse(status=200, body="")
        next_()
        return None
