"""Running stored jobs in this process: the embedded default (one process, SQLite or PostgreSQL).

:class:`LocalQueue` stores each submitted job, then a bounded set of runner threads takes
jobs from the table: the ones just submitted (woken at once), the ones due for a retry,
and the ones whose runner died (an expired lease), including those of a previous run of
this process. The model work itself runs in the summariser pool's worker processes, so these
threads only wait and talk to Slack.

For several processes or machines, the same jobs run on a task queue instead
(:mod:`bot.slack.jobs.procrastinate`).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from bot.slack.jobs.runner import JobRunner
from bot.slack.storage.jobs import Job, JobStore

logger = logging.getLogger(__name__)

POLL_S = 1.0
"""How often idle runner threads look for due retries and abandoned jobs."""


class Heartbeat:
    """Renews the leases of a runner's jobs every ``lease_s / 3`` seconds, in a daemon thread."""

    def __init__(self, runner: JobRunner) -> None:
        self.runner = runner
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="job-heartbeat", daemon=True)

    def start(self) -> None:
        """Start renewing."""
        self._thread.start()

    def stop(self) -> None:
        """Stop renewing (leases then expire unless the jobs finish)."""
        self._stop.set()

    def _loop(self) -> None:
        interval = max(0.5, self.runner.config.lease_s / 3)
        while not self._stop.wait(interval):
            try:
                self.runner.heartbeat()
            except Exception:
                logger.exception("could not renew job leases")


class LocalQueue:
    """A durable in-process job queue over the ``jobs`` table."""

    def __init__(self, jobs: JobStore, runner: JobRunner, threads: int, poll_s: float = POLL_S) -> None:
        self.jobs = jobs
        self.runner = runner
        self.poll_s = poll_s
        self._threads = [
            threading.Thread(target=self._loop, name=f"job-runner-{i}", daemon=True) for i in range(max(1, threads))
        ]
        self._heartbeat = Heartbeat(runner)
        self._wake = threading.Condition()
        self._closing = threading.Event()
        self._taken: set[str] = set()
        self._busy = 0
        self._started = False

    # -- submitting ---------------------------------------------------------------------

    def submit(self, key: str, kind: str, payload: dict[str, Any]) -> Job:
        """Store the job (or find it by ``key``) and wake a runner thread."""
        job, created = self.jobs.enqueue(key, kind, payload)
        if not created:
            logger.info("request %s is already job %s (%s)", key, job.id, job.status)
        if not job.finished:
            with self._wake:
                self._wake.notify()
        return job

    # -- running ------------------------------------------------------------------------

    def start(self) -> None:
        """Start the runner threads and the lease heartbeat."""
        if self._started:
            return
        self._started = True
        self._heartbeat.start()
        for thread in self._threads:
            thread.start()

    def _next(self) -> str | None:
        for job_id in self.jobs.claimable(limit=len(self._threads) * 4):
            with self._wake:
                if job_id not in self._taken:
                    self._taken.add(job_id)
                    self._busy += 1
                    return job_id
        return None

    def _loop(self) -> None:
        while not self._closing.is_set():
            try:
                job_id = self._next()
            except Exception:
                logger.exception("could not read the job queue")
                job_id = None
            if job_id is None:
                with self._wake:
                    if not self._closing.is_set():
                        self._wake.wait(self.poll_s)
                continue
            try:
                self.runner.run(job_id)
            finally:
                with self._wake:
                    self._taken.discard(job_id)
                    self._busy -= 1
                    self._wake.notify_all()

    @property
    def busy(self) -> int:
        """Jobs running in this process now."""
        with self._wake:
            return self._busy

    def drain(self, grace_s: float) -> int:
        """Take no new jobs; wait up to ``grace_s`` for running ones. Returns how many are left.

        Jobs still running after the grace are the caller's to interrupt (close the summariser pool),
        then :meth:`release_held` puts them back for the next process.
        """
        self._closing.set()
        deadline = time.monotonic() + grace_s
        with self._wake:
            self._wake.notify_all()
            while self._busy and time.monotonic() < deadline:
                self._wake.wait(min(0.1, max(0.0, deadline - time.monotonic())))
            return self._busy

    def release_held(self) -> int:
        """Put every job this process still holds back in the queue (without spending an attempt)."""
        self.runner.stop()
        self._heartbeat.stop()
        released = 0
        for job_id in self.runner.held():
            if self.jobs.release(job_id, self.runner.owner, refund=True):
                released += 1
        if released:
            logger.info("put %d unfinished job(s) back for the next start", released)
        return released
