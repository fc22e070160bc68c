"""The agent's jobs, and placeholders for the kinds that other features provide.

- ``agent_prompts``: the suggested prompts of the agent view's Messages tab;
- ``agent_channel``: "summarise #channel" from a DM, for a member of that channel only
  (a DM reaches the bot from anyone, so membership is checked before anything is read).

:data:`PLANNED` answers :data:`~bot.slack.jobs.spec.CATCHUP` and
:data:`~bot.slack.jobs.spec.MY_ITEMS` until their use cases are registered: the runner's
registry is merged with those placed after it winning (see
:func:`bot.slack.runtime.build_runner`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.errors import InputError
from bot.slack import reading
from bot.slack.deps import Services
from bot.slack.digests.usecases import DAY_S
from bot.slack.formats import strings
from bot.slack.formats.intents import Since
from bot.slack.jobs.spec import (
    AGENT_CHANNEL,
    AGENT_PROMPTS,
    CATCHUP,
    MY_ITEMS,
    Outcome,
    Payload,
    UseCase,
    notice_outcome,
)
from bot.slack.usecases import summarise_channel

logger = logging.getLogger(__name__)

RECAP_MIN_S = 3600
RECAP_MAX_S = 7 * DAY_S
"""A channel recap from a DM covers one hour to seven days, as ``/summarise channel`` does."""


def set_prompts(services: Services, payload: Payload) -> None:
    """Show the suggested prompts in the asker's Messages tab (no thread: the tab itself)."""
    prompts = [{"title": title, "message": message} for title, message in strings.AGENT_PROMPTS]
    services.client.assistant_threads_setSuggestedPrompts(
        channel_id=str(payload["channel"]), title=strings.AGENT_PROMPTS_TITLE, prompts=prompts
    )


def asker_now(services: Services, user: str) -> datetime:
    """Now, in the asker's time zone (UTC when Slack does not say or names an unknown zone)."""
    try:
        zone = ZoneInfo(services.users.tz(user))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone)


def recap_for_member(services: Services, payload: Payload) -> Outcome:
    """A channel recap since ``since`` for ``user``, who must be a member of ``channel``."""
    channel, user = str(payload["channel"]), str(payload["user"])
    if not reading.has_member(services.client, channel, user):
        raise InputError(strings.AGENT_NOT_A_MEMBER.format(channel=channel))
    now = asker_now(services, user)
    period_s = int((now - Since.from_json(payload.get("since")).start(now)).total_seconds())
    period_s = min(max(period_s, RECAP_MIN_S), RECAP_MAX_S)
    return summarise_channel(services, {"channel": channel, "period_s": period_s})


def not_ready(_services: Services, _payload: Payload) -> Outcome:
    """The answer of a kind whose use case this build does not have."""
    return notice_outcome(strings.AGENT_NOT_READY)


AGENT: dict[str, UseCase] = {
    AGENT_PROMPTS: UseCase(None, set_prompts),
    AGENT_CHANNEL: UseCase(strings.PROGRESS_CHANNEL_NAMED, recap_for_member),
}
"""The agent's own jobs, by kind."""

PLANNED: dict[str, UseCase] = {
    CATCHUP: UseCase(strings.PROGRESS_CATCHUP, not_ready),
    MY_ITEMS: UseCase(strings.PROGRESS_MY_ITEMS, not_ready),
}
"""Placeholders for "catch me up" and "my action items", overridden by their real use cases."""
