"""``python -m bot serve`` and ``python -m bot worker``: the composition roots of the bot.

``serve`` checks the settings, Slack's answer to the tokens and the database (one line and
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
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.fetch import FetchedPage
from bot.adapters.fetchpool import FetchPool
from bot.core.errors import ModelError
from bot.settings import Settings, SettingsError
from bot.slack.app import build_app, create_client
from bot.slack.deps import Deps, JobQueue, Services, SummariserLike, make_fetcher
from bot.slack.digests.schedule import DigestScheduler
from bot.slack.http import Front, create_http_server, serve_in_thread, server_port, stop_server
from bot.slack.jobs.local import LocalQueue
from bot.slack.jobs.runner import JobRunner, RunnerConfig
from bot.slack.jobs.spec import channel_target, job_payload
from bot.slack.reading import UserDirectory
from bot.slack.storage.database import is_in_memory
from bot.slack.storage.messages import Store

logger = logging.getLogger(__name__)

EXIT_CONFIG = 2
STARTUP_DEADLINE_S = 12.0
"""How long start-up keeps trying to reach Slack before it gives up (with one line)."""
KILL_MARGIN_S = 1.5
"""Part of the shutdown grace kept for stopping the summariser and putting jobs back."""
REFUSED_TOKEN_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type"}
)


class StartupError(Exception):
    """Start-up cannot go on; the message is one line naming the setting to fix."""


# -- checks before anything opens ------------------------------------------------------


def _call_with_deadline(call: Callable[[], Any], what: str, url: str, deadline_s: float) -> Any:
    """Call Slack, retrying connection failures with back-off until ``deadline_s``."""
    deadline = time.monotonic() + deadline_s
    delay = 0.5
    while True:
        try:
            return call()
        except SlackApiError:
            raise
        except Exception as exc:  # connection refused, DNS, TLS, timeout: Slack is unreachable
            if time.monotonic() + delay > deadline:
                raise StartupError(
                    f"cannot reach Slack at {url} to check {what} ({exc.__class__.__name__}); "
                    "check the network, or SLACK_API_URL"
                ) from None
            logger.debug("Slack is not reachable yet (%s); retrying in %.1f s", exc.__class__.__name__, delay)
            time.sleep(delay)
            delay = min(delay * 2, 4.0)


def check_slack(settings: Settings, deadline_s: float = STARTUP_DEADLINE_S) -> dict[str, Any]:
    """``auth.test`` for the bot token (and the app token in Socket Mode); raises
    :class:`StartupError` when Slack refuses a token or cannot be reached in time.

    slack_sdk logs every failed attempt at ERROR; while this check retries, the one line
    it ends with is all an operator needs, so those are kept quiet.
    """
    sdk_logger = logging.getLogger("slack_sdk.web.base_client")
    level = sdk_logger.level
    sdk_logger.setLevel(logging.CRITICAL)
    try:
        return _check_tokens(settings, deadline_s)
    finally:
        sdk_logger.setLevel(level)


def _check_tokens(settings: Settings, deadline_s: float) -> dict[str, Any]:
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=5)
    try:
        auth = _call_with_deadline(client.auth_test, "SLACK_BOT_TOKEN", settings.slack_api_url, deadline_s)
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        raise StartupError(f"SLACK_BOT_TOKEN was refused by Slack ({error})") from None
    if settings.slack_app_token:
        app_client = WebClient(token=settings.slack_app_token, base_url=settings.slack_api_url, timeout=5)
        try:
            _call_with_deadline(
                lambda: app_client.apps_connections_open(app_token=settings.slack_app_token or ""),
                "SLACK_APP_TOKEN", settings.slack_api_url, deadline_s
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            raise StartupError(f"SLACK_APP_TOKEN was refused by Slack ({error})") from None
    return dict(auth.data) if hasattr(auth, "data") else {}


def open_store(settings: Settings) -> Store:
    """The bot's database, opened and checked for writes; raises :class:`StartupError`.

    An in-memory SQLite database is refused: every job acked to Slack would be lost with
    the process (the CLI, which keeps nothing, may use one).
    """
    if is_in_memory(settings.database_url):
        raise StartupError(
            "DATABASE_URL is an in-memory SQLite database, which loses every queued job on restart; "
            "use a file (sqlite:///data/bot.db) or PostgreSQL"
        )
    store: Store | None = None
    try:
        store = Store(settings.database_url)
        store.check_writable()
    except (OSError, SQLAlchemyError, ValueError) as exc:
        if store is not None:
            store.close()
        reason = getattr(exc, "orig", None) or exc  # the driver's error, without SQLAlchemy's SQL echo
        first_line = next(iter(str(reason).splitlines()), "")[:200]
        raise StartupError(
            f"DATABASE_URL could not be opened for writing ({reason.__class__.__name__}: {first_line})"
        ) from None
    return store


# -- building the runtime --------------------------------------------------------------


@dataclass
class Runtime:
    """Everything a serving process runs, built in one pass and stopped in reverse."""

    settings: Settings
    store: Store
    client: WebClient
    deps: Deps
    app: App
    scheduler: DigestScheduler
    local: LocalQueue | None = None
    """The in-process job queue (``JOB_QUEUE=local``), else ``None``."""
    summariser: SummariserLike | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)

    def checks(self) -> dict[str, bool | str]:
        """What ``/readyz`` reports: the models are loaded and the database accepts a write."""
        models = self.local is None or bool(getattr(self.summariser, "ready", True))
        problem = self.store.write_problem()
        if problem is None:
            return {"models": models, "database": True}
        return {"models": models, "database": False, "reason": f"database: {problem}"}


def digest_enqueuer(queue: JobQueue) -> Callable[[str, float, float, str], bool]:
    """The scheduler's callback: a scheduled digest becomes a job keyed by its run key."""

    def enqueue(channel: str, period_start: float, period_end: float, run_key: str) -> bool:
        args = {"channel": channel, "period_start": period_start, "period_end": period_end, "run_key": run_key}
        job = queue.submit(f"digest:{run_key}", "digest_run", job_payload(args, channel_target(channel)))
        return job.attempts == 0 and job.status == "queued"

    return enqueue


