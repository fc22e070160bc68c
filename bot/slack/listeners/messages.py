"""Message events: keep what subscribed channels say, for their digests and recaps.

Only channels with a digest subscription are stored (and only for the retention period);
edits replace the stored text and deletions remove it.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot.slack.deps import Deps

logger = logging.getLogger(__name__)

STORED_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}


def handle(deps: Deps, event: dict[str, Any]) -> None:
    """Store, update or delete one message of a subscribed channel."""
    channel = event.get("channel")
    if not channel or deps.store.subscription(str(channel)) is None:
        return
    subtype = event.get("subtype")
    if subtype == "message_deleted":
        deps.store.delete_message(str(channel), str(event.get("deleted_ts", "")))
        return
    message = (event.get("message") or {}) if subtype == "message_changed" else event
    if subtype not in STORED_SUBTYPES and subtype != "message_changed":
        return
    if message.get("bot_id") or not message.get("ts"):
        return
    deps.store.save_message(
        str(channel),
        str(message["ts"]),
        str(message.get("text") or ""),
        message.get("user"),
        thread_ts=message.get("thread_ts"),
    )


def register(app: App, deps: Deps) -> None:
    """Listen to every message event (all subtypes)."""

    @app.event("message")
    def on_message(event: dict[str, Any]) -> None:
        handle(deps, event)
