"""Listener units: command parsing and message storing (fake store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.slack.listeners import messages
from bot.slack.listeners.command import Parsed, parse_command

PARSE_TABLE: list[tuple[str, Parsed]] = [
    ("", Parsed("help")),
    ("  help ", Parsed("help")),
    ("channel", Parsed("channel", period_s=86_400)),
    ("channel 24h", Parsed("channel", period_s=86_400)),
    ("channel 7d", Parsed("channel", period_s=7 * 86_400)),
    ("channel 2h", Parsed("channel", period_s=7200)),
    ("digest daily", Parsed("digest_daily")),
    ("digest daily 7:05", Parsed("digest_daily", hhmm="07:05")),
    ("digest weekly", Parsed("digest_weekly", weekday=0)),
    ("digest weekly mon 08:30", Parsed("digest_weekly", hhmm="08:30", weekday=0)),
    ("digest weekly Friday", Parsed("digest_weekly", weekday=4)),
    ("digest weekly 17:45", Parsed("digest_weekly", hhmm="17:45", weekday=0)),
    ("DIGEST OFF", Parsed("digest_off")),
    ("digest now", Parsed("digest_now")),
    ("digest status", Parsed("digest_status")),
    ("https://example.com/a?b=1", Parsed("url", text="https://example.com/a?b=1")),
    ("<https://example.com/a?b=1&amp;c=2|example.com>", Parsed("url", text="https://example.com/a?b=1&c=2")),
    ("Ports grew &amp; ships &lt;waited&gt; less.", Parsed("text", text="Ports grew & ships <waited> less.")),
    ("channel 4 is down again, can someone look?", Parsed("text", text="channel 4 is down again, can someone look?")),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_TABLE, ids=[t or "<empty>" for t, _ in PARSE_TABLE])
def test_parse_command(text: str, expected: Parsed) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("channel 30d", "24h"),
        ("channel soon", "24h"),
        ("digest weekly someday", "weekday"),
        ("digest daily 25:00", "HH:MM"),
        ("digest weekly mon 9", "HH:MM"),
        ("digest", "help"),
        ("digest hourly", "help"),
    ],
)
def test_parse_errors_explain(text: str, fragment: str) -> None:
    parsed = parse_command(text)
    assert parsed.action == "error" and parsed.text and fragment in parsed.text


@dataclass
class FakeStore:
    subscribed: set[str] = field(default_factory=set)
    saved: dict[tuple[str, str], tuple[str, str | None, str | None]] = field(default_factory=dict)

    def subscription(self, channel_id: str) -> object | None:
        return object() if channel_id in self.subscribed else None

    def save_message(
        self, channel_id: str, ts: str, text: str, user_id: str | None, thread_ts: str | None = None,
        version: str | None = None,
    ) -> None:
        self.saved[(channel_id, ts)] = (text, user_id, thread_ts)

    def delete_message(self, channel_id: str, ts: str) -> None:
        self.saved.pop((channel_id, ts), None)


@dataclass
class FakeDeps:
    store: FakeStore


def test_messages_are_stored_for_subscribed_channels_only() -> None:
    deps: Any = FakeDeps(FakeStore(subscribed={"C1"}))
    messages.handle(deps, {"channel": "C1", "ts": "1.1", "user": "U1", "text": "hello"})
    messages.handle(deps, {"channel": "C2", "ts": "1.2", "user": "U1", "text": "elsewhere"})
    messages.handle(deps, {"channel": "C1", "ts": "1.3", "bot_id": "B1", "text": "a bot"})
    messages.handle(deps, {"channel": "C1", "ts": "1.4", "subtype": "channel_join", "user": "U2", "text": "joined"})
    messages.handle(deps, {"channel": "C1", "ts": "1.5", "user": "U2", "text": "reply", "thread_ts": "1.1"})
    assert deps.store.saved == {("C1", "1.1"): ("hello", "U1", None), ("C1", "1.5"): ("reply", "U2", "1.1")}
    messages.handle(deps, {"channel": "C1", "subtype": "message_changed",
                           "message": {"ts": "1.1", "user": "U1", "text": "hello, edited"}})
    messages.handle(deps, {"channel": "C1", "subtype": "message_deleted", "deleted_ts": "1.5"})
    assert deps.store.saved == {("C1", "1.1"): ("hello, edited", "U1", None)}


def test_every_message_shape_is_stored_as_seen() -> None:
    deps: Any = FakeDeps(FakeStore(subscribed={"C1"}))
    rich = [{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
        {"type": "text", "text": "rich only & "}, {"type": "user", "user_id": "U2"}]}]}]
    forwarded = [{"is_share": True, "message_blocks": [{"message": {"blocks": rich}}], "fallback": "[x] rich only"}]
    messages.handle(deps, {"channel": "C1", "ts": "2.1", "user": "U1", "text": "", "blocks": rich})
    messages.handle(deps, {"channel": "C1", "ts": "2.2", "user": "U1", "text": "", "attachments": forwarded})
    messages.handle(deps, {"channel": "C1", "ts": "2.3", "user": "U1", "text": "also here", "subtype": "thread_broadcast",
                           "thread_ts": "2.1", "root": {"ts": "2.1"}})
    messages.handle(deps, {"channel": "C1", "ts": "2.4", "user": "U1", "text": "parent", "thread_ts": "2.4"})
    messages.handle(deps, {"channel": "C1", "subtype": "message_changed", "hidden": True,
                           "message": {"ts": "2.4", "subtype": "tombstone", "text": "This message was deleted.",
                                       "thread_ts": "2.4", "user": "USLACKBOT"}})
    assert deps.store.saved == {
        ("C1", "2.1"): ("rich only &amp; <@U2>", "U1", None),
        ("C1", "2.2"): ("rich only &amp; <@U2>", "U1", None),
        ("C1", "2.3"): ("also here", "U1", "2.1"),
    }

