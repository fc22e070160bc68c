"""The runtime of a serving process, built in one pass: store, job queue, runner, scheduler, Bolt app.

The composition root of the Slack wing: the runner gets its use cases and the pools' errors
here, so the web tier (``JOB_QUEUE=procrastinate``) never imports the use cases or the pools.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_sdk import WebClient

from bot.adapters.fetch import FetchedPage
from bot.settings import Settings
from bot.slack.app import build_app, create_client
from bot.slack.deps import Deps, JobQueue, Services, SummariserLike, make_fetcher
from bot.slack.digests.schedule import DigestScheduler
from bot.slack.jobs.local import LocalQueue
from bot.slack.jobs.runner import JobRunner, RunnerConfig
from bot.slack.jobs.spec import channel_target, job_payload
from bot.slack.reading import UserDirectory
from bot.slack.storage.messages import Store

if TYPE_CHECKING:
    from bot.slack.install.oauth import Installs
    from bot.slack.install.tokens import TokenSource

logger = logging.getLogger(__name__)

KILL_MARGIN_S = 1.5
"""Part of the shutdown grace kept for stopping the summariser and putting jobs back."""


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


def digest_enqueuer(queue: JobQueue, store: Store) -> Callable[[str, float, float, str], bool]:
    """The scheduler's callback: a scheduled digest becomes a job keyed by its run key, in the
    channel's workspace (whose token posts it)."""

    def enqueue(channel: str, period_start: float, period_end: float, run_key: str) -> bool:
        args = {"channel": channel, "period_start": period_start, "period_end": period_end, "run_key": run_key}
        payload = job_payload(args, channel_target(channel), store.workspaces.of(channel))
        job = queue.submit(f"digest:{run_key}", "digest_run", payload)
        return job.attempts == 0 and job.status == "queued"

    return enqueue


def open_installs(settings: Settings, store: Store) -> Installs | None:
    """The installations and each workspace's tokens when the bot installs to any workspace, else ``None``."""
    if not settings.oauth:
        return None
    from bot.slack.install.oauth import open_installs as open_on

    return open_on(settings, store.engine, lambda token: create_client(settings, token))


def build_services(
    settings: Settings, store: Store, client: WebClient, summariser: SummariserLike,
    pages: Callable[[str], FetchedPage] | None = None, tokens: TokenSource | None = None,
) -> Services:
    """What jobs need, around a loaded summariser (``pages``: a fetch pool's, else in-thread fetching;
    ``tokens``: each workspace's client, else ``client`` serves all)."""
    return Services(
        settings=settings, client=client, store=store, summariser=summariser,
        users=UserDirectory(client), fetch=make_fetcher(settings, pages), tokens=tokens,
    )


def runner_config(settings: Settings) -> RunnerConfig:
    """Lease, attempts and retry delay of the job runner."""
    return RunnerConfig(max_attempts=settings.job_max_attempts)


def build_runner(settings: Settings, services: Services) -> JobRunner:
    """A job runner with every use case; only processes that run jobs import them and the pool."""
    from bot.adapters.processes import PoolError
    from bot.slack.agent.usecases import AGENT, PLANNED
    from bot.slack.catchup.usecases import CATCHUP_USE_CASES
    from bot.slack.digests.usecases import DIGESTS
    from bot.slack.items.usecases import ITEM_USE_CASES
    from bot.slack.usecases import SUMMARIES

    # Later entries win: a feature's own use case replaces its placeholder in PLANNED.
    use_cases = {**PLANNED, **SUMMARIES, **DIGESTS, **AGENT, **CATCHUP_USE_CASES, **ITEM_USE_CASES}
    return JobRunner(services, runner_config(settings), use_cases=use_cases, machinery_errors=(PoolError,))


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
    installs = open_installs(settings, store)
    tokens = installs.tokens if installs is not None else None
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
        runner = build_runner(settings, build_services(settings, store, client, summariser, pages, tokens))
        local = LocalQueue(store.jobs, runner, threads=settings.worker_pool_size)
        queue = local
    scheduler = DigestScheduler(
        store, digest_enqueuer(queue, store), grace_s=settings.digest_grace_s,
        retention_days=settings.message_retention_days,
    )
    deps = Deps(settings=settings, store=store, queue=queue, installations=installs.store if installs else None)
    app = build_app(deps, client, verify_token=verify_token and installs is None, installs=installs)
    return Runtime(settings, store, client, deps, app, scheduler, local, summariser, closers)


def start_runtime(runtime: Runtime) -> None:
    """Start running jobs (resuming unfinished ones) and scheduling digests."""
    if runtime.local is not None:
        runtime.local.start()
    runtime.scheduler.start()  # also queues a digest missed while the bot was down


def stop_runtime(runtime: Runtime, grace_s: float, *, stop_pools: Callable[[], None] | None = None) -> None:
    """Drain within ``grace_s``: finish what can finish, put the rest back, close everything."""
    runtime.scheduler.shutdown()
    if runtime.local is not None:
        left = runtime.local.drain(max(0.0, grace_s - KILL_MARGIN_S))
        runtime.local.runner.stop()
        if left and stop_pools is not None:
            logger.info("%d job(s) still running at the end of the grace: stopping them", left)
            stop_pools()  # their summaries fail fast; the runner puts them back
            runtime.local.drain(min(1.0, KILL_MARGIN_S / 2))
        runtime.local.release_held()
    for close in runtime.closers:
        close()
    runtime.store.close()
