"""Global middleware: refuse requests whose Slack ids the bot could not store or use.

Slack's ids (events, triggers, teams, channels, users, message ts) are short ASCII tokens.
One that is missing where required is fine (the listener decides); one that is longer than
the database columns or holds other characters is refused with 400 here, before any
listener, instead of failing later with a 500.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from slack_bolt import App, BoltResponse

from bot.slack.storage.database import ID_LENGTH

logger = logging.getLogger(__name__)

_ID = re.compile(rf"^[A-Za-z0-9._:-]{{1,{ID_LENGTH}}}$")
_ID_FIELDS = frozenset(
    {"event_id", "trigger_id", "team_id", "enterprise_id", "api_app_id", "channel_id", "user_id",
     "channel", "user", "ts", "thread_ts", "event_ts", "deleted_ts", "id"}
)
_NESTED = ("event", "message", "channel", "user", "team", "previous_message")


def _ids(body: dict[str, Any], prefix: str = "", depth: int = 3) -> Iterator[tuple[str, Any]]:
    for key in _ID_FIELDS & body.keys():
        value = body[key]
        if isinstance(value, (str, int, float)):
            yield prefix + key, value
    if depth > 1:
        for key in _NESTED:
            nested = body.get(key)
            if isinstance(nested, dict):
                yield from _ids(nested, f"{prefix}{key}.", depth - 1)


def bad_id(body: dict[str, Any]) -> str | None:
    """The name of the first malformed id in a request body, or ``None``."""
    for name, value in _ids(body):
        text = str(value)
        if text and not _ID.match(text):
            return name
    return None


def register(app: App) -> None:
    """Install the id check (it runs after Bolt's signature verification)."""

    @app.middleware
    def refuse_malformed_ids(body: dict[str, Any], next_: Callable[[], None]) -> BoltResponse | None:
        name = bad_id(body) if isinstance(body, dict) else None
        if name is not None:
            logger.info("refusing a request with a malformed %s", name)
            return BoltResponse(status=400, body="malformed id")
        next_()
        return None
