"""What the app asks Slack for in ``manifest.json``, so messages about permissions tell the truth.

``tests/test_manifest.py`` keeps these in step with the manifest itself.
"""

from __future__ import annotations

BOT_SCOPES = frozenset(
    {
        "app_mentions:read",
        "assistant:write",
        "channels:history",
        "channels:read",
        "chat:write",
        "commands",
        "groups:history",
        "groups:read",
        "im:history",
        "mpim:history",
        "mpim:read",
        "users:read",
    }
)
BOT_EVENTS = frozenset(
    {
        "app_home_opened",
        "app_mention",
        "app_uninstalled",
        "channel_archive",
        "channel_deleted",
        "channel_left",
        "group_archive",
        "group_deleted",
        "group_left",
        "member_left_channel",
        "message.channels",
        "message.groups",
        "message.im",
        "message.mpim",
        "tokens_revoked",
    }
)


def requested(needed: str) -> bool:
    """Whether the manifest asks for every scope in ``needed`` (Slack's comma-separated list)."""
    scopes = {s.strip() for s in needed.split(",") if s.strip()}
    return bool(scopes) and scopes <= BOT_SCOPES
