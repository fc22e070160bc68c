"""The durable job model: claims and leases in the job table, and the runner's error handling."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from bot.adapters.fetchpool import FetchProcessError
from bot.adapters.pool import JobTimeoutError
from bot.adapters.processes import PoolError
from bot.core.errors import FetchError
from bot.settings import Settings
from bot.slack.deps import Services
from bot.slack.formats import strings
from bot.slack.jobs import runner as runner_module
from bot.slack.jobs.runner import JobRunner, RunnerConfig
from bot.slack.jobs.spec import Outcome, UseCase, job_payload
from bot.slack.storage.jobs import JobStore
from bot.slack.storage.messages import Store

TARGET = {"type": "channel", "channel": "C1"}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'jobs.db'}")


@dataclass
class RecordingReply:
    events: list[tuple[str, Any]] = field(default_factory=list)
    fail_raises: bool = False

    def progress(self, what: str) -> None:
        self.events.append(("progress", what))

    def finish(self, content: list[dict[str, Any]], text: str) -> None:
        self.events.append(("finish", text))

    def fail(self, message: str) -> None:
        self.events.append(("fail", message))
        if self.fail_raises:
            raise SlackApiError("x", {"ok": False, "error": "not_in_channel"})


@pytest.fixture
def reply(monkeypatch: pytest.MonkeyPatch) -> RecordingReply:
    recording = RecordingReply()
    monkeypatch.setattr(runner_module, "make_reply", lambda *_a, **_k: recording)
    return recording


USE_CASES: dict[str, UseCase] = {}
"""The use cases the test runners run (a test adds its own with :func:`use`)."""


def make_runner(store: Store, **config: Any) -> JobRunner:
    services: Any = Services(
        settings=Settings(), client=None, store=store, summariser=None, users=None, fetch=None,  # type: ignore[arg-type]
    )
    config = {"retry_delay_s": 0.0, **config}
    return JobRunner(services, RunnerConfig(**config), use_cases=USE_CASES, machinery_errors=(PoolError,))


def use(monkeypatch: pytest.MonkeyPatch, work: Any, progress: str | None = "the thing") -> str:
    monkeypatch.setitem(USE_CASES, "test", UseCase(progress, work))
    return "test"


# -- the job table ----------------------------------------------------------------------


def test_enqueue_is_idempotent_by_key(store: Store) -> None:
    first, created = store.jobs.enqueue("command:T1", "summarise_text", {"args": {"text": "a"}})
    again, created_again = store.jobs.enqueue("command:T1", "summarise_text", {"args": {"text": "b"}})
    assert created and not created_again
    assert again.id == first.id and again.payload == {"args": {"text": "a"}}


def test_only_one_runner_claims_and_an_expired_lease_is_claimable(store: Store) -> None:
    job, _ = store.jobs.enqueue("k", "test", {})
    assert store.jobs.claim(job.id, "a", lease_s=10, now=100.0) is not None
    assert store.jobs.claim(job.id, "b", lease_s=10, now=105.0) is None  # a holds it
    assert store.jobs.claimable(now=105.0) == []
    assert store.jobs.claimable(now=111.0) == [job.id]  # a died: its lease ran out
    taken = store.jobs.claim(job.id, "b", lease_s=10, now=111.0)
    assert taken is not None and taken.attempts == 2
    assert not store.jobs.finish(job.id, "a", "done")  # a lost it
    assert store.jobs.finish(job.id, "b", "done")
    assert store.jobs.claim(job.id, "c", lease_s=10, now=1e12) is None  # done stays done


def test_renewed_leases_are_not_claimable(store: Store) -> None:
    job, _ = store.jobs.enqueue("k", "test", {})
    store.jobs.claim(job.id, "a", lease_s=10, now=100.0)
    assert store.jobs.renew("a", [job.id], lease_s=10, now=108.0) == 1
    assert store.jobs.claimable(now=115.0) == []


def test_release_with_refund_gives_the_attempt_back(store: Store) -> None:
    job, _ = store.jobs.enqueue("k", "test", {})
    store.jobs.claim(job.id, "a", lease_s=10)
    assert store.jobs.release(job.id, "a", refund=True)
    again = store.jobs.get(job.id)
    assert again is not None and again.status == "queued" and again.attempts == 0


def test_a_job_put_back_at_shutdown_keeps_counting_as_resumed(store: Store) -> None:
    job, _ = store.jobs.enqueue("k", "test", {})
    first = store.jobs.claim(job.id, "a", lease_s=10)
    assert first is not None and not first.resumed
    assert store.jobs.release(job.id, "a", refund=True)
    again = store.jobs.claim(job.id, "b", lease_s=10)
    assert again is not None and again.attempts == 1 and again.resumed  # it may have posted before


def test_purge_keeps_unfinished_jobs(store: Store) -> None:
    done, _ = store.jobs.enqueue("done", "test", {})
    waiting, _ = store.jobs.enqueue("waiting", "test", {})
    store.jobs.claim(done.id, "a", lease_s=10)
    store.jobs.finish(done.id, "a", "done")
    assert store.jobs.purge(older_than=1e12) == 1
    assert store.jobs.get(waiting.id) is not None and store.jobs.get(done.id) is None


def test_a_job_store_over_the_same_database_sees_the_same_jobs(store: Store) -> None:
    job, _ = store.jobs.enqueue("k", "test", {"args": {}})
    assert JobStore(store.engine).by_key("k") == job


# -- the runner -------------------------------------------------------------------------


def test_success_posts_progress_then_result_and_marks_done(
    store: Store, reply: RecordingReply, monkeypatch: pytest.MonkeyPatch
) -> None:
    kind = use(monkeypatch, lambda _services, args: Outcome([], f"summary of {args['text']}"))
    job, _ = store.jobs.enqueue("k", kind, job_payload({"text": "x"}, TARGET))
    assert make_runner(store).run(job.id) == "done"
    assert reply.events == [("progress", "the thing"), ("finish", "summary of x")]
    assert store.jobs.get(job.id).status == "done"  # type: ignore[union-attr]


def _raising(exc: Exception) -> Any:
    def work(_services: Any, _args: Any) -> Any:
        raise exc

    return work


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (FetchError("I couldn't connect to example.com."), "I couldn't connect to example.com."),
        (JobTimeoutError("Summarising this took longer than 60 seconds."), "Summarising this took longer"),
        (SlackApiError("x", {"ok": False, "error": "not_in_channel"}), strings.NOT_IN_CHANNEL),
        (SlackApiError("x", {"ok": False, "error": "missing_scope", "needed": "channels:history"}),
         strings.MISSING_SCOPE.format(needed="channels:history")),
        (SlackApiError("x", {"ok": False, "error": "missing_scope", "needed": "channels:manage"}),
         strings.SCOPE_NOT_GRANTED.format(needed="channels:manage")),
        (SlackApiError("x", {"ok": False, "error": "channel_not_found"}), strings.CHANNEL_NOT_FOUND),
    ],
    ids=["input", "timeout", "not_in_channel", "missing_scope", "scope_not_in_manifest", "channel_not_found"],
)
def test_errors_for_the_user_end_the_job_at_once(
    store: Store, reply: RecordingReply, monkeypatch: pytest.MonkeyPatch, exc: Exception, expected: str
) -> None:
    kind = use(monkeypatch, _raising(exc))
    job, _ = store.jobs.enqueue("k", kind, job_payload({}, TARGET))
    assert make_runner(store).run(job.id) == "failed"
    assert reply.events[-1][0] == "fail" and expected in reply.events[-1][1]
    final = store.jobs.get(job.id)
    assert final is not None and final.status == "failed" and final.attempts == 1


@pytest.mark.parametrize(
    ("exc", "final_message"),
    [
        (RuntimeError("boom"), strings.UNEXPECTED),
        (PoolError("The summariser stopped unexpectedly."), "stopped unexpectedly"),
        (SlackApiError("x", {"ok": False, "error": "ratelimited"}), "ratelimited"),
        (ConnectionResetError("reset"), strings.SLACK_UNREACHABLE),
    ],
    ids=["bug", "engine", "ratelimited", "network"],
)
def test_transient_errors_are_retried_then_reported(
    store: Store, reply: RecordingReply, monkeypatch: pytest.MonkeyPatch, exc: Exception, final_message: str
) -> None:
    kind = use(monkeypatch, _raising(exc))
    job, _ = store.jobs.enqueue("k", kind, job_payload({}, TARGET))
    runner = make_runner(store, max_attempts=3)
    assert [runner.run(job.id) for _ in range(3)] == ["retry", "retry", "failed"]
    fails = [event for event in reply.events if event[0] == "fail"]
    assert len(fails) == 1 and final_message in fails[0][1]


def test_a_job_that_keeps_crashing_its_runner_is_failed_honestly(
    store: Store, reply: RecordingReply, monkeypatch: pytest.MonkeyPatch
) -> None:
    kind = use(monkeypatch, lambda _services, _args: Outcome([], "never"))
    job, _ = store.jobs.enqueue("k", kind, job_payload({}, TARGET))
    for attempt in range(3):  # three runners claimed it and died (kill -9) before finishing
        store.jobs.claim(job.id, f"dead-{attempt}", lease_s=0.0)
    assert make_runner(store, max_attempts=3).run(job.id) == "failed"
    assert reply.events == [("fail", strings.GAVE_UP)]


def test_a_failing_reply_still_ends_the_job(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = RecordingReply(fail_raises=True)
    monkeypatch.setattr(runner_module, "make_reply", lambda *_a, **_k: broken)
    kind = use(monkeypatch, _raising(FetchError("no")))
    job, _ = store.jobs.enqueue("k", kind, job_payload({}, TARGET))
    assert make_runner(store).run(job.id) == "failed"
    assert store.jobs.get(job.id).status == "failed"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "stopped", [PoolError("stopped"), FetchProcessError("stopped")], ids=["summariser", "fetch-pool"]
)
def test_shutdown_puts_an_interrupted_job_back_without_spending_an_attempt(
    store: Store, reply: RecordingReply, monkeypatch: pytest.MonkeyPatch, stopped: Exception
) -> None:
    runner = make_runner(store)

    def interrupted(_services: Any, _args: Any) -> Any:
        runner.stop()  # SIGTERM arrived, then the summariser and fetch processes were stopped
        raise stopped

    kind = use(monkeypatch, interrupted)
    job, _ = store.jobs.enqueue("k", kind, job_payload({}, TARGET))
    assert runner.run(job.id) == "released"
    again = store.jobs.get(job.id)
    assert again is not None and again.status == "queued" and again.attempts == 0
    assert [event[0] for event in reply.events] == ["progress"]  # no error shown: it will resume

    # The next process runs it as a resumed job: its reply looks for what the first attempt posted.
    resumed: list[bool] = []

    def resumed_reply(*_args: Any, **kwargs: Any) -> RecordingReply:
        resumed.append(kwargs["resumed"])
        return reply

    monkeypatch.setattr(runner_module, "make_reply", resumed_reply)
    use(monkeypatch, lambda _services, _args: Outcome([], "done"))
    assert make_runner(store).run(job.id) == "done"
    assert resumed == [True]


def test_a_busy_job_is_skipped(store: Store, reply: RecordingReply, monkeypatch: pytest.MonkeyPatch) -> None:
    kind = use(monkeypatch, lambda _services, _args: Outcome([], "x"))
    job, _ = store.jobs.enqueue("k", kind, job_payload({}, TARGET))
    store.jobs.claim(job.id, "someone-else", lease_s=60)
    assert make_runner(store).run(job.id) == "skipped"
    assert reply.events == []
