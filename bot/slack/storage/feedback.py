"""Votes on the bot's answers: the feedback buttons under a reply in the agent view or a DM.

One row per person and answer (a message ts in a conversation); voting again replaces the
vote. ``kind`` is the job kind that wrote the answer, so :meth:`FeedbackStore.counts` tells
which features people find useful.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Float, String, Table, delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from bot.slack.storage.database import ID_LENGTH, Base, Sessions, rowcount, upsert

VOTES = ("good", "bad")
KIND_LENGTH = 32


@dataclass(frozen=True)
class Tally:
    """The votes on one kind of answer."""

    kind: str
    good: int = 0
    bad: int = 0

    @property
    def total(self) -> int:
        """Every vote counted."""
        return self.good + self.bad


class _VoteRow(Base):
    __tablename__ = "answer_feedback"

    channel_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    message_ts: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH))
    vote: Mapped[str] = mapped_column(String(8))
    voted_at: Mapped[float] = mapped_column(Float)


_VOTES = cast(Table, _VoteRow.__table__)


class FeedbackStore:
    """Records and counts votes (thread-safe: one session per call)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._db = Sessions(engine)

    def record(
        self, channel_id: str, message_ts: str, user_id: str, vote: str, kind: str,
        team_id: str | None = None, now: float | None = None,
    ) -> None:
        """Store one person's vote (``good`` or ``bad``) on one answer, replacing their earlier one."""
        if vote not in VOTES:
            raise ValueError(f"not a vote: {vote!r}")
        values = {
            "channel_id": channel_id, "message_ts": message_ts, "user_id": user_id, "team_id": team_id,
            "kind": kind[:KIND_LENGTH], "vote": vote, "voted_at": time.time() if now is None else now,
        }
        statement = upsert(self._engine, _VOTES).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["channel_id", "message_ts", "user_id"],
            set_={"vote": vote, "kind": values["kind"], "voted_at": values["voted_at"]},
        )
        with self._db.write() as session:
            session.execute(statement)

    def counts(self) -> list[Tally]:
        """The votes per kind of answer, kinds in alphabetical order."""
        query = select(_VoteRow.kind, _VoteRow.vote, func.count()).group_by(_VoteRow.kind, _VoteRow.vote)
        tallies: dict[str, dict[str, int]] = {}
        with self._db.read() as session:
            for kind, vote, count in session.execute(query):
                tallies.setdefault(kind, {})[vote] = int(count)
        return [Tally(kind, votes.get("good", 0), votes.get("bad", 0)) for kind, votes in sorted(tallies.items())]

    def forget_team(self, team_id: str) -> int:
        """Delete a workspace's votes (when it uninstalls the app); returns how many."""
        with self._db.write() as session:
            return rowcount(session.execute(delete(_VoteRow).where(_VoteRow.team_id == team_id)))
