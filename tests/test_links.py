"""One link extractor serves commands, mentions, shortcuts and digests."""

from __future__ import annotations

import pytest

from bot.slack.digest import shared_urls
from bot.slack.links import find_url, urls_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see <https://a.example/x?p=1&amp;q=2|the article>", ["https://a.example/x?p=1&q=2"]),
        ("plain https://b.example/y. and <https://a.example/x>", ["https://a.example/x", "https://b.example/y"]),
        ("twice https://b.example/y https://b.example/y", ["https://b.example/y"]),
        ("no links here", []),
    ],
)
def test_urls_in(text: str, expected: list[str]) -> None:
    assert urls_in(text) == expected
    assert find_url(text) == (expected[0] if expected else None)


def test_digests_skip_slack_pages_that_commands_still_see() -> None:
    text = "<https://team.slack.com/archives/C1/p1> and https://news.example/story"
    assert find_url(text) == "https://team.slack.com/archives/C1/p1"
    assert shared_urls(text) == ["https://news.example/story"]
