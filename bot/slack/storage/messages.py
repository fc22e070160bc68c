"""Persistence for the Slack layer: subscriptions, channel messages, digest runs and jobs.

SQLAlchemy 2 over SQLite or PostgreSQL (both tested); tables are created on start. Every
method opens its own session, so one ``Store`` can be shared by the request threads, the
job runners and the scheduler.

Stored messages follow Slack's clock, not the order events arrive in: each row keeps the
Slack time of the state it holds (the message's ts, its latest edit's ts, or the time a
back-fill read it) and a deleted message leaves a tombstone, so a late, retried or
out-of-order event can neither bring a deleted message back nor overwrite an edit with an
older text. What the bot keeps about a conversation is deleted in one place,
:meth:`Store.forget_conversation`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Boolean, Float, Index, Integer, String, Table, Text, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.slack.install.workspace import Workspace
from bot.slack.storage.database import ID_LENGTH, Base, Sessions, make_engine, rowcount, upsert
from bot.slack.storage.feedback import FeedbackStore
from bot.slack.storage.items import ItemStore
from bot.slack.storage.jobs import JobStore
from bot.slack.storage.workspaces import WorkspaceStore

logger = logging.getLogger(__name__)

CADENCES = ("daily", "weekly")
_T = TypeVar("_T")
_CHUNK = 500
"""Ids per ``IN (...)`` list, well under SQLite's and PostgreSQL's bound-parameter limits."""


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


@dataclass(frozen=True)
class SlackMessage:
    """A message as a back-fill read it from Slack (what people wrote, read as shown)."""

    ts: str
    text: str
    user_id: str | None
    thread_ts: str | None = None


@dataclass(frozen=True)
class ReadWindow:
    """What a back-fill read from Slack, so the store can drop what Slack no longer has.

    Top-level messages were read whole from ``top_level_from`` to ``latest``; the replies of
    the threads in ``threads`` were read whole from ``oldest`` to ``latest``.
    """

    oldest: float
    latest: float
    top_level_from: float
    threads: frozenset[str]


class _SubscriptionRow(Base):
    __tablename__ = "digest_subscriptions"

    channel_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    cadence: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int | None] = mapped_column(Integer, nullable=True)
    hhmm: Mapped[str] = mapped_column(String(5))
    tz: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)


class _MessageRow(Base):
    __tablename__ = "channel_messages"
    __table_args__ = (Index("ix_channel_messages_channel_time", "channel_id", "ts_value"),)

    channel_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    ts: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    ts_value: Mapped[float] = mapped_column(Float)
    thread_ts: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    user_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[float] = mapped_column(Float, default=0.0)
    """Slack time of the state stored: the message's ts, or its latest edit's ts."""
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    """A tombstone: the message was deleted, and no late or retried event may bring it back."""


class _DigestRow(Base):
    __tablename__ = "digest_runs"

    run_key: Mapped[str] = mapped_column(String(512), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    period_end: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[float] = mapped_column(Float)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The job that claimed the run, so that job (resumed after a crash) may still post it."""


