"""The SQLAlchemy engine, table base and dialect helpers shared by the stores.

SQLite and PostgreSQL are the supported (and tested) backends. Upserts use each dialect's
``INSERT ... ON CONFLICT``, so concurrent writers decide row by row in the database rather
than by read-then-write in Python.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Engine, Result, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool

logger = logging.getLogger(__name__)

ID_LENGTH = 255
"""Width of every column holding a Slack id or ts: wider than anything Slack sends today.

Request validation refuses longer ids before they reach the database."""

SUPPORTED_BACKENDS = ("sqlite", "postgresql")


class Base(DeclarativeBase):
    """Declarative base of every table of the bot."""


def rowcount(result: Result[Any]) -> int:
    """Rows a DELETE or UPDATE touched (its result is a CursorResult)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed while a writer commits; the busy timeout makes writers wait
    # for each other instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def is_in_memory(database_url: str) -> bool:
    """Whether the URL names an in-memory SQLite database (``sqlite://``, ``sqlite:///:memory:``),
    which is lost when the process ends."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return False
    database = url.database or ""
    return database in ("", ":memory:") or database.startswith("file::memory:") or url.query.get("mode") == "memory"


def make_engine(database_url: str) -> Engine:
    """An engine for ``database_url``; raises ``ValueError`` for an unsupported backend."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
    if backend == "postgresql":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    database = url.database or ""
    if is_in_memory(database_url):
        # One shared connection, or each thread would see its own empty database.
        return create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def upsert(engine: Engine, table: Table) -> Any:
    """The dialect's ``insert()`` construct, which has ``on_conflict_do_update``/``_nothing``."""
    if engine.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


class Sessions:
    """Read sessions and write transactions over one engine.

    On SQLite, the write transactions of this process take turns on one lock: SQLite lets
    one writer in at a time and makes the others poll with sleeps of up to 100 ms, which
    under load stretches a commit (and the moment a job is marked done) for no reason.
    """

    def __init__(self, engine: Engine) -> None:
        self._factory = sessionmaker(engine, expire_on_commit=False)
        self._lock: threading.Lock | None = None
        if engine.dialect.name == "sqlite":
            with _LOCKS_GUARD:
                self._lock = _WRITE_LOCKS.setdefault(engine, threading.Lock())

    def read(self) -> Session:
        """A session for reading (use it as a context manager)."""
        return self._factory()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction, committed when the block ends without an exception."""
        guard: AbstractContextManager[Any] = self._lock if self._lock is not None else nullcontext()
        with guard, self._factory.begin() as session:
            yield session
