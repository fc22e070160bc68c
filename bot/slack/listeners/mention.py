"""@-mentions: in a thread, summarise the thread; elsewhere, summarise the link given."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot.adapters.slack_markup import first_url
from bot.adapters.slack_messages import message_text
from bot.slack import blocks, jobs, strings
from bot.slack.deps import Deps

logger = logging.getLogger(__name__)


def handle(deps: Deps, event: dict[str, Any]) -> None:
    """Queue the summary; the answer always goes in the mention's thread."""
    channel = str(event.get("channel", ""))
    user = event.get("user")
    thread_ts = event.get("thread_ts")
    if thread_ts:
        reply = jobs.ThreadReply(deps.client, channel, str(thread_ts), user)
        jobs.submit(deps, "mention thread", jobs.summarise_thread, deps, channel, str(thread_ts), reply)
        return
    reply = jobs.ThreadReply(deps.client, channel, str(event.get("ts", "")), user)
    url = first_url(message_text(event))
    if url:
        jobs.submit(deps, "mention url", jobs.summarise_url, deps, url, reply)
    else:
        hint = strings.MENTION_HINT
        jobs.run_job("mention hint", reply, None, lambda: (blocks.notice_blocks(hint), hint))


def register(app: App, deps: Deps) -> None:
    """Listen to app_mention events (acked by Bolt before this runs)."""

    @app.event("app_mention")
    def on_mention(event: dict[str, Any]) -> None:
        handle(deps, event)
