"""The message shortcut "Summarise this" (callback_id ``summarise_message``).

A thread parent gets a thread summary (with its linked article); a person's message with
a link gets the article's summary; any other message (a bot's layout, a forwarded message)
is summarised as the message it is, read as a person sees it. The answer goes in the
message's thread; errors go privately through the shortcut's response_url.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.deps import Deps
from bot.slack.formats import strings
from bot.slack.formats.markup import first_url
from bot.slack.formats.shapes import bot_name, has_layout, header_text, is_bot_message, message_text
from bot.slack.install.workspace import Workspace, workspace_of
from bot.slack.jobs.spec import job_payload, request_key, thread_target

logger = logging.getLogger(__name__)

CALLBACK_ID = "summarise_message"


def handle(deps: Deps, shortcut: dict[str, Any], ack: Ack, *, workspace: Workspace | None = None) -> None:
    """Pick what to summarise, store the job (keyed by ``trigger_id``), then ack."""
    channel = str((shortcut.get("channel") or {}).get("id", ""))
    user = (shortcut.get("user") or {}).get("id")
    message = shortcut.get("message") or {}
    ts = str(message.get("ts", ""))
    thread_ts = str(message.get("thread_ts") or ts)
    text = message_text(message)
    reply = thread_target(channel, thread_ts, user, response_url=shortcut.get("response_url"))
    key = request_key("shortcut", shortcut.get("trigger_id"))
    if message.get("reply_count") and thread_ts == ts:
        deps.queue.submit(key, "summarise_thread", job_payload({"channel": channel, "thread_ts": ts}, reply, workspace))
    elif not (is_bot_message(message) and has_layout(message)) and (url := first_url(text)):
        deps.queue.submit(key, "summarise_url", job_payload({"url": url}, reply, workspace))
    elif text.strip():
        # Slack markup (mentions by id) becomes plain text in the job, where user names are read.
        args = {"text": text, "markup": True, "title": _title(message)}
        deps.queue.submit(key, "summarise_text", job_payload(args, reply, workspace))
    else:  # told privately, through the response_url, like every error
        deps.queue.submit(key, "refuse", job_payload({"text": strings.NOTHING_TO_SUMMARISE}, reply, workspace))
    ack()


def _title(message: dict[str, Any]) -> str:
    """A bot message is titled by its header block or its sender; a person's as a message."""
    if is_bot_message(message):
        return header_text(message) or strings.BOT_MESSAGE_TITLE.format(name=bot_name(message) or "an app")
    return strings.MESSAGE_TITLE


def register(app: App, deps: Deps) -> None:
    """Listen to the message shortcut."""

    @app.shortcut(CALLBACK_ID)
    def on_shortcut(ack: Ack, shortcut: dict[str, Any], context: BoltContext) -> None:
        handle(deps, shortcut, ack, workspace=workspace_of(context))
