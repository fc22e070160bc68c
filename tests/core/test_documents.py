"""Input detection: transcripts vs articles, Slack exports, cleaning and truncation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.documents import (
    build_document,
    detect_kind,
    document_from_messages,
    parse_transcript,
    truncate,
)
from bot.core.errors import EmptyInputError, InputError
from bot.core.types import Message
from tests.conftest import REPO_ROOT

SEEDS = REPO_ROOT / "seeds"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[09:05] Tom: Shall we ship?\n[09:06] Ana Maria Lopez: Yes, today.",
            [("Tom", "Shall we ship?", "09:05"), ("Ana Maria Lopez", "Yes, today.", "09:06")],
        ),
        (
            "[2024-01-02 09:05] Tom: Hi\n[2024-01-02 09:07] Ana: Hello there",
            [("Tom", "Hi", "2024-01-02 09:05"), ("Ana", "Hello there", "2024-01-02 09:07")],
        ),
        (
            "09:05 Tom: Hi\n9:07 PM Ana: Hello",
            [("Tom", "Hi", "09:05"), ("Ana", "Hello", "9:07 PM")],
        ),
        (
            "#Person1#: Where is the report?\n#Person2#: On your desk.\n#Person1#: Thanks.",
            [("Person1", "Where is the report?", None), ("Person2", "On your desk.", None),
             ("Person1", "Thanks.", None)],
        ),
        (
            "Tom: First line\nstill Tom speaking\nAna: Reply",
            [("Tom", "First line\nstill Tom speaking", None), ("Ana", "Reply", None)],
        ),
        (
            "[10:00] tom.becker: deploy done\n[10:01] @ana: nice",
            [("tom.becker", "deploy done", "10:00"), ("@ana", "nice", "10:01")],
        ),
    ],
)
def test_parse_transcript_formats(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    messages = parse_transcript(text)
    assert messages is not None
    assert [(m.author, m.text, m.ts) for m in messages] == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Just one line of prose.",
        "Tom: a single message is not a conversation",
        # An article whose lines happen to contain colons.
        "The plan is simple: build more ships.\n"
        "Officials said the investment would grow over the next decade and beyond it.\n"
        "Critics argue that the numbers are optimistic and point to earlier shortfalls.\n"
        "Background: the yard opened in 1998.\n"
        "It now employs thousands of workers from the surrounding region and further afield.",
        # Colon-labelled notes: every line has a new label, nobody speaks twice.
        "Note: one\nUpdate: two\nTip: three\nWarning: four\nSummary: five",
        "See https://example.com/a for details\nand https://example.com/b too",
    ],
)
def test_parse_transcript_rejects_non_transcripts(text: str) -> None:
    assert parse_transcript(text) is None


def test_preamble_before_first_speaker_is_kept() -> None:
    messages = parse_transcript("Standup notes\n[09:00] Tom: hi\n[09:01] Ana: hey\n[09:02] Tom: go")
    assert messages is not None
    assert messages[0] == Message(author=None, text="Standup notes")
    assert [m.author for m in messages[1:]] == ["Tom", "Ana", "Tom"]


def test_seed_files_are_detected() -> None:
    assert detect_kind((SEEDS / "sample-thread.txt").read_text(encoding="utf-8")) == "thread"
    assert detect_kind((SEEDS / "fujian-advanced-manufacturing.txt").read_text(encoding="utf-8")) == "article"


def test_sample_thread_holds_what_the_demo_needs() -> None:
    doc = build_document((SEEDS / "sample-thread.txt").read_text(encoding="utf-8"), "seed")
    texts = [m.text for m in doc.messages]
    assert 12 <= len(doc.messages) <= 20
    assert len({m.author for m in doc.messages}) >= 3
    assert any("Let's go with" in t for t in texts)
    assert any(t.startswith("Tom, can you") and "by Friday" in t for t in texts)
    assert any("I'll write the" in t for t in texts)
    assert any("https://" in t for t in texts)


@pytest.mark.parametrize("text", ["", "   \n\t  \n", "\x00\x01\x02"])
def test_empty_input_raises(text: str) -> None:
    with pytest.raises(EmptyInputError, match="empty"):
        build_document(text, "input.txt")


def test_control_characters_and_crlf_are_cleaned() -> None:
    doc = build_document("Hello\x07 world.\r\nSecond\x1b line.\u200b", "x")
    assert doc.text == "Hello world.\nSecond line."


def test_long_input_is_truncated_at_a_boundary_with_notice() -> None:
    paragraph = "This sentence is about shipbuilding. " * 20 + "\n\n"
    text = paragraph * 400
    doc = build_document(text, "big.txt", max_chars=10_000)
    assert len(doc.text) <= 10_000
    assert doc.text.endswith("shipbuilding.")
    assert doc.notices == (f"Input was {len(text.strip()):,} characters; summarised the first 10,000.",)


def test_reported_size_can_come_from_the_reader() -> None:
    doc = build_document("word " * 3000, "big.txt", max_chars=1000, full_chars=5_000_000)
    assert doc.notices == ("Input was 5,000,000 characters; summarised the first 1,000.",)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 100, "short"),
        ("a" * 90 + "\n\n" + "b" * 50, 100, "a" * 90),
        ("First one. " * 10, 100, ("First one. " * 9).rstrip()),
        ("x" * 150, 100, "x" * 100),
    ],
)
def test_truncate(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected


def test_forced_thread_on_prose_splits_paragraphs() -> None:
    doc = build_document("First paragraph here.\n\nSecond paragraph here.", "x", kind="thread")
    assert doc.kind == "thread"
    assert doc.messages == (Message(None, "First paragraph here."), Message(None, "Second paragraph here."))
    assert doc.text == "First paragraph here.\nSecond paragraph here."


def test_forced_article_on_transcript_keeps_raw_text() -> None:
    raw = "[09:05] Tom: Ship it?\n[09:06] Ana: Yes."
    doc = build_document(raw, "x", kind="article")
    assert (doc.kind, doc.text, doc.messages) == ("article", raw, ())


def test_thread_text_is_author_lines() -> None:
    doc = build_document("[09:05] Tom: Ship it?\n[09:06] Ana: Yes.", "x")
    assert doc.text == "Tom: Ship it?\nAna: Yes."
    assert doc.title is None


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ships Are Coming Back\n\nThe yard reopened today. It hired 300 people.", "Ships Are Coming Back"),
        ("# Markdown Heading\n\nBody text follows here.", "Markdown Heading"),
        ("The yard reopened today.\nIt hired 300 people.", None),
        ("Only a headline", None),
    ],
)
def test_article_title_guess(text: str, title: str | None) -> None:
    doc = build_document(text, "x")
    assert doc.title == title
    assert doc.text == text  # the body stays intact


def test_seed_article_title_and_body() -> None:
    raw = (SEEDS / "fujian-advanced-manufacturing.txt").read_text(encoding="utf-8")
    doc = build_document(raw, "seed")
    assert doc.title == raw.splitlines()[0].strip()
    assert doc.text == raw.strip()


def test_explicit_title_wins() -> None:
    assert build_document("Headline\n\nBody.", "x", title="Mine").title == "Mine"


def test_unknown_kind_raises() -> None:
    with pytest.raises(InputError, match="Unknown input kind"):
        build_document("text", "x", kind="poem")


def test_document_from_messages_drops_empty_and_keeps_the_first_and_newest() -> None:
    messages = [Message("Tom", "  "), *[Message("Ana", f"Message number {i}.", ts=str(i)) for i in range(100)]]
    doc = document_from_messages(messages, "#eng", max_chars=200)
    assert doc.kind == "thread"
    assert 0 < len(doc.messages) < 100
    assert doc.messages[0].text == "Message number 0."
    assert doc.messages[-1].text == "Message number 99."  # where the thread ended up is kept
    newest = [int(m.ts or 0) for m in doc.messages[1:]]
    assert newest == list(range(100 - len(newest), 100))  # the newest, in order, without a gap
    assert len(doc.text) <= 200
    assert doc.notices == (
        f"The thread has 100 messages; summarised the first and the newest {len(doc.messages) - 1}.",
    )


def test_document_from_messages_without_text_raises() -> None:
    with pytest.raises(EmptyInputError):
        document_from_messages([Message("Tom", "")], "#eng")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["auto", "article", "thread"]))
def test_build_document_never_crashes(text: str, kind: str) -> None:
    try:
        doc = build_document(text, "fuzz", kind=kind, max_chars=200)
    except EmptyInputError:
        return
    assert doc.text.strip()
    assert doc.kind in ("article", "thread")
    if doc.kind == "article":
        assert len(doc.text) <= 200


def test_forced_thread_keeps_the_author_of_a_single_message() -> None:
    doc = build_document("[09:05] Tom Becker: I'll send the deck by Friday.", "x", kind="thread")
    assert doc.messages == (Message("Tom Becker", "I'll send the deck by Friday.", ts="09:05"),)
    assert build_document("[09:05] Tom Becker: I'll send the deck by Friday.", "x").kind == "article"
