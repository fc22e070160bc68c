"""Replies against the fake Slack API: a resumed job never posts a second copy."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.settings import Settings
from bot.slack.deps import Services
from bot.slack.jobs.replies import Poster, find_job_message, job_metadata, make_reply
from bot.slack.jobs.runner import JobRunner, RunnerConfig
from bot.slack.jobs.spec import Outcome, UseCase, channel_target, job_payload, response_url_target, thread_target
from bot.slack.storage.messages import Store
from tools.fakeslack import FakeSlack

CHANNEL = "C1"
PARENT = "1700000000.000100"
RESULT = [{"type": "section", "text": {"type": "mrkdwn", "text": "the summary"}}]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        server.messages[CHANNEL] = [{"ts": PARENT, "user": "U1", "text": "a long thread"}]
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url)


def _earlier_attempt_posted(client: WebClient, job_id: str, thread_ts: str | None = PARENT) -> str:
    """What an attempt killed between posting and recording left behind."""
    return str(client.chat_postMessage(
        channel=CHANNEL, thread_ts=thread_ts, text="Summarising…", metadata=job_metadata(job_id))["ts"])


@pytest.mark.parametrize(
    ("thread_ts", "target"),
    [(PARENT, thread_target(CHANNEL, PARENT, "U1")),
     (None, response_url_target("https://example.invalid/r", "in_channel", CHANNEL, "U1"))],
    ids=["thread", "shared-command"],
)
def test_a_resumed_job_adopts_the_placeholder_an_earlier_attempt_posted(
    fake: FakeSlack, client: WebClient, thread_ts: str | None, target: dict[str, Any]
) -> None:
    since = time.time() - 1
    _earlier_attempt_posted(client, "job-other", thread_ts)  # another job's placeholder
    left = _earlier_attempt_posted(client, "job-1", thread_ts)
    remembered: list[str] = []
    reply = make_reply(client, target, job_id="job-1", created_at=since, resumed=True, remember=remembered.append)
    reply.progress("the thread")
    reply.finish(RESULT, "the summary")
    assert len(fake.calls_to("chat.postMessage")) == 2  # only the two the earlier attempts posted
    assert remembered == [left]
    assert [u["ts"] for u in fake.calls_to("chat.update")] == [left]


def test_a_first_attempt_posts_without_reading_the_channel(fake: FakeSlack, client: WebClient) -> None:
    reply = make_reply(client, thread_target(CHANNEL, PARENT, "U1"), job_id="job-1", created_at=time.time())
    reply.progress("the thread")
    posted = fake.calls_to("chat.postMessage")
    assert len(posted) == 1 and posted[0]["metadata"] == job_metadata("job-1")
    assert not fake.calls_to("conversations.replies")


def test_a_resumed_digest_updates_the_digest_it_posted(fake: FakeSlack, client: WebClient) -> None:
    since = time.time() - 1
    left = _earlier_attempt_posted(client, "digest-1", thread_ts=None)
    make_reply(client, channel_target(CHANNEL), job_id="digest-1", created_at=since, resumed=True).finish(
        RESULT, "the digest")
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert fake.calls_to("chat.update")[0]["ts"] == left and fake.calls_to("chat.update")[0]["text"] == "the digest"


def test_a_channel_post_is_remembered_so_a_job_put_back_after_posting_updates_it(
    fake: FakeSlack, client: WebClient
) -> None:
    """A scheduled digest released at shutdown after posting (its attempt refunded, so not
    "resumed") finds the post in its job, without reading the channel."""
    remembered: list[str] = []
    first = make_reply(client, channel_target(CHANNEL), job_id="digest-1", created_at=time.time(),
                       remember=remembered.append)
    first.finish(RESULT, "the digest")
    [posted] = fake.calls_to("chat.postMessage")
    assert posted["metadata"] == job_metadata("digest-1") and remembered == [fake.posted[0]["ts"]]
    again = make_reply(client, channel_target(CHANNEL), job_id="digest-1", created_at=time.time(),
                       placeholder_ts=remembered[0])
    again.finish(RESULT, "the digest, again")
    assert len(fake.calls_to("chat.postMessage")) == 1 and not fake.calls_to("conversations.history")
    assert fake.calls_to("chat.update")[0]["ts"] == remembered[0]


def test_a_command_publishes_in_its_channel_once(fake: FakeSlack, client: WebClient) -> None:
    """``digest now``: the digest goes into the channel with the job's metadata; a resumed job
    adopts it; the command's own answer still goes privately through the response_url."""
    target = response_url_target(fake.response_url("now"), "ephemeral", CHANNEL, "U1")
    since = time.time() - 1
    make_reply(client, target, job_id="now-1", created_at=since).publish(RESULT, "the digest")
    resumed = make_reply(client, target, job_id="now-1", created_at=since, resumed=True)
    resumed.publish(RESULT, "the digest")
    resumed.finish(RESULT, "Digest posted.")
    [posted] = fake.calls_to("chat.postMessage")
    assert posted["channel"] == CHANNEL and posted["metadata"] == job_metadata("now-1")
    assert fake.calls_to("chat.update")[0]["ts"] == fake.posted[0]["ts"]
    assert fake.wait_for_response(1)[0][1]["text"] == "Digest posted."


