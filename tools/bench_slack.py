"""``python -m tools bench-slack``: the bot as Slack sees it, under load, bursts, hostile bodies and crashes.

The bot runs as real processes (``python -m bot serve``, plus ``python -m bot worker``
processes in the split set-up) against a fake Slack Web API on 127.0.0.1, and is driven
with signed requests from concurrent clients. Scenarios:

- ``throughput``: N commands (pasted articles and chat transcripts) from C concurrent
  clients, for each worker count asked: ack p50/p99, replies per second, time to the last
  reply, peak RSS of the bot's processes;
- ``burst``: 60 connections at the same instant: connection errors, ack p99, all answered;
- ``hostile``: an unsigned 100 MB body with a true, negative, malformed or no
  Content-Length (chunked): the status each gets and the bot's RSS growth;
- ``crash``: 30 commands and mentions in flight, ``kill -9`` of the bot (or of a worker),
  restart: how many were answered, answered twice, and placeholders left behind;
- ``shutdown``: SIGTERM with 100 jobs queued: how long the bot takes to exit (within
  ``SHUTDOWN_GRACE_S``), then a restart: how many of the 100 were answered, and how often;
- ``replicas`` (PostgreSQL only): two web processes and two workers; requests sent to one
  replica and retried through the other, and a scheduled digest both replicas fire: how many
  replies and digests were posted twice;
- ``stall``: one user sends 20,000 emoji and another a 40,000-character run of ``!`` while
  others keep sending commands: the others' ack p99, and when the hostile two are answered;
- ``hostile-fetch``: four links to a server that sends its headers one byte every 2 s and
  four links to 3.6 MB pages of 100,000 links, at once, while others send commands: each
  hostile link's outcome and time, another user's one-sentence command's answer time, the
  others' ack p99;
- ``slow-connections``: 1,100 unsigned connections that each send a header line every 5 s
  (reconnecting when closed) while signed commands are sent: their ack times, at the default
  ``HTTP_CONNECTION_LIMIT`` and at one above the attack, and whether the cap was logged.

Nothing here touches the internet; the fake Slack and the bot listen on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.adapters.pool import torch_threads_per_process
from bot.settings import Settings
from tools import bench_catchup
from tools.bench import percentile
from tools.datasets import REPO_ROOT
from tools.fakeslack import FakeSlack
from tools.hostileweb import HostileWeb
from tools.slackclient import FORM, SignedClient

SEED_ARTICLE = REPO_ROOT / "seeds" / "fujian-advanced-manufacturing.txt"
SEED_THREAD = REPO_ROOT / "seeds" / "sample-thread.txt"
SIGNING_SECRET = "bench-signing-secret"
CHANNEL = "C0BENCH"
READY_TIMEOUT_S = 240.0
SCENARIOS = (
    "throughput", "burst", "hostile", "crash", "shutdown", "stall", "replicas", "hostile-fetch", "slow-connections",
    "catchup",
)
HOSTILE_FETCH_THREADS = Settings().worker_pool_size
"""Runner threads in the hostile-fetch run: the default (the other scenarios size theirs)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the bench-slack command."""
    parser.add_argument("--scenario", default=",".join(SCENARIOS), help=f"comma-separated: {', '.join(SCENARIOS)}")
    parser.add_argument("--requests", type=int, default=200, help="commands in the throughput run (default 200)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare (default 1,2)")
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL URL: run the split set-up (web + procrastinate workers) on it")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for all replies")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


# -- processes ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return found


def _status_kb(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class BotProcess:
    """``python -m bot serve`` or ``worker`` as a child process with its own environment."""

    def __init__(self, command: str, env: dict[str, str], log: Path) -> None:
        self.command = command
        self.log = log
        self._handle = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", command], cwd=REPO_ROOT, env=env,
            stdout=self._handle, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def pids(self) -> list[int]:
        """This process and its summariser processes."""
        return _tree(self.proc.pid) if self.proc.poll() is None else []

    def rss_mb(self) -> float:
        """Resident memory of the process tree now."""
        return sum(_status_kb(pid, "VmRSS") for pid in self.pids()) / 1024

    def peak_mb(self) -> float:
        """Sum of each process's peak resident memory (an upper bound of the tree's peak)."""
        return sum(_status_kb(pid, "VmHWM") for pid in self.pids()) / 1024

    def kill(self) -> None:
        """``kill -9`` of the whole process group (the summariser processes die with it)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, then wait (SIGKILL after ``timeout``); returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._handle.close()
        return int(self.proc.returncode if self.proc.returncode is not None else -9)


