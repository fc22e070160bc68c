"""A fake Slack Web API on 127.0.0.1, for the tests and ``python -m tools bench-slack``.

``FakeSlack`` serves ``/api/<method>`` like Slack's Web API (enough of it for the bot),
records every call, and records POSTs to ``response_url`` paths. Point a
``slack_sdk.WebClient(base_url=fake.api_url)`` or ``Settings(slack_api_url=fake.api_url)``
at it. Its :meth:`FakeSlack.edit_message`, :meth:`FakeSlack.delete_message` and
:meth:`FakeSlack.remove_bot` change what it serves and return the event Slack would send
for the change, shaped as Slack sends it. Nothing here touches the internet.

Workspaces: once a token is registered (:meth:`FakeSlack.add_workspace`, or an install through
``oauth.v2.access`` with a code from :meth:`FakeSlack.install`), every call must carry a token of a
workspace (``invalid_auth``, ``token_revoked`` and ``token_expired`` otherwise, as Slack answers) and
a channel of another workspace is ``channel_not_found``; ``call_tokens`` records the token of each
call. ``oauth.v2.access`` checks the app's credentials, exchanges a code once, and with token
rotation hands out expiring tokens whose refresh token works once. Before any registration every
token is workspace ``T1``'s (the single-token set-up).
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

Payload = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]

_DEFAULT_PAGE = 100
_MEMBERS_ONLY = frozenset(
    {"conversations.history", "conversations.replies", "chat.postMessage", "chat.update", "chat.delete"}
)
"""Methods Slack refuses with ``not_in_channel`` once the bot was removed from the channel."""
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
"""Who the bot is (``auth.test``), and the author of the messages it posts."""
CLIENT_ID = "111.222"
CLIENT_SECRET = "fake-client-secret"
"""The app's credentials ``oauth.v2.access`` accepts."""
_NO_TOKEN_METHODS = frozenset({"oauth.v2.access"})


@dataclass
class _Token:
    team_id: str
    enterprise_id: str | None = None
    expires_at: float | None = None
    revoked: bool = False
    org_wide: bool = False
    """An org-wide install's token: it serves every workspace of its org."""


@dataclass
class _Override:
    payload: Payload
    status: int
    headers: dict[str, str]
    times: int | None


