"""The DM parser: what a message to the bot asks for, and when a look-back starts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.slack.formats.intents import (
    DEFAULT_SINCE,
    MAX_SINCE_DAYS,
    CatchUp,
    Help,
    Intent,
    MyItems,
    Since,
    SummariseChannel,
    SummariseLink,
    Unclear,
    parse_intent,
    parse_since,
)
from bot.slack.formats.markup import conversation_ids

PARIS = ZoneInfo("Europe/Paris")
WEDNESDAY = datetime(2025, 3, 12, 15, 30, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("", Help()),
        ("help", Help()),
        ("What can you do?", Help()),
        ("Catch me up", CatchUp()),
        ("catch me up since yesterday", CatchUp(Since("yesterday"))),
        ("Catch me up since Monday please", CatchUp(Since("weekday", 0))),
        ("catch me up on the last 3 days", CatchUp(Since("days", 3))),
        ("what did I miss in the past 6 hours?", CatchUp(Since("hours", 6))),
        ("catchup 2d", CatchUp(Since("days", 2))),
        ("catch me up on <#C0ENG|eng> and <#G0OPS> since last tue", CatchUp(Since("weekday", 1), ("C0ENG", "G0OPS"))),
        ("My action items", MyItems()),
        ("what's on my plate?", MyItems()),
        ("show my todos", MyItems()),
        ("summarise <#C0ENG|eng>", SummariseChannel("C0ENG")),
        ("Summarize <#C0ENG|eng> for the last week", SummariseChannel("C0ENG", Since("days", 7))),
        ("<#C0ENG> last 3 days", SummariseChannel("C0ENG", Since("days", 3))),
        ("recap <#C0ENG|eng> since yesterday", SummariseChannel("C0ENG", Since("yesterday"))),
        ("summarise the action items in <#C0ENG|eng>", SummariseChannel("C0ENG")),
        ("summarise <https://example.com/a?b=1&amp;c=2>", SummariseLink("https://example.com/a?b=1&c=2")),
        ("<https://example.com/story|a story>", SummariseLink("https://example.com/story")),
        ("tl;dr https://example.com/x please", SummariseLink("https://example.com/x")),
        ("Summarise a channel", Unclear("summarise")),
        ("Summarise a link", Unclear("summarise")),
        ("I think <https://example.com/x> is wrong about the cranes", Unclear()),
        ("the weather is nice", Unclear()),
    ],
)
def test_what_a_message_asks_for(text: str, intent: Intent) -> None:
    assert parse_intent(text) == intent


def test_the_suggested_prompts_parse_to_their_features() -> None:
    from bot.slack.formats.strings import AGENT_PROMPTS

    kinds = [type(parse_intent(message)).__name__ for _title, message in AGENT_PROMPTS]
    assert kinds == ["CatchUp", "MyItems", "Unclear", "Unclear"]


@pytest.mark.parametrize(
    ("words", "since"),
    [
        ("last 24h", Since("days", 1)),
        ("past 36 hours", Since("hours", 36)),
        ("last couple of days", Since("days", 2)),
        ("last week", Since("days", 7)),
        ("3 days ago", Since("days", 3)),
        ("since friday", Since("weekday", 4)),
        ("since sun", Since("weekday", 6)),
        ("today", Since("today")),
        ("last 90 days", Since("days", MAX_SINCE_DAYS)),
        ("last 0 days", None),
        ("since the meeting", None),
        ("version 2.5d of the doc", None),
    ],
)
def test_look_backs(words: str, since: Since | None) -> None:
    assert parse_since(words) == since


@pytest.mark.parametrize(
    ("since", "start"),
    [
        (Since("hours", 6), datetime(2025, 3, 12, 9, 30, tzinfo=PARIS)),
        (Since("days", 2), datetime(2025, 3, 10, 15, 30, tzinfo=PARIS)),
        (Since("today"), datetime(2025, 3, 12, 0, 0, tzinfo=PARIS)),
        (Since("yesterday"), datetime(2025, 3, 11, 0, 0, tzinfo=PARIS)),
        (Since("weekday", 0), datetime(2025, 3, 10, 0, 0, tzinfo=PARIS)),
        (Since("weekday", 4), datetime(2025, 3, 7, 0, 0, tzinfo=PARIS)),
        (Since("weekday", 2), datetime(2025, 3, 5, 0, 0, tzinfo=PARIS)),  # today's weekday: a week back
    ],
)
def test_a_look_back_starts_in_the_askers_time_zone(since: Since, start: datetime) -> None:
    assert since.start(WEDNESDAY) == start


def test_since_round_trips_through_a_job_payload() -> None:
    for since in (Since("weekday", 3), Since("hours", 5), Since("yesterday")):
        assert Since.from_json(since.to_json()) == since
    assert Since.from_json(None) == DEFAULT_SINCE
    assert Since.from_json({"kind": "fortnight", "count": 1}) == DEFAULT_SINCE


def test_conversation_ids_are_read_from_channel_tokens_only() -> None:
    text = "<#C0ENG|eng> <@U0ANA> <#G0OPS> <#C0ENG> <#bogus> <https://x.test|#C0NOPE>"
    assert conversation_ids(text) == ["C0ENG", "G0OPS"]
