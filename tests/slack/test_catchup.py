"""Building a catch-up from stored messages, and its Block Kit."""

from __future__ import annotations

import json
import time
from concurrent.futures import Future
from dataclasses import replace
from functools import partial

from bot.core.types import SummaryResult
from bot.slack.catchup.build import (
    CatchUp,
    ChannelNews,
    Line,
    Reader,
    build_catch_up,
    conversations,
)
from bot.slack.catchup.cache import SummaryCache, content_key
from bot.slack.formats.catchup import MAX_LINES, catchup_blocks, catchup_text
from bot.slack.storage.messages import StoredMessage
from tests.support.catchup import ScriptedSummariser

ME = "U0ME"
SINCE = 1000.0


def msg(ts: float, user: str, text: str, thread: float | None = None, channel: str = "C1") -> StoredMessage:
    return StoredMessage(channel, f"{ts:.6f}", f"{thread:.6f}" if thread else None, user, text, 0)


def link(channel: str, ts: str, thread_ts: str | None) -> str:
    return f"https://example.slack.com/archives/{channel}/p{ts.replace('.', '')}" + (
        f"?thread_ts={thread_ts}" if thread_ts else ""
    )


def reader(summariser: ScriptedSummariser, budget_s: float = 5.0, workers: int = 2) -> Reader:
    return Reader(summariser.summarise, lambda uid: {"U0ME": "Me Myself", "U0BO": "Bo"}.get(uid, uid), link,
                  budget_s=budget_s, workers=workers)


def test_conversations_are_ordered_by_what_needs_the_person() -> None:
    stored = [
        msg(900, "U0BO", "old parent of a busy thread"),
        *(msg(1001 + i, "U0BO", f"reply {i}", thread=900) for i in range(3)),
        msg(1010, ME, "my own thread"),
        msg(1011, "U0CY", "answer to me", thread=1010),
        msg(1020, "U0BO", f"<@{ME}> can you look?"),
        msg(1030, "U0BO", "quiet thread"),
        msg(1031, "U0CY", "one reply", thread=1030),
        msg(1040, "U0CY", "talk 1"), msg(1041, "U0CY", "talk 2"), msg(1042, "U0BO", "talk 3"),
        msg(1050, ME, f"note to self <@{ME}>"),
        msg(1060, "U0CY", "thread that pings me"),
        msg(1061, "U0BO", f"<@{ME}> see above", thread=1060),
        msg(990, "U0BO", f"<@{ME}> before the window"),
    ]
    found = conversations("C1", stored, ME, SINCE)
    assert [(c.tier, c.ts) for c in found] == [
        ("mentioned", "1060.000000"),  # two new messages
        ("mentioned", "1020.000000"),
        ("took_part", "1010.000000"),
        ("busy", "900.000000"),
        ("flow", "1040.000000"),
    ]
    flow = found[-1]
    assert [m.text for m in flow.messages] == ["talk 1", "talk 2", "talk 3", f"note to self <@{ME}>"]
    assert found[3].messages[0].text == "old parent of a busy thread" and found[3].new == 3


def test_build_catch_up_lines_and_channel_order() -> None:
    stored = {
        "C1": [msg(1001, "U0BO", "lunch?", channel="C1"), msg(1002, "U0CY", "yes", channel="C1")],
        "C2": [
            msg(1001, "U0BO", "Release plan", channel="C2"),
            msg(1002, "U0CY", "DECIDED: ship on Monday. ITEM U0ME: update the changelog", thread=1001, channel="C2"),
            msg(1003, "U0BO", "ok", thread=1001, channel="C2"),
            msg(1004, "U0BO", "ITEM U0CY: tell the customers", thread=1001, channel="C2"),
        ],
        "C3": [
            msg(1001, "U0BO", "Busy debate", channel="C3"),
            *(msg(1002 + i, "U0CY", f"point {i}", thread=1001, channel="C3") for i in range(4)),
        ],
    }
    built = build_catch_up(ME, SINCE, 2000.0, stored, reader(ScriptedSummariser()))
    assert [n.channel_id for n in built.channels] == ["C2", "C3"]
    assert [n.channel_id for n in built.active] == ["C1"]
    c2 = built.channels[0]
    assert [(line.kind, line.text) for line in c2.lines] == [
        ("mention", "Gist: Release plan"),  # an item for me makes the thread one that needs me
        ("item", "update the changelog"),
        ("decision", "ship on Monday"),
    ]
    assert c2.lines[1].link == link("C2", "1002.000000", "1001.000000")
    c3 = built.channels[1]
    assert [(line.kind, line.replies, line.read) for line in c3.lines] == [("thread", 4, True)]
    assert built.unread == 0 and built.checked == 3


def test_what_is_not_summarised_in_time_is_shown_by_its_opening_words() -> None:
    stored = {
        "C1": [
            msg(1001, "U0BO", f"<@{ME}> please review", channel="C1"),
            *(
                m
                for t in (1100, 1200, 1300)
                for m in (msg(t, "U0BO", f"busy thread {t}"), *(msg(t + i, "U0CY", "more", thread=t) for i in (1, 2, 3)))
            ),
        ],
    }
    summariser = ScriptedSummariser(delay_s=0.4)
    built = build_catch_up(ME, SINCE, 2000.0, stored, reader(summariser, budget_s=0.6, workers=1))
    lines = built.channels[0].lines
    assert lines[0].kind == "mention" and lines[0].read and lines[0].text.startswith("Gist:")
    assert summariser.documents[0].messages[0].text == "@Me Myself please review"  # the mention went first
    unread = [line for line in lines if not line.read]
    assert unread and all(line.text.startswith("busy thread") for line in unread)
    assert built.unread == len(unread) >= 2


