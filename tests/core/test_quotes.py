"""Key quotes: direct and reported, speakers resolved, verbatim; thread quotes."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.quoting.quotes import extract_article_quotes, extract_thread_quotes
from bot.core.quoting.spans import find_quote_spans
from bot.core.text import is_verbatim
from bot.core.thread.action_items import classify_thread
from bot.core.types import Message

OKAFOR = (
    "The water authority chair Miriam Okafor opened the hearing on Monday. "
    '"We cannot keep patching pipes that are eighty years old," Okafor said. '
    "Residents packed the hall. "
    "\u201cThe bill will go up, but the water will be safe to drink,\u201d she said."
)


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ('He said "we will win the vote" today.', ["we will win the vote"]),
        ("\u201cIt works,\u201d she said. \u201cIt really does.\u201d", ["It works", "It really does."]),
        ("a \u201copen quote that runs on\n\nnext paragraph", ["open quote that runs on"]),
        ('No quotes at all here.', []),
        ("\u2018I\u2019d be over the moon,\u2019 he said of Locke\u2019s deal.", ["I\u2019d be over the moon"]),
        ("'We don't know yet,' she said in the '90s.", ["We don't know yet"]),
        ('He said "the \'best\' plan is ours" today.', ["the 'best' plan is ours"]),
        ("\u201eWir schaffen das\u201c, sagte sie.", ["Wir schaffen das"]),
        ("She was 'envious' of her hen. Then 'we moved on,' she said.", ["envious", "we moved on"]),
        ("\u2018The players\u2019 union is strong,\u2019 he said.", ["The players\u2019 union is strong"]),
        ('Numbers "12" only.', []),
    ],
)
def test_find_quote_spans(text: str, inside: list[str]) -> None:
    assert [text[s.start : s.end] for s in find_quote_spans(text)] == inside


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (OKAFOR, [
            ("We cannot keep patching pipes that are eighty years old", "Miriam Okafor"),
            ("The bill will go up, but the water will be safe to drink", "Miriam Okafor"),
        ]),
        (
            "Senator Ana Ruiz visited the plant. \u201cThis factory is the future of the valley and "
            "we will fight for it,\u201d said Ruiz.",
            [("This factory is the future of the valley and we will fight for it", "Ana Ruiz")],
        ),
        (
            "Vice Premier Zhang Guoqing toured the port. Vice Premier Zhang said \u201cwe must build "
            "more ships for the ocean economy\u201d during the visit.",
            [("we must build more ships for the ocean economy", "Zhang Guoqing")],
        ),
        (
            "According to Dr. Lena Park, \u201cthe vaccine cut hospital admissions by half in the "
            "first year.\u201d",
            [("the vaccine cut hospital admissions by half in the first year.", "Lena Park")],
        ),
        (
            "The paper endorsed her on Friday.\n\n\u201cWe are not blind to her flaws and we say so "
            "plainly,\u201d wrote The Post, which nevertheless gave Clinton its support.",
            [("We are not blind to her flaws and we say so plainly", "The Post")],
        ),
        (
            "Reactions poured in overnight.\n\nChris Cillizza, The Washington Post: \u201cThis was "
            "her best debate performance by a wide margin.\u201d",
            [("This was her best debate performance by a wide margin.", "Chris Cillizza")],
        ),
    ],
)
def test_direct_quote_text_and_speaker(nlp: Any, text: str, expected: list[tuple[str, str]]) -> None:
    quotes = [q for q in extract_article_quotes(nlp(text)) if q.direct]
    assert [(q.text, q.speaker) for q in quotes] == expected


def test_direct_quotes_come_before_reported_statements(nlp: Any) -> None:
    text = (
        "Mayor Tom Hale urged residents to save water during the drought. "
        "\u201cEvery bucket counts this summer,\u201d Hale said."
    )
    quotes = extract_article_quotes(nlp(text))
    assert [q.direct for q in quotes] == [True, False]
    assert quotes[1].text == "Mayor Tom Hale urged residents to save water during the drought."
    assert quotes[1].speaker == "Tom Hale"


def test_scare_quotes_without_a_speaker_are_skipped(nlp: Any) -> None:
    text = 'The so-called "reform" was delayed again. Critics call it a "slow" process.'
    assert [q for q in extract_article_quotes(nlp(text)) if q.direct] == []


def test_seed_article_quotes(nlp: Any, seed_text: str) -> None:
    quotes = extract_article_quotes(nlp(seed_text))
    assert 2 <= len(quotes) <= 5
    assert quotes[0].direct
    assert quotes[0].text == "smart transformation and digitalization"
    assert quotes[0].speaker == "Zhang Guoqing"
    assert all(not q.direct for q in quotes[1:])
    assert all(q.speaker == "Zhang Guoqing" for q in quotes)
    assert any(q.text.startswith("The Vice Premier called for") for q in quotes)
    assert all(is_verbatim(q.text, seed_text) for q in quotes)


def test_repeated_quotes_are_listed_once(nlp: Any) -> None:
    text = (
        "Ann Lee called it \u201cthe best escape plan of the whole war\u201d in 1950. "
        "Critics later repeated \u201cthe best escape plan of the whole war\u201d as a slogan."
    )
    quotes = [q.text for q in extract_article_quotes(nlp(text)) if q.direct]
    assert quotes == ["the best escape plan of the whole war"]


def test_max_quotes_caps_and_none_returns_all(nlp: Any, seed_text: str) -> None:
    doc = nlp(seed_text)
    assert len(extract_article_quotes(doc, max_quotes=2)) == 2
    assert len(extract_article_quotes(doc, max_quotes=None)) >= 5


THREAD = [
    Message("Alice", "Morning all. Tom, can you send the deck by Friday?", "1.0", "UA"),
    Message("Tom", "Sure, I'll do it.", "2.0", "UT"),
    Message("Bob", "Nice weather today.", "3.0", "UB"),
    Message("Alice", "Let's go with Postgres.", "4.0", "UA"),
]


def test_thread_quotes_put_decisions_first(nlp: Any) -> None:
    parsed = list(nlp.pipe([m.text for m in THREAD]))
    quotes = extract_thread_quotes(THREAD, classify_thread(THREAD, parsed))
    assert [(q.text, q.speaker, q.ts) for q in quotes] == [
        ("Let's go with Postgres.", "Alice", "4.0"),
        ("Tom, can you send the deck by Friday?", "Alice", "1.0"),
    ]
    assert all(q.direct for q in quotes)


def test_single_quote_closers_are_looked_for_within_a_bounded_window() -> None:
    """An unclosed opener scans at most MAX_SINGLE_QUOTE_CHARS, so long text stays linear."""
    from bot.core.quoting.spans import MAX_SINGLE_QUOTE_CHARS

    near = "He said 'we will win the cup this year' and left."
    assert [near[s.start:s.end] for s in find_quote_spans(near)] == ["we will win the cup this year"]
    words = " ".join(["word"] * (MAX_SINGLE_QUOTE_CHARS // 5 + 10))
    far = f"He said '{words}' and left."
    assert find_quote_spans(far) == []
