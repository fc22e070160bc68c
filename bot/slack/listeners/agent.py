"""The agent view and direct messages: a DM to the bot becomes a job answered in that DM.

A person's message in the bot's DM (the agent view's Messages tab, or a plain DM) is read
by :func:`~bot.slack.formats.intents.parse_intent` and stored as a job (keyed by the
event id) whose answer goes in the message's thread with a loading status first
(:func:`~bot.slack.jobs.spec.agent_target`). Opening the Messages tab sets the suggested
prompts. Feedback buttons under an answer record a vote.

Bolt runs the first listener that matches, so these match narrowly: only new messages by a
person in an IM (edits, deletes and the bot's own posts still reach ``messages.py``), and
``app_home_opened`` only for the Messages tab (the Home tab is another listener's).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.deps import Deps
from bot.slack.formats import strings
from bot.slack.formats.feedback import FEEDBACK_ACTION, read_vote
from bot.slack.formats.intents import (
    CatchUp,
    Help,
    Intent,
    MyItems,
    SummariseChannel,
    SummariseLink,
    Unclear,
    parse_intent,
)
from bot.slack.formats.shapes import message_text
from bot.slack.install.workspace import Workspace, workspace_of
from bot.slack.jobs.spec import (
    AGENT_CHANNEL,
    AGENT_PROMPTS,
    CATCHUP,
    MY_ITEMS,
    agent_target,
    channel_target,
    job_payload,
    request_key,
)

logger = logging.getLogger(__name__)

Job = tuple[str, dict[str, Any]]
NOTICE = "notice"
SUMMARISE_URL = "summarise_url"


def is_dm_request(event: dict[str, Any]) -> bool:
    """Whether a message event is a person writing to the bot in its DM."""
    return (
        event.get("channel_type") == "im" and not event.get("subtype") and not event.get("bot_id")
        and bool(event.get("user")) and bool(event.get("channel"))
    )


def is_messages_tab(event: dict[str, Any]) -> bool:
    """Whether ``app_home_opened`` opened the Messages tab."""
    return event.get("tab") == "messages" and bool(event.get("channel"))


def intent_job(intent: Intent, user: str, body: dict[str, Any]) -> Job:
    """The kind and arguments of the job that answers ``intent``."""
    workspace = {"team_id": body.get("team_id"), "enterprise_id": body.get("enterprise_id")}
    if isinstance(intent, CatchUp):
        return CATCHUP, {"user": user, "since": intent.since.to_json(), "channels": list(intent.channels), **workspace}
    if isinstance(intent, MyItems):
        return MY_ITEMS, {"user": user, **workspace}
    if isinstance(intent, SummariseChannel):
        return AGENT_CHANNEL, {"channel": intent.channel, "user": user, "since": intent.since.to_json()}
    if isinstance(intent, SummariseLink):
        return SUMMARISE_URL, {"url": intent.url}
    if isinstance(intent, Unclear):
        return NOTICE, {"text": strings.AGENT_WHICH if intent.about == "summarise" else strings.AGENT_UNCLEAR}
    if isinstance(intent, Help):
        return NOTICE, {"text": strings.AGENT_HELP}
    raise TypeError(f"no job answers {intent!r}")


def handle_message(deps: Deps, body: dict[str, Any], event: dict[str, Any], workspace: Workspace | None = None) -> None:
    """Store the job a DM asks for; its answer goes in the message's thread."""
    channel, user = str(event["channel"]), str(event["user"])
    thread_ts = str(event.get("thread_ts") or event.get("ts") or "")
    kind, args = intent_job(parse_intent(message_text(event)), user, body)
    target = agent_target(channel, thread_ts, user, None if kind == NOTICE else kind)
    deps.queue.submit(request_key("event", body.get("event_id")), kind, job_payload(args, target, workspace))


def handle_home_opened(
    deps: Deps, body: dict[str, Any], event: dict[str, Any], workspace: Workspace | None = None
) -> None:
    """Store the job that sets the Messages tab's suggested prompts."""
    channel = str(event["channel"])
    payload = job_payload({"channel": channel}, channel_target(channel), workspace)
    deps.queue.submit(request_key("event", body.get("event_id")), AGENT_PROMPTS, payload)


def handle_feedback(deps: Deps, body: dict[str, Any]) -> None:
    """Record a vote from the feedback buttons (a value of another shape is ignored)."""
    action = (body.get("actions") or [{}])[0]
    vote = read_vote(action.get("value"))
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    message_ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    user = (body.get("user") or {}).get("id")
    if vote is None or not (channel and message_ts and user):
        logger.info("ignoring a feedback click without a vote, message or user")
        return
    team = (body.get("team") or {}).get("id")
    deps.store.feedback.record(str(channel), str(message_ts), str(user), vote[0], vote[1], team_id=team)


def register(app: App, deps: Deps) -> None:
    """Listen to DMs, the Messages tab opening and the feedback buttons (before ``messages``)."""

    @app.event("message", matchers=[is_dm_request])
    def on_dm(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        handle_message(deps, body, event, workspace_of(context))

    @app.event("app_home_opened", matchers=[is_messages_tab])
    def on_messages_tab(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        handle_home_opened(deps, body, event, workspace_of(context))

    @app.action(FEEDBACK_ACTION)
    def on_feedback(ack: Ack, body: dict[str, Any]) -> None:
        handle_feedback(deps, body)
        ack()
