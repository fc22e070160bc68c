"""App Home: the "Home" tab lists the viewer's open action items and their channels' digests.

Opening the tab (``app_home_opened`` with ``tab == "home"``; the Messages tab is the agent
view's) stores a job that publishes the view. "Done" closes the item at once, in the store,
then the view is published again; a digest button (daily, weekly, stop) becomes a job that
checks the clicker is in the channel. Every click is acked before the work runs.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.deps import Deps
from bot.slack.formats.items import DIGEST_ACTIONS, ITEM_DONE
from bot.slack.install.workspace import Workspace, workspace_of
from bot.slack.jobs.spec import (
    HOME_DIGEST,
    HOME_PUBLISH,
    MY_ITEMS,
    channel_target,
    job_payload,
    request_key,
    response_url_target,
)

logger = logging.getLogger(__name__)


def _is_home_tab(event: dict[str, Any]) -> bool:
    return event.get("tab") == "home"


def _team(body: dict[str, Any]) -> str | None:
    team = body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    return str(team) if team else None


def publish(deps: Deps, key: str, user: str, team: str | None, workspace: Workspace | None = None) -> None:
    """Store the job that publishes ``user``'s App Home (its result goes nowhere else)."""
    args = {"user": user, "team_id": team}
    deps.queue.submit(key, HOME_PUBLISH, job_payload(args, channel_target(user), workspace))


def on_done(deps: Deps, body: dict[str, Any], workspace: Workspace | None = None) -> None:
    """"Done" on an item: close it (its owner only), then show the list again where it was
    pressed: the Home tab is published again, a "my action items" message is replaced."""
    user = str((body.get("user") or {}).get("id") or "")
    if not user:
        return
    for action in body.get("actions") or []:
        if action.get("action_id") == ITEM_DONE:
            closed = deps.store.items.mark_done(str(action.get("value") or ""), user)
            logger.info("item done by %s: %s", user, "closed" if closed else "already closed or not theirs")
    key = request_key("action", body.get("trigger_id"))
    container = body.get("container") or {}
    if container.get("type") == "message" and body.get("response_url"):
        channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
        reply = response_url_target(str(body["response_url"]), "ephemeral", channel, user)
        deps.queue.submit(key, MY_ITEMS, job_payload({"user": user, "team_id": _team(body)}, reply, workspace))
        return
    publish(deps, key, user, _team(body), workspace)


def on_digest(deps: Deps, body: dict[str, Any], workspace: Workspace | None = None) -> None:
    """A digest button: a job changes or stops the digest, then publishes the Home tab again."""
    user = str((body.get("user") or {}).get("id") or "")
    action: dict[str, Any] = next(iter(body.get("actions") or []), {})
    setting = DIGEST_ACTIONS.get(str(action.get("action_id")))
    channel = str(action.get("value") or "")
    if not user or setting is None or not channel:
        return
    args = {"user": user, "channel": channel, "setting": setting, "team_id": _team(body)}
    deps.queue.submit(
        request_key("action", body.get("trigger_id")), HOME_DIGEST, job_payload(args, channel_target(user), workspace)
    )


def register(app: App, deps: Deps) -> None:
    """Listen to the Home tab opening and to its buttons."""

    @app.event("app_home_opened", matchers=[_is_home_tab])
    def on_home_opened(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        user = event.get("user")
        if user:
            publish(deps, request_key("home", body.get("event_id")), str(user), _team(body), workspace_of(context))

    @app.action(ITEM_DONE)
    def on_item_done(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        on_done(deps, body, workspace_of(context))

    for action_id in DIGEST_ACTIONS:

        @app.action(action_id)
        def on_digest_button(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
            ack()
            on_digest(deps, body, workspace_of(context))
