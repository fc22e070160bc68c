"""@-mentions: in a thread, summarise the thread; elsewhere, summarise the link given."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.slack.deps import Deps
from bot.slack.formats import strings
from bot.slack.formats.markup import first_url
from bot.slack.formats.shapes import message_text
from bot.slack.install.workspace import Workspace, workspace_of
from bot.slack.jobs.spec import job_payload, request_key, thread_target

logger = logging.getLogger(__name__)


def handle(deps: Deps, body: dict[str, Any], event: dict[str, Any], *, workspace: Workspace | None = None) -> None:
    """Store the job (keyed by the event id, so Slack's retries find it); the answer goes in the thread."""
    channel = str(event.get("channel", ""))
    user = event.get("user")
    key = request_key("event", body.get("event_id"))
    thread_ts = event.get("thread_ts")
    if thread_ts:
        reply = thread_target(channel, str(thread_ts), user)
        args: dict[str, Any] = {"channel": channel, "thread_ts": str(thread_ts)}
        deps.queue.submit(key, "summarise_thread", job_payload(args, reply, workspace))
        return
    reply = thread_target(channel, str(event.get("ts", "")), user)
    url = first_url(message_text(event))
    if url:
        deps.queue.submit(key, "summarise_url", job_payload({"url": url}, reply, workspace))
    else:
        deps.queue.submit(key, "notice", job_payload({"text": strings.MENTION_HINT}, reply, workspace))


def register(app: App, deps: Deps) -> None:
    """Listen to app_mention events (the ack is sent once the job is stored)."""

    @app.event("app_mention")
    def on_mention(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        handle(deps, body, event, workspace=workspace_of(context))
