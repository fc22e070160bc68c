"""The ``catchup`` scenario of ``python -m tools bench-slack``: a catch-up over a busy day.

Twenty channels receive 2,000 messages as signed Events API callbacks (threads of every
length, top-level talk, a few mentions of the asker, decisions and action items taken from
the seed thread), from 20 clients at once; then the asker DMs "catch me up since
yesterday" three times while other people keep sending commands. Printed: the acks of the
events, of the DMs and of the commands sent meanwhile, and how long each catch-up took
from the DM to its reply in the DM.
"""

from __future__ import annotations

import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from tools.bench import percentile
from tools.datasets import REPO_ROOT
from tools.fakeslack import FakeSlack
from tools.slackclient import SignedClient

SEED_THREAD = REPO_ROOT / "seeds" / "sample-thread.txt"
CHANNELS = 20
MESSAGES = 2000
CLIENTS = 20
ASKS = 3
ASKER = "U0TOM"
ASKER_DM = "D0TOM"
PEOPLE = {"Priya Shah": "U0PRIYA", "Tom Becker": ASKER, "Lena Ortiz": "U0LENA", "Marcus Lee": "U0MARCUS"}
THREAD_SIZES = (0, 1, 4, 0, 9, 2, 0, 15, 0, 3)
"""Replies of the successive top-level messages of a channel (cycled)."""
_LINE = re.compile(r"^\[\d\d:\d\d\] ([^:]+): (.+)$")


@dataclass(frozen=True)
class Said:
    """One message of the day, as its event will carry it."""

    channel: str
    ts: str
    user: str
    text: str
    thread_ts: str | None


def _seed() -> list[tuple[str, str]]:
    lines = [_LINE.match(line.strip()) for line in SEED_THREAD.read_text(encoding="utf-8").splitlines()]
    return [(PEOPLE[m[1]], m[2]) for m in lines if m and m[1] in PEOPLE]


def day(now: float, channels: int = CHANNELS, messages: int = MESSAGES) -> list[Said]:
    """``messages`` messages over ``channels`` channels in the last 20 hours, oldest first per channel."""
    seed = _seed()
    per_channel = messages // channels
    said: list[Said] = []
    for c in range(channels):
        channel = f"C0CU{c:02d}"
        j, k = 0, 0
        while j < per_channel:
            parent_ts = f"{now - 72_000 + j * 600 + c * 0.01:.6f}"
            user, text = seed[(c + j) % len(seed)]
            if (c % 3 == 0) and k == 2:
                text = f"<@{ASKER}> {text}"
            said.append(Said(channel, parent_ts, user, text, None))
            j += 1
            for r in range(min(THREAD_SIZES[k % len(THREAD_SIZES)], per_channel - j)):
                user, text = seed[(c + j + r) % len(seed)]
                said.append(Said(channel, f"{now - 72_000 + j * 600 + c * 0.01:.6f}", user, text, parent_ts))
                j += 1
            k += 1
    return said


def _event(message: Said) -> dict[str, Any]:
    event = {"type": "message", "channel": message.channel, "channel_type": "channel", "user": message.user,
             "text": message.text, "ts": message.ts, "event_ts": message.ts}
    if message.thread_ts:
        event["thread_ts"] = message.thread_ts
    return event


def _timed_event(client: SignedClient, event: dict[str, Any]) -> float:
    start = time.perf_counter()
    status, _ = client.event(event)
    return (time.perf_counter() - start) * 1000 if status == 200 else float("inf")


def _stored(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM channel_messages")).scalar() or 0)
    finally:
        engine.dispose()


def _reply_time(fake: FakeSlack, after: float) -> tuple[float, str] | None:
    """When the first message posted in the asker's DM after ``after`` was posted, and its text."""
    for (method, params), at in zip(list(fake.calls), list(fake.call_times), strict=False):
        if method == "chat.postMessage" and params.get("channel") == ASKER_DM and at >= after:
            return at, json.dumps(params.get("blocks", ""))
    return None


def _probe(client: SignedClient, fake: FakeSlack, stop: threading.Event, acks: list[float]) -> None:
    """Other people's commands, one at a time, while catch-ups run."""
    i = 0
    while not stop.is_set():
        start = time.perf_counter()
        status, _ = client.command("help", fake.response_url(f"cu-probe-{i}"), channel="C0CU00", user="U0LENA")
        acks.append((time.perf_counter() - start) * 1000 if status == 200 else float("inf"))
        i += 1
        time.sleep(0.1)


def _ask(client: SignedClient, fake: FakeSlack, timeout: float) -> dict[str, Any]:
    sent = time.time()
    ts = f"{sent:.6f}"
    start = time.perf_counter()
    status, _ = client.event({"type": "message", "channel": ASKER_DM, "channel_type": "im", "user": ASKER,
                              "text": "catch me up since yesterday", "ts": ts, "event_ts": ts})
    ack_ms = (time.perf_counter() - start) * 1000
    deadline = time.monotonic() + timeout
    reply = _reply_time(fake, sent)
    while reply is None and time.monotonic() < deadline:
        time.sleep(0.02)
        reply = _reply_time(fake, sent)
    if reply is None or status != 200:
        return {"ack_ms": round(ack_ms, 1), "answered": False}
    at, blocks = reply
    return {"ack_ms": round(ack_ms, 1), "answered": True, "reply_s": round(at - sent, 2),
            "needs_you": blocks.count("Needs you"), "not_summarised": "were not summarised" in blocks}


def catchup(fake: FakeSlack, client: SignedClient, database_url: str, timeout: float) -> dict[str, Any]:
    """Fill the store of the bot ``client`` talks to through events, then time the catch-ups."""
    now = time.time()
    messages = day(now)
    channels = sorted({m.channel for m in messages})
    others = [uid for uid in PEOPLE.values() if uid != ASKER]
    fake.users = {uid: {"id": uid, "real_name": name, "tz": "UTC"} for name, uid in PEOPLE.items()}
    fake.members = {**{c: [ASKER, *others] for c in channels}, ASKER_DM: [ASKER]}
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        event_acks = list(pool.map(lambda m: _timed_event(client, _event(m)), messages))
    deadline = time.monotonic() + timeout
    while _stored(database_url) < len(messages) and time.monotonic() < deadline:
        time.sleep(0.2)
    stored = _stored(database_url)
    probe_acks: list[float] = []
    stop = threading.Event()
    prober = threading.Thread(target=_probe, args=(client, fake, stop, probe_acks), daemon=True)
    prober.start()
    try:
        asks = [_ask(client, fake, timeout) for _ in range(ASKS)]
    finally:
        stop.set()
        prober.join(timeout=30)
    replies = [a["reply_s"] for a in asks if a.get("answered")]
    return {
        "scenario": "catchup", "channels": len(channels), "messages_sent": len(messages), "stored": stored,
        "event_ack_p50_ms": round(percentile(event_acks, 50), 1),
        "event_ack_p99_ms": round(percentile(event_acks, 99), 1), "event_ack_max_ms": round(max(event_acks), 1),
        "catchup_reply_s": replies, "catchup_reply_max_s": max(replies) if replies else None,
        "dm_ack_max_ms": max(a["ack_ms"] for a in asks),
        "probe_ack_max_ms": round(max(probe_acks), 1) if probe_acks else None, "probes": len(probe_acks),
        "asks": asks,
    }

