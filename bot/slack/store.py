"""Persistence for the Slack layer: subscriptions, seen events, messages and digests.

SQLAlchemy 2 over any URL it understands (sqlite and PostgreSQL are the tested ones);
tables are created on start. Every method opens its own session, so one ``Store`` can be
shared by the listener threads, the worker pool and the scheduler.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Float,
    Index,
    Integer,
    String,
    Text,
    create_engine,
    delete,
    event,
    func,
    select,
)
from sqlalchemy.engine import CursorResult, Engine, Result, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool

logger = logging.getLogger(__name__)

CADENCES = ("daily", "weekly")
_T = TypeVar("_T")


@dataclass(frozen=True)
class Subscription:
    """A channel's digest subscription."""

    channel_id: str
    cadence: str
    """``"daily"`` or ``"weekly"``."""
    weekday: int | None
    """0 = Monday .. 6 = Sunday, for weekly digests."""
    hhmm: str
    tz: str
    """IANA time zone name the ``hhmm`` is in."""
    created_by: str | None
    created_at: float


@dataclass(frozen=True)
class StoredMessage:
    """A message kept from a subscribed channel."""

    channel_id: str
    ts: str
    thread_ts: str | None
    """The parent's ts for a thread reply; ``None`` for a top-level message."""
    user_id: str | None
    text: str
    reply_count: int
    """Replies to this message stored within the queried period."""


class _Base(DeclarativeBase):
    pass


class _SubscriptionRow(_Base):
    __tablename__ = "digest_subscriptions"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cadence: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int | None] = mapped_column(Integer, nullable=True)
    hhmm: Mapped[str] = mapped_column(String(5))
    tz: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)


class _EventRow(_Base):
    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[float] = mapped_column(Float, index=True)


class _MessageRow(_Base):
    __tablename__ = "channel_messages"
    __table_args__ = (Index("ix_channel_messages_channel_time", "channel_id", "ts_value"),)

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts_value: Mapped[float] = mapped_column(Float)
    thread_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    user_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    text: Mapped[str] = mapped_column(Text)


class _DigestRow(_Base):
    __tablename__ = "digest_runs"

    run_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), index=True)
    period_end: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[float] = mapped_column(Float)


