"""Listener units: command parsing and message storing (fake store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.slack.listeners import membership, messages
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
    "text",
    [
        "channel 24h <#G0123ABC|secret-ops>",
        "channel 24h please",
        "channel 7 days",
        "channel for <#C0123ABC|ops> since monday",
        "digest daily at 9 every day",
        "digest now please and thanks",
        "channel is down",
    ],
)
def test_a_mistyped_command_is_an_error_with_help_never_text(text: str) -> None:
    parsed = parse_command(text)
    assert parsed.action == "error" and parsed.show_help and parsed.text and "help" in parsed.text


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
        version: str | None = None, *, create: bool = True,
    ) -> None:
        if create or (channel_id, ts) in self.saved:
            self.saved[(channel_id, ts)] = (text, user_id, thread_ts)

    def delete_message(self, channel_id: str, ts: str, *, create: bool = True) -> None:
        self.saved.pop((channel_id, ts), None)


    def forget_conversation(self, channel_id: str) -> bool:
        self.saved = {key: value for key, value in self.saved.items() if key[0] != channel_id}
        subscribed = channel_id in self.subscribed
        self.subscribed.discard(channel_id)
        return subscribed


@dataclass
class FakeDeps:
    store: FakeStore


def test_messages_are_stored_for_channels_and_subscribed_conversations_only() -> None:
    deps: Any = FakeDeps(FakeStore(subscribed={"C1"}))
    messages.handle(deps, {"channel": "C1", "ts": "1.1", "user": "U1", "text": "hello"})
    messages.handle(deps, {"channel": "D2", "ts": "1.2", "user": "U1", "text": "a DM", "channel_type": "im"})
    messages.handle(deps, {"channel": "G3", "ts": "1.2", "user": "U1", "text": "a group DM", "channel_type": "mpim"})
    messages.handle(deps, {"channel": "C1", "ts": "1.3", "bot_id": "B1", "text": "a bot"})
    messages.handle(deps, {"channel": "C1", "ts": "1.4", "subtype": "channel_join", "user": "U2", "text": "joined"})
    messages.handle(deps, {"channel": "C1", "ts": "1.5", "user": "U2", "text": "reply", "thread_ts": "1.1"})
    assert deps.store.saved == {("C1", "1.1"): ("hello", "U1", None), ("C1", "1.5"): ("reply", "U2", "1.1")}
    messages.handle(deps, {"channel": "C1", "subtype": "message_changed",
                           "message": {"ts": "1.1", "user": "U1", "text": "hello, edited"}})
    messages.handle(deps, {"channel": "C1", "subtype": "message_deleted", "deleted_ts": "1.5"})
    assert deps.store.saved == {("C1", "1.1"): ("hello, edited", "U1", None)}


def test_every_channel_the_bot_is_in_is_stored_without_a_subscription() -> None:
    deps: Any = FakeDeps(FakeStore())
    messages.handle(deps, {"channel": "C2", "ts": "1.1", "user": "U1", "text": "public", "channel_type": "channel"})
    messages.handle(deps, {"channel": "G2", "ts": "1.2", "user": "U1", "text": "private", "channel_type": "group"})
    messages.handle(deps, {"channel": "C2", "ts": "1.3", "user": "U2", "text": "a reply", "thread_ts": "1.1",
                           "channel_type": "channel"})
    messages.handle(deps, {"channel": "C2", "subtype": "message_changed", "channel_type": "channel",
                           "message": {"ts": "1.1", "user": "U1", "text": "public, edited"}})
    assert deps.store.saved == {
        ("C2", "1.1"): ("public, edited", "U1", None),
        ("G2", "1.2"): ("private", "U1", None),
        ("C2", "1.3"): ("a reply", "U2", "1.1"),
    }


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



def test_edits_and_deletes_apply_where_the_message_is_stored_even_unsubscribed() -> None:
    deps: Any = FakeDeps(FakeStore(subscribed=set()))
    deps.store.saved = {("C1", "1.1"): ("secret", "U1", None), ("C1", "1.2"): ("other secret", "U1", None)}
    messages.handle(deps, {"channel": "C1", "subtype": "message_changed",
                           "message": {"ts": "1.1", "user": "U1", "text": "edited away"}})
    messages.handle(deps, {"channel": "C1", "subtype": "message_deleted", "deleted_ts": "1.2"})
    messages.handle(deps, {"channel": "C1", "subtype": "message_changed",
                           "message": {"ts": "1.9", "user": "U1", "text": "never stored here"}})
    messages.handle(deps, {"channel": "C1", "ts": "2.0", "user": "U1", "text": "new: not stored unsubscribed"})
    assert deps.store.saved == {("C1", "1.1"): ("edited away", "U1", None)}


@pytest.mark.parametrize(
    ("event", "forgotten"),
    [
        ({"type": "channel_left", "channel": "C1", "actor_id": "U9", "event_ts": "1.0"}, True),
        ({"type": "group_left", "channel": "C1", "actor_id": "U9", "event_ts": "1.0"}, True),
        ({"type": "channel_archive", "channel": "C1", "user": "U9"}, True),
        ({"type": "group_archive", "channel": "C1"}, True),
        ({"type": "channel_deleted", "channel": "C1"}, True),
        ({"type": "group_deleted", "channel": "C1", "actor_id": "U9", "date_deleted": 1}, True),
        ({"type": "member_left_channel", "user": "UBOT", "channel": "C1", "channel_type": "C", "team": "T1"}, True),
        ({"type": "member_left_channel", "user": "U9", "channel": "C1", "channel_type": "C", "team": "T1"}, False),
    ],
    ids=lambda e: e["type"] + ("-bot" if e.get("user") == "UBOT" else "") if isinstance(e, dict) else str(e),
)
def test_the_bot_losing_a_conversation_forgets_it(event: dict[str, Any], forgotten: bool) -> None:
    deps: Any = FakeDeps(FakeStore(subscribed={"C1", "C2"}))
    deps.store.saved = {("C1", "1.1"): ("x", "U1", None), ("C2", "1.1"): ("y", "U1", None)}
    membership.handle(deps, event, bot_user_id="UBOT")
    assert ("C1" not in deps.store.subscribed) is forgotten
    assert (("C1", "1.1") not in deps.store.saved) is forgotten
    assert "C2" in deps.store.subscribed and ("C2", "1.1") in deps.store.saved