def _news(channel: str, count: int) -> ChannelNews:
    lines = [Line("thread", f"thread {i} of {channel}", f"https://example.slack.com/{channel}/{i}") for i in range(count)]
    return ChannelNews(channel, 10, lines)


def test_blocks_fit_a_minute_and_name_what_is_left_out() -> None:
    built = CatchUp(ME, SINCE, 2000.0, [_news(f"C{i}", 4) for i in range(5)], [_news("C9", 0)], checked=7, unread=2)
    blocks = catchup_blocks(built, ["a note"])
    text = json.dumps(blocks)
    shown = sum(text.count(f"thread {i} of") for i in range(4))
    assert shown == MAX_LINES
    assert "Also news in <#C3>, <#C4>." in text and "People also talked in <#C9>." in text
    assert "2 conversation(s) were not summarised in time" in text and "a note" in text
    assert "7 channel(s)" in text
    assert catchup_text(built).startswith("Your catch-up")


def test_blocks_make_content_inert() -> None:
    line = Line("mention", "<!channel> look at <https://evil.example|this>", None, replies=2, read=False)
    item = Line("item", "fix <@U0EVIL> & ship", "javascript:alert(1)", due="Friday")
    built = CatchUp(ME, SINCE, 2000.0, [ChannelNews("C1", 3, [line, item])], [], checked=1)
    text = json.dumps(catchup_blocks(built), ensure_ascii=False)
    assert "<!channel>" not in text and "<https://evil" not in text and "<@U0EVIL>" not in text
    assert "javascript:" not in text
    assert "&amp; ship (due Friday)" in text and "“&lt;!channel&gt; look at &lt;https://evil.example|this&gt;” (2 new replies)" in text


def test_what_needs_the_person_is_shown_before_other_channels_threads() -> None:
    channels = [
        ChannelNews(f"C{i}", 10, [Line("mention", f"mention in C{i}", None),
                                  *(Line("thread", f"thread {j} in C{i}", None) for j in range(3))])
        for i in range(6)
    ]
    text = json.dumps(catchup_blocks(CatchUp(ME, SINCE, 2000.0, channels, [], checked=6)))
    assert all(f"mention in C{i}" in text for i in range(6))
    assert sum(text.count(f"in C{i}") for i in range(6)) == MAX_LINES
    assert text.index("mention in C0") < text.index("thread 0 in C0") < text.index("mention in C1")


def test_summaries_finished_after_the_deadline_serve_the_next_catch_up() -> None:
    stored = {
        "C1": [
            m
            for t in (1100, 1200, 1300)
            for m in (msg(t, "U0BO", f"busy thread {t}"), *(msg(t + i, "U0CY", "more", thread=t) for i in (1, 2, 3)))
        ],
    }
    summariser = ScriptedSummariser(delay_s=0.3)
    shared = replace(reader(summariser, budget_s=0.4, workers=1), cache=SummaryCache())
    first = build_catch_up(ME, SINCE, 2000.0, stored, shared)
    assert first.unread == 2
    time.sleep(0.5)  # the summary running at the deadline finishes into the cache
    second = build_catch_up(ME, SINCE, 2000.0, stored, shared)
    assert second.unread < first.unread
    assert [line.read for line in second.channels[0].lines].count(True) >= 2


def test_the_cache_key_follows_the_content_and_old_entries_go() -> None:
    thread = [msg(1, "U0BO", "a"), msg(2, "U0CY", "b", thread=1)]
    edited = [thread[0], msg(2, "U0CY", "b, edited", thread=1)]
    assert content_key("C1", thread) == content_key("C1", list(thread))
    assert content_key("C1", thread) != content_key("C1", edited) != content_key("C2", thread)
    cache = SummaryCache(entries=2)

    def ready(value: str) -> Future[SummaryResult]:
        future: Future[SummaryResult] = Future()
        future.set_result(SummaryResult(source=value, kind="thread", title=None, summary=[]))
        return future

    first = [cache.future(f"k{i}", partial(ready, str(i))) for i in range(3)]
    assert cache.future("k2", partial(ready, "again")) is first[2]  # kept: not started again
    assert cache.future("k0", partial(ready, "again")).result().source == "again"  # the oldest went
    failed: Future[SummaryResult] = Future()
    failed.set_exception(RuntimeError("boom"))
    cache.future("bad", lambda: failed)
    assert cache.future("bad", partial(ready, "retried")).result().source == "retried"


def test_an_item_given_by_name_to_someone_outside_the_thread_is_theirs() -> None:
    stored = {
        "C1": [
            msg(1001, "U0BO", "Release plan"),
            msg(1002, "U0CY", "ITEM Me: write the notes. ITEM Myself: nothing. ITEM Bo: ship it", thread=1001),
            msg(1003, "U0BO", "sure", thread=1001),
            msg(1004, "U0CY", "thanks", thread=1001),
        ],
    }
    summariser = ScriptedSummariser()
    summariser.owner_ids = False
    built = build_catch_up(ME, SINCE, 2000.0, stored, reader(summariser))
    assert [(line.kind, line.text) for line in built.channels[0].lines] == [
        ("mention", "Gist: Release plan"), ("item", "write the notes"),
    ]
    one = Line("thread", "a thread", None, replies=1)
    assert "(1 new reply)" in json.dumps(catchup_blocks(CatchUp(ME, SINCE, 2000.0, [ChannelNews("C1", 2, [one])], [], 1)))
