"""Scaling out: jobs run by workers of procrastinate, a task queue on PostgreSQL.

With ``JOB_QUEUE=procrastinate`` the web tier (``python -m bot serve``) only verifies,
stores the job (the same ``jobs`` row as in the embedded mode) and defers a procrastinate
task carrying its id; any number of worker processes (``python -m bot worker``), on any
machine, run those tasks with :class:`~bot.slack.jobs.runner.JobRunner`. Procrastinate brings
the distribution (``LISTEN/NOTIFY`` wake-ups, row locks, concurrency per worker, worker
heartbeats, graceful shutdown, periodic tasks); our ``jobs`` row keeps what makes replies
idempotent (the lease, the placeholder's ts, the attempts).

A periodic task (every few seconds, on one worker) defers the job rows no task is
running: jobs stored while the broker was unreachable, and jobs whose worker died (an
expired lease), and retries procrastinate's own stalled tasks.

procrastinate and psycopg are the ``postgres`` extra: imported only in this mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.slack.storage.jobs import Job, JobStore

if TYPE_CHECKING:
    import procrastinate

    from bot.slack.jobs.runner import JobRunner

logger = logging.getLogger(__name__)

QUEUE = "summariser"
RUN_TASK = "bot.run_job"
SWEEP_TASK = "bot.sweep_jobs"
SWEEP_CRON = "* * * * * */5"
"""Every 5 seconds (croniter's sixth field is the second)."""
SCHEMA_LOCK = 7_305_011
"""A PostgreSQL advisory lock id: one replica applies procrastinate's schema at a time."""


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_schema(store_engine: Any, app: procrastinate.App) -> None:
    """Apply procrastinate's schema once (under an advisory lock, so replicas do not race)."""
    with store_engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": SCHEMA_LOCK})
        exists = connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar()
        if exists is None:
            logger.info("applying procrastinate's schema")
            app.schema_manager.apply_schema()


class ProcrastinateQueue:
    """The web tier's queue: store the job row, then defer a task for it."""

    def __init__(self, jobs: JobStore, database_url: str, store_engine: Any) -> None:
        import procrastinate

        self.jobs = jobs
        self.app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(conninfo=conninfo(database_url)))
        self.app.open()
        ensure_schema(store_engine, self.app)

    def submit(self, key: str, kind: str, payload: dict[str, Any]) -> Job:
        """Store the job (or find it by ``key``); defer a task for it unless it is finished.

        A retried request whose job is unfinished defers again: the queueing lock makes
        that a no-op while a task is waiting, and it recovers a job whose first defer was lost.
        """
        job, _created = self.jobs.enqueue(key, kind, payload)
        if not job.finished:
            self.defer(job.id)
        return job

    def defer(self, job_id: str) -> None:
        """Hand the job to the workers (idempotent while a task for it is waiting)."""
        import procrastinate.exceptions

        with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):
            self.app.configure_task(RUN_TASK, queue=QUEUE, queueing_lock=job_id).defer(job_id=job_id)

    def close(self) -> None:
        """Close the connection pool."""
        self.app.close()


def worker_app(database_url: str, jobs: JobStore, runner: JobRunner) -> procrastinate.App:
    """The worker's procrastinate app: the job task (run by ``runner``) and the periodic sweep."""
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url)))

    @app.task(name=RUN_TASK, queue=QUEUE)
    def run_job(job_id: str) -> str:
        # A sync task: procrastinate runs it in a thread, so the worker's event loop
        # (heartbeats, notifications) keeps going while it waits on the summariser.
        return runner.run(job_id)

    @app.periodic(cron=SWEEP_CRON, periodic_id="sweep")
    @app.task(name=SWEEP_TASK, queue=QUEUE, queueing_lock=SWEEP_TASK, pass_context=True)
    async def sweep(context: procrastinate.JobContext, timestamp: int) -> int:  # noqa: ARG001  # procrastinate's call
        stalled = list(await app.job_manager.get_stalled_jobs())
        for task_job in stalled:
            await app.job_manager.retry_job(task_job)
        deferred = 0
        for job_id in await asyncio.to_thread(jobs.claimable):
            try:
                await run_job.configure(queueing_lock=job_id).defer_async(job_id=job_id)
                deferred += 1
            except procrastinate.exceptions.AlreadyEnqueued:
                pass  # a task for it is already waiting
        if deferred or stalled:
            logger.info("sweep: deferred %d job(s), retried %d stalled task(s)", deferred, len(stalled))
        return deferred

    return app
