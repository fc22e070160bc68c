"""The ``catchup`` job: what a person missed in their channels, from the bot's store.

Only conversations the person is a member of count: their channels (``users.conversations``
for them, public and private channels only, never anyone's DMs), intersected with the
bot's own channels and with what the store holds. The memberships are read once per job;
the messages come from the event-fed store, never from Slack's history (rate-limited).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.slack import reading
from bot.slack.catchup.build import Reader, build_catch_up
from bot.slack.catchup.cache import SummaryCache
from bot.slack.deps import Services
from bot.slack.digests.usecases import retention_start
from bot.slack.formats import strings
from bot.slack.formats.blocks import slack_date
from bot.slack.formats.catchup import catchup_blocks, catchup_text
from bot.slack.formats.intents import Since
from bot.slack.jobs.spec import CATCHUP, Outcome, Payload, UseCase, notice_outcome

logger = logging.getLogger(__name__)

SUMMARY_BUDGET_S = 3.5
"""Seconds a catch-up spends summarising, so the reply comes within about five."""
SUMMARIES = SummaryCache()
"""Conversation summaries shared by this process's catch-ups."""


@dataclass(frozen=True)
class Scope:
    """The channels a catch-up reads and the period, with what the asker should be told about them."""

    channels: frozenset[str]
    shared: int
    """Channels the asker and the bot are both in."""
    since: float
    until: float
    notes: tuple[str, ...] = ()


def _start(services: Services, user: str, payload: Payload, now: float) -> float:
    """When the look-back starts, read in the asker's time zone."""
    try:
        zone = ZoneInfo(services.users.tz(user))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    since = Since.from_json(payload.get("since"))
    return since.start(datetime.fromtimestamp(now, tz=zone)).timestamp()


def scope(services: Services, user: str, payload: Payload, now: float) -> Scope:
    """The asker's channels that the bot is in and stores, and the period within the retention."""
    asked = frozenset(str(c) for c in payload.get("channels") or ())
    shared = reading.member_channels(services.client, user) & reading.member_channels(services.client)
    notes: list[str] = []
    if asked:
        if asked - shared:
            notes.append(strings.CATCHUP_SKIPPED.format(count=len(asked - shared)))
        shared &= asked
    since = _start(services, user, payload, now)
    oldest = retention_start(services, now)
    if since < oldest:
        since = oldest
        days = services.settings.message_retention_days
        notes.append(strings.CATCHUP_CLAMPED.format(days=days, since=slack_date(since)))
    stored = services.store.active_channels(since, now) & shared
    return Scope(frozenset(stored), len(shared), since, now, tuple(notes))


def _notice(mrkdwn: str, notes: Sequence[str]) -> Outcome:
    return notice_outcome("\n".join([mrkdwn, *notes]))


def catch_up(services: Services, payload: Payload) -> Outcome:
    """What the asker missed since the look-back's start, most pressing first, in one reply."""
    user = str(payload["user"])
    started = time.monotonic()
    found = scope(services, user, payload, time.time())
    if not found.shared:
        return _notice(strings.CATCHUP_NO_CHANNELS, found.notes)
    stored = {c: services.store.messages_between(c, found.since, found.until) for c in sorted(found.channels)}
    reader = Reader(
        summarise=services.summariser.summarise,
        names=services.users.name,
        permalink=reading.permalinks(services.client),
        budget_s=max(0.5, SUMMARY_BUDGET_S - (time.monotonic() - started)),
        workers=services.settings.worker_processes,
        max_chars=services.settings.max_input_chars,
        cache=SUMMARIES,
    )
    built = build_catch_up(user, found.since, found.until, stored, reader)
    built.checked = found.shared
    logger.info(
        "catch-up for %s: %d channel(s) shared, %d with news, %d unread, %.2fs",
        user, found.shared, len(built.channels), built.unread, time.monotonic() - started,
    )
    if not built.channels and not built.active:
        return _notice(strings.CATCHUP_NOTHING.format(since=slack_date(found.since), count=found.shared), found.notes)
    return Outcome(catchup_blocks(built, found.notes), catchup_text(built))


CATCHUP_USE_CASES: dict[str, UseCase] = {CATCHUP: UseCase(strings.PROGRESS_CATCHUP, catch_up)}
"""The catch-up job, by its ``kind``."""
