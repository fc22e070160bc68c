"""The app uninstalled from a workspace, or its bot token revoked: forget that workspace.

Its installation (when the bot installs to any workspace), and every conversation kept for it (stored
messages, digests and their runs: :meth:`bot.slack.storage.messages.Store.forget_workspace`) are
deleted at once; an org-wide install is forgotten for the whole org. Bolt sends these two events
without authorising them (the token is gone already).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.slack.deps import Deps
from bot.slack.install.workspace import Workspace, workspace_of

logger = logging.getLogger(__name__)

EVENTS = ("app_uninstalled", "tokens_revoked")


def handle(deps: Deps, event: dict[str, Any], workspace: Workspace | None) -> None:
    """Delete the workspace's installation and what the bot keeps of it (user tokens alone: nothing to do)."""
    if workspace is None:
        return
    if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
        return
    logger.info("%s in %s: deleting its installation and what was stored", event.get("type"), workspace.key)
    if deps.installations is not None:
        team_id = None if workspace.is_enterprise_install else workspace.team_id
        deps.installations.delete_all(enterprise_id=workspace.enterprise_id, team_id=team_id)
    deps.store.forget_workspace(workspace)


def register(app: App, deps: Deps) -> None:
    """Listen to the events that end the app's access to a workspace."""

    def on_gone(event: dict[str, Any], context: BoltContext) -> None:
        handle(deps, event, workspace_of(context))

    for name in EVENTS:
        app.event(name)(on_gone)
