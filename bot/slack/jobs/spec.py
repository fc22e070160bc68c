"""The job contract: what a listener stores and what a use case returns.

A request becomes a job keyed by :func:`request_key` (Slack's retries find the same job),
whose payload (:func:`job_payload`) holds the use case's arguments and a reply target
(:func:`thread_target`, :func:`response_url_target`, :func:`channel_target`): plain JSON, so
whichever process runs the job rebuilds the same reply. A use case (:class:`UseCase`) turns
the arguments into an :class:`Outcome`. Listeners import this module, never the runner.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.slack.formats.blocks import notice_blocks
from bot.slack.install.workspace import Workspace

if TYPE_CHECKING:
    from bot.slack.deps import Services

Blocks = list[dict[str, Any]]
Payload = dict[str, Any]

CATCHUP = "catchup"
"""The job kind of "catch me up". Args: ``user`` (the asker), ``since`` (a
:class:`~bot.slack.formats.intents.Since` as JSON), ``channels`` (ids the asker named; empty:
all theirs), ``team_id``, ``enterprise_id``."""
MY_ITEMS = "my_items"
"""The job kind of "my action items". Args: ``user`` (the asker), ``team_id``, ``enterprise_id``."""
AGENT_PROMPTS = "agent_prompts"
"""The job kind that sets the agent view's suggested prompts. Args: ``channel`` (the DM)."""
AGENT_CHANNEL = "agent_channel"
"""The job kind of "summarise #channel" from a DM. Args: ``channel``, ``user`` (the asker, who
must be a member), ``since`` (a :class:`~bot.slack.formats.intents.Since` as JSON)."""


def request_key(source: str, slack_id: object) -> str:
    """The job key of a Slack request: its ``event_id`` or ``trigger_id``, unique per request.

    A request without one (never seen from Slack) gets a random key: it is not deduplicated.
    """
    value = str(slack_id or "").strip()
    return f"{source}:{value}" if value else f"{source}:unkeyed:{uuid.uuid4().hex}"


def job_payload(args: dict[str, Any], reply: dict[str, Any], workspace: Workspace | None = None) -> dict[str, Any]:
    """The stored payload of a job: its use case's arguments, its reply target and its workspace
    (whose token the job uses; see :class:`~bot.slack.install.workspace.Workspace`)."""
    payload: dict[str, Any] = {"args": args, "reply": reply}
    if workspace is not None:
        payload["workspace"] = workspace.as_json()
    return payload


def thread_target(channel: str, thread_ts: str, user: str | None, response_url: str | None = None) -> dict[str, Any]:
    """A reply target in a thread (mentions, the message shortcut)."""
    return {"type": "thread", "channel": channel, "thread_ts": thread_ts, "user": user, "response_url": response_url}


def response_url_target(
    response_url: str, response_type: str, channel: str, user: str | None
) -> dict[str, Any]:
    """A reply target through a slash command's response_url (``in_channel`` or ``ephemeral``)."""
    return {
        "type": "response_url", "response_url": response_url, "response_type": response_type,
        "channel": channel, "user": user,
    }


def agent_target(channel: str, thread_ts: str, user: str | None, kind: str | None) -> dict[str, Any]:
    """A reply target in a direct message's thread (the agent view or a plain DM): a loading
    status while the job runs, then the answer with feedback buttons rating ``kind`` (``None``:
    no buttons, for fixed answers such as the help)."""
    return {"type": "agent", "channel": channel, "thread_ts": thread_ts, "user": user, "kind": kind}


def channel_target(channel: str) -> dict[str, Any]:
    """A reply target that posts into a channel (scheduled digests)."""
    return {"type": "channel", "channel": channel}


@dataclass(frozen=True)
class Outcome:
    """What a finished job shows: Block Kit blocks and their plain-text fallback.

    ``publish`` is a message the job also posts in its conversation (``digest now``'s
    digest), once: the reply posts it with the job's metadata before showing the outcome.
    """

    blocks: Blocks
    text: str
    publish: Outcome | None = None


@dataclass(frozen=True)
class UseCase:
    """A kind of job: its progress wording (``None``: no placeholder) and its work."""

    progress: str | None
    run: Callable[[Services, Payload], Outcome | None]


def notice_outcome(mrkdwn: str) -> Outcome:
    """An outcome of one line of text (a confirmation, a hint)."""
    return Outcome(notice_blocks(mrkdwn), mrkdwn)


HOME_PUBLISH = "home_publish"
"""The job kind that publishes a user's App Home (args: ``user``, ``team_id``)."""
HOME_DIGEST = "home_digest"
"""The job kind of an App Home digest button (args: ``user``, ``channel``, ``setting``, ``team_id``)."""
