"""The HTTP front: waitress serving Slack's requests, a health check and a readiness check.

Waitress gives the bot a real listen backlog, keep-alive, idle timeouts and a body-size
limit enforced while reading (chunked bodies included); :func:`create_http_server` adds a
deadline for requests that arrive too slowly and a logged cap on open connections (a
buffering reverse proxy in front is still the production set-up). Before a request reaches Bolt,
:class:`Front` does the cheap checks that must never cost memory or end in a 500:

- the body is at most ``max_body`` bytes (413), whatever Content-Length claims;
- the timestamp and signature headers are well-formed, fresh and valid (401);
- the body is UTF-8 and parses as Slack's form or JSON payload, however deeply nested (400).

With installs to any workspace, ``GET /slack/install`` and ``GET /slack/oauth_redirect`` go to
Bolt's OAuth flow as they are (they are the browser's requests, not signed by Slack).

``GET /healthz`` answers ``ok`` (or ``503 draining`` after SIGTERM, so a load balancer stops
sending traffic); ``GET /readyz`` answers 200 only when the models are loaded and the
database accepts a write, with what it checked (and why not) as JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import parse_body

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
MAX_BODY_BYTES = 2 * 1024 * 1024
"""Slack's largest payloads (a forwarded message with blocks) are far below this."""
SIGNATURE_MAX_AGE_S = 300
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")

Checks = Callable[[], dict[str, bool | str]]
"""What ``/readyz`` checks: a flag per check (ready when all are true), and strings that say why not."""


