"""The extraction hook: keep the action items a thread or channel analysis found.

Only items whose owner is a real participant of the conversation read (an author of its
messages or a user they mention) are kept, with the thread they live in, a permalink, the
due phrase and, where it names one, the due date in the owner's time zone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.thread.due_date import due_date
from bot.core.types import Priority
from bot.slack import reading
from bot.slack.deps import Services
from bot.slack.formats.markup import is_user_id
from bot.slack.formats.shapes import participant_ids
from bot.slack.storage.items import ActionItem

logger = logging.getLogger(__name__)


def _written_on(services: Services, owner_id: str, ts: str) -> date:
    try:
        zone = ZoneInfo(services.users.tz(owner_id))
    except (ValueError, LookupError):
        zone = ZoneInfo("UTC")
    return datetime.fromtimestamp(float(ts), zone).date()


def _threads(raw: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """ts -> the thread it belongs to (a top-level message is its own thread)."""
    return {str(m["ts"]): str(m.get("thread_ts") or m["ts"]) for m in raw if m.get("ts")}


def action_items(
    services: Services,
    channel: str,
    priorities: Sequence[Priority],
    raw: Sequence[Mapping[str, Any]],
    *,
    team_id: str = "",
    thread_ts: str | None = None,
    permalinks: Mapping[str, str] | None = None,
) -> list[ActionItem]:
    """The items of ``priorities`` to keep: owned by a participant of ``raw`` (the messages read).

    ``thread_ts``: the thread that was read (a thread summary); else each item's thread is
    its message's. ``permalinks``: links already fetched, by message ts.
    """
    participants = participant_ids(raw)
    threads = _threads(raw)
    links = dict(permalinks or {})
    items: list[ActionItem] = []
    for priority in priorities:
        owner, ts = priority.owner_id, priority.ts or thread_ts
        if not owner or owner not in participants or not is_user_id(owner) or not ts:
            continue
        if ts not in links:
            links[ts] = reading.permalink(services.client, channel, ts) or ""
        items.append(
            ActionItem(
                team_id=team_id, channel_id=channel, thread_ts=thread_ts or threads.get(ts, ts), message_ts=ts,
                owner_id=owner, text=priority.text, due_phrase=priority.due,
                due_date=due_date(priority.due, _written_on(services, owner, ts)), permalink=links[ts] or None,
            )
        )
    return items


def keep_items(services: Services, channel: str, priorities: Sequence[Priority], raw: Sequence[Mapping[str, Any]],
               **where: Any) -> int:
    """Store the items :func:`action_items` finds; never fails the analysis that found them."""
    try:
        return services.store.items.keep(action_items(services, channel, priorities, raw, **where))
    except Exception:  # the summary or digest stands on its own
        logger.exception("could not keep the action items of %s", channel)
        return 0
