"""The message shortcut "Summarise this" (callback_id ``summarise_message``).

A thread parent gets a thread summary (with its linked article); a person's message with
a link gets the article's summary; any other message (a bot's layout, a forwarded message)
is summarised as the message it is, read as a person sees it. The answer goes in the
message's thread; errors go privately through the shortcut's response_url.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.adapters.slack_markup import first_url, plain_text
from bot.adapters.slack_messages import bot_name, has_layout, header_text, is_bot_message, message_text
from bot.core.errors import EmptyInputError
from bot.slack import jobs, strings
from bot.slack.deps import Deps

logger = logging.getLogger(__name__)

CALLBACK_ID = "summarise_message"


def handle(deps: Deps, shortcut: dict[str, Any], respond: Respond) -> None:
    """Pick what to summarise from the message and queue it."""
    channel = str((shortcut.get("channel") or {}).get("id", ""))
    user = (shortcut.get("user") or {}).get("id")
    message = shortcut.get("message") or {}
    ts = str(message.get("ts", ""))
    thread_ts = str(message.get("thread_ts") or ts)
    text = message_text(message)
    reply = jobs.ThreadReply(deps.client, channel, thread_ts, user, respond=respond)
    if message.get("reply_count") and thread_ts == ts:
        jobs.submit(deps, "shortcut thread", jobs.summarise_thread, deps, channel, ts, reply)
    elif not (is_bot_message(message) and has_layout(message)) and (url := first_url(text)):
        jobs.submit(deps, "shortcut url", jobs.summarise_url, deps, url, reply)
    elif text.strip():
        plain = plain_text(text, deps.users.name)
        jobs.submit(deps, "shortcut text", jobs.summarise_text, deps, plain, reply, _title(message))
    else:
        jobs.run_job("shortcut", reply, None, _nothing)


def _title(message: dict[str, Any]) -> str:
    """A bot message is titled by its header block or its sender; a person's as a message."""
    if is_bot_message(message):
        return header_text(message) or strings.BOT_MESSAGE_TITLE.format(name=bot_name(message) or "an app")
    return strings.MESSAGE_TITLE


def _nothing() -> tuple[list[dict[str, Any]], str]:
    raise EmptyInputError(strings.NOTHING_TO_SUMMARISE)


def register(app: App, deps: Deps) -> None:
    """Listen to the message shortcut."""

    @app.shortcut(CALLBACK_ID)
    def on_shortcut(ack: Ack, shortcut: dict[str, Any], respond: Respond) -> None:
        ack()
        handle(deps, shortcut, respond)
