"""``python -m bot serve`` and ``python -m bot worker``: the entry points of the bot.

``serve`` checks the settings, Slack's answer to the tokens and the database (:mod:`startup`: one line and
exit 2 when something is wrong, before the models load or any port opens), then:

- with ``JOB_QUEUE=local`` (the default) it is the whole bot in one process: the HTTP
  front (or Socket Mode), the job runner threads and the summariser processes;
- with ``JOB_QUEUE=procrastinate`` it is the web tier only (verify, store the job, ack):
  ``worker`` processes, as many as wanted, load the models and run the jobs.

SIGTERM or SIGINT starts a drain: ``/healthz`` says ``draining``, requests are still
stored and acked, running jobs get ``SHUTDOWN_GRACE_S`` to finish, and whatever is left
is put back in the queue for the next process; the process exits within the grace.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.fetch import FetchedPage
from bot.adapters.fetchpool import FetchPool
from bot.core.errors import ModelError
from bot.settings import Settings, SettingsError
from bot.slack.app import create_client
from bot.slack.http import Front, create_http_server, serve_in_thread, server_port, stop_server
from bot.slack.runtime import (
    KILL_MARGIN_S,
    Runtime,
    build_runner,
    build_runtime,
    build_services,
    open_installs,
    start_runtime,
    stop_runtime,
)
from bot.slack.startup import StartupError, check_slack, open_store
from bot.slack.storage.messages import Store

if TYPE_CHECKING:
    from collections.abc import Callable

    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from waitress.server import BaseWSGIServer

    from bot.adapters.pool import SummariserPool

logger = logging.getLogger(__name__)

EXIT_CONFIG = 2


def main(settings: Settings) -> int:
    """Serve Slack until SIGTERM/SIGINT; configuration problems print one line and return 2."""
    pools = _Pools()
    prepared = _prepare(settings, pools)
    if isinstance(prepared, str):
        return _fail(prepared)
    runtime = prepared
    socket_mode = bool(settings.slack_app_token)
    # In Socket Mode the HTTP server only answers /healthz and /readyz.
    front = Front(None if socket_mode else runtime.app, settings.slack_signing_secret or "", runtime.checks)
    try:
        server = create_http_server(
            front, settings.http_host, settings.port, threads=settings.http_threads,
            connection_limit=settings.http_connection_limit, channel_timeout_s=settings.http_channel_timeout_s,
            request_deadline_s=settings.http_request_deadline_s,
        )
    except OSError as exc:
        stop_runtime(runtime, 0.0, stop_pools=pools.summariser.close if pools.summariser else None)
        pools.close()
        return _fail(f"cannot listen on {settings.http_host} PORT {settings.port} ({exc.strerror})")
    stop = _stop_event()
    start_runtime(runtime)
    serve_in_thread(server)
    socket_handler = _connect(settings, runtime, server) if socket_mode else None
    if socket_handler is None:
        logger.info("listening on %s port %d", settings.http_host, server_port(server))
    stop.wait()

    front.drain()
    if socket_handler is not None:
        socket_handler.close()
    # Jobs still summarising or reading a link at the end of the grace fail fast, and are put back.
    stop_runtime(runtime, settings.shutdown_grace_s, stop_pools=pools.close if pools.summariser else None)
    stop_server(server)
    pools.close()
    logger.info("stopped")
    return 0


def worker_main(settings: Settings) -> int:
    """``python -m bot worker``: run jobs from the procrastinate queue until SIGTERM/SIGINT."""
    from bot.adapters.pool import SummariserPool
    from bot.slack.jobs.local import Heartbeat

    if settings.job_queue != "procrastinate":
        return _fail("the worker runs jobs of JOB_QUEUE=procrastinate; set it (with a PostgreSQL DATABASE_URL)")
    summariser = None
    store: Store | None = None
    try:
        settings.require_slack()
        store = open_store(settings)  # before Slack and the models: a bad database is found in a second
        check_slack(settings)
        from bot.slack.jobs.procrastinate import QUEUE, ensure_schema, worker_app

        summariser = SummariserPool(settings, settings.worker_processes, settings.job_timeout_s)
        summariser.start()
    except (SettingsError, StartupError, ModelError) as exc:
        if summariser is not None:
            summariser.close()
        if store is not None:
            store.close()
        return _fail(str(exc))
    except ImportError as exc:
        return _fail(f"the worker needs the postgres extra: pip install '.[postgres]' ({exc.name})")
    client = create_client(settings)
    fetcher = FetchPool(settings).start()
    installs = open_installs(settings, store)
    services = build_services(
        settings, store, client, summariser, fetcher.fetch, installs.tokens if installs is not None else None
    )
    runner = build_runner(settings, services)
    app = worker_app(settings.database_url, store.jobs, runner)
    heartbeat = Heartbeat(runner)
    heartbeat.start()
    try:
        with app.open():
            ensure_schema(store.engine, app)
        logger.info("worker %s ready (%d job(s) at a time)", runner.owner, settings.worker_pool_size)
        app.run_worker(
            queues=[QUEUE], concurrency=settings.worker_pool_size, name=runner.owner,
            shutdown_graceful_timeout=max(0.5, settings.shutdown_grace_s - KILL_MARGIN_S),
            install_signal_handlers=True,
        )
    finally:
        runner.stop()
        summariser.close()
        fetcher.close()
        heartbeat.stop()
        for job_id in runner.held():
            store.jobs.release(job_id, runner.owner, refund=True)
        store.close()
    logger.info("worker stopped")
    return 0


@dataclass
class _Pools:
    """The processes a bot with ``JOB_QUEUE=local`` starts: the summariser's and the link fetcher's."""

    summariser: SummariserPool | None = None
    fetcher: FetchPool | None = None

    def start(self, settings: Settings) -> None:
        """Load the models (before the port opens or the socket connects) and start the fetcher."""
        from bot.adapters.pool import SummariserPool

        self.summariser = SummariserPool(settings, settings.worker_processes, settings.job_timeout_s)
        self.summariser.start()
        self.fetcher = FetchPool(settings).start()

    @property
    def pages(self) -> Callable[[str], FetchedPage] | None:
        """Where jobs fetch links: the fetch pool, else their own thread."""
        return self.fetcher.fetch if self.fetcher is not None else None

    def close(self) -> None:
        for pool in (self.summariser, self.fetcher):
            if pool is not None:
                pool.close()


def _prepare(settings: Settings, pools: _Pools) -> Runtime | str:
    """The runtime, or the line saying why the bot cannot start (what was started is closed)."""
    store: Store | None = None
    try:
        settings.require_slack()
        store = open_store(settings)  # before Slack and the models: a bad database is found in a second
        check_slack(settings)
        if settings.job_queue == "local":
            pools.start(settings)
        return build_runtime(settings, summariser=pools.summariser, verify_token=True, store=store, pages=pools.pages)
    except (SettingsError, StartupError, ModelError) as exc:
        message = str(exc)
    except (SQLAlchemyError, ValueError) as exc:
        message = f"DATABASE_URL could not be opened ({exc.__class__.__name__}: {str(exc)[:200]})"
    except ImportError as exc:
        return f"JOB_QUEUE=procrastinate needs the postgres extra: pip install '.[postgres]' ({exc.name})"
    pools.close()
    if store is not None:
        store.close()
    return message


def _connect(settings: Settings, runtime: Runtime, server: BaseWSGIServer) -> SocketModeHandler:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(runtime.app, app_token=settings.slack_app_token, web_client=runtime.client)
    handler.connect()
    logger.info("connected to Slack in Socket Mode (health checks on port %d)", server_port(server))
    return handler


def _fail(message: str) -> int:
    print(f"slack-summariser: configuration error: {message}", file=sys.stderr)
    return EXIT_CONFIG


def _stop_event() -> threading.Event:
    stop = threading.Event()

    def handle(signum: int, _frame: Any) -> None:
        logger.info("received %s: draining", signal.Signals(signum).name)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)
    return stop
