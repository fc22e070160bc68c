"""The bot as real processes (``python -m bot serve``/``worker``): kill -9, SIGTERM, hostile bodies,
a scheduled digest killed right after its post.

These drive the scenarios of ``python -m tools bench-slack`` with small numbers and assert on
what they report; the figures for the README come from the bench itself.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.slack.digests.schedule import latest_fire_time
from bot.slack.storage.messages import Store
from tools import bench_slack
from tools.fakeslack import FakeSlack


def _args(database_url: str | None = None) -> argparse.Namespace:
    return argparse.Namespace(database_url=database_url, timeout=300.0, clients=10, requests=20)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def _postgres() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (.ci/run starts a PostgreSQL server)")
    return url


def _check_crash(result: dict[str, Any]) -> None:
    assert result["complete"], result
    assert result["commands_answered"] == 20 and result["commands_answered_twice"] == 0, result
    assert result["placeholders"] == 30 and result["placeholders_left"] == 0, result


def test_kill_9_with_requests_in_flight_loses_nothing(fake: FakeSlack, tmp_path: Path) -> None:
    _check_crash(bench_slack.crash(fake, tmp_path, _args()))


def test_killing_a_worker_in_the_split_set_up_loses_nothing(fake: FakeSlack, tmp_path: Path) -> None:
    _check_crash(bench_slack.crash(fake, tmp_path, _args(_postgres())))


def test_sigterm_with_queued_jobs_exits_within_the_grace_and_loses_none(fake: FakeSlack, tmp_path: Path) -> None:
    result = bench_slack.shutdown(fake, tmp_path, _args(), queued=40)
    assert result["exit_codes"] == [0] and result["exit_s"] < result["grace_s"], result
    assert result["acked"] == 40 and result["answered_after_restart"] == 40, result
    assert result["answered_twice"] == 0, result


def test_hostile_bodies_are_refused_without_memory_or_tracebacks(fake: FakeSlack, tmp_path: Path) -> None:
    result = bench_slack.hostile(fake, tmp_path, _args(), body_mb=20)
    statuses = result["statuses"]
    assert statuses["true length"].startswith("HTTP/1.1 413") and statuses["chunked"].startswith("HTTP/1.1 413")
    assert statuses["length -1"].startswith("HTTP/1.1 400") and statuses["length abc"].startswith("HTTP/1.1 400")
    assert statuses["signed, malformed JSON"] == "400" and statuses["signed, bad payload="] == "400"
    assert statuses["bad timestamp"] == "401"
    assert result["web_peak_rss_growth_mb"] < 50 and result["tracebacks_in_log"] == 0


def test_a_scheduled_digest_killed_right_after_its_post_is_posted_once(fake: FakeSlack, tmp_path: Path) -> None:
    """kill -9 while Slack holds the answer to the digest's chat.postMessage (the post is
    made), restart: the resumed run finds its post by its metadata and posts no second one."""
    channel, now = "C0DIGEST", time.time()
    deployment = bench_slack._deployment(fake, tmp_path, None, 1)
    store = Store(deployment.env["DATABASE_URL"])
    sub = store.subscribe(channel, "daily", datetime.fromtimestamp(now - 300, UTC).strftime("%H:%M"), "UTC")
    with store.engine.begin() as connection:  # subscribed yesterday: today's run was missed, so start catches it up
        connection.execute(text("UPDATE digest_subscriptions SET created_at = :t"), {"t": now - 86_400})
    fire = latest_fire_time(sub, datetime.now(UTC))
    assert fire is not None
    article = bench_slack.SEED_ARTICLE.read_text(encoding="utf-8")
    store.save_message(channel, f"{fire.timestamp() - 120:.6f}", article, "U0BENCH")
    store.close()

    posted, killed = threading.Event(), threading.Event()

    def post_then_hold(params: dict[str, Any]) -> dict[str, Any]:
        answer = fake._post(params)
        posted.set()
        killed.wait(60)
        return answer

    fake.set_response("chat.postMessage", post_then_hold, times=1)
    deployment.start()
    try:
        assert posted.wait(180), "the caught-up digest was not posted"
        deployment.kill()
        killed.set()
        deployment.start()  # the job's lease runs out (20 s), then the restarted bot resumes it
        fake.wait_for("chat.update", 1, timeout=180)
    finally:
        deployment.stop()
    digests = [p for p in fake.posted if p.get("channel") == channel]
    assert len(digests) == 1, digests
    assert fake.calls_to("chat.update")[0]["ts"] == digests[0]["ts"]