def build_services(
    settings: Settings, store: Store, client: WebClient, summariser: SummariserLike,
    pages: Callable[[str], FetchedPage] | None = None,
) -> Services:
    """What jobs need, around a loaded summariser (``pages``: a fetch pool's, else in-thread fetching)."""
    return Services(
        settings=settings, client=client, store=store, summariser=summariser,
        users=UserDirectory(client), fetch=make_fetcher(settings, pages),
    )


def runner_config(settings: Settings) -> RunnerConfig:
    """Lease, attempts and retry delay of the job runner."""
    return RunnerConfig(max_attempts=settings.job_max_attempts)


def build_runner(settings: Settings, services: Services) -> JobRunner:
    """A job runner with every use case; only processes that run jobs import them and the pool."""
    from bot.adapters.processes import PoolError
    from bot.slack.digests.usecases import DIGESTS
    from bot.slack.usecases import SUMMARIES

    return JobRunner(
        services, runner_config(settings), use_cases={**SUMMARIES, **DIGESTS}, machinery_errors=(PoolError,)
    )


def build_runtime(
    settings: Settings,
    *,
    client: WebClient | None = None,
    summariser: SummariserLike | None = None,
    verify_token: bool = False,
    store: Store | None = None,
    pages: Callable[[str], FetchedPage] | None = None,
) -> Runtime:
    """Store, queue, scheduler, listeners and Bolt app for a serving process.

    With a ``summariser`` (and ``JOB_QUEUE=local``) jobs run in this process; without one
    the process is the web tier of a procrastinate set-up. ``store``: one already opened
    (by :func:`open_store`), else one is opened here. ``pages``: where links are fetched
    (a :class:`~bot.adapters.fetchpool.FetchPool`), else on the job's thread.
    """
    client = client or create_client(settings)
    store = store or Store(settings.database_url)
    local: LocalQueue | None = None
    queue: JobQueue
    closers: list[Callable[[], None]] = []
    if settings.job_queue == "procrastinate":
        from bot.slack.jobs.procrastinate import ProcrastinateQueue

        web_queue = ProcrastinateQueue(store.jobs, settings.database_url, store.engine)
        closers.append(web_queue.close)
        queue = web_queue
    else:
        if summariser is None:
            raise ValueError("JOB_QUEUE=local runs jobs in this process: a summariser is needed")
        runner = build_runner(settings, build_services(settings, store, client, summariser, pages))
        local = LocalQueue(store.jobs, runner, threads=settings.worker_pool_size)
        queue = local
    scheduler = DigestScheduler(
        store, digest_enqueuer(queue), grace_s=settings.digest_grace_s,
        retention_days=settings.message_retention_days,
    )
    deps = Deps(settings=settings, store=store, queue=queue)
    app = build_app(deps, client, verify_token=verify_token)
    return Runtime(settings, store, client, deps, app, scheduler, local, summariser, closers)


def start_runtime(runtime: Runtime) -> None:
    """Start running jobs (resuming unfinished ones) and scheduling digests."""
    if runtime.local is not None:
        runtime.local.start()
    runtime.scheduler.start()  # also queues a digest missed while the bot was down


def stop_runtime(runtime: Runtime, grace_s: float, *, stop_engine: Callable[[], None] | None = None) -> None:
    """Drain within ``grace_s``: finish what can finish, put the rest back, close everything."""
    runtime.scheduler.shutdown()
    if runtime.local is not None:
        left = runtime.local.drain(max(0.0, grace_s - KILL_MARGIN_S))
        runtime.local.runner.stop()
        if left and stop_engine is not None:
            logger.info("%d job(s) still running at the end of the grace: stopping them", left)
            stop_engine()  # their summaries fail fast; the runner puts them back
            runtime.local.drain(min(1.0, KILL_MARGIN_S / 2))
        runtime.local.release_held()
    for close in runtime.closers:
        close()
    runtime.store.close()