def _rowcount(result: Result[Any]) -> int:
    """Rows a DELETE or UPDATE touched (its result is a CursorResult)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed while a writer commits; the busy timeout makes writers wait
    # for each other instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if in_memory:
        # One shared connection, or each thread would see its own empty database.
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _subscription(row: _SubscriptionRow) -> Subscription:
    return Subscription(
        channel_id=row.channel_id,
        cadence=row.cadence,
        weekday=row.weekday,
        hhmm=row.hhmm,
        tz=row.tz,
        created_by=row.created_by,
        created_at=row.created_at,
    )


class Store:
    """Thread-safe persistence of the bot's state (one session per call)."""

    def __init__(self, database_url: str) -> None:
        self.engine = _make_engine(database_url)
        _Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def _write(self, work: Callable[[Session], _T]) -> _T:
        """Run ``work`` in a transaction, retrying once if a concurrent insert won a race."""
        for attempt in (1, 2):
            try:
                with self._sessions.begin() as session:
                    return work(session)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _insert_once(self, row: _Base) -> bool:
        """Insert ``row``; ``False`` when its primary key already exists."""
        try:
            with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            return False
        return True

    # -- event dedupe ---------------------------------------------------------------

    def claim_event(self, event_id: str) -> bool:
        """``True`` the first time ``event_id`` is seen, ``False`` afterwards, across restarts."""
        return self._insert_once(_EventRow(event_id=event_id, seen_at=time.time()))

    def purge_events(self, older_than: float) -> int:
        """Forget event ids seen before ``older_than`` (unix time); return how many."""
        with self._sessions.begin() as session:
            result = session.execute(delete(_EventRow).where(_EventRow.seen_at < older_than))
            return _rowcount(result)

    # -- subscriptions --------------------------------------------------------------

    def subscribe(
        self,
        channel_id: str,
        cadence: str,
        hhmm: str,
        tz: str,
        weekday: int | None = None,
        created_by: str | None = None,
    ) -> Subscription:
        """Create or replace the channel's digest subscription."""
        if cadence not in CADENCES:
            raise ValueError(f"cadence must be one of {CADENCES}, got {cadence!r}")
        if cadence == "weekly" and weekday is None:
            weekday = 0
        if weekday is not None and not 0 <= weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday}")
        row = _SubscriptionRow(
            channel_id=channel_id,
            cadence=cadence,
            weekday=weekday if cadence == "weekly" else None,
            hhmm=hhmm,
            tz=tz,
            created_by=created_by,
            created_at=time.time(),
        )
        return self._write(lambda session: _subscription(session.merge(row)))

    def unsubscribe(self, channel_id: str) -> bool:
        """Remove the subscription; ``True`` if there was one."""
        with self._sessions.begin() as session:
            result = session.execute(
                delete(_SubscriptionRow).where(_SubscriptionRow.channel_id == channel_id)
            )
            return _rowcount(result) > 0

    def subscription(self, channel_id: str) -> Subscription | None:
        """The channel's subscription, if any."""
        with self._sessions() as session:
            row = session.get(_SubscriptionRow, channel_id)
            return _subscription(row) if row else None

    def subscriptions(self) -> list[Subscription]:
        """All subscriptions, ordered by channel id."""
        with self._sessions() as session:
            rows = session.scalars(select(_SubscriptionRow).order_by(_SubscriptionRow.channel_id))
            return [_subscription(row) for row in rows]

    # -- messages -------------------------------------------------------------------

    def save_message(
        self,
        channel_id: str,
        ts: str,
        text: str,
        user_id: str | None,
        thread_ts: str | None = None,
    ) -> None:
        """Insert or update a message (call only for subscribed channels)."""
        row = _MessageRow(
            channel_id=channel_id,
            ts=ts,
            ts_value=float(ts),
            # Slack gives a thread parent thread_ts == ts; keep thread_ts for replies only.
            thread_ts=thread_ts if thread_ts and thread_ts != ts else None,
            user_id=user_id,
            text=text,
        )
        self._write(lambda session: session.merge(row))

    def delete_message(self, channel_id: str, ts: str) -> None:
        """Forget a deleted message."""
        with self._sessions.begin() as session:
            session.execute(
                delete(_MessageRow).where(
                    _MessageRow.channel_id == channel_id, _MessageRow.ts == ts
                )
            )

    def messages_between(
        self, channel_id: str, oldest: float, latest: float
    ) -> list[StoredMessage]:
        """Messages with ``oldest <= ts < latest``, oldest first, thread replies included.

        The parent of a thread that had replies in the period is included even when it
        was posted earlier, so a thread that was busy in the period is not lost.
        ``reply_count`` counts the replies within the period.
        """
        with self._sessions() as session:
            rows = list(
                session.scalars(
                    select(_MessageRow).where(
                        _MessageRow.channel_id == channel_id,
                        _MessageRow.ts_value >= oldest,
                        _MessageRow.ts_value < latest,
                    )
                )
            )
            counts: dict[str, int] = {}
            for row in rows:
                if row.thread_ts:
                    counts[row.thread_ts] = counts.get(row.thread_ts, 0) + 1
            have = {row.ts for row in rows}
            missing = [ts for ts in counts if ts not in have]
            if missing:
                rows += session.scalars(
                    select(_MessageRow).where(
                        _MessageRow.channel_id == channel_id, _MessageRow.ts.in_(missing)
                    )
                )
        rows.sort(key=lambda row: row.ts_value)
        return [
            StoredMessage(
                channel_id=row.channel_id,
                ts=row.ts,
                thread_ts=row.thread_ts,
                user_id=row.user_id,
                text=row.text,
                reply_count=counts.get(row.ts, 0),
            )
            for row in rows
        ]

    def purge_messages(self, older_than: float) -> int:
        """Delete messages posted before ``older_than`` (unix time); return how many."""
        with self._sessions.begin() as session:
            result = session.execute(delete(_MessageRow).where(_MessageRow.ts_value < older_than))
            return _rowcount(result)

    # -- digests --------------------------------------------------------------------

    def last_digest(self, channel_id: str) -> float | None:
        """End of the period covered by the channel's latest digest (unix time), if any."""
        with self._sessions() as session:
            return session.scalar(
                select(func.max(_DigestRow.period_end)).where(_DigestRow.channel_id == channel_id)
            )

    def record_digest(self, channel_id: str, run_key: str, period_end: float) -> bool:
        """Claim a digest run before posting it; ``False`` if ``run_key`` was already claimed."""
        row = _DigestRow(
            run_key=run_key, channel_id=channel_id, period_end=period_end, recorded_at=time.time()
        )
        return self._insert_once(row)

    def digest_recorded(self, run_key: str) -> bool:
        """Whether a run with this key was already claimed."""
        with self._sessions() as session:
            return session.get(_DigestRow, run_key) is not None
