"""Property tests over every Block Kit builder: whatever the content, each message

- passes slack_sdk's block validation and Slack's limits (50 blocks, 150-character headers,
  3,000-character sections, 40,000 characters of text),
- has no text that ends (or breaks) inside an entity (``&am…``) or a ``<…>`` token,
- contains only the markup we write ourselves: links to http(s) URLs, dates, and mentions
  of user ids the caller vouched for. Content never yields ``<!here>``, ``<!channel>``,
  ``<!subteam^…>`` or a ``<@U…>`` of someone outside the thread.
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.core.types import Priority, Quote, SummaryResult
from bot.slack.formats import blocks, markup, strings
from tests.support.digests import Digest, DigestItem

HOSTILE = [
    "<!channel>", "<!here>", "<!everyone>", "<@U0EVIL>", "<@W0ADMIN|admin>", "<!subteam^S0OPS|@ops>",
    "<https://evil.example|click>", "<mailto:a@b.c>", "&amp;", "&", "&lt;", "<", ">", "|", "@here", "@channel",
    "*", "_", "`", "~", ":rocket:", "\n", " ", "é", "😀", "a", "word ", "<!date^1^{date}|x>",
]
TEXT = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)), max_size=40).map("".join)
LONG_TEXT = st.one_of(TEXT, st.tuples(TEXT, st.integers(1, 200)).map(lambda t: t[0] * t[1]))
OPT_TEXT = st.one_of(st.none(), TEXT)
IDS = st.sampled_from(["U0ANA", "U0BO", "W0ADMIN", "U0EVIL", "not-an-id", "<!here>"])
URLS = st.one_of(
    st.none(),
    st.sampled_from(["https://a.example/x?a=1&b=2", "http://b.example/<!channel>", "javascript:alert(1)",
                     "https://c.example/" + "y" * 3000]),
    TEXT,
)
TS = st.one_of(st.none(), st.sampled_from(["1.1", "2.2", "3.3"]))
MENTIONABLE = st.frozensets(st.sampled_from(["U0ANA", "U0BO"]))

quotes = st.builds(Quote, text=LONG_TEXT, speaker=OPT_TEXT, direct=st.booleans(), ts=TS)
priorities = st.builds(Priority, text=LONG_TEXT, owner=OPT_TEXT, due=OPT_TEXT, ts=TS,
                       owner_id=st.one_of(st.none(), IDS))
results = st.builds(
    SummaryResult,
    source=TEXT, kind=st.sampled_from(["article", "thread"]), title=OPT_TEXT,
    summary=st.lists(LONG_TEXT, max_size=4), quotes=st.lists(quotes, max_size=30),
    priorities=st.lists(priorities, max_size=60), decisions=st.lists(LONG_TEXT, max_size=10),
    model=TEXT, elapsed_ms=st.floats(0, 1e7), notices=st.lists(TEXT, max_size=3),
)
PERMALINKS = st.dictionaries(st.sampled_from(["1.1", "2.2"]), st.sampled_from(
    ["https://example.slack.com/archives/C1/p11", "https://x.example/a&b", "not a url"]))


items = st.builds(DigestItem, kind=st.sampled_from(["article", "thread", "message"]), ts=st.sampled_from(["1.1", "2.2"]),
                  permalink=URLS, title=OPT_TEXT, summary=st.lists(LONG_TEXT, max_size=3))
digests = st.builds(
    Digest, channel_id=st.just("C0GEN"), period_start=st.floats(0, 4e9), period_end=st.floats(0, 4e9),
    items=st.lists(items, max_size=70), priorities=st.lists(priorities, max_size=30), mentionable=MENTIONABLE,
    failures=st.dictionaries(st.sampled_from(["article", "thread", "message"]), st.integers(0, 5)),
)

_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_OUR_TOKEN = re.compile(
    r"<(?:https?://[^\s<>|]+\|[^<>|]*"  # a link with an escaped label
    r"|@[UW][A-Z0-9]{2,}"  # a mention (checked against ``mentionable`` below)
    r"|!date\^\d+\^[^<>|]*\|[^<>|]*"  # a date with its fallback
    r"|#C[A-Z0-9]+)>"  # a channel we name ourselves
)
_QUOTE_MARK = re.compile(r"^> ", re.MULTILINE)  # our blockquote marker at a line start
_BROADCAST_WORD = re.compile(r"@(here|channel|everyone)\b", re.IGNORECASE)


def well_formed(text: str, mentionable: frozenset[str]) -> None:
    """No broken entity or token anywhere, only our own markup, no ping outside ``mentionable``."""
    for token in _OUR_TOKEN.finditer(text):
        if token[0].startswith("<@"):
            assert token[0][2:-1] in mentionable, f"mention of {token[0]} in {text!r}"
    rest = _OUR_TOKEN.sub("", _QUOTE_MARK.sub("", text))
    assert "<" not in rest and ">" not in rest, f"stray or broken markup in {text!r}"
    assert "&" not in _ENTITY.sub("", rest), f"broken entity in {text!r}"
    assert not _BROADCAST_WORD.search(text), f"broadcast word in {text!r}"


def texts(block: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if isinstance(block.get("text"), dict):
        out.append(block["text"]["text"])
    out += [e["text"] for e in block.get("elements", ()) if isinstance(e, dict) and "text" in e]
    out += [f["text"] for f in block.get("fields", ())]
    return out


def check_message(bs: list[dict[str, Any]], mentionable: frozenset[str] = frozenset()) -> None:
    assert 0 < len(bs) <= blocks.MAX_BLOCKS
    total = 0
    for block in bs:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()  # raises SlackObjectFormationError on any Block Kit limit
        limit = {"header": blocks.HEADER_LIMIT, "section": blocks.SECTION_LIMIT, "context": blocks.CONTEXT_LIMIT}
        for text in texts(block):
            assert 0 < len(text) <= limit.get(block["type"], blocks.SECTION_LIMIT)
            well_formed(text, mentionable)
            total += len(text)
    assert total <= blocks.MESSAGE_LIMIT


def check_fallback(text: str) -> None:
    assert len(text) <= blocks.TEXT_FALLBACK_LIMIT
    well_formed(text, frozenset())


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(results, URLS, PERMALINKS, MENTIONABLE)
def test_summary_blocks(result: SummaryResult, url: str | None, permalinks: dict[str, str], mentionable: frozenset[str]) -> None:
    check_message(blocks.summary_blocks(result, source_url=url, permalinks=permalinks, mentionable=mentionable), mentionable)
    check_fallback(blocks.summary_text(result))


@SETTINGS
@given(st.lists(results, min_size=1, max_size=3), MENTIONABLE)
def test_joined_summaries(group: list[SummaryResult], mentionable: frozenset[str]) -> None:
    check_message(blocks.join_blocks(*(blocks.summary_blocks(r, mentionable=mentionable) for r in group)), mentionable)


@SETTINGS
@given(digests)
def test_digest_blocks(digest: Digest) -> None:
    check_message(blocks.digest_blocks(digest), digest.mentionable)
    check_fallback(blocks.digest_text(digest))


@SETTINGS
@given(LONG_TEXT)
def test_error_progress_and_notice_blocks(text: str) -> None:
    check_message(blocks.error_blocks(text))
    check_message(blocks.progress_blocks(text))
    if text.strip():  # notices are our own sentences, never empty
        check_message(blocks.notice_blocks(markup.clean(text)))


def test_help_blocks_escape_placeholders() -> None:
    bs = blocks.help_blocks()
    check_message(bs)
    joined = " ".join(t for b in bs for t in texts(b))
    assert "&lt;link&gt;" in joined and "&lt;pasted text&gt;" in joined
    well_formed(strings.HELP_FALLBACK, frozenset())


def test_date_fallback_is_a_date_in_words() -> None:
    assert blocks.slack_date(1_700_000_000) == "<!date^1700000000^{date_short_pretty} {time}|Tue 14 Nov 2023, 22:13 UTC>"


def test_owner_mentions_only_for_mentionable_ids() -> None:
    result = SummaryResult(source="s", kind="thread", title=None, summary=["x"], priorities=[
        Priority(text="deploy", owner="<@U0EVIL>", owner_id="U0EVIL"),
        Priority(text="review", owner="Ana", owner_id="U0ANA"),
    ])
    dumped = str(blocks.summary_blocks(result, mentionable={"U0ANA"}))
    assert "<@U0ANA>" in dumped and "<@U0EVIL>" not in dumped and "&lt;@U0EVIL&gt;" in dumped
    assert "<@U0ANA>" not in str(blocks.summary_blocks(result))  # pasted or fetched: no mentions at all
