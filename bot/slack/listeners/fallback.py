"""Every signed request Slack sends gets a 200, handled or not.

Bolt answers 404 when no listener matches, and Slack counts a non-2xx answer to an event
as a failed delivery: it retries, and after enough failures disables the subscription.
Events the bot does not act on (``app_home_opened``, ``member_joined_channel``, ...),
buttons, views and commands it does not know are acked here and otherwise ignored.
Registered after every other listener, so it only sees what they did not match.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App

logger = logging.getLogger(__name__)

ANY = re.compile(".*", re.DOTALL)


def register(app: App) -> None:
    """Ack whatever no other listener matched."""

    @app.event(ANY)
    def ignore_event(event: dict[str, Any]) -> None:
        logger.debug("ignoring %s event", event.get("type"))

    def acknowledge(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        logger.debug("acknowledged an unhandled %s request", body.get("type") or "command")

    app.action(ANY)(acknowledge)
    app.view(ANY)(acknowledge)
    app.view_closed(ANY)(acknowledge)
    app.options(ANY)(acknowledge)
    app.shortcut(ANY)(acknowledge)
    app.command(ANY)(acknowledge)
