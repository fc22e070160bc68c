"""Message events: keep what subscribed channels say, for their digests and recaps.

Only channels with a digest subscription are stored (and only for the retention period);
edits replace the stored text and deletions remove it. Every shape is stored as a person
sees it (:func:`bot.adapters.slack_messages.message_text`): forwarded and shared messages,
``rich_text``-only messages, unfurls with text.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot.adapters.slack_markup import SKIP_SUBTYPES
from bot.adapters.slack_messages import edited_message, is_bot_message, message_text
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
    if subtype not in STORED_SUBTYPES and subtype != "message_changed":
        return
    message = edited_message(event)
    if is_bot_message(message) or not message.get("ts"):
        return
    if message.get("subtype") in SKIP_SUBTYPES:  # e.g. a thread parent deleted to a tombstone
        deps.store.delete_message(str(channel), str(message["ts"]))
        return
    deps.store.save_message(
        str(channel),
        str(message["ts"]),
        message_text(message),
        message.get("user"),
        thread_ts=message.get("thread_ts"),
    )


def register(app: App, deps: Deps) -> None:
    """Listen to every message event (all subtypes)."""

    @app.event("message")
    def on_message(event: dict[str, Any]) -> None:
        handle(deps, event)
