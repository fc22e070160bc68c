"""Action items the bot extracted, kept per owner until they are done.

An item is stored once per (workspace, conversation, message, owner, text): a later summary
or digest that finds it again refreshes its due date and link but never reopens it. It
leaves an owner's open list when the owner marks it done, when the owner replies in its
thread that it is done, or when its message is deleted (then the row goes entirely).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import Boolean, Date, Float, Index, String, Table, Text, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from bot.slack.storage.database import ID_LENGTH, Base, Sessions, rowcount, upsert

ID_CHARS = 32


@dataclass(frozen=True)
class ActionItem:
    """One task a real participant was given in a conversation the bot read."""

    team_id: str
    channel_id: str
    thread_ts: str
    """The thread the item lives in (the message's own ts for a top-level message)."""
    message_ts: str
    owner_id: str
    text: str
    due_phrase: str | None = None
    due_date: date | None = None
    permalink: str | None = None
    done: bool = False

    @property
    def id(self) -> str:
        """Stable id: the same task found again by another summary is the same item."""
        key = "\x1f".join(
            (self.team_id, self.channel_id, self.message_ts, self.owner_id, " ".join(self.text.lower().split()))
        )
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:ID_CHARS]


class _ItemRow(Base):
    __tablename__ = "action_items"
    __table_args__ = (
        Index("ix_action_items_owner", "owner_id", "done"),
        Index("ix_action_items_thread", "channel_id", "thread_ts"),
    )

    id: Mapped[str] = mapped_column(String(ID_CHARS), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    channel_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    thread_ts: Mapped[str] = mapped_column(String(ID_LENGTH))
    message_ts: Mapped[str] = mapped_column(String(ID_LENGTH))
    owner_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    text: Mapped[str] = mapped_column(Text)
    due_phrase: Mapped[str | None] = mapped_column(String(255), nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    permalink: Mapped[str | None] = mapped_column(Text, nullable=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[float] = mapped_column(Float)
    done_at: Mapped[float | None] = mapped_column(Float, nullable=True)


def _item(row: _ItemRow) -> ActionItem:
    return ActionItem(
        team_id=row.team_id, channel_id=row.channel_id, thread_ts=row.thread_ts, message_ts=row.message_ts,
        owner_id=row.owner_id, text=row.text, due_phrase=row.due_phrase, due_date=row.due_date,
        permalink=row.permalink, done=row.done,
    )


@dataclass(frozen=True)
class OpenItem:
    """An open item with its id (what the "Done" button carries)."""

    id: str
    item: ActionItem


class ItemStore:
    """The ``action_items`` table (one session per call, shared by every thread)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._db = Sessions(engine)

    def keep(self, items: Iterable[ActionItem]) -> int:
        """Store new items; one already stored keeps its done flag and gets the newer due date
        and link. Returns how many items were given."""
        table = cast(Table, _ItemRow.__table__)
        given = 0
        now = time.time()
        with self._db.write() as session:
            for item in items:
                values = {
                    "id": item.id, "team_id": item.team_id, "channel_id": item.channel_id,
                    "thread_ts": item.thread_ts, "message_ts": item.message_ts, "owner_id": item.owner_id,
                    "text": item.text, "due_phrase": item.due_phrase, "due_date": item.due_date,
                    "permalink": item.permalink, "done": False, "created_at": now, "done_at": None,
                }
                statement = upsert(self.engine, table).values(**values)
                statement = statement.on_conflict_do_update(
                    index_elements=["id"],
                    set_={
                        "due_phrase": statement.excluded.due_phrase,
                        "due_date": statement.excluded.due_date,
                        "permalink": statement.excluded.permalink,
                    },
                )
                session.execute(statement)
                given += 1
        return given

    def open_items(self, owner_id: str, limit: int = 100) -> list[OpenItem]:
        """The owner's open items, soonest due first (undated ones last, oldest first)."""
        query = (
            select(_ItemRow)
            .where(_ItemRow.owner_id == owner_id, _ItemRow.done.is_(False))
            .order_by(_ItemRow.due_date.is_(None), _ItemRow.due_date, _ItemRow.created_at, _ItemRow.id)
            .limit(limit)
        )
        with self._db.read() as session:
            return [OpenItem(row.id, _item(row)) for row in session.scalars(query)]

    def mark_done(self, item_id: str, owner_id: str) -> bool:
        """Close an item; only its owner may. ``True`` if it was open."""
        statement = (
            update(_ItemRow)
            .where(_ItemRow.id == item_id, _ItemRow.owner_id == owner_id, _ItemRow.done.is_(False))
            .values(done=True, done_at=time.time())
        )
        with self._db.write() as session:
            return rowcount(session.execute(statement)) > 0

    def close_by_reply(self, channel_id: str, thread_ts: str, owner_id: str, reply_ts: str) -> int:
        """Close the owner's open items of a thread stated before the owner's reply ``reply_ts``."""
        with self._db.write() as session:
            rows = session.scalars(
                select(_ItemRow).where(
                    _ItemRow.channel_id == channel_id, _ItemRow.thread_ts == thread_ts,
                    _ItemRow.owner_id == owner_id, _ItemRow.done.is_(False),
                )
            )
            closed = [row for row in rows if float(row.message_ts) < float(reply_ts)]
            for row in closed:
                row.done, row.done_at = True, time.time()
            return len(closed)

    def forget_messages(self, channel_id: str, message_ts: Iterable[str]) -> int:
        """Delete the items stated in these messages (they were deleted in Slack)."""
        wanted = sorted(set(message_ts))
        if not wanted:
            return 0
        with self._db.write() as session:
            result = session.execute(
                delete(_ItemRow).where(_ItemRow.channel_id == channel_id, _ItemRow.message_ts.in_(wanted))
            )
            return rowcount(result)

    def forget_conversation(self, channel_id: str) -> int:
        """Delete every item of a conversation (the bot lost it)."""
        with self._db.write() as session:
            return rowcount(session.execute(delete(_ItemRow).where(_ItemRow.channel_id == channel_id)))

    def forget_team(self, team_id: str) -> int:
        """Delete every item of a workspace (it uninstalled the bot)."""
        with self._db.write() as session:
            return rowcount(session.execute(delete(_ItemRow).where(_ItemRow.team_id == team_id)))