# -- entry points ------------------------------------------------------------------------


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


def main(settings: Settings) -> int:
    """Serve Slack until SIGTERM/SIGINT; configuration problems print one line and return 2."""
    from bot.adapters.pool import SummariserPool

    engine: SummariserPool | None = None
    fetcher: FetchPool | None = None
    store: Store | None = None

    def close_started() -> None:
        for started in (engine, fetcher, store):
            if started is not None:
                started.close()

    try:
        settings.require_slack()
        store = open_store(settings)  # before Slack and the models: a bad database is found in a second
        check_slack(settings)
        if settings.job_queue == "local":
            # The models load before the port opens or the socket connects.
            engine = SummariserPool(settings, settings.worker_processes, settings.job_timeout_s)
            engine.start()
            fetcher = FetchPool(settings).start()
        runtime = build_runtime(
            settings, summariser=engine, verify_token=True, store=store,
            pages=fetcher.fetch if fetcher is not None else None,
        )
    except (SettingsError, StartupError, ModelError) as exc:
        close_started()
        return _fail(str(exc))
    except (SQLAlchemyError, ValueError) as exc:
        close_started()
        return _fail(f"DATABASE_URL could not be opened ({exc.__class__.__name__}: {str(exc)[:200]})")
    except ImportError as exc:
        return _fail(f"JOB_QUEUE=procrastinate needs the postgres extra: pip install '.[postgres]' ({exc.name})")

    def stop_pools() -> None:  # jobs still summarising or reading a link fail fast, and are put back
        for pool in (engine, fetcher):
            if pool is not None:
                pool.close()

    socket_mode = bool(settings.slack_app_token)
    front = Front(None if socket_mode else runtime.app, settings.slack_signing_secret or "", runtime.checks)
    try:
        # In Socket Mode the HTTP server only answers /healthz and /readyz.
        server = create_http_server(
            front, settings.http_host, settings.port, threads=settings.http_threads,
            connection_limit=settings.http_connection_limit, channel_timeout_s=settings.http_channel_timeout_s,
            request_deadline_s=settings.http_request_deadline_s,
        )
    except OSError as exc:
        stop_runtime(runtime, 0.0, stop_engine=engine.close if engine else None)
        if engine is not None:
            engine.close()
        if fetcher is not None:
            fetcher.close()
        return _fail(f"cannot listen on {settings.http_host} PORT {settings.port} ({exc.strerror})")
    stop = _stop_event()
    start_runtime(runtime)
    serve_in_thread(server)
    socket_handler = None
    if socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        socket_handler = SocketModeHandler(runtime.app, app_token=settings.slack_app_token, web_client=runtime.client)
        socket_handler.connect()
        logger.info("connected to Slack in Socket Mode (health checks on port %d)", server_port(server))
    else:
        logger.info("listening on %s port %d", settings.http_host, server_port(server))
    stop.wait()

    front.drain()
    if socket_handler is not None:
        socket_handler.close()
    stop_runtime(runtime, settings.shutdown_grace_s, stop_engine=stop_pools if engine else None)
    stop_server(server)
    if engine is not None:
        engine.close()
    if fetcher is not None:
        fetcher.close()
    logger.info("stopped")
    return 0


def worker_main(settings: Settings) -> int:
    """``python -m bot worker``: run jobs from the procrastinate queue until SIGTERM/SIGINT."""
    from bot.adapters.pool import SummariserPool
    from bot.slack.jobs.local import Heartbeat

    if settings.job_queue != "procrastinate":
        return _fail("the worker runs jobs of JOB_QUEUE=procrastinate; set it (with a PostgreSQL DATABASE_URL)")
    engine = None
    store: Store | None = None
    try:
        settings.require_slack()
        store = open_store(settings)  # before Slack and the models: a bad database is found in a second
        check_slack(settings)
        from bot.slack.jobs.procrastinate import QUEUE, ensure_schema, worker_app

        engine = SummariserPool(settings, settings.worker_processes, settings.job_timeout_s)
        engine.start()
    except (SettingsError, StartupError, ModelError) as exc:
        if engine is not None:
            engine.close()
        if store is not None:
            store.close()
        return _fail(str(exc))
    except ImportError as exc:
        return _fail(f"the worker needs the postgres extra: pip install '.[postgres]' ({exc.name})")
    client = create_client(settings)
    fetcher = FetchPool(settings).start()
    runner = build_runner(settings, build_services(settings, store, client, engine, fetcher.fetch))
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
        engine.close()
        fetcher.close()
        heartbeat.stop()
        for job_id in runner.held():
            store.jobs.release(job_id, runner.owner, refund=True)
        store.close()
    logger.info("worker stopped")
    return 0
