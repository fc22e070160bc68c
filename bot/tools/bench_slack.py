"""``python -m bot bench-slack``: ack and reply latency of the Slack app, and its memory.

Everything runs in-process on 127.0.0.1: the HTTP app (signed requests, as Slack sends
them) and a fake Slack Web API (``tests/fakeslack.py`` from the source checkout).
Figures: ack latency p50/p99; end-to-end latency (request sent -> final reply posted) for
the ~600-word seed article (``/summarise`` with pasted text, reply via response_url) and a
15-message thread (an @-mention, reply via chat.update), each with 1 and 8 concurrent
requests; RSS with the model loaded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.settings import Settings
from bot.tools.bench import peak_rss_mb, percentile
from bot.tools.datasets import REPO_ROOT

SEED_ARTICLE = REPO_ROOT / "seeds" / "fujian-advanced-manufacturing.txt"
SEED_THREAD = REPO_ROOT / "seeds" / "sample-thread.txt"
THREAD_MESSAGES = 15
SIGNING_SECRET = "bench-signing-secret"
POLL_S = 0.005


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the bench-slack command."""
    parser.add_argument("--repeat", type=int, default=5, help="sequential requests per case (default 5)")
    parser.add_argument("--concurrency", default="1,8", help="comma-separated concurrency levels (default 1,8)")
    parser.add_argument("--acks", type=int, default=100, help="requests for the idle ack latency (default 100)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for one reply (default 300)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


class LocalSlackApp:
    """The Slack app in HTTP mode on 127.0.0.1 port 0, plus a client sending signed requests.

    Used by this bench and by the end-to-end tests.
    """

    def __init__(self, settings: Settings, summariser: Any, listener_threads: int = 8) -> None:
        from bot.slack.app import build_app
        from bot.slack.serve import build_deps, build_http_server

        self.settings = settings
        self.deps = build_deps(settings, summariser)
        self.listeners = ThreadPoolExecutor(max_workers=listener_threads, thread_name_prefix="bolt")
        self.app = build_app(self.deps, listener_executor=self.listeners)
        self.server = build_http_server(self.app, "127.0.0.1", 0)
        threading.Thread(target=self.server.serve_forever, name="http", daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.verifier = SignatureVerifier(settings.slack_signing_secret or "")

    def post(
        self, body: str, content_type: str, *, sign: bool = True, age_s: int = 0,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """POST to /slack/events, signed like Slack (``age_s`` back-dates the timestamp)."""
        timestamp = str(int(time.time()) - age_s)
        sent = {"Content-Type": content_type, **(headers or {})}
        if sign:
            sent["X-Slack-Request-Timestamp"] = timestamp
            sent["X-Slack-Signature"] = self.verifier.generate_signature(timestamp=timestamp, body=body) or ""
        request = urllib.request.Request(self.url + "/slack/events", data=body.encode(), headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def command(
        self, text: str, response_url: str, channel: str = "C0BENCH", user: str = "U0BENCH"
    ) -> tuple[int, str]:
        """Send ``/summarise text``."""
        form = {
            "command": "/summarise", "text": text, "channel_id": channel, "user_id": user,
            "team_id": "T1", "response_url": response_url, "trigger_id": "t1",
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded")

    def event(self, event: dict[str, Any], event_id: str, retry: int | None = None) -> tuple[int, str]:
        """Send an Events API callback (with ``X-Slack-Retry-Num`` when ``retry`` is set)."""
        body = json.dumps({
            "type": "event_callback", "team_id": "T1", "api_app_id": "A1",
            "event_id": event_id, "event_time": int(time.time()), "event": event,
        })
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.post(body, "application/json", headers=headers)

    def shortcut(
        self, message: dict[str, Any], channel: str, response_url: str, user: str = "U0BENCH"
    ) -> tuple[int, str]:
        """Send the "Summarise this" message shortcut on ``message``."""
        payload = {
            "type": "message_action", "callback_id": "summarise_message", "team": {"id": "T1"},
            "channel": {"id": channel}, "user": {"id": user}, "message": message,
            "response_url": response_url, "trigger_id": "t2", "message_ts": message["ts"],
        }
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def close(self) -> None:
        """Stop serving, then wait for every listener and queued job to finish."""
        from bot.slack.serve import close_deps

        self.server.shutdown()
        self.server.server_close()
        self.listeners.shutdown(wait=True)
        close_deps(self.deps)


def _fake_slack_class() -> Any:
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    try:
        from tests.fakeslack import FakeSlack
    except ImportError as exc:
        raise SystemExit("bench-slack needs the source checkout (tests/fakeslack.py)") from exc
    return FakeSlack


def _thread_lines() -> list[tuple[str, str]]:
    """(author, text) of the seed thread's first 15 messages, or a generated thread."""
    from bot.core.detect import parse_transcript

    if SEED_THREAD.is_file():
        parsed = parse_transcript(SEED_THREAD.read_text(encoding="utf-8")) or []
        lines = [(m.author or "Someone", m.text) for m in parsed[:THREAD_MESSAGES]]
        if len(lines) == THREAD_MESSAGES:
            return lines
    people = ("Priya Shah", "Tom Becker", "Lena Ortiz", "Marcus Lee")
    return [
        (people[i % len(people)], f"Update {i}: the onboarding wizard step {i % 3 + 1} needs review by Friday.")
        for i in range(THREAD_MESSAGES)
    ]


def _install_thread(fake: Any, channel: str, lines: list[tuple[str, str]]) -> str:
    ids = {name: f"U{i:04d}B" for i, name in enumerate(sorted({a for a, _ in lines}))}
    for name, uid in ids.items():
        fake.users[uid] = {"id": uid, "name": name.split()[0].lower(), "real_name": name, "tz": "UTC"}
    parent = "1700000000.000100"
    fake.messages[channel] = [
        {"ts": f"{float(parent) + i:.6f}", "user": ids[author], "text": text, "thread_ts": parent}
        for i, (author, text) in enumerate(lines)
    ]
    return parent


def _wait(found: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not found():
        if time.monotonic() > deadline:
            raise TimeoutError("no reply within the timeout")
        time.sleep(POLL_S)


@dataclass
class Sample:
    """One request: how long its ack took and how long until its final reply was posted."""

    ack_ms: float
    reply_ms: float


def _article_request(app: LocalSlackApp, fake: Any, text: str, key: str, timeout: float) -> Sample:
    start = time.perf_counter()
    status, _ = app.command(text, fake.response_url(key))
    ack_ms = (time.perf_counter() - start) * 1000
    if status != 200:
        raise RuntimeError(f"the command was refused with HTTP {status}")
    path = f"/response/{key}"
    _wait(lambda: any(p == path for p, _ in list(fake.responses)), timeout)
    return Sample(ack_ms, (time.perf_counter() - start) * 1000)


def _thread_request(app: LocalSlackApp, fake: Any, channel: str, parent: str, key: str, timeout: float) -> Sample:
    mention = {"type": "app_mention", "user": "U0BENCH", "text": "<@UBOT> summary please",
               "ts": f"{time.time():.6f}", "thread_ts": parent, "channel": channel}
    start = time.perf_counter()
    status, _ = app.event(mention, f"Ev{key}")
    ack_ms = (time.perf_counter() - start) * 1000
    if status != 200:
        raise RuntimeError(f"the event was refused with HTTP {status}")
    _wait(lambda: any(m == "chat.update" and p.get("channel") == channel for m, p in list(fake.calls)), timeout)
    return Sample(ack_ms, (time.perf_counter() - start) * 1000)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return peak_rss_mb()


def _batch(run_one: Callable[[str], Sample], concurrency: int, requests: int, prefix: str) -> list[Sample]:
    """``requests`` requests (rounded up to whole rounds), sent ``concurrency`` at a time."""
    samples: list[Sample] = []
    with ThreadPoolExecutor(max_workers=concurrency) as senders:
        for round_ in range(-(-requests // concurrency)):
            keys = [f"{prefix}-{concurrency}-{round_}-{i}" for i in range(concurrency)]
            samples.extend(senders.map(run_one, keys))
    return samples


def run(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """Run the benchmark and print its figures."""
    from bot.adapters.models import load_summariser

    fake_slack = _fake_slack_class()
    base = settings or Settings()
    levels = [int(x) for x in str(args.concurrency).split(",") if x.strip()]
    t0 = time.perf_counter()
    summariser = load_summariser(base)
    load_s = time.perf_counter() - t0
    rss_loaded = _rss_mb()
    article = SEED_ARTICLE.read_text(encoding="utf-8")
    lines = _thread_lines()
    figures: dict[str, Any] = {
        "model": summariser.model_name,
        "model_load_s": round(load_s, 2),
        "rss_model_loaded_mb": round(rss_loaded, 1),
        "article_words": len(article.split()),
        "thread_messages": len(lines),
        "worker_pool_size": base.worker_pool_size,
        "cases": [],
    }
    with tempfile.TemporaryDirectory() as tmp, fake_slack() as fake:
        bench_settings = replace(
            base,
            slack_bot_token="xoxb-bench", slack_signing_secret=SIGNING_SECRET, slack_app_token=None,
            slack_api_url=fake.api_url, database_url=f"sqlite:///{tmp}/bench.db",
        )
        app = LocalSlackApp(bench_settings, summariser)
        try:
            summariser.summarise(_warm_doc(article))  # first call pays lazy initialisation
            acks = []
            for i in range(args.acks):
                start = time.perf_counter()
                app.command("help", fake.response_url(f"ack{i}"))
                acks.append((time.perf_counter() - start) * 1000)
            figures["ack_idle_ms"] = {
                "p50": round(percentile(acks, 50), 1), "p99": round(percentile(acks, 99), 1)
            }
            all_acks: list[float] = []
            for concurrency in levels:
                requests = max(args.repeat, 2 * concurrency) if concurrency > 1 else args.repeat
                arts = _batch(lambda key: _article_request(app, fake, article, key, args.timeout),
                              concurrency, requests, "art")

                def thread_one(key: str) -> Sample:
                    channel = "C" + key.replace("-", "").upper()
                    parent = _install_thread(fake, channel, lines)
                    return _thread_request(app, fake, channel, parent, key, args.timeout)

                threads = _batch(thread_one, concurrency, requests, "thr")
                for name, samples in (("article", arts), ("thread", threads)):
                    replies = [s.reply_ms for s in samples]
                    all_acks.extend(s.ack_ms for s in samples)
                    figures["cases"].append({
                        "case": name, "concurrency": concurrency, "requests": len(samples),
                        "reply_p50_ms": round(statistics.median(replies), 1),
                        "reply_max_ms": round(max(replies), 1),
                        "ack_p99_ms": round(percentile([s.ack_ms for s in samples], 99), 1),
                    })
            figures["ack_under_load_ms"] = {
                "p50": round(percentile(all_acks, 50), 1), "p99": round(percentile(all_acks, 99), 1)
            }
        finally:
            app.close()
    figures["rss_peak_mb"] = round(peak_rss_mb(), 1)
    _print(figures, as_json=args.json)
    return 0


def _warm_doc(text: str) -> Any:
    from bot.core.detect import build_document

    return build_document(text, source="warm-up", kind="article")


def _print(figures: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    print(f"model: {figures['model']} (loaded in {figures['model_load_s']} s), "
          f"worker pool {figures['worker_pool_size']}")
    print(f"RSS with the model loaded: {figures['rss_model_loaded_mb']} MB; peak {figures['rss_peak_mb']} MB")
    idle, load = figures["ack_idle_ms"], figures["ack_under_load_ms"]
    print(f"ack latency idle: p50 {idle['p50']} ms, p99 {idle['p99']} ms; "
          f"under load: p50 {load['p50']} ms, p99 {load['p99']} ms")
    print(f"article: {figures['article_words']} words; thread: {figures['thread_messages']} messages")
    print(f"{'case':<10}{'conc':>5}{'reqs':>6}{'reply p50 ms':>14}{'reply max ms':>14}{'ack p99 ms':>12}")
    for c in figures["cases"]:
        print(f"{c['case']:<10}{c['concurrency']:>5}{c['requests']:>6}{c['reply_p50_ms']:>14}"
              f"{c['reply_max_ms']:>14}{c['ack_p99_ms']:>12}")
