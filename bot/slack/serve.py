"""``python -m bot serve``: the model loads first, then Socket Mode or HTTP.

HTTP mode serves ``POST /slack/events`` (events, commands, shortcuts; signatures verified
by Bolt) and ``GET /healthz`` from a small threaded WSGI server; Socket Mode is used when
``SLACK_APP_TOKEN`` is set.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from socketserver import ThreadingMixIn
from types import FrameType
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.core.errors import ModelError
from bot.settings import Settings, SettingsError
from bot.slack import jobs
from bot.slack.app import build_app, create_client
from bot.slack.deps import Deps, SummariserLike, make_fetcher
from bot.slack.history import UserDirectory
from bot.slack.schedule import DigestScheduler
from bot.slack.store import Store

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 8 * 1024 * 1024
EXIT_CONFIG = 2


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)


def _plain(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    start_response(status, headers)
    return [body]


def make_wsgi_app(app: App | None) -> Any:
    """WSGI callable: Bolt at ``/slack/events`` (when given), ``ok`` at ``/healthz``, 413 for huge bodies."""
    bolt = SlackRequestHandler(app, path=EVENTS_PATH) if app is not None else None

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in {"GET", "HEAD"}:
            return _plain(start_response, "200 OK", b"ok")
        if bolt is None:
            return _plain(start_response, "404 Not Found", b"not found")
        if int(environ.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            return _plain(start_response, "413 Payload Too Large", b"request body too large")
        return bolt(environ, start_response)

    return wsgi


def build_http_server(app: App | None, host: str, port: int) -> WSGIServer:
    """A threaded HTTP server for ``app`` (port 0 picks a free port: ``server.server_port``).

    With ``app=None`` it serves ``/healthz`` only (the container health check in Socket Mode).
    """
    return make_server(host, port, make_wsgi_app(app), server_class=_ThreadingWSGIServer,
                       handler_class=_QuietHandler)


def build_socket_handler(app: App, settings: Settings) -> SocketModeHandler:
    """The Socket Mode handler for ``app`` (nothing connects until ``start()``/``connect()``)."""
    return SocketModeHandler(app, app_token=settings.slack_app_token, web_client=app.client)


def build_deps(settings: Settings, summariser: SummariserLike, *, client: WebClient | None = None) -> Deps:
    """Store, client, pool, user directory and digest scheduler around a loaded summariser."""
    client = client or create_client(settings)
    store = Store(settings.database_url)
    deps = Deps(
        settings=settings,
        summariser=summariser,
        store=store,
        client=client,
        executor=ThreadPoolExecutor(max_workers=settings.worker_pool_size, thread_name_prefix="summarise"),
        users=UserDirectory(client),
        scheduler=None,
        fetch=make_fetcher(settings),
    )
    deps.scheduler = DigestScheduler(
        store, jobs.digest_runner(deps), grace_s=settings.digest_grace_s,
        retention_days=settings.message_retention_days,
    )
    return deps


def close_deps(deps: Deps) -> None:
    """Stop the scheduler, let queued jobs finish, close the store."""
    if deps.scheduler is not None:
        deps.scheduler.shutdown()
    deps.executor.shutdown(wait=True)
    deps.store.close()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _fail(message: str) -> int:
    print(f"slack-summariser: configuration error: {message}", file=sys.stderr)
    return EXIT_CONFIG


def main(settings: Settings) -> int:
    """Serve Slack until interrupted; configuration errors print one line and return 2."""
    from bot.adapters.models import load_summariser  # imports torch: only when serving

    try:
        settings.require_slack()
        # Models load before the port opens or the socket connects: no request waits on them.
        summariser = load_summariser(settings)
        deps = build_deps(settings, summariser)
    except (SettingsError, ModelError) as exc:
        return _fail(str(exc))
    except SQLAlchemyError as exc:
        return _fail(f"DATABASE_URL could not be opened ({exc.__class__.__name__})")
    app = build_app(deps)
    try:
        # In Socket Mode the server only answers /healthz (the container health check).
        server = build_http_server(None if settings.slack_app_token else app, "0.0.0.0", settings.port)
    except OSError as exc:
        close_deps(deps)
        return _fail(f"cannot listen on PORT {settings.port} ({exc.strerror})")
    socket_handler = build_socket_handler(app, settings) if settings.slack_app_token else None
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    assert deps.scheduler is not None
    deps.scheduler.start()  # also catches up a digest missed while the bot was down
    try:
        if socket_handler is not None:
            threading.Thread(target=server.serve_forever, name="healthz", daemon=True).start()
            logger.info("connecting to Slack in Socket Mode (health check on port %d)", server.server_port)
            socket_handler.start()
        else:
            logger.info("listening on port %d (%s, %s)", server.server_port, EVENTS_PATH, HEALTH_PATH)
            server.serve_forever()
    except KeyboardInterrupt:
        logger.info("shutting down")
    finally:
        if socket_handler is not None:
            socket_handler.close()
        server.server_close()
        close_deps(deps)
    return 0