_MESSAGES = cast(Table, _MessageRow.__table__)


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
        self.engine = make_engine(database_url)
        try:
            Base.metadata.create_all(self.engine)
        except IntegrityError:
            # Another process (a replica, a worker starting beside the web tier) created the
            # tables at the same moment; PostgreSQL then refuses the second CREATE TABLE.
            Base.metadata.create_all(self.engine)
        self._db = Sessions(self.engine)
        self.jobs = JobStore(self.engine)
        self.workspaces = WorkspaceStore(self.engine)
        self.feedback = FeedbackStore(self.engine)
        self.items = ItemStore(self.engine)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def write_problem(self) -> str | None:
        """``None`` when the database accepts a write (for the readiness check), else why not, in one line."""
        try:
            self.check_writable()
        except Exception as exc:  # any driver error means "not ready"
            reason = getattr(exc, "orig", None) or exc  # the driver's error, without SQLAlchemy's SQL echo
            line = f"{reason.__class__.__name__}: {next(iter(str(reason).splitlines()), '')}"[:200]
            logger.warning("the database refused a write: %s", line)
            return line
        return None

    def check_writable(self) -> None:
        """Raise the driver's error unless the database accepts a write transaction (a
        statement that changes nothing, so a read-only file or server is found at start)."""
        with self._db.write() as session:
            session.execute(delete(_DigestRow).where(_DigestRow.run_key.is_(None)))

    def _write(self, work: Callable[[Session], _T]) -> _T:
        """Run ``work`` in a transaction, retrying once if a concurrent insert won a race."""
        for attempt in (1, 2):
            try:
                with self._db.write() as session:
                    return work(session)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _insert_once(self, row: Base) -> bool:
        """Insert ``row``; ``False`` when its primary key already exists."""
        try:
            with self._db.write() as session:
                session.add(row)
        except IntegrityError:
            return False
        return True

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

    def subscription(self, channel_id: str) -> Subscription | None:
        """The channel's subscription, if any."""
        with self._db.read() as session:
            row = session.get(_SubscriptionRow, channel_id)
            return _subscription(row) if row else None

    def subscriptions(self) -> list[Subscription]:
        """All subscriptions, ordered by channel id."""
        with self._db.read() as session:
            rows = session.scalars(select(_SubscriptionRow).order_by(_SubscriptionRow.channel_id))
            return [_subscription(row) for row in rows]

    # -- messages -------------------------------------------------------------------

    def _save_statement(
        self,
        channel_id: str,
        ts: str,
        text: str,
        user_id: str | None,
        thread_ts: str | None,
        seen: float,
    ) -> Any:
        table = _MESSAGES
        values = {
            "channel_id": channel_id,
            "ts": ts,
            "ts_value": float(ts),
            # Slack gives a thread parent thread_ts == ts; keep thread_ts for replies only.
            "thread_ts": thread_ts if thread_ts and thread_ts != ts else None,
            "user_id": user_id,
            "text": text,
            "version": seen,
            "deleted": False,
        }
        statement = upsert(self.engine, table).values(**values)
        # RETURNING tells whether a row was written: an upsert's rowcount is not reliable on
        # every driver (psycopg reports -1).
        return statement.on_conflict_do_update(
            index_elements=["channel_id", "ts"],
            set_={key: statement.excluded[key] for key in ("thread_ts", "user_id", "text", "version")},
            where=(table.c.deleted.is_(False)) & (table.c.version < statement.excluded.version),
        ).returning(table.c.ts)

    def save_message(
        self,
        channel_id: str,
        ts: str,
        text: str,
        user_id: str | None,
        thread_ts: str | None = None,
        version: str | float | None = None,
        *,
        create: bool = True,
    ) -> bool:
        """Store a message state seen at Slack time ``version`` (its ts, or its edit's ts).

        The row changes only when this state is newer than the stored one and the message
        was not deleted, so redeliveries and late events are harmless. With ``create=False``
        only a message already stored is changed (an edit in a conversation that is not
        subscribed). ``True`` if stored.
        """
        seen = float(version) if version is not None else float(ts)
        if create:
            statement = self._save_statement(channel_id, ts, text, user_id, thread_ts, seen)
        else:
            table = _MESSAGES
            statement = (
                update(table)
                .where(table.c.channel_id == channel_id, table.c.ts == ts, table.c.deleted.is_(False),
                       table.c.version < seen)
                .values(text=text, user_id=user_id, version=seen)
                .returning(table.c.ts)
            )
        with self._db.write() as session:
            return session.execute(statement).first() is not None

    def delete_message(self, channel_id: str, ts: str, *, create: bool = True) -> None:
        """Replace a message by a tombstone (also when its original event has not arrived yet).

        With ``create=False`` only a message already stored becomes a tombstone.
        """
        table = _MESSAGES
        statement: Any
        if create:
            statement = upsert(self.engine, table).values(
                channel_id=channel_id, ts=ts, ts_value=float(ts), thread_ts=None, user_id=None,
                text="", version=float(ts), deleted=True,
            )
            statement = statement.on_conflict_do_update(
                index_elements=["channel_id", "ts"], set_={"text": "", "deleted": True}
            )
        else:
            statement = (
                update(table).where(table.c.channel_id == channel_id, table.c.ts == ts).values(text="", deleted=True)
            )
        with self._db.write() as session:
            session.execute(statement)
        self.items.forget_messages(channel_id, [ts])

    def replace_window(
        self, channel_id: str, messages: Iterable[SlackMessage], window: ReadWindow, read_at: float
    ) -> tuple[int, int]:
        """Make the stored window what a back-fill read from Slack at ``read_at``.

        Each message read is stored as its state at ``read_at``, so it replaces an older
        stored state (a missed edit) but not an edit made after the read began; a stored
        message of the window that Slack did not return (deleted meanwhile) becomes a
        tombstone. Returns ``(stored, dropped)``.
        """
        table = _MESSAGES
        returned: set[str] = set()
        stored = 0
        with self._db.write() as session:
            for message in messages:
                returned.add(message.ts)
                statement = self._save_statement(
                    channel_id, message.ts, message.text, message.user_id, message.thread_ts, read_at
                )
                stored += len(session.execute(statement).all())
            in_window = (table.c.ts_value >= window.oldest) & (table.c.ts_value <= window.latest)
            top_level = table.c.thread_ts.is_(None) & (table.c.ts_value >= window.top_level_from)
            read_threads = table.c.thread_ts.in_(sorted(window.threads)) if window.threads else None
            read = top_level if read_threads is None else top_level | read_threads
            candidates = session.scalars(
                select(table.c.ts).where(
                    table.c.channel_id == channel_id, table.c.deleted.is_(False), table.c.version <= read_at,
                    in_window, read,
                )
            )
            gone = sorted(set(candidates) - returned)
            for start in range(0, len(gone), _CHUNK):
                session.execute(
                    update(table)
                    .where(table.c.channel_id == channel_id, table.c.ts.in_(gone[start : start + _CHUNK]))
                    .values(text="", deleted=True)
                )
        self.items.forget_messages(channel_id, gone)
        return stored, len(gone)

    def messages_between(
        self, channel_id: str, oldest: float, latest: float
    ) -> list[StoredMessage]:
        """Messages with ``oldest <= ts < latest``, oldest first, thread replies included.

        The parent of a thread that had replies in the period is included even when it
        was posted earlier, so a thread that was busy in the period is not lost.
        ``reply_count`` counts the replies within the period.
        """
        with self._db.read() as session:
            rows = list(
                session.scalars(
                    select(_MessageRow).where(
                        _MessageRow.channel_id == channel_id,
                        _MessageRow.ts_value >= oldest,
                        _MessageRow.ts_value < latest,
                        _MessageRow.deleted.is_(False),
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
                        _MessageRow.channel_id == channel_id,
                        _MessageRow.ts.in_(missing),
                        _MessageRow.deleted.is_(False),
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

    def active_channels(self, oldest: float, latest: float) -> set[str]:
        """Conversations with a stored message (not a tombstone) with ``oldest <= ts < latest``."""
        query = select(_MessageRow.channel_id).distinct().where(
            _MessageRow.ts_value >= oldest, _MessageRow.ts_value < latest, _MessageRow.deleted.is_(False)
        )
        with self._db.read() as session:
            return set(session.scalars(query))

    def purge_messages(self, older_than: float) -> int:
        """Delete messages (and tombstones) posted before ``older_than`` (unix time); return how many.

        Every channel the bot is in is stored (for catch-ups), subscribed or not, so the
        retention bound is the one limit.
        """
        with self._db.write() as session:
            result = session.execute(delete(_MessageRow).where(_MessageRow.ts_value < older_than))
            return rowcount(result)

    # -- forgetting -----------------------------------------------------------------

    def forget_conversation(self, channel_id: str, *, items: bool = True) -> bool:
        """Delete everything kept about a conversation: its stored messages (tombstones too),
        its digest subscription and its digest runs, in one transaction, and its action items.

        Called on ``digest off`` (``items=False``: people's action items outlive the digest)
        and when the bot leaves or loses a conversation; the one place that knows what the
        bot keeps per conversation. ``True`` if it had a subscription.
        """
        if items:
            self.items.forget_conversation(channel_id)
        with self._db.write() as session:
            session.execute(delete(_MessageRow).where(_MessageRow.channel_id == channel_id))
            session.execute(delete(_DigestRow).where(_DigestRow.channel_id == channel_id))
            result = session.execute(delete(_SubscriptionRow).where(_SubscriptionRow.channel_id == channel_id))
            forgotten = rowcount(result) > 0
        logger.info("forgot conversation %s (%s)", channel_id, "was subscribed" if forgotten else "no subscription")
        return forgotten

    def forget_workspace(self, workspace: Workspace) -> list[str]:
        """Forget every conversation of a workspace (of the whole org, for an org-wide install):
        the app was uninstalled there or its token revoked. Returns the conversations forgotten."""
        channels = self.workspaces.channels(workspace)
        for channel in channels:
            self.forget_conversation(channel)
        if workspace.team_id and not workspace.is_enterprise_install:
            self.items.forget_team(workspace.team_id)  # items of conversations never stored, too
            self.feedback.forget_team(workspace.team_id)
        self.workspaces.forget(channels)
        logger.info("forgot %d conversation(s) of %s", len(channels), workspace.key)
        return channels

    # -- digests --------------------------------------------------------------------

    def last_digest(self, channel_id: str, before: float | None = None) -> float | None:
        """End of the period covered by the channel's latest digest (unix time), if any;
        with ``before``, the latest that ended before it."""
        query = select(func.max(_DigestRow.period_end)).where(_DigestRow.channel_id == channel_id)
        if before is not None:
            query = query.where(_DigestRow.period_end < before)
        with self._db.read() as session:
            return session.scalar(query)

    def claimed_digest(self, job_id: str) -> tuple[str, float] | None:
        """``(channel, period end)`` of the digest run job ``job_id`` claimed, if it claimed one
        (a resumed ``digest now`` posts the period it claimed, not a new one)."""
        with self._db.read() as session:
            row = session.scalars(
                select(_DigestRow).where(_DigestRow.claimed_by == job_id).order_by(_DigestRow.recorded_at)
            ).first()
            return (row.channel_id, row.period_end) if row else None

    def record_digest(
        self, channel_id: str, run_key: str, period_end: float, *, claimed_by: str | None = None
    ) -> bool:
        """Claim a digest run before posting it; ``False`` if ``run_key`` was already claimed
        (by another job than ``claimed_by``)."""
        row = _DigestRow(
            run_key=run_key, channel_id=channel_id, period_end=period_end, recorded_at=time.time(),
            claimed_by=claimed_by,
        )
        if self._insert_once(row):
            return True
        if claimed_by is None:
            return False
        with self._db.read() as session:
            existing = session.get(_DigestRow, run_key)
            return existing is not None and existing.claimed_by == claimed_by

    def digest_recorded(self, run_key: str) -> bool:
        """Whether a run with this key was already claimed."""
        with self._db.read() as session:
            return session.get(_DigestRow, run_key) is not None
