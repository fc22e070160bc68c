"""Every message shape Slack sends, read as a person sees it; Slack exports as messages.

The payloads follow the shapes Slack documents and delivers (rich_text blocks, Block Kit
layouts, forwarded and shared messages, link unfurls, legacy attachments), written here.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.errors import InputError
from bot.slack.formats.markup import plain_text
from bot.slack.formats.shapes import (
    blocks_text,
    bot_name,
    edited_message,
    has_layout,
    header_text,
    is_bot_message,
    is_human_message,
    message_text,
    messages_from_export,
    participant_ids,
)


def section(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich_text_section", "elements": list(elements)}


def rich_text(*parts: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "rich_text", "block_id": "b1", "elements": list(parts)}]


def text(value: str, **style: bool) -> dict[str, Any]:
    return {"type": "text", "text": value, **({"style": style} if style else {})}


RICH_ONLY = {
    "type": "message", "user": "U0ANA", "ts": "1700000000.000100", "text": "",
    "blocks": rich_text(
        section(
            text("Plan for "), {"type": "user", "user_id": "U0BO"}, text(": ship the "),
            text("export page", bold=True), text(" fix & test <today>, see "),
            {"type": "link", "url": "https://a.example/plan?x=1&y=2", "text": "the plan"},
            text(" "), {"type": "emoji", "name": "rocket", "unicode": "1f680"},
        ),
        {"type": "rich_text_list", "style": "ordered", "indent": 0, "elements": [
            section(text("write the doc")), section(text("run the load test")),
        ]},
        {"type": "rich_text_quote", "elements": [text("Quality first.")]},
        {"type": "rich_text_preformatted", "elements": [text("make test")]},
        section({"type": "broadcast", "range": "here"}, text(" by "),
                {"type": "date", "timestamp": 1700000000, "format": "{date_short}", "fallback": "Nov 14"}),
    ),
}

SHARED_BLOCKS = rich_text(section(text("The vendor moved the deadline to Friday; "), {"type": "channel", "channel_id": "C0OPS"},
                                  text(" must sign off first.")))
FORWARDED = {
    "type": "message", "user": "U0ANA", "ts": "1700000100.000100", "text": "",
    "attachments": [{
        "id": 1, "ts": "1699990000.000200", "channel_id": "C0OPS", "channel_name": "ops",
        "is_msg_unfurl": True, "is_share": True, "private_channel_prompt": True,
        "author_id": "U0BO", "author_name": "Bo Chen", "author_subname": "Bo Chen",
        "author_link": "https://example.slack.com/team/U0BO",
        "original_url": "https://example.slack.com/archives/C0OPS/p1699990000000200",
        "fallback": "[November 14th, 2023 8:26 PM] bo: The vendor moved the deadline to Friday",
        "text": "The vendor moved the deadline to Friday; <#C0OPS> must sign off first.",
        "footer": "Posted in #ops", "mrkdwn_in": ["text"],
        "message_blocks": [{"team": "T1", "channel": "C0OPS", "ts": "1699990000.000200",
                            "message": {"blocks": SHARED_BLOCKS}}],
    }],
}
SHARED_WITH_COMMENT = {**FORWARDED, "text": "Heads up, <@U0BO> forwarded this:",
                       "blocks": rich_text(section(text("Heads up, "), {"type": "user", "user_id": "U0BO"},
                                                   text(" forwarded this:")))}
BOT_LAYOUT = {
    "type": "message", "subtype": "bot_message", "bot_id": "B0PAGER", "username": "Pager",
    "ts": "1700000200.000100", "text": "Incident #42 opened",
    "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "Incident #42: API errors & timeouts", "emoji": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Impact:* checkout fails for 8% of users &amp; retries pile up."},
         "fields": [{"type": "mrkdwn", "text": "*Owner:*\n<@U0BO>"}, {"type": "plain_text", "text": "Severity: high"}]},
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Opened by <https://pager.example/i/42|Pager>"},
                                          {"type": "image", "image_url": "https://pager.example/i.png", "alt_text": "logo"}]},
        {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Acknowledge"}}]},
    ],
}
UNFURL = {
    "type": "message", "user": "U0ANA", "ts": "1700000300.000100", "text": "<https://news.example/cranes>",
    "attachments": [{
        "id": 1, "service_name": "News", "title": "Harbour cranes arrive",
        "title_link": "https://news.example/cranes", "from_url": "https://news.example/cranes",
        "original_url": "https://news.example/cranes", "fallback": "News: Harbour cranes arrive",
        "text": "Three cranes doubled the port's capacity.", "image_url": "https://news.example/c.jpg",
    }],
}
LEGACY = {
    "type": "message", "bot_id": "B0CI", "username": "CI", "ts": "1700000400.000100", "text": "",
    "attachments": [{"pretext": "Build finished", "title": "main #512", "color": "good",
                     "fields": [{"title": "Status", "value": "passed", "short": True},
                                {"title": "Duration", "value": "4m 10s", "short": True}],
                     "fallback": "Build main #512 passed"}],
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (RICH_ONLY,
         "Plan for @Bo: ship the export page fix & test <today>, see the plan :rocket:\n"
         "1. write the doc\n2. run the load test\nQuality first.\nmake test\n@here by Nov 14"),
        (FORWARDED, "The vendor moved the deadline to Friday; #C0OPS must sign off first."),
        (SHARED_WITH_COMMENT, "Heads up, @Bo forwarded this:\n\nThe vendor moved the deadline to Friday; #C0OPS must sign off first."),
        (BOT_LAYOUT, "Incident #42: API errors & timeouts\n\n*Impact:* checkout fails for 8% of users & retries pile up.\n"
                     "*Owner:*\n@Bo\nSeverity: high\n\nOpened by Pager"),
        (UNFURL, "https://news.example/cranes\n\nHarbour cranes arrive\n\nThree cranes doubled the port's capacity."),
        (LEGACY, "Build finished\n\nmain #512\n\nStatus: passed\n\nDuration: 4m 10s"),
        ({"type": "message", "user": "U1", "ts": "1.0", "text": "just text"}, "just text"),
        ({"type": "message", "user": "U1", "ts": "1.0", "text": "", "attachments": [{"fallback": "only a fallback"}]},
         "only a fallback"),
        ({"type": "message", "user": "U1", "ts": "1.0", "text": "", "blocks": "not a list", "attachments": [1, None]}, ""),
    ],
    ids=["rich_text-only", "forwarded", "shared-with-comment", "bot-layout", "unfurl", "legacy-fields", "text", "fallback", "malformed"],
)
def test_message_text_reads_every_shape(raw: dict[str, Any], expected: str) -> None:
    names = {"U0BO": "Bo"}
    assert plain_text(message_text(raw), lambda user: names.get(user, user)) == expected


def test_markup_in_blocks_stays_markup_so_links_and_mentions_are_found() -> None:
    markup = message_text(RICH_ONLY)
    assert "<https://a.example/plan?x=1&amp;y=2|the plan>" in markup
    assert "fix &amp; test &lt;today&gt;" in markup and "<@U0BO>" in markup and "<!here>" in markup


def test_blocks_text_ignores_non_text_blocks() -> None:
    assert blocks_text([{"type": "divider"}, {"type": "image", "alt_text": "x"}]) == ""


def test_layout_and_bot_helpers() -> None:
    assert has_layout(BOT_LAYOUT) and not has_layout(RICH_ONLY)
    assert is_bot_message(BOT_LAYOUT) and not is_bot_message(FORWARDED)
    assert bot_name(BOT_LAYOUT) == "Pager" and bot_name({"bot_profile": {"name": "Jira"}}) == "Jira"
    assert bot_name(FORWARDED) is None
    assert header_text(BOT_LAYOUT) == "Incident #42: API errors & timeouts" and header_text(RICH_ONLY) is None


def test_edited_message() -> None:
    event = {"type": "message", "subtype": "message_changed", "channel": "C1", "hidden": True,
             "message": {"user": "U1", "ts": "1.0", "text": "new"}, "previous_message": {"user": "U1", "ts": "1.0", "text": "old"}}
    assert edited_message(event)["text"] == "new"
    assert edited_message(UNFURL) is UNFURL


@pytest.mark.parametrize(
    ("raw", "human"),
    [
        ({"user": "U1", "text": "hi", "ts": "1.0"}, True),
        ({"user": "U1", "text": "  ", "ts": "1.0"}, False),
        ({"user": "U1", "text": "joined", "subtype": "channel_join", "ts": "1.0"}, False),
        ({"bot_id": "B1", "text": "beep", "ts": "1.0"}, False),
        ({"user": "U1", "bot_id": "B1", "text": "app says", "ts": "1.0"}, False),
        ({"user": "U1", "text": "shared", "subtype": "thread_broadcast", "ts": "1.0"}, True),
        ({"user": "U1", "text": "This message was deleted.", "subtype": "tombstone", "ts": "1.0"}, False),
        (RICH_ONLY, True),
        (FORWARDED, True),
    ],
)
def test_is_human_message(raw: dict[str, Any], human: bool) -> None:
    assert is_human_message(raw) is human


def test_participant_ids_are_authors_and_mentioned_users() -> None:
    raws: list[dict[str, Any]] = [RICH_ONLY, SHARED_WITH_COMMENT, {"user": "U0CY", "text": "ok <@W0DEE> <!subteam^S1>"}]
    assert participant_ids(raws) == {"U0ANA", "U0BO", "U0CY", "W0DEE"}


def test_slack_export_is_sorted_filtered_and_rendered() -> None:
    data = [
        {"user": "U2", "user_profile": {"real_name": "Ana Lopez"}, "text": "Agreed &amp; done", "ts": "1700000300.000200"},
        {"user": "U1", "user_name": "tom", "text": "Ship it? <@U2>", "ts": "1700000100.000100"},
        {"subtype": "channel_join", "user": "U3", "text": "<@U3> has joined the channel", "ts": "1700000000.0"},
        {"subtype": "bot_message", "username": "deploybot", "bot_id": "B1", "text": "Build #12 passed", "ts": "1700000200.0"},
        {"user": "U4", "username": "sam", "text": "see <https://example.com/x|the doc>", "ts": "1700000400.0"},
        {"user": "U5", "text": "   ", "ts": "1700000500.0"},
        {**FORWARDED, "user": "U4", "username": "sam", "ts": "1700000600.0"},
    ]
    messages = messages_from_export(data)
    assert [(m.author, m.text, m.author_id) for m in messages] == [
        ("tom", "Ship it? @Ana Lopez", "U1"),
        ("Ana Lopez", "Agreed & done", "U2"),
        ("sam", "see the doc", "U4"),
        ("sam", "The vendor moved the deadline to Friday; #C0OPS must sign off first.", "U4"),
    ]
    assert messages[0].ts == "1700000100.000100"
    assert [m.mentions for m in messages] == [(("Ana Lopez", "U2"),), (), (), ()]


def test_slack_export_accepts_history_response() -> None:
    messages = messages_from_export({"ok": True, "messages": [{"user": "U1", "text": "hi", "ts": "1.0"}]})
    assert [m.text for m in messages] == ["hi"]


@pytest.mark.parametrize("data", [{"a": 1}, "text", [1, 2], [{"user": "U1", "ts": "1"}]])
def test_slack_export_with_wrong_shape_raises(data: object) -> None:
    with pytest.raises(InputError, match="not a Slack export"):
        messages_from_export(data)