@dataclass
class Deployment:
    """The bot's processes for one run: one web/serve process and, split, N workers."""

    env: dict[str, str]
    url: str
    tmp: Path
    web: BotProcess | None = None
    workers: list[BotProcess] = field(default_factory=list)

    def start(self, workers: int = 0) -> None:
        """Start the web (or whole-bot) process and ``workers`` workers; wait until ready.

        If they do not get ready, whatever started is stopped before the error is raised.
        """
        try:
            self._start(workers)
        except BaseException:
            self.kill()
            raise

    def _start(self, workers: int) -> None:
        self.web = BotProcess("serve", self.env, self.tmp / "serve.log")
        self.workers = [BotProcess("worker", self.env, self.tmp / f"worker{i}.log") for i in range(workers)]
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.web.proc.poll() is not None:
                raise RuntimeError(f"the bot exited at start; see {self.web.log}:\n{self.web.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("the bot did not become ready")
        if workers:
            _wait_for_workers(self.env["DATABASE_URL"], self.workers)

    def processes(self) -> list[BotProcess]:
        """Every bot process of this deployment."""
        return ([self.web] if self.web else []) + self.workers

    def peak_mb(self) -> float:
        """Peak RSS of all processes (summed per-process peaks)."""
        return sum(p.peak_mb() for p in self.processes())

    def kill(self) -> None:
        """``kill -9`` everything."""
        for process in self.processes():
            process.kill()

    def stop(self) -> None:
        """Stop everything gracefully."""
        for process in self.processes():
            process.stop()


def _wait_for_workers(database_url: str, workers: list[BotProcess], timeout: float = READY_TIMEOUT_S) -> None:
    """Until every worker registered with procrastinate (it does so once its models loaded)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with engine.connect() as connection:
                exists = connection.execute(text("SELECT to_regclass('procrastinate_workers')")).scalar()
                count = connection.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar() if exists else 0
            if (count or 0) >= len(workers):
                return
            dead = [w for w in workers if w.proc.poll() is not None]
            if dead or time.monotonic() > deadline:
                log = dead[0].log if dead else workers[0].log
                raise RuntimeError(f"a worker did not start; see {log}:\n{log.read_text()[-2000:]}")
            time.sleep(0.5)
    finally:
        engine.dispose()


def _environment(
    fake: FakeSlack, tmp: Path, database_url: str | None, processes: int, port: int, torch_threads: int = 0
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "JOB_", "WORKER_"))}
    env.update({
        "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.api_url,
        "PORT": str(port), "LOG_LEVEL": "WARNING",
        "WORKER_PROCESSES": str(processes), "WORKER_POOL_SIZE": str(max(2, 2 * processes)),
        "TORCH_THREADS": str(torch_threads),
        "DATABASE_URL": database_url or f"sqlite:///{tmp / 'bench.db'}",
        "JOB_QUEUE": "procrastinate" if database_url else "local",
    })
    return env


def _deployment(fake: FakeSlack, tmp: Path, database_url: str | None, processes: int) -> Deployment:
    port = _free_port()
    # Split set-up: the web tier has no models; each worker process has one summariser process,
    # and the workers share the host's cores out between them, as an operator would.
    if database_url:
        env = _environment(fake, tmp, database_url, 1, port, torch_threads_per_process(processes))
    else:
        env = _environment(fake, tmp, database_url, processes, port)
    return Deployment(env, f"http://127.0.0.1:{port}", tmp)


# -- requests -----------------------------------------------------------------------------


def _texts() -> list[str]:
    article = SEED_ARTICLE.read_text(encoding="utf-8")
    thread = SEED_THREAD.read_text(encoding="utf-8") if SEED_THREAD.is_file() else article
    return [article, thread]


def _timed(call: Callable[[], tuple[int, str]]) -> tuple[int, float]:
    start = time.perf_counter()
    try:
        status, _ = call()
    except (urllib.error.URLError, OSError):
        status = 0  # the connection was refused or reset
    return status, (time.perf_counter() - start) * 1000


def _wait_for(count: Callable[[], int], target: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while count() < target:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _send_commands(client: SignedClient, fake: FakeSlack, n: int, clients: int, prefix: str) -> list[tuple[int, float]]:
    texts = _texts()
    start = threading.Barrier(min(clients, n))

    def one(i: int) -> tuple[int, float]:
        if i < clients:
            start.wait()
        return _timed(lambda: client.command(texts[i % len(texts)], fake.response_url(f"{prefix}{i}"),
                                             channel=f"C{prefix}{i}"))

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(one, range(n)))


@dataclass
class Replies:
    """What the requests sent with ``prefix`` got: each request has its own channel and response_url."""

    times: dict[str, float]
    """Request key -> when its reply (a placeholder update or a response_url post) came."""
    duplicates: int
    """Requests answered more than once: two messages posted, or two response_url posts that
    each add a message (a post with ``replace_original`` replaces the last one, as in Slack)."""


def _replies(fake: FakeSlack, prefix: str) -> Replies:
    times: dict[str, float] = {}
    deliveries: Counter[str] = Counter()
    for (path, body), at in zip(list(fake.responses), list(fake.response_times), strict=False):
        if path.startswith(f"/response/{prefix}"):
            key = path.removeprefix("/response/")
            times.setdefault(key, at)
            if not body.get("replace_original"):  # Slack shows a replacing post in place of the last
                deliveries[key] += 1
    for (method, params), at in zip(list(fake.calls), list(fake.call_times), strict=False):
        channel = str(params.get("channel", ""))
        if method == "chat.update" and channel.startswith(f"C{prefix}"):
            times.setdefault(channel[1:], at)
    for posted in list(fake.posted):
        channel = str(posted.get("channel", ""))
        if channel.startswith(f"C{prefix}"):
            deliveries[channel[1:]] += 1  # a message in the channel: the placeholder (or a result)
    return Replies(times, sum(1 for n in deliveries.values() if n > 1))


def _answered(fake: FakeSlack, prefix: str) -> int:
    return len(_replies(fake, prefix).times)


# -- scenarios ----------------------------------------------------------------------------


def throughput(fake: FakeSlack, tmp: Path, args: argparse.Namespace, workers: int) -> dict[str, Any]:
    """``args.requests`` commands from ``args.clients`` clients, with ``workers`` workers."""
    deployment = _deployment(fake, tmp, args.database_url, workers)
    deployment.start(workers if args.database_url else 0)
    client = SignedClient(deployment.url, SIGNING_SECRET)
    prefix = f"tp{workers}-"
    try:
        began = time.time()
        acks = _send_commands(client, fake, args.requests, args.clients, prefix)
        done = _wait_for(lambda: _answered(fake, prefix), args.requests, args.timeout)
        replies = _replies(fake, prefix)
        times = list(replies.times.values())
        last = max(times) if times else time.time()
        peak = deployment.peak_mb()
    finally:
        deployment.stop()
    ack_ms = [ms for status, ms in acks if status == 200]
    return {
        "scenario": "throughput", "workers": workers, "requests": args.requests, "clients": args.clients,
        "acked": len(ack_ms), "answered": len(times), "answered_twice": replies.duplicates, "complete": done,
        "ack_p50_ms": round(percentile(ack_ms, 50), 1) if ack_ms else None,
        "ack_p99_ms": round(percentile(ack_ms, 99), 1) if ack_ms else None,
        "replies_per_s": round(len(times) / max(1e-6, last - began), 2),
        "last_reply_s": round(last - began, 1),
        "peak_rss_mb": round(peak, 1),
    }


def burst(fake: FakeSlack, tmp: Path, args: argparse.Namespace, connections: int = 60) -> dict[str, Any]:
    """``connections`` commands sent at the same instant."""
    deployment = _deployment(fake, tmp, args.database_url, 1)
    deployment.start(1 if args.database_url else 0)
    client = SignedClient(deployment.url, SIGNING_SECRET)
    try:
        acks = _send_commands(client, fake, connections, connections, "burst-")
        done = _wait_for(lambda: _answered(fake, "burst-"), connections, args.timeout)
    finally:
        deployment.stop()
    ack_ms = [ms for status, ms in acks if status == 200]
    return {
        "scenario": "burst", "connections": connections,
        "connection_errors": sum(1 for status, _ in acks if status == 0),
        "non_200": sum(1 for status, _ in acks if status not in (0, 200)),
        "ack_p99_ms": round(percentile(ack_ms, 99), 1) if ack_ms else None,
        "answered": _answered(fake, "burst-"), "complete": done,
    }


def _raw_post(url: str, content_length: str | None, body_mb: int) -> str:
    """Send an unsigned body of ``body_mb`` MB; returns the status line (or how it ended)."""
    host, port = url.removeprefix("http://").split(":")
    chunk = b"x" * (1024 * 1024)
    headers = ["POST /slack/events HTTP/1.1", f"Host: {host}", "Content-Type: application/json"]
    headers.append(f"Content-Length: {content_length}" if content_length is not None else "Transfer-Encoding: chunked")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        try:
            sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
            for _ in range(body_mb):
                sock.sendall(chunk if content_length is not None else b"100000\r\n" + chunk + b"\r\n")
        except OSError:
            pass  # the server closed the connection early: the refusal is below
        try:
            return sock.recv(200).split(b"\r\n", 1)[0].decode(errors="replace") or "closed"
        except OSError as exc:
            return f"closed ({exc.__class__.__name__})"


def hostile(fake: FakeSlack, tmp: Path, args: argparse.Namespace, body_mb: int = 100) -> dict[str, Any]:
    """Unsigned 100 MB bodies with every kind of Content-Length."""
    deployment = _deployment(fake, tmp, args.database_url, 1)
    deployment.start(1 if args.database_url else 0)
    assert deployment.web is not None
    web_pid = deployment.web.proc.pid
    try:
        before = _status_kb(web_pid, "VmHWM") / 1024
        statuses = {
            label: _raw_post(deployment.url, length, body_mb)
            for label, length in (
                ("true length", str(body_mb * 1024 * 1024)), ("length -1", "-1"),
                ("length abc", "abc"), ("chunked", None),
            )
        }
        malformed = SignedClient(deployment.url, SIGNING_SECRET)
        statuses["signed, malformed JSON"] = str(malformed.post("{not json", "application/json")[0])
        statuses["signed, bad payload="] = str(malformed.post("payload=%7Bnope", FORM)[0])
        statuses["bad timestamp"] = str(SignedClient(deployment.url, SIGNING_SECRET).post(
            "{}", "application/json", sign=False,
            headers={"X-Slack-Request-Timestamp": "1.5", "X-Slack-Signature": "v0=abc"})[0])
        after = _status_kb(web_pid, "VmHWM") / 1024
        log = deployment.web.log.read_text(errors="replace")
    finally:
        deployment.stop()
    return {
        "scenario": "hostile", "body_mb": body_mb, "statuses": statuses,
        "web_peak_rss_growth_mb": round(after - before, 1), "tracebacks_in_log": log.count("Traceback"),
    }


def crash(
    fake: FakeSlack, tmp: Path, args: argparse.Namespace, commands: int = 20, mentions: int = 10
) -> dict[str, Any]:
    """``kill -9`` with requests in flight, then a restart: every request answered once."""
    deployment = _deployment(fake, tmp, args.database_url, 1)
    deployment.start(1 if args.database_url else 0)
    client = SignedClient(deployment.url, SIGNING_SECRET)
    texts = _texts()
    parent = "1700000000.000100"
    fake.messages[CHANNEL] = [
        {"ts": f"{float(parent) + i:.6f}", "user": "U0BENCH", "thread_ts": parent, "text": line}
        for i, line in enumerate(texts[1].splitlines()[:12]) if line.strip()
    ]
    fake.users["U0BENCH"] = {"id": "U0BENCH", "name": "bench", "real_name": "Bench User", "tz": "UTC"}
    posts_before = len(fake.posted)
    for i in range(commands):
        client.command(texts[i % 2], fake.response_url(f"crash-{i}"), channel=f"Ccrash-{i}")
    for i in range(mentions):
        client.event({"type": "app_mention", "user": "U0BENCH", "text": "<@UBOT> summary please",
                      "ts": f"{time.time():.6f}", "thread_ts": parent, "channel": CHANNEL}, f"EvCrash{i}")
    # Kill while replies are going out: a few answered, the rest queued or being summarised.
    _wait_for(lambda: _answered(fake, "crash-"), 3, 30.0)
    answered_before_kill = _answered(fake, "crash-")
    if args.database_url and deployment.workers:
        deployment.workers[0].kill()  # the split set-up: kill the worker with jobs in flight
        deployment.web.kill()  # type: ignore[union-attr]
    else:
        deployment.kill()
    restart = _deployment(fake, tmp, args.database_url, 1)
    restart.env = {**deployment.env, "PORT": restart.url.rsplit(":", 1)[1]}
    restart.start(1 if args.database_url else 0)
    try:
        ok = _wait_for(lambda: _answered(fake, "crash-"), commands, args.timeout)

        def placeholders() -> list[str]:
            return [p["ts"] for p in fake.posted[posts_before:] if "Summarising" in str(p.get("text"))]

        def settled() -> set[str]:
            """Placeholders replaced by a result (or removed after an error)."""
            done = {u["ts"] for u in fake.calls_to("chat.update")} | {d["ts"] for d in fake.calls_to("chat.delete")}
            return done & set(placeholders())

        ok = _wait_for(lambda: len(settled()), mentions + commands, args.timeout) and ok
        updated = settled()
        posted = placeholders()
    finally:
        restart.stop()
    answers = _replies(fake, "crash-")
    return {
        "scenario": "crash", "requests": commands + mentions, "answered_before_kill": answered_before_kill,
        "commands_answered": len(answers.times), "commands_answered_twice": answers.duplicates,
        "placeholders": len(posted),
        "placeholders_left": sum(1 for ts in posted if ts not in updated),
        "complete": ok,
    }


def shutdown(fake: FakeSlack, tmp: Path, args: argparse.Namespace, queued: int = 100) -> dict[str, Any]:
    """SIGTERM with ``queued`` jobs waiting: exit within the grace, lose none."""
    deployment = _deployment(fake, tmp, args.database_url, 1)
    deployment.start(1 if args.database_url else 0)
    client = SignedClient(deployment.url, SIGNING_SECRET)
    acks = _send_commands(client, fake, queued, min(queued, args.clients), "stop-")
    assert deployment.web is not None
    began = time.monotonic()
    codes = [process.stop(timeout=60) for process in deployment.processes()]
    exit_s = time.monotonic() - began
    answered_before = _answered(fake, "stop-")
    restart = _deployment(fake, tmp, args.database_url, 1)
    restart.env = {**deployment.env, "PORT": restart.url.rsplit(":", 1)[1]}
    restart.start(1 if args.database_url else 0)
    try:
        done = _wait_for(lambda: _answered(fake, "stop-"), queued, args.timeout)
    finally:
        restart.stop()
    replies = _replies(fake, "stop-")
    return {
        "scenario": "shutdown", "queued": queued, "acked": sum(1 for status, _ in acks if status == 200),
        "exit_s": round(exit_s, 1), "exit_codes": codes, "grace_s": float(deployment.env.get("SHUTDOWN_GRACE_S", 8)),
        "answered_before_exit": answered_before, "answered_after_restart": len(replies.times),
        "answered_twice": replies.duplicates, "complete": done,
    }


def stall(fake: FakeSlack, tmp: Path, args: argparse.Namespace, probes: int = 200) -> dict[str, Any]:
    """Hostile inputs beside ordinary traffic: the others' acks, and the hostile replies."""
    deployment = _deployment(fake, tmp, args.database_url, 1)
    deployment.start(1 if args.database_url else 0)
    client = SignedClient(deployment.url, SIGNING_SECRET)
    hostile = {"emoji": "\U0001f600" * 20_000, "bangs": "!" * 40_000}
    try:
        began = time.time()
        for name, text in hostile.items():
            client.command(text, fake.response_url(f"hostile-{name}"), channel=f"Chostile-{name}")
        with ThreadPoolExecutor(max_workers=10) as pool:
            acks = list(pool.map(lambda i: _timed(lambda: client.command("help", fake.response_url(f"probe-{i}"))),
                                 range(probes)))
        done = _wait_for(lambda: _answered(fake, "hostile-"), len(hostile), args.timeout)
        replies = _replies(fake, "hostile-")
    finally:
        deployment.stop()
    ack_ms = [ms for status, ms in acks if status == 200]
    return {
        "scenario": "stall", "probes": probes, "probe_ack_p50_ms": round(percentile(ack_ms, 50), 1),
        "probe_ack_p99_ms": round(percentile(ack_ms, 99), 1), "probe_failures": probes - len(ack_ms),
        "hostile_answered_s": {key: round(at - began, 1) for key, at in sorted(replies.times.items())},
        "complete": done,
    }


def _outcome(fake: FakeSlack, key: str) -> str:
    """What the reply to request ``key`` said, in a word or two."""
    said = " ".join(
        json.dumps(body) for path, body in list(fake.responses) if path == f"/response/{key}"
    ) + " ".join(
        json.dumps(params) for method, params in list(fake.calls)
        if method == "chat.update" and params.get("channel") == f"C{key}"
    )
    for marker, word in (("took longer", "timed out"), ("MB of HTML", "too large"), ("couldn", "error")):
        if marker in said:
            return word
    return "answered" if said else "no reply"


def hostile_fetch(fake: FakeSlack, tmp: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """The hostile links twice: with the default HTML budget (heavy pages refused before
    extraction), and with a budget that lets them through to the extraction time limit."""
    variants: list[dict[str, str]] = [{}, {"FETCH_MAX_HTML_BYTES": "5000000"}]
    return [_hostile_fetch_run(fake, tmp, args, extra, f"v{n}") for n, extra in enumerate(variants)]


def _hostile_fetch_run(
    fake: FakeSlack, tmp: Path, args: argparse.Namespace, extra: dict[str, str], run: str, probes: int = 200
) -> dict[str, Any]:
    """Slow-header links and heavy pages at once: their outcomes, and everyone else's service."""
    with HostileWeb(byte_interval_s=2.0, links=100_000) as web:
        deployment = _deployment(fake, tmp, args.database_url, 1)
        settings = {"WORKER_POOL_SIZE": str(HOSTILE_FETCH_THREADS), **extra}
        deployment.env.update({"FETCH_ALLOW_HOSTS": web.host, **settings})
        deployment.start(1 if args.database_url else 0)
        client = SignedClient(deployment.url, SIGNING_SECRET)
        links = {f"slow{i}": web.url("slow", str(i)) for i in range(4)}
        links.update({f"links{i}": web.url("links", str(i)) for i in range(4)})
        sent: dict[str, float] = {}

        def send(item: tuple[str, str]) -> int:
            name, url = item
            sent[f"hf{run}-{name}"] = time.time()
            return client.command(url, fake.response_url(f"hf{run}-{name}"), channel=f"Chf{run}-{name}")[0]

        try:
            with ThreadPoolExecutor(max_workers=len(links)) as pool:
                list(pool.map(send, links.items()))
            time.sleep(1.0)  # the hostile fetches are under way
            other_sent = time.time()
            client.command("The ferry to the islands runs again from Monday, the harbour office said.",
                           fake.response_url(f"other{run}-1"), channel=f"Cother{run}-1")
            with ThreadPoolExecutor(max_workers=10) as pool:
                acks = list(pool.map(
                    lambda i: _help(client, fake.response_url(f"probe{run}-{i}")), range(probes)
                ))
            done = _wait_for(lambda: _answered(fake, f"hf{run}-"), len(links), args.timeout)
            _wait_for(lambda: _answered(fake, f"other{run}-"), 1, args.timeout)
            hostile_replies, other = _replies(fake, f"hf{run}-"), _replies(fake, f"other{run}-")
        finally:
            deployment.stop()
    ack_ms = [ms for status, ms in acks if status == 200]
    return {
        "scenario": "hostile-fetch", "settings": settings,
        "probe_ack_p50_ms": round(percentile(ack_ms, 50), 1), "probe_ack_p99_ms": round(percentile(ack_ms, 99), 1),
        "probe_failures": probes - len(ack_ms),
        "other_user_answer_s": round(other.times[f"other{run}-1"] - other_sent, 2) if other.times else None,
        "hostile_links": {
            key.split("-", 1)[1]: {"outcome": _outcome(fake, key), "answered_s": round(at - sent[key], 1)}
            for key, at in sorted(hostile_replies.times.items())
        },
        "complete": done,
    }


def _help(client: SignedClient, response_url: str) -> tuple[int, float]:
    return _timed(lambda: client.command("help", response_url))


class SlowClients:
    """``count`` unsigned connections that each send one header line every ``interval_s``, never
    finishing their request, and reconnect when the bot closes them (one thread, non-blocking)."""

    def __init__(self, url: str, count: int, interval_s: float) -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        self.address = (host, int(port))
        self.count = count
        self.interval_s = interval_s
        self.reconnects = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="slow-clients", daemon=True)

    def _open(self) -> socket.socket:
        sock = socket.socket()
        sock.setblocking(False)
        sock.connect_ex(self.address)
        return sock

    def _run(self) -> None:
        sockets = [self._open() for _ in range(self.count)]
        sent = [0] * self.count
        first = True
        while not self._stop.wait(0.5 if first else self.interval_s):
            first = False
            for i, sock in enumerate(sockets):
                line = b"POST /slack/events HTTP/1.1\r\n" if sent[i] == 0 else b"X-Slow-%d: 1\r\n" % sent[i]
                try:
                    sock.send(line)
                    sent[i] += 1
                except OSError:  # closed by the bot (or not connected yet): connect again
                    sock.close()
                    sockets[i], sent[i] = self._open(), 0
                    self.reconnects += 1
        for sock in sockets:
            sock.close()

    def __enter__(self) -> SlowClients:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def slow_connections(
    fake: FakeSlack, tmp: Path, args: argparse.Namespace, connections: int = 1100, duration_s: float = 40.0
) -> list[dict[str, Any]]:
    """Signed commands while ``connections`` slow clients hold the front, at the default cap and above it."""
    results = []
    log = tmp / "serve.log"
    for limit in (1000, connections + 500):
        log_start = log.stat().st_size if log.exists() else 0
        deployment = _deployment(fake, tmp, args.database_url, 1)
        deployment.env["HTTP_CONNECTION_LIMIT"] = str(limit)
        deployment.start(1 if args.database_url else 0)
        client = SignedClient(deployment.url, SIGNING_SECRET, timeout_s=30.0)
        acks: list[tuple[int, float]] = []
        try:
            with SlowClients(deployment.url, connections, interval_s=5.0) as slow:
                time.sleep(3.0)  # every slow connection is open
                end = time.monotonic() + duration_s
                with ThreadPoolExecutor(max_workers=4) as pool:
                    futures: list[Future[tuple[int, float]]] = []
                    while time.monotonic() < end:
                        url = fake.response_url(f"slow-probe-{limit}-{len(futures)}")
                        futures.append(pool.submit(_help, client, url))
                        time.sleep(0.5)
                    acks = [f.result() for f in futures]
                reconnects = slow.reconnects
        finally:
            deployment.stop()
        with log.open("rb") as handle:
            handle.seek(log_start)
            logged = handle.read().decode(errors="replace")
        ack_ms = [ms for status, ms in acks if status == 200]
        results.append({
            "scenario": "slow-connections", "connections": connections, "HTTP_CONNECTION_LIMIT": limit,
            "signed_sent": len(acks), "signed_failures": len(acks) - len(ack_ms),
            "ack_p50_ms": round(percentile(ack_ms, 50), 1) if ack_ms else None,
            "ack_p99_ms": round(percentile(ack_ms, 99), 1) if ack_ms else None,
            "ack_max_ms": round(max(ack_ms), 1) if ack_ms else None,
            "acked_within_3s": sum(1 for ms in ack_ms if ms <= 3000),
            "slow_reconnects": reconnects,
            "cap_logged": "HTTP_CONNECTION_LIMIT" in logged,
        })
    return results


DOUBLE_DIGEST_WAIT_S = 20.0
"""How long the replicas scenario watches for a second digest after the first."""


def replicas(fake: FakeSlack, tmp: Path, args: argparse.Namespace, retry_share: float = 0.25) -> dict[str, Any]:
    """2 web + 2 workers on one PostgreSQL: duplicates under retries, and one digest per run."""
    if not args.database_url:
        return {"scenario": "replicas", "skipped": "needs --database-url (PostgreSQL)"}
    from datetime import UTC, datetime, timedelta

    from bot.slack.storage.messages import Store

    first = _deployment(fake, tmp, args.database_url, 1)
    second = _deployment(fake, tmp, args.database_url, 1)
    second.env = {**first.env, "PORT": second.url.rsplit(":", 1)[1]}
    store = Store(args.database_url)
    fire = (datetime.now(UTC) + timedelta(minutes=2)).replace(second=0, microsecond=0)
    digest_channel = "Cdigest"
    store.subscribe(digest_channel, "daily", fire.strftime("%H:%M"), "UTC")
    now = time.time()
    store.save_message(digest_channel, f"{now - 60:.6f}", _texts()[0], "U0BENCH")
    first.start(2)
    second.start(0)
    clients = [SignedClient(first.url, SIGNING_SECRET), SignedClient(second.url, SIGNING_SECRET)]
    texts = _texts()

    def one(i: int) -> int:
        trigger = f"T.replica.{i}"
        status, _ = clients[i % 2].command(texts[i % 2], fake.response_url(f"rep-{i}"), channel=f"Crep-{i}",
                                           trigger_id=trigger)
        if i < retry_share * args.requests:  # Slack's retry reaches the other replica
            clients[(i + 1) % 2].command(texts[i % 2], fake.response_url(f"rep-{i}"), channel=f"Crep-{i}",
                                         trigger_id=trigger)
        return status

    try:
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            statuses = list(pool.map(one, range(args.requests)))
        done = _wait_for(lambda: _answered(fake, "rep-"), args.requests, args.timeout)

        def digests() -> list[dict[str, Any]]:
            return [p for p in list(fake.posted) if p.get("channel") == digest_channel]

        # The digest job may queue behind the commands: wait for it, then a while for a double.
        until_fire = max(0.0, fire.timestamp() - time.time())
        done = _wait_for(lambda: len(digests()), 1, until_fire + args.timeout) and done
        time.sleep(DOUBLE_DIGEST_WAIT_S)
    finally:
        for deployment in (first, second):
            deployment.stop()
        store.close()
    replies = _replies(fake, "rep-")
    return {
        "scenario": "replicas", "web": 2, "workers": 2, "requests": args.requests,
        "retried_through_the_other_replica": int(retry_share * args.requests),
        "acked": statuses.count(200), "answered": len(replies.times), "answered_twice": replies.duplicates,
        "scheduled_digests_posted": len(digests()), "complete": done,
    }


def catchup(fake: FakeSlack, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    """A catch-up over 20 channels and 2,000 messages (:mod:`tools.bench_catchup`)."""
    deployment = _deployment(fake, tmp, args.database_url, 1)
    deployment.start(1 if args.database_url else 0)
    try:
        client = SignedClient(deployment.url, SIGNING_SECRET)
        return bench_catchup.catchup(fake, client, deployment.env["DATABASE_URL"], args.timeout)
    finally:
        deployment.stop()


def _throughputs(fake: FakeSlack, tmp: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    results = []
    for workers in (int(w) for w in str(args.workers).split(",") if w.strip()):
        results.append(throughput(fake, tmp, args, workers))
        fake.responses.clear()
        fake.response_times.clear()
    return results


def _run_scenario(scenario: str, fake: FakeSlack, tmp: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """The figures of one scenario (several for throughput, hostile-fetch and slow-connections)."""
    many: dict[str, Callable[[FakeSlack, Path, argparse.Namespace], list[dict[str, Any]]]] = {
        "throughput": _throughputs, "hostile-fetch": hostile_fetch, "slow-connections": slow_connections,
    }
    one: dict[str, Callable[[FakeSlack, Path, argparse.Namespace], dict[str, Any]]] = {
        "burst": burst, "hostile": hostile, "crash": crash, "shutdown": shutdown, "replicas": replicas,
        "stall": stall, "catchup": catchup,
    }
    return many[scenario](fake, tmp, args) if scenario in many else [one[scenario](fake, tmp, args)]


def run(args: argparse.Namespace) -> int:
    """Run the scenarios asked for and print their figures."""
    scenarios = [s.strip() for s in str(args.scenario).split(",") if s.strip()]
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        print(f"bench-slack: unknown scenario(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        for scenario in scenarios:
            with FakeSlack() as fake:
                results.extend(_run_scenario(scenario, fake, tmp, args))
    database = "postgresql (split)" if args.database_url else "sqlite (one process)"
    figures = {"cores": os.cpu_count(), "database": database, "results": results}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{figures['database']}, {figures['cores']} cores")
        for result in results:
            print(json.dumps(result))
    return 0
