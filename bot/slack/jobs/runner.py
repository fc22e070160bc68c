"""The job runner: claim a stored job, do it, reply, and only then mark it done.

Whatever process runs a job (the bot's own threads, or a worker of the task queue), it
goes through :meth:`JobRunner.run`:

1. claim the job under a lease (a job another runner holds is left alone);
2. rebuild its reply target; post the "Summarising…" placeholder once (its ts is stored,
   so a resumed job updates it instead of posting again);
3. run the use case; post the result or a clear error;
4. mark the job done or failed.

Errors the user should read (bad input, a refused link, a Slack permission) end the job
with that message. Transient ones (a worker process died, Slack or the network failed)
put it back in the queue with a delay, up to ``max_attempts`` claims; after that the user
gets an honest failure, so no placeholder is left saying "Summarising…". A job stopped by
shutdown is put back without spending an attempt.

The composition root hands the runner its use cases and the errors of the machinery that
runs them (the summariser pool's), so this module imports neither.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from slack_sdk.errors import SlackApiError, SlackClientError, SlackTokenRotationError

from bot.core.errors import SummariserError
from bot.slack.deps import Services
from bot.slack.formats import strings
from bot.slack.install.tokens import NotInstalled
from bot.slack.install.workspace import Workspace
from bot.slack.jobs.replies import Reply, ReplyError, make_reply, slack_error_message
from bot.slack.jobs.spec import UseCase
from bot.slack.storage.jobs import Job

logger = logging.getLogger(__name__)

RunResult = Literal["done", "failed", "retry", "released", "skipped"]
TRANSIENT_SLACK_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout", "unknown_error"}
)


@dataclass(frozen=True)
class RunnerConfig:
    """How long a claim holds, how often a job may be claimed, how long to wait between tries."""

    lease_s: float = 20.0
    max_attempts: int = 3
    retry_delay_s: float = 5.0


def default_owner() -> str:
    """A name for this runner that is unique across hosts, processes and restarts."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class JobRunner:
    """Runs stored jobs; safe to call from many threads at once."""

    def __init__(
        self,
        services: Services,
        config: RunnerConfig | None = None,
        *,
        use_cases: Mapping[str, UseCase],
        machinery_errors: tuple[type[Exception], ...] = (),
        owner: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.services = services
        self.use_cases = use_cases
        self.machinery_errors = machinery_errors
        self.config = config or RunnerConfig()
        self.owner = owner or default_owner()
        self.clock = clock
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    # -- leases -----------------------------------------------------------------------

    def held(self) -> list[str]:
        """Ids of the jobs this runner is running now."""
        with self._lock:
            return sorted(self._held)

    def heartbeat(self) -> None:
        """Renew the leases of the running jobs (call every ``lease_s / 3`` seconds)."""
        held = self.held()
        if held:
            self.services.store.jobs.renew(self.owner, held, self.config.lease_s, now=self.clock())

    def stop(self) -> None:
        """From now on, jobs interrupted by shutdown are put back without a reply."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stopping.is_set()

    # -- running ----------------------------------------------------------------------

    def run(self, job_id: str) -> RunResult:
        """Run one job if it can be claimed; never raises."""
        if self.stopping:
            return "skipped"
        jobs = self.services.store.jobs
        job = jobs.claim(job_id, self.owner, self.config.lease_s, now=self.clock())
        if job is None:
            return "skipped"
        with self._lock:
            self._held.add(job.id)
        try:
            return self._run_claimed(job)
        except Exception:  # a bug in the bookkeeping itself: never kill the calling thread
            logger.exception("job %s (%s): could not be recorded", job.id, job.kind)
            return "failed"
        finally:
            with self._lock:
                self._held.discard(job.id)

    def _reply(self, job: Job, services: Services) -> Reply:
        return make_reply(
            services.client,
            job.payload["reply"],
            job_id=job.id,
            created_at=job.created_at,
            resumed=job.resumed,
            placeholder_ts=job.placeholder_ts,
            remember=lambda ts: self.services.store.jobs.set_placeholder(job.id, ts),
        )

    def _run_claimed(self, job: Job) -> RunResult:
        jobs = self.services.store.jobs
        try:  # the Web API client of the job's own workspace
            services = self.services.in_workspace(Workspace.from_json(job.payload.get("workspace")))
        except (NotInstalled, SlackClientError, OSError) as exc:
            return self._without_client(job, exc)
        reply = self._reply(job, services)
        if job.attempts > self.config.max_attempts:
            logger.error("job %s (%s): giving up after %d attempts", job.id, job.kind, job.attempts - 1)
            return self._fail(job, reply, strings.GAVE_UP, job.error or "too many attempts")
        use_case = self.use_cases.get(job.kind)
        if use_case is None:
            return self._fail(job, reply, strings.UNEXPECTED, f"unknown job kind {job.kind!r}")
        try:
            if use_case.progress is not None:
                reply.progress(use_case.progress)
            outcome = use_case.run(services, {**job.payload["args"], "job_id": job.id})
            if outcome is not None:
                if outcome.publish is not None:
                    reply.publish(outcome.publish.blocks, outcome.publish.text)
                reply.finish(outcome.blocks, outcome.text)
        except Exception as exc:
            return self._handle(job, reply, exc)
        if not jobs.finish(job.id, self.owner, "done"):
            logger.warning("job %s (%s): finished after its lease was lost", job.id, job.kind)
        logger.info("job %s (%s) done (attempt %d)", job.id, job.kind, job.attempts)
        return "done"

    def _without_client(self, job: Job, exc: Exception) -> RunResult:
        """No token to answer with: the workspace is gone (or its refresh refused), so the job is
        dropped; Slack or the network failing while refreshing puts it back for a retry."""
        jobs = self.services.store.jobs
        if isinstance(exc, NotInstalled | SlackTokenRotationError) or job.attempts >= self.config.max_attempts:
            logger.warning("job %s (%s): dropped, its workspace has no usable token (%s)", job.id, job.kind, exc)
            jobs.finish(job.id, self.owner, "failed", error=f"no token: {exc}")
            return "failed"
        logger.warning("job %s (%s): could not get its workspace's token (%r); retrying", job.id, job.kind, exc)
        jobs.release(job.id, self.owner, delay_s=self.config.retry_delay_s * job.attempts, error=str(exc))
        return "retry"

    def _handle(self, job: Job, reply: Reply, exc: Exception) -> RunResult:
        if self.stopping and isinstance(exc, self.machinery_errors):
            self.services.store.jobs.release(job.id, self.owner, refund=True)
            logger.info("job %s (%s) put back: shutting down", job.id, job.kind)
            return "released"
        if isinstance(exc, self.machinery_errors):
            return self._retry_or_fail(job, reply, str(exc))
        if isinstance(exc, SummariserError):
            logger.info("job %s (%s): %s", job.id, job.kind, exc)
            return self._fail(job, reply, str(exc), str(exc))
        if isinstance(exc, SlackApiError):
            error = str(exc.response.get("error", "unknown_error"))
            logger.warning("job %s (%s): Slack API error %s", job.id, job.kind, error)
            if error in TRANSIENT_SLACK_ERRORS:
                return self._retry_or_fail(job, reply, strings.SLACK_ERROR.format(error=error))
            return self._fail(job, reply, slack_error_message(exc), error)
        if isinstance(exc, (SlackClientError, ReplyError, OSError)):
            logger.warning("job %s (%s): %r", job.id, job.kind, exc)
            return self._retry_or_fail(job, reply, strings.SLACK_UNREACHABLE)
        logger.exception("job %s (%s) failed unexpectedly", job.id, job.kind, exc_info=exc)
        return self._retry_or_fail(job, reply, strings.UNEXPECTED)

    def _retry_or_fail(self, job: Job, reply: Reply, message: str) -> RunResult:
        if job.attempts < self.config.max_attempts:
            delay = self.config.retry_delay_s * job.attempts
            self.services.store.jobs.release(job.id, self.owner, delay_s=delay, error=message)
            logger.info("job %s (%s) will be retried in %.0f s", job.id, job.kind, delay)
            return "retry"
        return self._fail(job, reply, message, message)

    def _fail(self, job: Job, reply: Reply, message: str, error: str) -> RunResult:
        try:
            reply.fail(message)
        except Exception:
            logger.exception("job %s (%s): could not tell the user about the failure", job.id, job.kind)
        self.services.store.jobs.finish(job.id, self.owner, "failed", error=error)
        return "failed"