def signature_ok(secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float) -> bool:
    """Slack's v0 request signature, with strictly parsed headers (malformed is simply invalid)."""
    if not secret or not timestamp or not signature:
        return False
    if not _TIMESTAMP.match(timestamp) or not _SIGNATURE.match(signature):
        return False
    if abs(now - int(timestamp)) > SIGNATURE_MAX_AGE_S:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _respond(start_response: StartResponse, status: str, body: bytes, content_type: str = "text/plain") -> list[bytes]:
    start_response(status, [("Content-Type", f"{content_type}; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


class Front:
    """The WSGI application of the bot (``app=None``: health and readiness only, for Socket Mode)."""

    def __init__(
        self,
        app: App | None,
        signing_secret: str,
        checks: Checks,
        *,
        max_body: int = MAX_BODY_BYTES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bolt = SlackRequestHandler(app, path=EVENTS_PATH) if app is not None else None
        self.secret = signing_secret
        self.checks = checks
        self.max_body = max_body
        self.clock = clock
        self._draining = threading.Event()

    def drain(self) -> None:
        """Report ``draining`` from now on (Slack's requests are still stored and acked)."""
        self._draining.set()

    @property
    def draining(self) -> bool:
        """Whether :meth:`drain` was called."""
        return self._draining.is_set()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == HEALTH_PATH and method in {"GET", "HEAD"}:
            if self.draining:
                return _respond(start_response, "503 Service Unavailable", b"draining")
            return _respond(start_response, "200 OK", b"ok")
        if path == READY_PATH and method in {"GET", "HEAD"}:
            checks = self.checks()
            ready = all(value for value in checks.values() if isinstance(value, bool)) and not self.draining
            body = json.dumps({"ready": ready, "draining": self.draining, **checks}).encode()
            status = "200 OK" if ready else "503 Service Unavailable"
            return _respond(start_response, status, body, "application/json")
        flow = self.bolt.app.oauth_flow if self.bolt is not None else None
        if flow is not None and method == "GET" and path in (flow.install_path, flow.redirect_uri_path):
            assert self.bolt is not None
            return self.bolt(environ, start_response)
        if path != EVENTS_PATH or self.bolt is None:
            return _respond(start_response, "404 Not Found", b"not found")
        if method != "POST":
            return _respond(start_response, "405 Method Not Allowed", b"POST only")
        return self._slack(environ, start_response)

    def _read_body(self, environ: WSGIEnvironment) -> bytes | None:
        """The body, or ``None`` when it is larger than ``max_body`` (read no further than that)."""
        stream = environ.get("wsgi.input")
        if stream is None:
            return b""
        body = stream.read(self.max_body + 1)
        return None if len(body) > self.max_body else body

    def _slack(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = self._read_body(environ)
        if body is None:
            return _respond(start_response, "413 Payload Too Large", b"request body too large")
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        if not signature_ok(self.secret, timestamp, signature, body, self.clock()):
            return _respond(start_response, "401 Unauthorized", b"invalid request signature")
        try:
            text = body.decode("utf-8")
            parsed = parse_body(text, environ.get("CONTENT_TYPE"))
        except (UnicodeDecodeError, ValueError, TypeError, KeyError):
            parsed = None
        except RecursionError:  # JSON nested thousands deep: refused, without a traceback
            logger.warning("refused a signed request whose JSON is nested too deeply to parse (%d bytes)", len(body))
            parsed = None
        if not isinstance(parsed, dict) or not parsed:
            return _respond(start_response, "400 Bad Request", b"malformed request body")
        # Bolt reads the body again, exactly as received (its own verification needs the bytes).
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        assert self.bolt is not None
        return self.bolt(environ, start_response)


DEFAULT_CONNECTION_LIMIT = 1000
DEFAULT_CHANNEL_TIMEOUT_S = 10
DEFAULT_REQUEST_DEADLINE_S = 10.0
CLEANUP_INTERVAL_S = 2


def _front_server_class() -> type:
    """waitress's TCP server with a deadline for incomplete requests and a logged connection cap
    (a class built on first use, so importing this module does not import waitress)."""
    from waitress.server import TcpWSGIServer

    class FrontServer(TcpWSGIServer):  # type: ignore[misc]  # waitress is untyped
        request_deadline_s = DEFAULT_REQUEST_DEADLINE_S

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._partial_since: dict[int, tuple[object, float]] = {}
            super().__init__(*args, **kwargs)

        def maintenance(self, now: float) -> None:
            """waitress closes idle connections; this also closes one whose request has been
            arriving for longer than the deadline (a client trickling its headers)."""
            super().maintenance(now)
            seen: dict[int, tuple[object, float]] = {}
            for fileno, channel in list(self.active_channels.items()):
                partial = channel.request
                if partial is None or channel.requests:
                    continue
                before = self._partial_since.get(fileno)
                since = before[1] if before is not None and before[0] is partial else now
                if now - since > self.request_deadline_s:
                    channel.will_close = True
                else:
                    seen[fileno] = (partial, since)
            self._partial_since = seen

        def readable(self) -> bool:
            was_full = self.in_connection_overflow
            readable = bool(super().readable())
            if self.in_connection_overflow and not was_full:
                logger.warning(
                    "HTTP_CONNECTION_LIMIT (%d open connections) reached: new connections wait until some close; "
                    "in production put a buffering reverse proxy in front (README, Production)",
                    self.adj.connection_limit,
                )
            return readable

    return FrontServer


def create_http_server(
    front: Front,
    host: str,
    port: int,
    threads: int = 16,
    *,
    connection_limit: int = DEFAULT_CONNECTION_LIMIT,
    channel_timeout_s: int = DEFAULT_CHANNEL_TIMEOUT_S,
    request_deadline_s: float = DEFAULT_REQUEST_DEADLINE_S,
) -> Any:
    """A waitress server for ``front`` on ``host:port`` (port 0 picks a free port: see :func:`server_port`).

    A connection idle for ``channel_timeout_s``, or whose request is still incomplete after
    ``request_deadline_s``, is closed; at ``connection_limit`` open connections new ones wait
    in the backlog (and a warning says so).
    """
    from waitress.adjustments import Adjustments

    adjustments = Adjustments(
        host=host,
        port=port,
        threads=threads,
        backlog=2048,
        connection_limit=connection_limit,
        channel_timeout=channel_timeout_s,
        cleanup_interval=CLEANUP_INTERVAL_S,
        max_request_body_size=MAX_BODY_BYTES,
        max_request_header_size=64 * 1024,
        expose_tracebacks=False,
        ident="",
        clear_untrusted_proxy_headers=True,
        asyncore_use_poll=True,  # select() cannot watch descriptors above 1024
    )
    server = _front_server_class()(front, adj=adjustments)
    server.request_deadline_s = request_deadline_s
    return server


def server_port(server: Any) -> int:
    """The port a waitress server listens on."""
    return int(server.effective_port)


def serve_in_thread(server: Any) -> threading.Thread:
    """Run ``server`` in a daemon thread (so the main thread can handle signals and draining)."""
    thread = threading.Thread(target=server.run, name="http", daemon=True)
    thread.start()
    return thread


def stop_server(server: Any, timeout_s: float = 5.0) -> None:
    """Close the listening socket and every connection, then stop the request threads.

    The sockets are closed by the server's own loop thread (through its trigger): closing
    them under its running ``select()`` makes the loop die with EBADF.
    """
    from waitress import wasyncore

    closed = threading.Event()

    def close_all() -> None:
        wasyncore.close_all(server._map)
        closed.set()

    try:
        server.trigger.pull_trigger(close_all)
        pulled = True
    except OSError:  # stopped already: its trigger is closed
        pulled = False
    if not (pulled and closed.wait(timeout_s)):  # the loop is not running: close them here
        wasyncore.close_all(server._map)
    server.task_dispatcher.shutdown(timeout=5)