def _page(items: list[dict[str, Any]], params: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """Slice ``items`` by Slack's ``limit`` + ``cursor``; return the page and the next cursor."""
    limit = int(params.get("limit") or _DEFAULT_PAGE) or _DEFAULT_PAGE
    start = int(params.get("cursor") or 0)
    chunk = items[start : start + limit]
    nxt = str(start + limit) if start + limit < len(items) else ""
    return chunk, nxt


def _in_range(ts: str, params: dict[str, Any]) -> bool:
    """Apply Slack's ``oldest``/``latest`` bounds (exclusive unless ``inclusive``)."""
    value = float(ts)
    inclusive = str(params.get("inclusive", "")).lower() in {"1", "true"}
    if params.get("oldest") not in (None, ""):
        oldest = float(params["oldest"])
        if value < oldest or (value == oldest and not inclusive):
            return False
    if params.get("latest") not in (None, ""):
        latest = float(params["latest"])
        if value > latest or (value == latest and not inclusive):
            return False
    return True


class FakeSlack:
    """A threaded fake of the Slack Web API; use as a context manager or call ``close()``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.call_times: list[float] = []
        """``time.time()`` of each entry of ``calls``."""
        self.responses: list[tuple[str, dict[str, Any]]] = []
        self.response_times: list[float] = []
        """``time.time()`` of each entry of ``responses``."""
        self.posted: list[dict[str, Any]] = []
        """Every ``chat.postMessage``'s parameters with the ``ts`` it was given."""
        self.users: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.left: set[str] = set()
        """Conversations the bot was removed from: reading or posting there is refused."""
        self.members: dict[str, list[str]] = {}
        """Who is in each conversation (``conversations.members``, ``users.conversations``); one not
        listed is not found. The bot is in every conversation named here or holding messages,
        unless removed (``left``)."""
        self.kinds: dict[str, str] = {}
        """A conversation's type as ``users.conversations`` names it; by default from its id:
        ``D…`` im, ``G…`` private_channel, else public_channel."""
        self.home_views: dict[str, dict[str, Any]] = {}
        """The App Home view last published for each user (``views.publish``)."""
        self._overrides: dict[str, _Override] = {}
        self.call_tokens: list[str | None] = []
        """The bearer token of each entry of ``calls`` (``None``: sent without one)."""
        self.tokens: dict[str, _Token] = {}
        self.channel_teams: dict[str, str] = {}
        """The workspace of each channel (unlisted channels belong to every workspace)."""
        self._codes: dict[str, dict[str, Any]] = {}
        self._refresh: dict[str, str] = {}
        """Refresh token -> the workspace it refreshes (each works once)."""
        self._serial = itertools.count(1)
        self._lock = threading.Condition()
        self._last_ts = 0.0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self.api_url = f"{self.base_url}/api/"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    # -- public API -------------------------------------------------------------------

    def __enter__(self) -> FakeSlack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the server."""
        self._server.shutdown()
        self._server.server_close()

    def response_url(self, name: str = "r1") -> str:
        """A URL under ``base_url`` whose POSTs are recorded in ``responses``."""
        return f"{self.base_url}/response/{name}"

    def set_response(
        self,
        method: str,
        payload: Payload,
        status: int = 200,
        headers: dict[str, str] | None = None,
        times: int | None = None,
    ) -> None:
        """Override the answer to ``method``; with ``times``, only for that many calls."""
        with self._lock:
            self._overrides[method] = _Override(payload, status, dict(headers or {}), times)

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next ``times`` calls to ``method`` with 429 and ``Retry-After``."""
        self.set_response(
            method,
            {"ok": False, "error": "ratelimited"},
            status=429,
            headers={"Retry-After": str(retry_after)},
            times=times,
        )

    def clear_response(self, method: str) -> None:
        """Drop an override so ``method`` gets its default answer again."""
        with self._lock:
            self._overrides.pop(method, None)

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call to ``method`` so far, in order."""
        with self._lock:
            return [params for name, params in self.calls if name == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until ``count`` calls to ``method`` arrived; raise ``TimeoutError`` otherwise."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [params for name, params in self.calls if name == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"expected {count} call(s) to {method}, got {len(found)}: "
                        f"{[name for name, _ in self.calls]}"
                    )
                self._lock.wait(left)

    def wait_for_response(self, count: int = 1, timeout: float = 10.0) -> list[tuple[str, dict[str, Any]]]:
        """Block until ``count`` POSTs to response URLs arrived."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.responses) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"expected {count} response_url POST(s), got {len(self.responses)}"
                    )
                self._lock.wait(left)
            return list(self.responses)

    def edit_message(self, channel: str, ts: str, text: str) -> dict[str, Any]:
        """Edit a message of the channel's history; returns the ``message_changed`` event."""
        edit_ts = self._next_ts()
        with self._lock:
            message = next(m for m in self.messages.get(channel, []) if m.get("ts") == ts)
            previous = dict(message)
            message["text"] = text
            message["edited"] = {"user": message.get("user"), "ts": edit_ts}
            current = dict(message)
        return {
            "type": "message", "subtype": "message_changed", "hidden": True, "channel": channel,
            "ts": edit_ts, "event_ts": edit_ts, "message": current, "previous_message": previous,
        }

    def delete_message(self, channel: str, ts: str) -> dict[str, Any]:
        """Delete a message from the channel's history; returns the ``message_deleted`` event."""
        event_ts = self._next_ts()
        with self._lock:
            history = self.messages.get(channel, [])
            message = next(m for m in history if m.get("ts") == ts)
            history.remove(message)
        return {
            "type": "message", "subtype": "message_deleted", "hidden": True, "channel": channel,
            "ts": event_ts, "deleted_ts": ts, "event_ts": event_ts, "previous_message": dict(message),
        }

    def remove_bot(self, channel: str, actor: str = "U0ADMIN") -> dict[str, Any]:
        """Remove the bot from a channel; returns the ``channel_left`` event Slack sends the bot
        (``group_left`` for a ``G…`` private channel)."""
        with self._lock:
            self.left.add(channel)
        kind = "group_left" if channel.startswith("G") else "channel_left"
        return {"type": kind, "channel": channel, "actor_id": actor, "event_ts": self._next_ts()}

    def add_workspace(self, team_id: str, token: str, enterprise_id: str | None = None) -> None:
        """Register a bot token of workspace ``team_id``; from now on every call's token is checked."""
        with self._lock:
            self.tokens[token] = _Token(team_id, enterprise_id)

    def install(self, team_id: str, *, rotating: bool = False, expires_in: int = 43_200,
                enterprise_id: str | None = None, org_wide: bool = False) -> str:
        """A one-time OAuth code for installing the app in ``team_id`` (what Slack's authorize page
        hands the redirect); with ``rotating`` its token expires after ``expires_in`` seconds."""
        code = f"code-{team_id}-{next(self._serial)}"
        with self._lock:
            self._codes[code] = {
                "team_id": team_id, "rotating": rotating, "expires_in": expires_in,
                "enterprise_id": enterprise_id, "org_wide": org_wide,
            }
        return code

    def revoke(self, team_id: str) -> dict[str, Any]:
        """Revoke every token of ``team_id`` (uninstall); returns the ``app_uninstalled`` event."""
        with self._lock:
            for token in self.tokens.values():
                if token.team_id == team_id:
                    token.revoked = True
        return {"type": "app_uninstalled", "event_ts": self._next_ts()}

    def token_of(self, team_id: str) -> str:
        """The newest live token of ``team_id``."""
        with self._lock:
            live = [t for t, info in self.tokens.items() if info.team_id == team_id and not info.revoked]
        return live[-1]

    def calls_with_tokens(self, method: str) -> list[tuple[dict[str, Any], str | None]]:
        """Parameters and token of every call to ``method`` so far, in order."""
        with self._lock:
            return [(p, t) for (name, p), t in zip(self.calls, self.call_tokens, strict=True) if name == method]

    # -- request handling -------------------------------------------------------------

    def _record(self, method: str, params: dict[str, Any], token: str | None = None) -> _Override | None:
        with self._lock:
            self.call_tokens.append(token)
            self.calls.append((method, params))
            self.call_times.append(time.time())
            override = self._overrides.get(method)
            if override is not None and override.times is not None:
                override.times -= 1
                if override.times <= 0:
                    del self._overrides[method]
            self._lock.notify_all()
            return override

    def _record_response(self, path: str, body: dict[str, Any]) -> None:
        with self._lock:
            self.responses.append((path, body))
            self.response_times.append(time.time())
            self._lock.notify_all()

    def _api(
        self, method: str, params: dict[str, Any], auth: str = ""
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else params.get("token")
        override = self._record(method, params, token)
        if override is not None:
            payload = override.payload(params) if callable(override.payload) else override.payload
            return override.status, override.headers, payload
        if method == "oauth.v2.access":
            return 200, {}, self._oauth(params, auth)
        refused = self._refuse(method, params, token)
        if refused is not None:
            return 200, {}, {"ok": False, "error": refused}
        if method == "auth.test":
            return 200, {}, self._auth_test(token)
        channel = str(params.get("channel", ""))
        if channel in self.left and method in _MEMBERS_ONLY:
            return 200, {}, {"ok": False, "error": "not_in_channel"}
        if channel in self.left and channel.startswith("G") and method == "conversations.info":
            return 200, {}, {"ok": False, "error": "channel_not_found"}  # a private channel disappears
        handler = self._DEFAULTS.get(method)
        return 200, {}, handler(self, params) if handler else {"ok": True}

    def _refuse(self, method: str, params: dict[str, Any], token: str | None) -> str | None:
        """Slack's error for a call whose token is missing, unknown, revoked, expired or of another
        workspace than the channel's; ``None`` when it may go on."""
        with self._lock:
            if not self.tokens or method in _NO_TOKEN_METHODS:
                return None
            info = self.tokens.get(token or "")
        if not token:
            return "not_authed"
        if info is None:
            return "invalid_auth"
        if info.revoked:
            return "token_revoked"
        if info.expires_at is not None and info.expires_at < time.time():
            return "token_expired"
        team = self.channel_teams.get(str(params.get("channel", "")))
        return "channel_not_found" if team is not None and team != info.team_id and not info.org_wide else None

    def _auth_test(self, token: str | None) -> dict[str, Any]:
        with self._lock:
            info = self.tokens.get(token or "")
        team_id = info.team_id if info is not None else "T1"
        return {
            "ok": True, "url": "https://example.slack.com/", "user": "bot",
            "team": "Example" if team_id == "T1" else f"Team {team_id}",
            "team_id": team_id, "user_id": BOT_USER_ID, "bot_id": BOT_ID,
            "enterprise_id": info.enterprise_id if info is not None else None,
        }

    def _oauth(self, params: dict[str, Any], auth: str) -> dict[str, Any]:
        """``oauth.v2.access``: a code's installation, or a refreshed token (``grant_type=refresh_token``)."""
        client_id, client_secret = params.get("client_id"), params.get("client_secret")
        if auth.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
            return {"ok": False, "error": "invalid_client_id" if client_id != CLIENT_ID else "bad_client_secret"}
        if params.get("grant_type") == "refresh_token":
            with self._lock:
                team = self._refresh.pop(str(params.get("refresh_token")), None)
            if team is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            return {"ok": True, "token_type": "bot", **self._issue(team, rotating=True, expires_in=43_200)}
        with self._lock:
            grant = self._codes.pop(str(params.get("code")), None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        issued = self._issue(grant["team_id"], grant["rotating"], grant["expires_in"], grant["enterprise_id"])
        if grant["org_wide"]:
            with self._lock:
                self.tokens[issued["access_token"]].org_wide = True
        enterprise = {"id": grant["enterprise_id"], "name": "Org"} if grant["enterprise_id"] else None
        return {
            "ok": True, "app_id": "A1", "authed_user": {"id": "U0INSTALLER"}, "token_type": "bot",
            "scope": "app_mentions:read,chat:write,commands", "bot_user_id": BOT_USER_ID,
            "team": None if grant["org_wide"] else {"id": grant["team_id"], "name": f"Team {grant['team_id']}"},
            "enterprise": enterprise, "is_enterprise_install": grant["org_wide"], **issued,
        }

    def _issue(self, team_id: str, rotating: bool, expires_in: int, enterprise_id: str | None = None) -> dict[str, Any]:
        serial = next(self._serial)
        token = f"xoxe.xoxb-{team_id}-{serial}" if rotating else f"xoxb-{team_id}-{serial}"
        issued: dict[str, Any] = {"access_token": token}
        with self._lock:
            self.tokens[token] = _Token(team_id, enterprise_id, time.time() + expires_in if rotating else None)
            if rotating:
                refresh = f"xoxe-1-{team_id}-{serial}"
                self._refresh[refresh] = team_id
                issued |= {"refresh_token": refresh, "expires_in": expires_in}
        return issued

    def _next_ts(self) -> str:
        """A message ts from the clock, as Slack's are, unique within this fake."""
        with self._lock:
            self._last_ts = max(round(time.time(), 6), self._last_ts + 0.000001)
            return f"{self._last_ts:.6f}"

    def _post(self, params: dict[str, Any]) -> dict[str, Any]:
        """``chat.postMessage``: the bot's message is recorded and joins the channel's history."""
        ts = self._next_ts()
        channel = str(params.get("channel", ""))
        stored = {key: params[key] for key in ("text", "blocks", "thread_ts", "metadata") if params.get(key)}
        stored |= {"type": "message", "ts": ts, "user": BOT_USER_ID, "bot_id": BOT_ID}
        with self._lock:
            self.posted.append({**params, "ts": ts})
            self.messages.setdefault(channel, []).append(stored)
        return {"ok": True, "channel": channel, "ts": ts, "message": {"text": params.get("text", ""), "ts": ts}}

    def _edit(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """``chat.update`` / ``chat.delete`` of a message in the channel's history."""
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        with self._lock:
            history = self.messages.get(channel, [])
            found = [m for m in history if m.get("ts") == ts]
            for message in found:
                if method == "chat.delete":
                    history.remove(message)
                else:
                    message.update({key: params[key] for key in ("text", "blocks") if key in params})
        # Messages the tests never put in the history are edited blindly, as before.
        return {"ok": True, "channel": channel, "ts": ts, "text": params.get("text", "")}

    def _ephemeral(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = params.get("channel", ""), str(params.get("message_ts", ""))
        link = f"https://example.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _user(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user")))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _channel_messages(self, channel: str, metadata: object = False) -> list[dict[str, Any]]:
        """Copies of the channel's messages, parents annotated with thread_ts/reply_count.

        Message metadata is kept only when asked for (``include_all_metadata``), as in Slack.
        """
        keep = str(metadata).lower() in {"1", "true"}
        with self._lock:
            raw = [{k: v for k, v in m.items() if keep or k != "metadata"} for m in self.messages.get(channel, [])]
        replies: dict[str, int] = {}
        latest: dict[str, str] = {}
        for msg in raw:
            if msg.get("thread_ts") and msg["thread_ts"] != msg["ts"]:
                replies[msg["thread_ts"]] = replies.get(msg["thread_ts"], 0) + 1
                latest[msg["thread_ts"]] = max(latest.get(msg["thread_ts"], msg["ts"]), msg["ts"], key=float)
        for msg in raw:
            if msg["ts"] in replies:
                msg.setdefault("thread_ts", msg["ts"])
                msg.setdefault("reply_count", replies[msg["ts"]])
                msg.setdefault("latest_reply", latest[msg["ts"]])
        return raw

    def _kind(self, channel: str) -> str:
        defaults = {"D": "im", "G": "private_channel"}
        return self.kinds.get(channel, defaults.get(channel[:1], "public_channel"))

    def _user_conversations(self, params: dict[str, Any]) -> dict[str, Any]:
        """``users.conversations`` as a bot token sees it: the user's (or, without ``user``, the
        bot's) conversations of the asked ``types``; a private one only when the bot is in it too."""
        user = str(params.get("user") or BOT_USER_ID)
        types = set(str(params.get("types") or "public_channel").split(","))
        with self._lock:
            known = sorted(set(self.members) | set(self.messages))
            bot_in = {c for c in known if c not in self.left}
            ids = [
                c for c in known
                if self._kind(c) in types
                and (c in bot_in if user == BOT_USER_ID else user in self.members.get(c, []))
                and (self._kind(c) == "public_channel" or c in bot_in)
            ]
        channels = [{"id": c, "is_private": self._kind(c) != "public_channel"} for c in ids]
        chunk, nxt = _page(channels, params)
        return {"ok": True, "channels": chunk, "response_metadata": {"next_cursor": nxt}}

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        top = [
            m
            for m in self._channel_messages(str(params.get("channel")), params.get("include_all_metadata"))
            if m.get("thread_ts") in (None, m["ts"]) and _in_range(m["ts"], params)
        ]
        top.sort(key=lambda m: float(m["ts"]), reverse=True)
        chunk, nxt = _page(top, params)
        return {
            "ok": True,
            "messages": chunk,
            "has_more": bool(nxt),
            "response_metadata": {"next_cursor": nxt},
        }

    def _replies(self, params: dict[str, Any]) -> dict[str, Any]:
        ts = str(params.get("ts"))
        msgs = self._channel_messages(str(params.get("channel")), params.get("include_all_metadata"))
        parent = [m for m in msgs if m["ts"] == ts]
        if not parent:
            return {"ok": False, "error": "thread_not_found"}
        thread = [
            m
            for m in msgs
            if m.get("thread_ts") == ts and m["ts"] != ts and _in_range(m["ts"], params)
        ]
        thread.sort(key=lambda m: float(m["ts"]))
        chunk, nxt = _page(parent + thread, params)
        return {
            "ok": True,
            "messages": chunk,
            "has_more": bool(nxt),
            "response_metadata": {"next_cursor": nxt},
        }

    def _members(self, params: dict[str, Any]) -> dict[str, Any]:
        """``conversations.members``: paged like Slack; one not listed, or that the bot left, is not found."""
        channel = str(params.get("channel", ""))
        with self._lock:
            listed = self.members.get(channel)
            members = list(listed) if listed is not None and channel not in self.left else None
        if members is None:
            return {"ok": False, "error": "channel_not_found"}
        chunk, nxt = _page([{"id": m} for m in members], params)
        return {"ok": True, "members": [m["id"] for m in chunk], "response_metadata": {"next_cursor": nxt}}

    def _assistant_status(self, params: dict[str, Any]) -> dict[str, Any]:
        """``assistant.threads.setStatus``: Slack needs the DM, the thread and the status."""
        if not (params.get("channel_id") and params.get("thread_ts")) or "status" not in params:
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True}

    def _assistant_prompts(self, params: dict[str, Any]) -> dict[str, Any]:
        """``assistant.threads.setSuggestedPrompts``: one to four prompts, each a title and a message."""
        prompts = params.get("prompts")
        if isinstance(prompts, str):  # a form-encoded call sends the list as JSON
            prompts = json.loads(prompts)
        well_formed = isinstance(prompts, list) and 0 < len(prompts) <= 4 and all(
            isinstance(p, dict) and p.get("title") and p.get("message") for p in prompts
        )
        if not params.get("channel_id") or not well_formed:
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True}

    def _publish(self, params: dict[str, Any]) -> dict[str, Any]:
        """``views.publish``: a home view (JSON or a JSON string, as slack_sdk sends it) for a user."""
        user = str(params.get("user_id", ""))
        view = params.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        if not user or not isinstance(view, dict) or view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        if len(view.get("blocks") or []) > 100:
            return {"ok": False, "error": "invalid_blocks"}
        with self._lock:
            self.home_views[user] = view
        return {"ok": True, "view": {"id": f"V{user}", "type": "home", **view}}

    _DEFAULTS: ClassVar[dict[str, Callable[[FakeSlack, dict[str, Any]], dict[str, Any]]]] = {
        "chat.postMessage": _post,
        "chat.update": lambda self, p: self._edit("chat.update", p),
        "chat.delete": lambda self, p: self._edit("chat.delete", p),
        "chat.postEphemeral": _ephemeral,
        "chat.getPermalink": _permalink,
        "users.info": _user,
        "conversations.info": lambda self, p: {
            "ok": True,
            "channel": {
                "id": p.get("channel"), "name": "general", "is_archived": False,
                "is_member": str(p.get("channel")) not in self.left,
            },
        },
        "conversations.join": lambda _self, p: {"ok": True, "channel": {"id": p.get("channel")}},
        "conversations.history": _history,
        "users.conversations": _user_conversations,
        "conversations.replies": _replies,
        "conversations.members": _members,
        "assistant.threads.setStatus": _assistant_status,
        "assistant.threads.setSuggestedPrompts": _assistant_prompts,
        "views.publish": _publish,
    }

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                # keep test output quiet
                pass

            def _body(self) -> tuple[bytes, str]:
                length = int(self.headers.get("Content-Length") or 0)
                ctype = self.headers.get("Content-Type") or ""
                return (self.rfile.read(length) if length else b""), ctype

            def _params(self, query: str, body: bytes, ctype: str) -> dict[str, Any]:
                params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
                if body and "application/json" in ctype:
                    params.update(json.loads(body.decode("utf-8")))
                elif body and "application/x-www-form-urlencoded" in ctype:
                    params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
                return params

            def _send(self, status: int, headers: dict[str, str], payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _handle(self) -> None:
                url = urlsplit(self.path)
                body, ctype = self._body()
                if url.path.startswith("/api/"):
                    params = self._params(url.query, body, ctype)
                    self._send(*fake._api(url.path[len("/api/") :], params, self.headers.get("Authorization") or ""))
                elif url.path.startswith("/response/") and self.command == "POST":
                    payload = json.loads(body.decode("utf-8")) if body else {}
                    fake._record_response(url.path, payload)
                    self._send(200, {}, {"ok": True})
                else:
                    self._send(404, {}, {"ok": False, "error": "unknown_path"})

            do_GET = _handle
            do_POST = _handle

        return Handler
