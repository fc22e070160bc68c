"""Bounding what reaches the parser: hostile runs shrink, prose stays as it is."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.pipeline import DENSE_NOTICE, MAX_PARSE_TOKENS, bound_document
from bot.core.text import MAX_SYMBOL_RUN, MAX_WORD, bound_for_parse, strip_invisible, token_prefix
from bot.core.types import Document, Message

SPACY_LIKE_TOKENS = re.compile(r"\w+|[^\w\s]")

HOSTILE = {
    "40,000 exclamation marks": "!" * 40_000,
    "20,000 emoji": "\U0001f600" * 20_000,
    "spaced emoji": "\U0001f600 " * 20_000,
    "mixed punctuation": "!?.,;:" * 10_000,
    "family emoji with joiners": "\U0001f468\u200d\U0001f469\u200d\U0001f467" * 5_000,
    "opening brackets": "(" * 20_000,
    "spaced quotes": "' " * 20_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_runs_shrink_to_a_handful_of_tokens(text: str) -> None:
    bounded = bound_for_parse(text)
    assert len(SPACY_LIKE_TOKENS.findall(bounded)) <= MAX_SYMBOL_RUN


@pytest.mark.parametrize(
    "text",
    [
        "The council voted 7-2 on Tuesday. \"We must act now,\" said Mayor Lena Park... Really?!",
        "- item one\n- item two\n\n1. first\n2. second",
        "See https://example.com/a/very/long/path?with=query&and=more#fragment for details.",
        "Prices rose 3.5% (from $48 to $49.68) -- the fastest since 2008!",
    ],
)
def test_prose_is_unchanged(text: str) -> None:
    assert bound_for_parse(text) == text


def test_long_words_are_broken_but_links_kept() -> None:
    link = "https://example.com/" + "a" * 500
    word = "word-" * 100
    bounded = bound_for_parse(f"{link} {word}")
    assert link in bounded
    assert max(len(w) for w in bounded.split() if not w.startswith("http")) <= MAX_WORD


@pytest.mark.parametrize(
    # Two different lone surrogates, which ruff reads as one value.
    "char", ["\u202e", "\u202a", "\u2066", "\u200b", "\u200f", "\ufeff", "\ud800", "\udfff"],  # noqa: PT014
    ids=["rlo", "lre", "lri", "zwsp", "rlm", "bom", "lone-high-surrogate", "lone-low-surrogate"],
)
def test_invisible_and_broken_characters_are_dropped(char: str) -> None:
    assert strip_invisible(f"pay{char}ment due") == "payment due"
    bound_for_parse(f"pay{char}ment due").encode("utf-8")  # encodable: no surrogate survives


@given(st.text(max_size=400))
def test_bounding_is_idempotent_and_never_grows_the_token_count(text: str) -> None:
    once = bound_for_parse(text)
    assert bound_for_parse(once) == once
    assert len(SPACY_LIKE_TOKENS.findall(once)) <= len(SPACY_LIKE_TOKENS.findall(text))
    once.encode("utf-8")


def test_token_prefix_cuts_at_the_budget() -> None:
    assert token_prefix("a b c", 5) == ("a b c", False)
    assert token_prefix("a b c d", 2) == ("a b", True)


def test_a_dense_document_is_cut_with_a_notice() -> None:
    dense = "a-" * (MAX_PARSE_TOKENS * 2)
    bounded = bound_document(Document(kind="article", text=dense, source="x"))
    assert len(SPACY_LIKE_TOKENS.findall(bounded.text)) <= MAX_PARSE_TOKENS
    assert bounded.notices == (DENSE_NOTICE,)


def test_thread_messages_are_bounded_one_by_one() -> None:
    doc = Document(
        kind="thread", text="", source="t",
        messages=(Message("Ana", "!" * 40_000), Message("Bo", "Ship it on \u202eFriday."), Message("Cy", " ".join(["\U0001f600"] * 9))),
    )
    bounded = bound_document(doc)
    assert [m.text for m in bounded.messages] == ["!!!", "Ship it on Friday.", "\U0001f600 \U0001f600 \U0001f600"]
    assert bounded.text == "Ana: !!!\nBo: Ship it on Friday.\nCy: \U0001f600 \U0001f600 \U0001f600"
