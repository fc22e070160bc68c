"""Bolt listeners, one module per feature; :func:`register_all` wires them to an app."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.deps import Deps
from bot.slack.listeners import (
    agent,
    command,
    fallback,
    home,
    membership,
    mention,
    messages,
    middleware,
    shortcut,
    uninstall,
)


def register_all(app: App, deps: Deps) -> None:
    """Register the id check first, then every listener, then the catch-all ack."""
    middleware.register(app)
    command.register(app, deps)
    mention.register(app, deps)
    shortcut.register(app, deps)
    agent.register(app, deps)  # before messages: it takes a person's DM to the bot
    messages.register(app, deps)
    membership.register(app, deps)
    uninstall.register(app, deps)
    home.register(app, deps)
    fallback.register(app)
