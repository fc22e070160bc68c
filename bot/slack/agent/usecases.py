"""The agent's jobs, and placeholders for the kinds that other features provide.

:data:`PLANNED` answers :data:`~bot.slack.jobs.spec.CATCHUP` and
:data:`~bot.slack.jobs.spec.MY_ITEMS` until their use cases are registered: the runner's
registry is merged with those placed after it winning (see
:func:`bot.slack.runtime.build_runner`).
"""

from __future__ import annotations

from bot.slack.deps import Services
from bot.slack.formats import strings
from bot.slack.jobs.spec import CATCHUP, MY_ITEMS, Outcome, Payload, UseCase, notice_outcome


def not_ready(_services: Services, _payload: Payload) -> Outcome:
    """The answer of a kind whose use case this build does not have."""
    return notice_outcome(strings.AGENT_NOT_READY)


PLANNED: dict[str, UseCase] = {
    CATCHUP: UseCase(strings.PROGRESS_CATCHUP, not_ready),
    MY_ITEMS: UseCase(strings.PROGRESS_MY_ITEMS, not_ready),
}
"""Placeholders for "catch me up" and "my action items", overridden by their real use cases."""
