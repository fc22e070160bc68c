"""Article priorities (split coordinated asks) and thread actions and decisions."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.article.priorities import extract_article_priorities
from bot.core.thread.analysis import analyse_thread
from bot.core.thread.due import find_due
from bot.core.types import Message, Priority

SEED_ASKS = [
    "smart transformation and digitalization of advanced manufacturing",
    "active promotion of green and low-carbon technologies",
    "deep integration of modern services with advanced manufacturing",
    "support for innovation and collaboration among large, medium, and small enterprises",
    "rapid formation of competitive advanced manufacturing clusters in the market",
]
SEED_URGED = [
    "implementation of an innovation-driven development strategy",
    "acceleration of key core technology breakthroughs",
    "continuous enhancement of the resilience and safety level of advanced manufacturing",
]


def _texts(nlp: Any, text: str, max_items: int = 8) -> list[str]:
    return [p.text for p in extract_article_priorities(nlp(text), max_items=max_items)]


def test_seed_article_asks_first_then_urged(nlp: Any, seed_text: str) -> None:
    assert _texts(nlp, seed_text) == SEED_ASKS + SEED_URGED


def test_seed_sentence_alone_gives_five_items(nlp: Any, seed_text: str) -> None:
    sentence = next(line for line in seed_text.splitlines() if line.startswith("The Vice Premier called"))
    assert _texts(nlp, sentence) == SEED_ASKS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "First, the city must cut emissions by 2030. Second, it should expand the tram network.",
            ["cut emissions by 2030", "expand the tram network"],
        ),
        (
            "The plan has two priorities: first, build affordable housing; second, fix the roads.",
            ["build affordable housing", "fix the roads"],
        ),
        (
            "It is essential to protect the wetlands. Officials need to publish the data.",
            ["protect the wetlands", "publish the data"],
        ),
        (
            "The minister stressed the importance of training nurses, funding rural clinics, and "
            "cutting waiting lists.",
            ["training nurses", "funding rural clinics", "cutting waiting lists"],
        ),
        (
            "She called for lower fares and better service on night buses. Ticket sales rose.",
            ["lower fares", "better service on night buses"],
        ),
        ("The weather was mild and the harvest was good.", []),
        ("Emissions must be cut by 2030, the report said.", ["Emissions must be cut by 2030"]),
        ("\u201cWe must win this election,\u201d she said. Must we?", []),
    ],
)
def test_article_priority_triggers(nlp: Any, text: str, expected: list[str]) -> None:
    assert _texts(nlp, text) == expected


def test_near_duplicates_are_dropped_and_cap_holds(nlp: Any) -> None:
    text = (
        "We must reduce costs. We must reduce our costs. "
        "We must hire engineers. We must open an office. We must ship the app."
    )
    items = _texts(nlp, text, max_items=3)
    assert len(items) == 3
    assert sum("cost" in item for item in items) == 1


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("send it by Friday", "by Friday"),
        ("done tomorrow please", "tomorrow"),
        ("land it before the release", "before the release"),
        ("need this EOD", "EOD"),
        ("let's revisit next week", "next week"),
        ("no date here", None),
        ("by the way, thanks", None),
    ],
)
def test_find_due(text: str, due: str | None) -> None:
    assert find_due(text) == due


def _actions(nlp: Any, messages: list[Message]) -> tuple[list[Priority], list[str]]:
    analysis = analyse_thread(messages, list(nlp.pipe([m.text for m in messages])))
    return analysis.actions, analysis.decisions


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (
            [Message("Alice", "Tom, can you send the deck by Friday?", "1", "UA")],
            [Priority("send the deck", "Tom", "by Friday", "1", None)],
        ),
        (
            [
                Message("Alice", "Tom, can you send the deck by Friday?", "1", "UA"),
                Message("Tom", "Sure, I'll do it.", "2", "UT"),
            ],
            [Priority("send the deck", "Tom", "by Friday", "1", "UT")],
        ),
        (
            [Message("Bob", "I'll write the doc.", "3", "UB")],
            [Priority("write the doc", "Bob", None, "3", "UB")],
        ),
        (
            [Message("Carol", "@Dan please review the PR before the release.", "4", "UC")],
            [Priority("review the PR", "Dan", "before the release", "4", None)],
        ),
        (
            [Message("Carol", "@Dan Ruiz can you update the ticket tomorrow?", "5", "UC", (("Dan Ruiz", "U123"),))],
            [Priority("update the ticket", "Dan Ruiz", "tomorrow", "5", "U123")],
        ),
        (
            [
                Message("Dan", "Can someone check the logs?", "6", "UD"),
                Message("Eve", "On it!", "7", "UE"),
            ],
            [Priority("check the logs", "Eve", None, "6", "UE")],
        ),
        ([Message("Eve", "Nice weather today.", "8", "UE")], []),
        ([Message("Tom Becker", "Always. Count me in.", "9", "UT")], []),
        (
            [
                Message("Priya Shah", "Lena, please also send the notes to the support team by Wednesday.", "10", "UP"),
                Message("Lena Ortiz", "Will do.", "11", "UL"),
            ],
            [Priority("send the notes to the support team", "Lena Ortiz", "by Wednesday", "10", "UL")],
        ),
        (
            [
                Message("Priya Shah", "Tom, can you update the analytics events?", "12", "UP"),
                Message("Tom Becker", "Morning.", "13", "UT"),
            ],
            [Priority("update the analytics events", "Tom Becker", None, "12", "UT")],
        ),
        (
            [Message("Ann", "Can you take a look at the PR, @bob?", "15", "UA")],
            [Priority("take a look at the PR", "bob", None, "15", None)],
        ),
        (
            [Message("Ann", "Who can review the PR?", "16", "UA"), Message("Bob", "I can take this.", "17", "UB")],
            [Priority("review the PR", "Bob", None, "16", "UB")],
        ),
        (
            [Message("Ann", "Action item: Bob to update the docs by Thursday.", "18", "UA")],
            [Priority("update the docs", "Bob", "by Thursday", "18", None)],
        ),
        (
            [Message("Ann", "Let me check with legal by Monday.", "19", "UA")],
            [Priority("check with legal", "Ann", "by Monday", "19", "UA")],
        ),
        ([Message("Ann", "I'll be out tomorrow. Thanks! I'll keep you posted.", "20", "UA")], []),
        (
            [
                Message("Marcus", "We need to persist partial progress.", "21", "UM"),
                Message("Marcus", "OK.", "22", "UM"),
            ],
            [],  # a need nobody takes on is no one's item
        ),
        (
            [Message("Lena Ortiz", "I'll redo the copy for step two, the old wording confuses people.", "14", "UL")],
            [Priority("redo the copy for step two", "Lena Ortiz", None, "14", "UL")],
        ),
    ],
)
def test_thread_actions(nlp: Any, messages: list[Message], expected: list[Priority]) -> None:
    actions, _ = _actions(nlp, messages)
    assert actions == expected


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        ("Let's go with Postgres.", "Let's go with Postgres."),
        ("We decided to ship on Monday.", "We decided to ship on Monday."),
        ("Agreed: we ship the beta next week.", "We ship the beta next week."),
        ("Decision recorded: three-step wizard, launch is the 14th.", "Three-step wizard, launch is the 14th."),
        ("Can we ship on Monday?", None),
        ("Ok let's do the release on Thursday then.", "Ok let's do the release on Thursday then."),
        ("Let's discuss it tomorrow?", None),
    ],
)
def test_thread_decisions(nlp: Any, text: str, decision: str | None) -> None:
    _, decisions = _actions(nlp, [Message("Ann", text, "1", "U1")])
    assert decisions == ([decision] if decision else [])


ARTICLE_STRUCTURES = [
    (
        "colon list in one sentence",
        "The council's plan sets out three priorities: repair the harbour wall, open a night bus route and "
        "double the library hours.",
        ["repair the harbour wall", "open a night bus route", "double the library hours"],
    ),
    (
        "bulleted list under a lead-in",
        "The trust has promised to act.\n\nBy next spring the trust will:\n- Hire 40 midwives\n"
        "- Reopen the birth centre in Alston\n- Publish waiting times every month\n\nCritics were unconvinced.",
        ["Hire 40 midwives", "Reopen the birth centre in Alston", "Publish waiting times every month"],
    ),
    (
        "numbered list under a heading",
        "The review took a year.\n\nRecommendations\n\n1. Ban zero-hours contracts in care homes.\n"
        "2. Fund a register of care workers.\n\nThe minister will reply in May.",
        ["Ban zero-hours contracts in care homes", "Fund a register of care workers"],
    ),
    (
        "lettered items",
        "Under the settlement, the firm must:\n(a) repay every customer;\n(b) close the disputed accounts; and\n"
        "(c) appoint an independent monitor.",
        ["repay every customer", "close the disputed accounts", "appoint an independent monitor"],
    ),
    (
        "plain lines under Next steps",
        "The pilot ended in March.\n\nNext steps\nRecruit two more schools.\nTrain the new tutors in June.\n",
        ["Recruit two more schools", "Train the new tutors in June"],
    ),
    (
        "ordinal sequence across sentences",
        "The club has a plan. The first priority is to fix the leaking roof. Members also want to rebuild the "
        "old pavilion. Finally, the committee plans to buy a new mower.",
        ["fix the leaking roof", "rebuild the old pavilion", "buy a new mower"],
    ),
    (
        "aims to A, B and C with from/to phrases and brackets",
        "The port aims to cut waiting times for lorries from 90 minutes to under 30 minutes, cut emissions by "
        "a third (from 2019 levels) and hire 200 dockers.",
        [
            "cut waiting times for lorries from 90 minutes to under 30 minutes",
            "cut emissions by a third (from 2019 levels)",
            "hire 200 dockers",
        ],
    ),
    (
        "a goal noun's list",
        "The nurses' demands include safe staffing levels, a 6 percent raise and free parking at work.",
        ["safe staffing levels", "a 6 percent raise", "free parking at work"],
    ),
    ("a list of facts is not a list of priorities", "Key facts\n\n- Opened in 1901\n- 300 beds\n- 2,000 staff\n", []),
    (
        "an order reported about one person is no priority",
        "The judge said the defendant must repay the money. He will have to report to police weekly.",
        [],
    ),
    (
        "a result in the past is no priority",
        "The company said it had to absorb most of the rise in costs, and margins should recover next year.",
        [],
    ),
]


@pytest.mark.parametrize(("_name", "text", "expected"), ARTICLE_STRUCTURES, ids=[c[0] for c in ARTICLE_STRUCTURES])
def test_priorities_from_document_structure(nlp: Any, _name: str, text: str, expected: list[str]) -> None:
    items = _texts(nlp, text)
    assert items == expected
    for item in items:
        assert not item.endswith((" to", " and", "(")), item
        assert item.count("(") == item.count(")"), item
