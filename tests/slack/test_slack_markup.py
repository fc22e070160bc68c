"""Slack markup in one place: plain text, escaping, safe trimming, links, binary detection."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack.digests.build import shared_urls
from bot.slack.formats.markup import (
    date_in_words,
    escape,
    first_url,
    looks_binary,
    mentioned_names,
    mentioned_user_ids,
    plain_text,
    trim,
    unescape,
    urls_in,
)

NAMES = {"U1": "Ada", "W2": "Grace"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U1> and <@W2|grace>", "@Ada and @Grace"),
        ("<@U9|sam> and <@U8>", "@sam and @U8"),  # unknown users: label, else the id
        ("see <#C9|general> and <#C7>", "see #general and #C7"),
        ("<!here> <!channel> <!everyone|everyone>", "@here @channel @everyone"),
        ("<!subteam^S1|@devs> ping, <!subteam^S2>", "@devs ping, @group"),
        ("read <https://x.org/a?b=1&amp;c=2|the post> or <https://y.org>", "read the post or https://y.org"),
        ("mail <mailto:a@b.c|Ann> or <mailto:d@e.f>", "mail Ann or d@e.f"),
        ("a &lt; b &amp;&amp; c &gt; d, &amp;lt; stays", "a < b && c > d, &lt; stays"),
        ("at <!date^1700000000^{date_short} {time}|14 Nov 2023>", "at 14 Nov 2023"),
        ("at <!date^1700000000^{date_short}>", "at Tue 14 Nov 2023, 22:13 UTC"),
        ("no markup at all", "no markup at all"),
    ],
)
def test_plain_text(text: str, expected: str) -> None:
    assert plain_text(text, lambda uid: NAMES.get(uid, uid)) == expected


def test_plain_text_does_not_unescape_resolved_names() -> None:
    assert plain_text("<@U1>", lambda _uid: "Tom &amp; Co") == "@Tom &amp; Co"


def test_date_in_words() -> None:
    assert date_in_words(0) == "Thu 1 Jan 1970, 00:00 UTC"
    assert date_in_words(1e20) == "an unknown date"


@given(st.text())
def test_escape_round_trips(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert unescape(escaped) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see <https://a.example/x?p=1&amp;q=2|the article>", ["https://a.example/x?p=1&q=2"]),
        ("plain https://b.example/y. and <https://a.example/x>", ["https://a.example/x", "https://b.example/y"]),
        ("twice https://b.example/y https://b.example/y", ["https://b.example/y"]),
        ("<@U123> no link, <mailto:a@b.c|a@b.c>", []),
        ("no links here", []),
    ],
)
def test_urls_in(text: str, expected: list[str]) -> None:
    assert urls_in(text) == expected
    assert first_url(text) == (expected[0] if expected else None)


def test_digests_skip_slack_pages_that_commands_still_see() -> None:
    text = "<https://team.slack.com/archives/C1/p1> and https://news.example/story"
    assert first_url(text) == "https://team.slack.com/archives/C1/p1"
    assert shared_urls(text) == ["https://news.example/story"]


def test_mentioned_names_are_the_names_plain_text_shows_with_their_ids() -> None:
    markup = "<@U0A1> and <@W0B2|gil>, <@U0A1> again; <!here> <#C0C1> <!subteam^S1|@ops>"
    names = {"U0A1": "Ana Lopez"}.get
    assert plain_text(markup, lambda uid: names(uid) or uid) == "@Ana Lopez and @gil, @Ana Lopez again; @here #C0C1 @ops"
    assert mentioned_names(markup, lambda uid: names(uid) or uid) == (("Ana Lopez", "U0A1"), ("gil", "W0B2"))
    assert mentioned_names("no one") == ()


def test_mentioned_user_ids() -> None:
    assert mentioned_user_ids("<@U0A1> <@W0B2|g> <!here> <#C0C1> <@notanid>") == {"U0A1", "W0B2"}


def test_looks_binary() -> None:
    assert looks_binary("\x00\x01\x02abc\x03\x04")
    assert not looks_binary("Plain text.\n\tWith tabs and ünïcode.")
    assert not looks_binary("")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("a &amp; b &amp; c", 8, "a &amp;…"),  # a cut at 7 would split the second entity
        ("a &amp; b", 5, "a…"),
        ("see <https://x.test/a|link> now", 12, "see…"),
        ("<@U123> owns it", 5, "…"),
        ("plain words here", 8, "plain w…"),
    ],
)
def test_trim_never_splits_an_entity_or_token(text: str, limit: int, expected: str) -> None:
    assert trim(text, limit) == expected


_BROKEN = re.compile(r"&(?!amp;|lt;|gt;)|<[^<>]*$|^[^<>]*>")


@given(st.lists(st.sampled_from(["a", " ", "&amp;", "&lt;", "&gt;", "<@U123>", "<https://x.test/?a=1&amp;b|x>", "é"])), st.integers(1, 60))
def test_trim_property(pieces: list[str], limit: int) -> None:
    text = "".join(pieces)
    out = trim(text, limit)
    assert len(out) <= limit
    body = out.removesuffix("…")
    assert text.startswith(body)
    tokens_removed = re.sub(r"<[^<>]*>", "", body)
    assert "<" not in tokens_removed and ">" not in tokens_removed
    assert not re.search(r"&(?!amp;|lt;|gt;)", body)
