"""The bot in HTTP mode on 127.0.0.1 port 0, in this process, with an in-process summariser.

It is the real runtime of ``python -m bot serve`` (store, job queue and runner threads,
scheduler, Bolt app, waitress front), built by :func:`bot.slack.runtime.build_runtime`; only
the summariser runs in this process instead of worker processes, so the models load once
per test session.
"""

from __future__ import annotations

import time
from typing import Any

from bot.settings import Settings
from bot.slack.http import Front, create_http_server, serve_in_thread, server_port, stop_server
from bot.slack.runtime import build_runtime, start_runtime, stop_runtime
from tools.slackclient import SignedClient


class LocalSlackApp(SignedClient):
    """A running bot plus a client that sends it signed requests."""

    def __init__(self, settings: Settings, summariser: Any) -> None:
        self.settings = settings
        self.runtime = build_runtime(settings, summariser=summariser)
        self.front = Front(self.runtime.app, settings.slack_signing_secret or "", self.runtime.checks)
        self.server = create_http_server(self.front, "127.0.0.1", 0, threads=8)
        serve_in_thread(self.server)
        start_runtime(self.runtime)
        super().__init__(f"http://127.0.0.1:{server_port(self.server)}", settings.slack_signing_secret or "")

    @property
    def deps(self) -> Any:
        """The listeners' dependencies (settings, store, queue)."""
        return self.runtime.deps

    @property
    def scheduler(self) -> Any:
        """The digest scheduler."""
        return self.runtime.scheduler

    def wait_idle(self, timeout: float = 90.0) -> None:
        """Block until no job is queued or running (fail the test after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while True:
            counts = self.runtime.store.jobs.counts()
            if not counts.get("queued") and not counts.get("running"):
                return
            assert time.monotonic() < deadline, f"jobs still pending: {counts}"
            time.sleep(0.05)

    def close(self, grace_s: float = 30.0) -> None:
        """Drain (running jobs may finish within ``grace_s``), then stop serving."""
        self.front.drain()
        stop_runtime(self.runtime, grace_s)
        stop_server(self.server)