def test_a_message_from_before_the_job_is_not_adopted(client: WebClient) -> None:
    _earlier_attempt_posted(client, "job-1")
    assert find_job_message(client, CHANNEL, "job-1", time.time() + 60, PARENT) is None


def test_when_the_history_cannot_be_read_the_result_is_posted_again(fake: FakeSlack, client: WebClient) -> None:
    fake.set_response("conversations.history", {"ok": False, "error": "missing_scope", "needed": "channels:history"})
    _earlier_attempt_posted(client, "digest-1", thread_ts=None)
    Poster(client, "digest-1", time.time() - 1, resumed=True).put(CHANNEL, "the digest", RESULT)
    assert len(fake.calls_to("chat.postMessage")) == 2  # at least once: never lost
    assert not fake.calls_to("chat.update")


@pytest.mark.parametrize(
    ("response_type", "replaces"), [("ephemeral", True), ("in_channel", False)], ids=["private", "shared"]
)
def test_a_command_answer_through_the_response_url_replaces_only_its_private_progress_line(
    fake: FakeSlack, client: WebClient, response_type: str, replaces: bool
) -> None:
    fake.set_response("chat.postMessage", {"ok": False, "error": "not_in_channel"})
    target = response_url_target(fake.response_url("cmd"), response_type, CHANNEL, "U1")
    reply = make_reply(client, target, job_id="job-1", created_at=time.time())
    reply.progress("your text")
    reply.finish(RESULT, "the summary")
    _, body = fake.wait_for_response(1)[0]
    assert body["response_type"] == response_type and body["replace_original"] is replaces


class _Killed(BaseException):
    """Stands for kill -9: nothing after it runs, not even the runner's error handling."""


def test_a_job_killed_between_posting_and_recording_its_placeholder_posts_once(
    fake: FakeSlack, client: WebClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'jobs.db'}")
    use_cases = {"test": UseCase("the thread", lambda _services, _args: Outcome(RESULT, "done"))}
    none: Any = None
    services = Services(settings=Settings(), client=client, store=store, summariser=none, users=none, fetch=none)
    job, _ = store.jobs.enqueue("k", "test", job_payload({}, thread_target(CHANNEL, PARENT, "U1")))
    record = store.jobs.set_placeholder

    def killed(_job_id: str, _ts: str) -> None:
        raise _Killed

    monkeypatch.setattr(store.jobs, "set_placeholder", killed)
    with pytest.raises(_Killed):
        JobRunner(services, RunnerConfig(lease_s=20), use_cases=use_cases).run(job.id)
    monkeypatch.setattr(store.jobs, "set_placeholder", record)
    later = JobRunner(services, RunnerConfig(lease_s=20), use_cases=use_cases, clock=lambda: time.time() + 60)  # the lease ran out
    assert later.run(job.id) == "done"
    placeholders = fake.calls_to("chat.postMessage")
    assert len(placeholders) == 1
    assert fake.calls_to("chat.update")[0]["ts"] == fake.posted[0]["ts"]
    assert [m["text"] for m in fake.messages[CHANNEL] if m.get("bot_id")] == ["done"]
