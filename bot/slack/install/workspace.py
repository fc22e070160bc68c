"""Which workspace a request or a job belongs to: its team, its Enterprise Grid org, and whether the
app is installed on the whole org (then the org's installation, keyed by enterprise id, holds the token)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Workspace:
    """A workspace as Slack names it in a request (Bolt's context) and as a job stores it."""

    team_id: str | None = None
    enterprise_id: str | None = None
    is_enterprise_install: bool = False

    @property
    def key(self) -> str:
        """The installation this workspace's token comes from: the org's for an org install."""
        if self.is_enterprise_install and self.enterprise_id:
            return f"E:{self.enterprise_id}"
        return f"T:{self.enterprise_id or '-'}:{self.team_id or '-'}"

    def as_json(self) -> dict[str, Any]:
        """The plain JSON a job payload stores."""
        return {
            "team_id": self.team_id, "enterprise_id": self.enterprise_id,
            "is_enterprise_install": self.is_enterprise_install,
        }

    @classmethod
    def from_json(cls, value: object) -> Workspace | None:
        """The workspace a job payload stored (``None``: a job stored without one)."""
        if not isinstance(value, dict) or not (value.get("team_id") or value.get("enterprise_id")):
            return None
        return cls(
            team_id=_id(value.get("team_id")), enterprise_id=_id(value.get("enterprise_id")),
            is_enterprise_install=bool(value.get("is_enterprise_install")),
        )


def _id(value: object) -> str | None:
    return str(value) if value else None


def workspace_of(context: Any) -> Workspace | None:
    """The workspace of a Bolt request context (``None`` when it names none)."""
    team_id, enterprise_id = _id(context.get("team_id")), _id(context.get("enterprise_id"))
    if not team_id and not enterprise_id:
        return None
    return Workspace(team_id, enterprise_id, bool(context.get("is_enterprise_install")))
