"""Answers in a direct message's thread: the agent view and plain DMs to the bot.

While the job runs the thread shows a loading status (``assistant.threads.setStatus``,
which Slack clears when the bot replies, or after two minutes); the answer is posted in the
thread once (a resumed job finds what an earlier attempt posted, :class:`Poster`) with
feedback buttons under it; an error is posted in the thread too (the DM is private).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from bot.slack.formats import blocks, markup, strings
from bot.slack.formats.feedback import with_feedback
from bot.slack.jobs.replies import Blocks, Poster

logger = logging.getLogger(__name__)


@dataclass
class AgentReply:
    """Answers in a DM thread; ``kind`` is the job kind the feedback buttons rate (``None``: no buttons)."""

    poster: Poster
    channel: str
    thread_ts: str
    kind: str | None

    def progress(self, what: str) -> None:
        """Show the loading status; a conversation that has none (an older client) goes without."""
        try:
            self.poster.client.assistant_threads_setStatus(
                channel_id=self.channel, thread_ts=self.thread_ts, status=strings.AGENT_STATUS,
                loading_messages=[strings.progress(what)],
            )
        except SlackApiError as exc:
            logger.info("no loading status in %s: %s", self.channel, exc.response.get("error"))

    def finish(self, content: Blocks, text: str) -> None:
        """Post the answer with its feedback buttons."""
        rated = with_feedback(content, self.kind) if self.kind else content
        self.poster.put(self.channel, text, rated, self.thread_ts)

    def publish(self, content: Blocks, text: str) -> None:
        """Post a message of the job's own in the thread, once."""
        self.poster.put(self.channel, text, content, self.thread_ts)

    def fail(self, message: str) -> None:
        """Tell the asker in the thread (it also clears the status)."""
        self.poster.put(self.channel, markup.clean(message), blocks.error_blocks(message), self.thread_ts)
