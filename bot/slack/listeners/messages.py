"""Message events: keep what subscribed channels say, for their digests and recaps.

Only channels with a digest subscription are stored (and only for the retention period).
Each state is stored with its Slack time (the message's ts, or the edit's ts), and a
deletion leaves a tombstone, so events arriving late, twice or out of order leave the
store as Slack shows the channel: an older text never replaces an edit, and nothing
brings a deleted message back.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot.slack.deps import Deps

logger = logging.getLogger(__name__)

STORED_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}


def _edit_time(event: dict[str, Any], message: dict[str, Any]) -> str | None:
    """When the edited state was made: the edit's ts, else the event's ts."""
    edited = message.get("edited") or {}
    return edited.get("ts") or event.get("event_ts") or event.get("ts")


def handle(deps: Deps, event: dict[str, Any]) -> None:
    """Store, update or delete one message of a subscribed channel."""
    channel = event.get("channel")
    if not channel or deps.store.subscription(str(channel)) is None:
        return
    subtype = event.get("subtype")
    if subtype == "message_deleted":
        deleted_ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
        if deleted_ts:
            deps.store.delete_message(str(channel), str(deleted_ts))
        return
    if subtype == "message_changed":
        message = event.get("message") or {}
        version = _edit_time(event, message)
    elif subtype in STORED_SUBTYPES:
        message = event
        version = event.get("ts")
    else:
        return
    if message.get("bot_id") or not message.get("ts"):
        return
    if message.get("subtype") == "tombstone":  # a thread parent deleted while it has replies
        deps.store.delete_message(str(channel), str(message["ts"]))
        return
    deps.store.save_message(
        str(channel),
        str(message["ts"]),
        str(message.get("text") or ""),
        message.get("user"),
        thread_ts=message.get("thread_ts"),
        version=version,
    )


def register(app: App, deps: Deps) -> None:
    """Listen to every message event (all subtypes)."""

    @app.event("message")
    def on_message(event: dict[str, Any]) -> None:
        handle(deps, event)
