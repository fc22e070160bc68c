"""The bot leaving a conversation: forget everything stored about it.

When the bot is removed from a channel or leaves it (``channel_left``, ``group_left``, or
``member_left_channel`` naming the bot), or the conversation is archived or deleted, its
stored messages, digest subscription and digest runs are deleted at once
(:meth:`bot.slack.storage.messages.Store.forget_conversation`), so nothing from a conversation the bot
is no longer in is ever served. An event missed while the bot was down is caught when the
store is next read (:func:`bot.slack.usecases._readable_store`).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.slack.deps import Deps

logger = logging.getLogger(__name__)

GONE_EVENTS = ("channel_left", "group_left", "channel_archive", "group_archive", "channel_deleted", "group_deleted")
"""Events after which the bot can no longer read the conversation."""
MEMBER_LEFT = "member_left_channel"


def _channel_id(event: dict[str, Any]) -> str | None:
    channel = event.get("channel")
    if isinstance(channel, dict):  # some events carry the channel object
        channel = channel.get("id")
    return str(channel) if channel else None


def handle(deps: Deps, event: dict[str, Any], bot_user_id: str | None) -> None:
    """Forget the conversation the event says the bot lost; other members leaving change nothing."""
    channel = _channel_id(event)
    if channel is None:
        return
    if event.get("type") == MEMBER_LEFT and (not bot_user_id or event.get("user") != bot_user_id):
        return
    logger.info("%s in %s: forgetting what was stored", event.get("type"), channel)
    deps.store.forget_conversation(channel)


def register(app: App, deps: Deps) -> None:
    """Listen to the events that end the bot's access to a conversation."""

    def on_gone(event: dict[str, Any], context: BoltContext) -> None:
        handle(deps, event, context.bot_user_id)

    for name in (*GONE_EVENTS, MEMBER_LEFT):
        app.event(name)(on_gone)
