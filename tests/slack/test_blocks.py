"""Block Kit builders: limits, escaping, numbering, owner mentions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.core.types import Priority, Quote, SummaryResult
from bot.slack.formats import blocks, strings
from tests.support.digests import Digest, DigestItem


def _result(**overrides: object) -> SummaryResult:
    base: dict[str, object] = {
        "source": "https://example.com/a",
        "kind": "article",
        "title": "Ports expand",
        "summary": ["Fujian expands its ports.", "Exports rose."],
        "model": "minilm",
        "elapsed_ms": 1234.0,
    }
    base.update(overrides)
    return SummaryResult(**base)  # type: ignore[arg-type]


def _texts(bs: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for b in bs:
        if isinstance(b.get("text"), dict):
            out.append(b["text"]["text"])
        out.extend(e["text"] for e in b.get("elements", ()))
    return out


HOSTILE = [
    "<!channel> look",
    "<!here>",
    "<@U999> owes us",
    "<https://evil.example|click me>",
    "a & b > c",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_content_is_escaped_everywhere(hostile: str) -> None:
    result = _result(
        title=hostile,
        summary=[hostile],
        quotes=[Quote(text=hostile, speaker=hostile, direct=True)],
        priorities=[Priority(text=hostile, owner=hostile, due=hostile)],
        decisions=[hostile],
        notices=[hostile],
        model=hostile,
    )
    payload = json.dumps(blocks.summary_blocks(result, source_url="https://x.test/<!channel>"))
    payload += json.dumps(blocks.summary_text(result))
    assert "<!" not in payload.replace("<!date^", "")
    assert "<@U999>" not in payload and "<https://evil" not in payload
    assert "&lt;" in payload or "&amp;" in payload


def test_structure_header_summary_context() -> None:
    bs = blocks.summary_blocks(_result(), source_url="https://example.com/a")
    assert bs[0] == {"type": "header", "text": {"type": "plain_text", "text": "Ports expand", "emoji": True}}
    assert bs[1]["text"]["text"] == "Fujian expands its ports. Exports rose."
    context = bs[-1]["elements"][0]["text"]
    assert "<https://example.com/a|Source>" in context and "minilm" in context and "1.2s" in context


def test_thread_without_title_gets_thread_header() -> None:
    bs = blocks.summary_blocks(_result(kind="thread", title=None))
    assert bs[0]["text"]["text"] == strings.THREAD_TITLE


def test_priorities_are_numbered_with_owner_mentions_only_for_ids() -> None:
    result = _result(
        priorities=[
            Priority(text="Ship the report", owner="Ana", owner_id="U123", due="Friday"),
            Priority(text="Call the port", owner="Bo"),
            Priority(text="Fix", owner="Eve", owner_id="not-an-id"),
        ]
    )
    bs = blocks.summary_blocks(result, mentionable={"U123"})
    text = next(t for t in _texts(bs) if t.startswith(strings.SECTION_PRIORITIES))
    lines = text.splitlines()[1:]
    assert lines[0] == "1. Ship the report — <@U123> (due Friday)"
    assert lines[1] == "2. Call the port — Bo"
    assert lines[2] == "3. Fix — Eve"


def test_quotes_have_speaker_and_permalink() -> None:
    result = _result(kind="thread", quotes=[Quote(text="We ship Friday", speaker="Ana", direct=True, ts="1.2")])
    bs = blocks.summary_blocks(result, permalinks={"1.2": "https://example.slack.com/archives/C1/p12"})
    quotes = next(t for t in _texts(bs) if t.startswith(strings.SECTION_QUOTES))
    assert "> “We ship Friday” — _Ana_ <https://example.slack.com/archives/C1/p12|(message)>" in quotes


def test_limits_trim_with_a_note_never_reject() -> None:
    huge = ["word " * 2000]
    many = [Priority(text=f"task {i} " + "x" * 200) for i in range(400)]
    result = _result(title="T" * 500, summary=huge, priorities=many,
                     quotes=[Quote(text="q" * 300, speaker=None, direct=True)] * 200)
    bs = blocks.summary_blocks(result)
    assert len(bs) <= blocks.MAX_BLOCKS
    assert len(bs[0]["text"]["text"]) <= blocks.HEADER_LIMIT
    assert all(len(t) <= blocks.SECTION_LIMIT for t in _texts(bs))
    assert sum(len(t) for t in _texts(bs)) <= blocks.MESSAGE_LIMIT
    assert strings.TRIMMED in bs[1]["text"]["text"]
    assert any("more not shown" in t for t in _texts(bs))
    assert bs[-1]["type"] == "context" and "minilm" in bs[-1]["elements"][0]["text"]


def test_fit_blocks_leaves_small_messages_alone() -> None:
    bs = blocks.summary_blocks(_result())
    assert blocks.fit_blocks(bs) == bs


def test_unsafe_urls_are_not_linked() -> None:
    assert blocks.link("javascript:alert(1)", "Source") == "Source"
    assert blocks.link("https://a.test/x|y", "S") == "S"
    assert blocks.link("https://a.test/?a=1&b=2", "S|x") == "<https://a.test/?a=1&amp;b=2|S¦x>"


def test_digest_blocks_items_and_priorities() -> None:
    digest = Digest(
        items=[
            DigestItem("article", "1.1", "https://example.slack.com/p11", "Ports <!here>", ["One.", "Two.", "Three."]),
            DigestItem("thread", "1.2", None, None, ["Talked."]),
        ],
        priorities=[Priority(text="Book venue", owner="Ana", owner_id="U0001")],
        mentionable=frozenset({"U0001"}),
    )
    texts = _texts(blocks.digest_blocks(digest))
    assert texts[0] == strings.DIGEST_TITLE
    assert "<https://example.slack.com/p11|Ports &lt;!here&gt;>" in texts[2]
    assert "One. Two." in texts[2] and "Three." not in texts[2]
    assert texts[3].startswith("*Thread*")
    assert texts[-1].endswith("1. Book venue — <@U0001>")
    assert "&lt;!here&gt;" in blocks.digest_text(digest)


def test_digest_with_many_items_is_trimmed() -> None:
    digest = Digest(items=[DigestItem("message", str(i), None, None, ["x" * 900]) for i in range(80)])
    bs = blocks.digest_blocks(digest)
    assert len(bs) <= blocks.MAX_BLOCKS
    assert "more not shown" in _texts(bs)[-1]


def test_help_lists_every_command() -> None:
    text = "\n".join(_texts(blocks.help_blocks()))
    for word in ("channel", "digest daily", "digest weekly", "digest off", "digest now", "digest status"):
        assert word in text


def test_error_and_progress_blocks_escape() -> None:
    assert "&lt;!channel&gt;" in blocks.error_blocks("bad <!channel>")[0]["text"]["text"]
    assert "Summarising the article" in blocks.progress_blocks(strings.PROGRESS_ARTICLE)[0]["text"]["text"]


@pytest.mark.parametrize("word", ["@here", "@channel", "@everyone", "@Channel"])
def test_bare_broadcast_words_are_broken(word: str) -> None:
    result = _result(summary=[f"{word} the port reopened."], title=word)
    payload = json.dumps(blocks.summary_blocks(result), ensure_ascii=False) + blocks.summary_text(result)
    assert word not in payload and f"@\u200b{word[1:]}" in payload


def test_mrkdwn_is_verbatim_so_nothing_is_auto_parsed() -> None:
    bs = blocks.summary_blocks(_result())
    assert bs[1]["text"]["verbatim"] is True
    assert bs[-1]["elements"][0]["verbatim"] is True
