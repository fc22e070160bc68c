"""Durable jobs: every request the bot accepted, stored before Slack gets its ack.

A job row holds what the job needs to finish (its kind and a JSON payload: inputs and
where to reply), its state, and the ts of the "Summarising…" placeholder once one was
posted, so a resumed job updates that placeholder instead of posting again.

States: ``queued`` -> ``running`` (claimed by one runner, under a lease it renews) ->
``done`` or ``failed``. A runner that dies leaves its lease to expire, after which any
runner may claim the job again; ``attempts`` bounds how often. Claims are single
conditional UPDATEs, so two runners (threads, processes or replicas) never both win.
The ``key`` is unique: Slack's id of the request (``event_id``, ``trigger_id``) or a
digest run's key, so a retried or replayed request finds its job instead of a new one.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Float, Index, Integer, String, Text, delete, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.slack.storage.database import Base, Sessions, rowcount

logger = logging.getLogger(__name__)

Status = Literal["queued", "running", "done", "failed"]
KEY_LENGTH = 512
FINISHED: tuple[Status, ...] = ("done", "failed")
INTERRUPTED = "put back at shutdown"
"""The error a job put back at shutdown carries: its attempt was given back, yet it ran."""


@dataclass(frozen=True)
class Job:
    """A snapshot of one job row."""

    id: str
    key: str
    kind: str
    payload: dict[str, Any]
    status: Status
    attempts: int
    placeholder_ts: str | None
    created_at: float
    error: str | None = None

    @property
    def finished(self) -> bool:
        """Whether the job reached ``done`` or ``failed``."""
        return self.status in FINISHED

    @property
    def resumed(self) -> bool:
        """Whether an earlier attempt ran (and may have posted): a claim before this one, or
        one whose attempt was given back at shutdown."""
        return self.attempts > 1 or self.error == INTERRUPTED


class _JobRow(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_not_before", "status", "not_before"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    placeholder_ts: Mapped[str | None] = mapped_column(String(64), nullable=True)
    owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[float] = mapped_column(Float, default=0.0)
    not_before: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


def _job(row: _JobRow) -> Job:
    return Job(
        id=row.id,
        key=row.key,
        kind=row.kind,
        payload=json.loads(row.payload),
        status=row.status,  # type: ignore[arg-type]  # only the four states are ever written
        attempts=row.attempts,
        placeholder_ts=row.placeholder_ts,
        created_at=row.created_at,
        error=row.error,
    )


class JobStore:
    """The ``jobs`` table (created with the other tables by :class:`bot.slack.storage.messages.Store`)."""

    def __init__(self, engine: Engine) -> None:
        self._db = Sessions(engine)

    def enqueue(
        self, key: str, kind: str, payload: dict[str, Any], *, now: float | None = None
    ) -> tuple[Job, bool]:
        """Store a new queued job; ``(job, True)``, or ``(existing job, False)`` for a known key."""
        now = time.time() if now is None else now
        row = _JobRow(
            id=uuid.uuid4().hex,
            key=key,
            kind=kind,
            payload=json.dumps(payload, ensure_ascii=False),
            status="queued",
            attempts=0,
            lease_until=0.0,
            not_before=0.0,
            created_at=now,
            updated_at=now,
        )
        try:
            with self._db.write() as session:
                session.add(row)
            return _job(row), True
        except IntegrityError:
            existing = self.by_key(key)
            if existing is None:  # deleted between the two statements: very unlikely; try again
                return self.enqueue(key, kind, payload, now=now)
            return existing, False

    def get(self, job_id: str) -> Job | None:
        """The job with this id."""
        with self._db.read() as session:
            row = session.get(_JobRow, job_id)
            return _job(row) if row else None

    def by_key(self, key: str) -> Job | None:
        """The job with this key."""
        with self._db.read() as session:
            row = session.scalar(select(_JobRow).where(_JobRow.key == key))
            return _job(row) if row else None

    @staticmethod
    def _claimable(now: float) -> Any:
        return or_(
            (_JobRow.status == "queued") & (_JobRow.not_before <= now),
            (_JobRow.status == "running") & (_JobRow.lease_until < now),
        )

    def claimable(self, *, now: float | None = None, limit: int = 50) -> list[str]:
        """Ids of jobs a runner may claim now (queued and due, or with an expired lease), oldest first."""
        now = time.time() if now is None else now
        with self._db.read() as session:
            ids = session.scalars(
                select(_JobRow.id).where(self._claimable(now)).order_by(_JobRow.created_at).limit(limit)
            )
            return list(ids)

    def claim(self, job_id: str, owner: str, lease_s: float, *, now: float | None = None) -> Job | None:
        """Take the job for ``owner`` for ``lease_s`` seconds; ``None`` if it is not claimable."""
        now = time.time() if now is None else now
        statement = (
            update(_JobRow)
            .where(_JobRow.id == job_id, self._claimable(now))
            .values(
                status="running", owner=owner, lease_until=now + lease_s,
                attempts=_JobRow.attempts + 1, updated_at=now,
            )
        )
        with self._db.write() as session:
            if rowcount(session.execute(statement)) != 1:
                return None
        return self.get(job_id)

    def renew(self, owner: str, job_ids: list[str], lease_s: float, *, now: float | None = None) -> int:
        """Extend the leases ``owner`` holds on ``job_ids``; returns how many it still holds."""
        if not job_ids:
            return 0
        now = time.time() if now is None else now
        statement = (
            update(_JobRow)
            .where(_JobRow.id.in_(job_ids), _JobRow.owner == owner, _JobRow.status == "running")
            .values(lease_until=now + lease_s, updated_at=now)
        )
        with self._db.write() as session:
            return rowcount(session.execute(statement))

    def set_placeholder(self, job_id: str, ts: str) -> None:
        """Remember the placeholder message a resumed job must update instead of posting again."""
        with self._db.write() as session:
            session.execute(
                update(_JobRow).where(_JobRow.id == job_id).values(placeholder_ts=ts, updated_at=time.time())
            )

    def finish(self, job_id: str, owner: str, status: Status, error: str | None = None) -> bool:
        """Mark a job ``done`` or ``failed`` (only while ``owner`` holds it); ``True`` if marked."""
        statement = (
            update(_JobRow)
            .where(_JobRow.id == job_id, _JobRow.owner == owner, _JobRow.status == "running")
            .values(status=status, error=error, owner=None, lease_until=0.0, updated_at=time.time())
        )
        with self._db.write() as session:
            return rowcount(session.execute(statement)) == 1

    def release(
        self, job_id: str, owner: str, *, delay_s: float = 0.0, error: str | None = None, refund: bool = False
    ) -> bool:
        """Put a running job back in the queue: a retry after ``delay_s``, or (with ``refund``,
        which gives back the attempt its claim counted) a job interrupted by shutdown, marked
        :data:`INTERRUPTED` so that its next attempt still counts as resumed."""
        now = time.time()
        statement = (
            update(_JobRow)
            .where(_JobRow.id == job_id, _JobRow.owner == owner, _JobRow.status == "running")
            .values(
                status="queued", owner=None, lease_until=0.0, not_before=now + delay_s,
                updated_at=now, error=INTERRUPTED if refund else error,
                attempts=_JobRow.attempts - 1 if refund else _JobRow.attempts,
            )
        )
        with self._db.write() as session:
            return rowcount(session.execute(statement)) == 1

    def counts(self) -> dict[str, int]:
        """Jobs per state (for health checks and benchmarks)."""
        with self._db.read() as session:
            rows = session.execute(select(_JobRow.status, func.count()).group_by(_JobRow.status))
            return {status: int(count) for status, count in rows}

    def purge(self, older_than: float) -> int:
        """Delete finished jobs last touched before ``older_than`` (unix time); return how many.

        Finished jobs are kept a while on purpose: their keys absorb Slack's retries and replays.
        """
        statement = delete(_JobRow).where(_JobRow.status.in_(FINISHED), _JobRow.updated_at < older_than)
        with self._db.write() as session:
            return rowcount(session.execute(statement))
