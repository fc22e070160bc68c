"""Message events: keep what the bot's channels say, for digests, recaps and catch-ups.

Every public and private channel the bot is in is stored (for the retention period), and
any conversation with a digest subscription; direct messages and group DMs without one
are not. Edits and deletes are applied wherever a message is stored, so nothing edited
away or deleted in Slack survives in the store. An owner's "done" reply in a thread closes
their action items there, in any channel.
Every shape is stored as a person sees it (:func:`bot.slack.formats.shapes.message_text`):
forwarded and shared messages, ``rich_text``-only messages, unfurls with text.
Each state is stored with its Slack time (the message's ts, or the edit's ts), and a
deletion leaves a tombstone, so events arriving late, twice or out of order leave the
store as Slack shows the channel: an older text never replaces an edit, and nothing
brings a deleted message back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt import App, BoltContext

from bot.core.thread.closing import says_done
from bot.slack.deps import Deps
from bot.slack.formats.markup import SKIP_SUBTYPES
from bot.slack.formats.shapes import edited_message, is_bot_message, message_text
from bot.slack.install.workspace import Workspace, workspace_of

logger = logging.getLogger(__name__)

STORED_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}
KEPT_CHANNEL_TYPES = frozenset({"channel", "group"})
"""Conversations stored without a subscription: public and private channels (never DMs)."""


def _edit_time(event: Mapping[str, Any], message: Mapping[str, Any]) -> str | None:
    """When the edited state was made: the edit's ts, else the event's ts."""
    edited = message.get("edited") or {}
    return edited.get("ts") or event.get("event_ts") or event.get("ts")


def kept(deps: Deps, channel: str, event: Mapping[str, Any]) -> bool:
    """Whether new messages of the event's conversation are stored: a channel, or subscribed."""
    return event.get("channel_type") in KEPT_CHANNEL_TYPES or deps.store.subscription(channel) is not None


def close_items(deps: Deps, channel: str, event: Mapping[str, Any]) -> None:
    """A new thread reply by a person that says "done" closes their open items of that thread."""
    thread_ts, ts, user = event.get("thread_ts"), event.get("ts"), event.get("user")
    if event.get("subtype") not in (None, "thread_broadcast") or is_bot_message(event):
        return
    if thread_ts and ts and user and thread_ts != ts and says_done(message_text(event)):
        closed = deps.store.items.close_by_reply(channel, str(thread_ts), str(user), str(ts))
        if closed:
            logger.info("%s closed %d action item(s) in %s by replying done", user, closed, channel)


def handle(deps: Deps, event: dict[str, Any], *, workspace: Workspace | None = None) -> None:
    """Store a channel's message; apply an edit or a delete wherever it is stored.

    In a DM or group DM without a subscription nothing new is stored, but a stored message
    (left by a race with ``digest off``) is still edited or deleted as Slack shows it.
    """
    channel = event.get("channel")
    if not channel:
        return
    channel = str(channel)
    close_items(deps, channel, event)
    keep = kept(deps, channel, event)
    subtype = event.get("subtype")
    if subtype == "message_deleted":
        deleted_ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
        if deleted_ts:
            deps.store.delete_message(channel, str(deleted_ts), create=keep)
        return
    if subtype != "message_changed" and (subtype not in STORED_SUBTYPES or not keep):
        return
    message = edited_message(event)
    version = _edit_time(event, message) if subtype == "message_changed" else event.get("ts")
    if is_bot_message(message) or not message.get("ts"):
        return
    if message.get("subtype") in SKIP_SUBTYPES:  # e.g. a thread parent deleted to a tombstone
        deps.store.delete_message(channel, str(message["ts"]), create=keep)
        return
    if keep and workspace is not None:  # what is kept of a conversation goes with its workspace's uninstall
        deps.store.workspaces.remember(channel, workspace)
    deps.store.save_message(
        channel,
        str(message["ts"]),
        message_text(message),
        message.get("user"),
        thread_ts=message.get("thread_ts"),
        version=version,
        create=keep,
    )


def register(app: App, deps: Deps) -> None:
    """Listen to every message event (all subtypes)."""

    @app.event("message")
    def on_message(event: dict[str, Any], context: BoltContext) -> None:
        handle(deps, event, workspace=workspace_of(context))
