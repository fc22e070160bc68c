"""Which workspace each stored conversation belongs to, so a workspace's data can go with it.

A conversation is remembered when something of it is kept (a message, a digest subscription);
scheduled digests read their workspace here (for its token), and uninstalling the app from a
workspace (or the org, for an org-wide install) finds here every conversation to forget.
"""

from __future__ import annotations

import threading
from typing import cast

from sqlalchemy import Boolean, String, Table, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from bot.slack.install.workspace import Workspace
from bot.slack.storage.database import ID_LENGTH, Base, Sessions, upsert


class _ConversationWorkspaceRow(Base):
    __tablename__ = "conversation_workspaces"

    channel_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True, index=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True, index=True)
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, default=False)


_TABLE = cast(Table, _ConversationWorkspaceRow.__table__)


class WorkspaceStore:
    """The ``conversation_workspaces`` table (created with the other tables by the Store)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._db = Sessions(engine)
        self._known: dict[str, Workspace] = {}
        self._lock = threading.Lock()

    def remember(self, channel_id: str, workspace: Workspace | None) -> None:
        """Record the conversation's workspace (written once per process unless it changes)."""
        if workspace is None:
            return
        with self._lock:
            if self._known.get(channel_id) == workspace:
                return
        values = {"channel_id": channel_id, **workspace.as_json()}
        statement = upsert(self.engine, _TABLE).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["channel_id"],
            set_={key: statement.excluded[key] for key in ("team_id", "enterprise_id", "is_enterprise_install")},
        )
        with self._db.write() as session:
            session.execute(statement)
        with self._lock:
            self._known[channel_id] = workspace

    def of(self, channel_id: str) -> Workspace | None:
        """The conversation's workspace, if it was remembered."""
        with self._db.read() as session:
            row = session.get(_ConversationWorkspaceRow, channel_id)
            if row is None:
                return None
            return Workspace(row.team_id, row.enterprise_id, row.is_enterprise_install)

    def channels(self, workspace: Workspace) -> list[str]:
        """The conversations of ``workspace``: of the whole org for an org-wide install."""
        row = _ConversationWorkspaceRow
        query = select(row.channel_id)
        if workspace.is_enterprise_install and workspace.enterprise_id:
            query = query.where(row.enterprise_id == workspace.enterprise_id)
        elif workspace.team_id:
            query = query.where(row.team_id == workspace.team_id)
        else:
            return []
        with self._db.read() as session:
            return sorted(session.scalars(query))

    def forget(self, channel_ids: list[str]) -> None:
        """Drop the conversations from the table."""
        with self._db.write() as session:
            session.execute(delete(_ConversationWorkspaceRow).where(_ConversationWorkspaceRow.channel_id.in_(channel_ids)))
        with self._lock:
            for channel_id in channel_ids:
                self._known.pop(channel_id, None)
