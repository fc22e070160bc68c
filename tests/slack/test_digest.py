"""Digest building: candidate picking, skipping failures, combined priorities."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import pytest

from bot.core.errors import EmptyInputError, FetchError
from bot.core.types import Document, Priority, SummaryResult
from bot.slack.digests.build import (
    build_digest,
    combine_priorities,
    pick_candidates,
    shared_urls,
)
from bot.slack.storage.messages import StoredMessage

LONG = " ".join(["word"] * 90)
NAMES = {"U1": "Ada Lovelace", "U2": "Grace Hopper", "U3": "Alan"}


def msg(
    ts: float, text: str, user: str = "U1", thread_ts: float | None = None, replies: int = 0
) -> StoredMessage:
    return StoredMessage(
        channel_id="C1",
        ts=f"{ts:.6f}",
        thread_ts=f"{thread_ts:.6f}" if thread_ts is not None else None,
        user_id=user,
        text=text,
        reply_count=replies,
    )


def busy_thread(ts: float, replies: int) -> list[StoredMessage]:
    parent = msg(ts, f"Thread about topic {int(ts)}", replies=replies)
    return [parent] + [
        msg(ts + i, f"reply {i} to {int(ts)}", user="U2", thread_ts=ts)
        for i in range(1, replies + 1)
    ]


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("see <https://a.org/x|the post>", ["https://a.org/x"]),
        ("<https://a.org/x> and again <https://a.org/x>", ["https://a.org/x"]),
        ("pasted https://b.org/y?q=1 here", ["https://b.org/y?q=1"]),
        ("<https://acme.slack.com/archives/C1/p1> only", []),
        ("no link, just <@U1>", []),
        ("<mailto:a@b.org|mail>", []),
    ],
)
def test_shared_urls(text: str, urls: list[str]) -> None:
    assert shared_urls(text) == urls


def test_pick_candidates_kinds_and_order() -> None:
    messages = [
        msg(100, "short hello"),
        msg(110, "read <https://a.org/one>"),
        msg(120, LONG),
        msg(130, "also <https://a.org/one> again, and <https://b.org/two|two>"),
        *busy_thread(200, 5),
        *busy_thread(300, 2),  # below min_thread_replies
        msg(400, LONG + " <https://c.org/three>"),  # a link, not a long message
    ]
    got = pick_candidates(messages)

    assert [(c.kind, c.ts, c.url) for c in got] == [
        ("article", "110.000000", "https://a.org/one"),
        ("message", "120.000000", None),
        ("article", "130.000000", "https://b.org/two"),
        ("thread", "200.000000", None),
        ("article", "400.000000", "https://c.org/three"),
    ]
    thread = got[3]
    assert [m.ts for m in thread.messages] == [f"{200 + i}.000000" for i in range(6)]


def test_pick_candidates_busiest_threads_first_and_round_robin() -> None:
    messages = busy_thread(100, 3) + busy_thread(200, 9) + busy_thread(300, 6)
    messages += [msg(1000 + i, f"<https://a.org/{i}>") for i in range(5)]
    got = pick_candidates(messages, max_items=4)
    assert sorted(c.ts for c in got if c.kind == "thread") == ["200.000000", "300.000000"]
    assert [c.url for c in got if c.kind == "article"] == ["https://a.org/0", "https://a.org/1"]


def test_long_thread_reply_is_not_a_separate_message() -> None:
    messages = [msg(100, "parent", replies=3)] + [
        msg(100 + i, LONG, user="U2", thread_ts=100) for i in range(1, 4)
    ]
    assert [c.kind for c in pick_candidates(messages)] == ["thread"]


def test_pick_candidates_since_keeps_old_parents_for_threads_only() -> None:
    messages = [
        msg(10, "old <https://a.org/old>", replies=3),
        msg(20, LONG),
        *[msg(100 + i, f"new reply {i}", user="U2", thread_ts=10) for i in range(3)],
        msg(200, "new <https://a.org/new>"),
    ]
    got = pick_candidates(messages, since=100.0)
    assert [(c.kind, c.ts, c.url) for c in got] == [
        ("thread", "10.000000", None),
        ("article", "200.000000", "https://a.org/new"),
    ]
    assert len(pick_candidates(messages)) == 4


def test_pick_candidates_empty() -> None:
    assert pick_candidates([msg(1, "hi"), msg(2, "ok")]) == []


class FakeSummariser:
    """Returns a canned result per document; records what it was given."""

    def __init__(self, priorities: dict[str, list[Priority]] | None = None) -> None:
        self.docs: list[Document] = []
        self.priorities = priorities or {}

    def __call__(self, doc: Document) -> SummaryResult:
        self.docs.append(doc)
        if not doc.text.strip():
            raise EmptyInputError("There is no text to summarise.")
        key = doc.source
        return SummaryResult(
            source=doc.source,
            kind=doc.kind,
            title=doc.title,
            summary=[f"Summary of {doc.source}."],
            priorities=list(self.priorities.get(key, [])),
        )


def fetch(url: str) -> Document:
    if "broken" in url:
        raise FetchError(f"Could not fetch {url}.")
    return Document(kind="article", text=f"Body of {url}.", source=url, title=f"Title {url}")


def permalink(ts: str) -> str | None:
    return f"https://example.slack.com/archives/C1/p{ts.replace('.', '')}"


def test_build_digest_items_titles_and_skipped_failures(caplog: pytest.LogCaptureFixture) -> None:
    messages = [
        msg(100, "good <https://a.org/good>"),
        msg(110, "bad <https://a.org/broken>"),
        *busy_thread(200, 3),
        msg(300, "Long note from <@U3>\n" + LONG),
    ]
    summarise = FakeSummariser()
    with caplog.at_level(logging.WARNING, logger="bot.slack.digests.build"):
        digest = build_digest(
            "C1", 50.0, 500.0, messages, summarise, fetch, NAMES.__getitem__, permalink
        )

    assert (digest.channel_id, digest.period_start, digest.period_end) == ("C1", 50.0, 500.0)
    assert [(i.kind, i.ts, i.title) for i in digest.items] == [
        ("article", "100.000000", "Title https://a.org/good"),
        ("thread", "200.000000", "Thread about topic 200"),
        ("message", "300.000000", "Long note from @Alan"),
    ]
    assert digest.items[0].permalink == "https://example.slack.com/archives/C1/p100000000"
    assert digest.items[0].summary == ["Summary of https://a.org/good."]
    assert "https://a.org/broken" in caplog.text
    thread_doc = summarise.docs[1]
    assert thread_doc.kind == "thread"
    assert [m.author for m in thread_doc.messages] == ["Ada Lovelace"] + ["Grace Hopper"] * 3
    assert [m.author_id for m in thread_doc.messages][:2] == ["U1", "U2"]
    assert "@Alan" in summarise.docs[2].text and "<@U3>" not in summarise.docs[2].text


def test_build_digest_survives_unexpected_errors() -> None:
    def flaky(doc: Document) -> SummaryResult:
        if doc.kind == "thread":
            raise RuntimeError("model crashed")
        return FakeSummariser()(doc)

    messages = [msg(100, "<https://a.org/x>"), *busy_thread(200, 4)]
    digest = build_digest("C1", 0, 1000, messages, flaky, fetch, NAMES.__getitem__, permalink)
    assert [i.kind for i in digest.items] == ["article"]


def test_build_digest_with_nothing_to_report() -> None:
    digest = build_digest("C1", 0, 10, [msg(1, "hi")], FakeSummariser(), fetch, str, permalink)
    assert digest.items == [] and digest.priorities == []


def test_priorities_are_combined_deduped_and_owned() -> None:
    thread_source = "thread 200.000000 in C1"
    summarise = FakeSummariser(
        {
            "https://a.org/x": [
                Priority("Ship the release notes."),
                Priority("Review the budget", due="Friday"),
            ],
            thread_source: [
                Priority("ship the  release notes", owner="@Grace", ts="201.000000"),
                Priority("Book the venue", owner="Ada Lovelace", owner_id="U1", ts="202.000000"),
            ],
        }
    )
    messages = [msg(100, "<https://a.org/x>"), *busy_thread(200, 3)]
    digest = build_digest("C1", 0, 1000, messages, summarise, fetch, NAMES.__getitem__, permalink)

    assert [(p.text, p.owner, p.owner_id, p.due, p.ts) for p in digest.priorities] == [
        ("Ship the release notes.", "@Grace", "U2", None, "100.000000"),
        ("Review the budget", None, None, "Friday", "100.000000"),
        ("Book the venue", "Ada Lovelace", "U1", None, "202.000000"),
    ]


def test_ambiguous_first_names_get_no_owner_id() -> None:
    names = {"U1": "Tom Becker", "U2": "Tom Hardy", "U3": "Lena Ortiz"}
    summarise = FakeSummariser(
        {
            "thread 200.000000 in C1": [
                Priority("Fix the build", owner="Tom"),
                Priority("Write the notes", owner="Lena"),
                Priority("Plan the offsite", owner="@Tom Hardy"),
            ]
        }
    )
    messages = busy_thread(200, 3)
    messages[2] = replace(messages[2], user_id="U3")
    messages[3] = replace(messages[3], user_id="U2")
    digest = build_digest("C1", 0, 1000, messages, summarise, fetch, names.__getitem__, permalink)
    assert [p.owner_id for p in digest.priorities] == [None, "U3", "U2"]


def test_combine_priorities_caps_the_list() -> None:
    result = SummaryResult(
        source="s", kind="article", title=None, summary=[],
        priorities=[Priority(f"Task {i}") for i in range(30)],
    )
    assert len(combine_priorities([("1.0", result)], max_items=5)) == 5


def test_build_digest_with_the_real_summariser(summariser: Any, seed_text: str) -> None:
    """The seed thread (as stored Slack messages) and the seed article (as a shared link)."""
    from bot.core.documents import build_document, parse_transcript
    from tests.conftest import REPO_ROOT

    lines = parse_transcript((REPO_ROOT / "seeds" / "sample-thread.txt").read_text("utf-8"))
    assert lines is not None
    ids = {name: f"U{i}" for i, name in enumerate(sorted({m.author for m in lines if m.author}))}
    names = {uid: name for name, uid in ids.items()}
    thread = [
        msg(
            1000 + i,
            m.text,
            user=ids[m.author or ""],
            thread_ts=None if i == 0 else 1000,
            replies=len(lines) - 1 if i == 0 else 0,
        )
        for i, m in enumerate(lines)
    ]
    messages = [msg(900, "Worth a read <https://news.example/fujian>"), *thread]

    def fetch_seed(url: str) -> Document:
        # The thread also links to nngroup.com: an unreachable page, skipped.
        if url != "https://news.example/fujian":
            raise FetchError(f"Could not reach {url}.")
        return build_document(seed_text, source=url, kind="article")

    digest = build_digest(
        "C1", 0, 5000, messages, summariser.summarise, fetch_seed, names.__getitem__, permalink
    )

    assert [i.kind for i in digest.items] == ["article", "thread"]
    assert all(item.summary for item in digest.items)
    article_words = seed_text.split()
    assert any(word in article_words for word in digest.items[0].summary[0].split())
    owned = [p for p in digest.priorities if p.owner_id]
    assert owned, digest.priorities
    assert {p.owner_id for p in owned} <= set(names)
