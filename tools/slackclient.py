"""A client that sends Slack's requests to the bot, signed like Slack signs them.

Used by ``python -m tools bench-slack`` and the end-to-end tests: slash commands, Events API
callbacks and message shortcuts, each with a fresh ``trigger_id``/``event_id`` unless
one is given (a replay test gives the same one twice).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"


class SignedClient:
    """POSTs to ``<url>/slack/events`` with a valid v0 signature."""

    def __init__(self, url: str, signing_secret: str, timeout_s: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.secret = signing_secret.encode()
        self.timeout_s = timeout_s

    def post(
        self, body: str | bytes, content_type: str, *, sign: bool = True, age_s: int = 0,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """POST a raw body (``age_s`` back-dates the timestamp); returns (status, body)."""
        data = body.encode() if isinstance(body, str) else body
        timestamp = str(int(time.time()) - age_s)
        sent = {"Content-Type": content_type, **(headers or {})}
        if sign:
            sent["X-Slack-Request-Timestamp"] = timestamp
            sent["X-Slack-Signature"] = self.signature(timestamp, data)
        request = urllib.request.Request(self.url + "/slack/events", data=data, headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def signature(self, timestamp: str, body: bytes) -> str:
        """Slack's v0 signature of ``body`` (any bytes, as Slack would sign them)."""
        base = b"v0:" + timestamp.encode() + b":" + body
        return "v0=" + hmac.new(self.secret, base, hashlib.sha256).hexdigest()

    def command(
        self, text: str, response_url: str, channel: str = "C0BENCH", user: str = "U0BENCH",
        trigger_id: str | None = None,
    ) -> tuple[int, str]:
        """Send ``/summarise text``."""
        form = {
            "command": "/summarise", "text": text, "channel_id": channel, "user_id": user,
            "team_id": "T1", "response_url": response_url, "trigger_id": trigger_id or _new_id("trigger"),
        }
        return self.post(urlencode(form), FORM)

    def event(
        self, event: dict[str, Any], event_id: str | None = None, retry: int | None = None, team_id: str = "T1",
        enterprise_id: str | None = None, org_wide: bool = False,
    ) -> tuple[int, str]:
        """Send an Events API callback from workspace ``team_id`` (of org ``enterprise_id``, where the app
        may be installed ``org_wide``; ``retry``: with ``X-Slack-Retry-Num``)."""
        callback: dict[str, Any] = {
            "type": "event_callback", "team_id": team_id, "api_app_id": "A1",
            "event_id": event_id or _new_id("Ev"), "event_time": int(time.time()), "event": event,
        }
        if enterprise_id:
            callback["enterprise_id"] = enterprise_id
            callback["authorizations"] = [{
                "enterprise_id": enterprise_id, "team_id": None if org_wide else team_id, "user_id": "UBOT",
                "is_bot": True, "is_enterprise_install": org_wide,
            }]
        body = json.dumps(callback)
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.post(body, "application/json", headers=headers)

    def shortcut(
        self, message: dict[str, Any], channel: str, response_url: str, user: str = "U0BENCH",
        trigger_id: str | None = None,
    ) -> tuple[int, str]:
        """Send the "Summarise this" message shortcut on ``message``."""
        payload = {
            "type": "message_action", "callback_id": "summarise_message", "team": {"id": "T1"},
            "channel": {"id": channel}, "user": {"id": user}, "message": message,
            "response_url": response_url, "trigger_id": trigger_id or _new_id("trigger"),
            "message_ts": message["ts"],
        }
        return self.post(urlencode({"payload": json.dumps(payload)}), FORM)

    def block_action(
        self, action_id: str, value: str, user: str = "U0BENCH", *, message: dict[str, Any] | None = None,
        response_url: str | None = None, trigger_id: str | None = None, action_type: str = "button",
    ) -> tuple[int, str]:
        """Click a button (``action_id``, ``value``) in the user's App Home view, or in ``message``
        (``{"channel", "ts"}``, answered through ``response_url``)."""
        payload: dict[str, Any] = {
            "type": "block_actions", "team": {"id": "T1"}, "user": {"id": user, "team_id": "T1"},
            "api_app_id": "A1", "trigger_id": trigger_id or _new_id("trigger"),
            "actions": [{
                "type": action_type, "action_id": action_id, "block_id": "b1", "value": value,
                "action_ts": f"{time.time():.6f}",
            }],
        }
        if message is None:
            payload["container"] = {"type": "view", "view_id": f"V{user}"}
            payload["view"] = {"id": f"V{user}", "type": "home"}
        else:
            payload["container"] = {
                "type": "message", "message_ts": message["ts"], "channel_id": message["channel"], "is_ephemeral": False,
            }
            payload |= {"channel": {"id": message["channel"]}, "message": message, "response_url": response_url}
        return self.post(urlencode({"payload": json.dumps(payload)}), FORM)


def _new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"
