"""Thread decisions and action items: one test per failure class of issue 6, own examples."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.thread.analysis import (
    MAX_ACTIONS,
    MAX_DECISIONS,
    MEETING_UNITS,
    ThreadAnalysis,
    analyse_thread,
    decision_cap,
)
from bot.core.types import Message


def _analyse(nlp: Any, lines: list[tuple[str, str]], ids: dict[str, str] | None = None) -> ThreadAnalysis:
    """The analysis of a thread; ``ids`` are authors' ids, and of people mentioned as "@name"."""
    ids = ids or {}
    messages = [
        Message(author, text, str(k), ids.get(author), tuple((n, i) for n, i in ids.items() if f"@{n}" in text))
        for k, (author, text) in enumerate(lines)
    ]
    return analyse_thread(messages, list(nlp.pipe([m.text for m in messages])))


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a marker in the middle of a message
        (
            [("Ravi", "Churn is flat."), ("Ines", "Fine by me. OK, decision: we raise the Team plan to $15 in May.")],
            ["We raise the Team plan to $15 in May."],
        ),
        ([("Ravi", "Lisbon or Madrid?"), ("Ines", "Madrid it is.")], ["Madrid it is."]),
        ([("Ravi", "A or B?"), ("Ines", "ok let's do B then")], ["ok let's do B then"]),
        ([("Ravi", "Marta or Sven for the role?"), ("Ines", "We'll go with Marta.")], ["We'll go with Marta."]),
        (
            [("Ravi", "Blue or green theme?"), ("Ines", "Everyone liked blue, so agreed, going with the blue theme.")],
            ["so agreed, going with the blue theme."],
        ),
    ],
)
def test_decision_phrasings(nlp: Any, lines: list[tuple[str, str]], expected: list[str]) -> None:
    assert _analyse(nlp, lines).decisions == expected


def test_reversed_decision_leaves_the_last_one(nlp: Any) -> None:
    analysis = _analyse(
        nlp,
        [
            ("Ravi", "Retro on Tuesday or Wednesday?"),
            ("Ines", "Let's go with Tuesday."),
            ("Ola", "Tuesday clashes with the board meeting."),
            ("Ines", "Change of plan: Wednesday it is."),
        ],
    )
    assert analysis.decisions == ["Change of plan: Wednesday it is."]


def test_thread_that_settles_nothing_has_no_decisions(nlp: Any) -> None:
    analysis = _analyse(
        nlp,
        [
            ("Ravi", "Should we switch the CI to self-hosted runners?"),
            ("Ines", "Maybe, but who would maintain them?"),
            ("Ola", "I think we could try it on one repo first."),
            ("Ravi", "Let's think about it and talk on Monday."),
        ],
    )
    assert analysis.decisions == []


def _actions(analysis: ThreadAnalysis) -> list[tuple[str, str | None, str | None]]:
    return [(p.text, p.owner, p.due) for p in analysis.actions]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # due phrases go to `due`, out of the text
        (
            [("Ravi Shah", "Nia, can you update the onboarding guide by the 16th?"), ("Nia Cole", "Yes.")],
            [("update the onboarding guide", "Nia Cole", "by the 16th")],
        ),
        ([("Ravi Shah", "I'll send the invoices before the 3rd.")], [("send the invoices", "Ravi Shah", "before the 3rd")]),
        ([("Ravi Shah", "I'll wrap up the audit EOD.")], [("wrap up the audit", "Ravi Shah", "EOD")]),
        (
            [("Ravi Shah", "I'm going to migrate the cron jobs end of week.")],
            [("migrate the cron jobs", "Ravi Shah", "end of week")],
        ),
        (
            [("Ravi Shah", "I'll call the venue tomorrow morning.")],
            [("call the venue", "Ravi Shah", "tomorrow morning")],
        ),
        # an acceptance with a second task in the same message: no "Will do" in any text
        (
            [
                ("Gil Ortega", "Nia, can you review the style guide by Friday?"),
                ("Nia Cole", "Will do, also I'll add a glossary to it."),
            ],
            [("review the style guide", "Nia Cole", "by Friday"), ("add a glossary to it", "Nia Cole", None)],
        ),
        # "X, can you also ..." has an owner
        (
            [("Gil Ortega", "Grace, can you also write the launch email?"), ("Grace Obi", "Sure.")],
            [("write the launch email", "Grace Obi", None)],
        ),
        # an open question is no action; an accepted ask is
        ([("Gil Ortega", "Should we also update the status page?")], []),
        (
            [("Gil Ortega", "Leo, can you rotate the API keys?"), ("Leo Park", "Sure, I'll do it today.")],
            [("rotate the API keys", "Leo Park", "today")],
        ),
        # agreeing with an opinion takes on nothing, and a need nobody takes on is no one's item
        (
            [("Marcus Lee", "We need to persist partial progress."), ("Priya Shah", "Agreed, signup is exactly that.")],
            [],
        ),
        # a volunteer
        ([("Hana Sato", "I'll take the database migration.")], [("take the database migration", "Hana Sato", None)]),
        # no item from a request to the bot, nor from a broadcast
        ([("Gil Ortega", "@Summariser can you summarise this thread?")], []),
        ([("Gil Ortega", "@channel please read the incident review before Friday.")], []),
        ([("Gil Ortega", "@here please fill in the survey by Monday.")], []),
        # ...but a broadcast that names someone still gives them the task
        (
            [("Gil Ortega", "@here Bo, please fix the export test by Friday."), ("Bo Chen", "@here On it.")],
            [("fix the export test", "Bo Chen", "by Friday")],
        ),
        # a plain "you" is addressed to whoever answers it; with no answer there is no owner
        (
            [
                ("Ravi Shah", "You need to renew the SSL certificate."),
                ("Nia Cole", "The old one was from a different vendor."),
            ],
            [("renew the SSL certificate", "Nia Cole", None)],
        ),
        ([("Ravi Shah", "You need to renew the SSL certificate.")], []),
        # ...even when the asker goes on for a few more messages first
        (
            [
                ("Ravi Shah", "You need to renew the SSL certificate."),
                ("Ravi Shah", "The old one expires in June."),
                ("Ravi Shah", "Finance has the card details."),
                ("Ravi Shah", "Ping me if the portal is down again."),
                ("Nia Cole", "The old one was from a different vendor."),
            ],
            [("renew the SSL certificate", "Nia Cole", None)],
        ),
        # past tense is a report, not a task
        ([("Gil Ortega", "Did you read the contract?"), ("Marcus Lee", "I read it. I signed it too.")], []),
    ],
)
def test_action_items(nlp: Any, lines: list[tuple[str, str]], expected: list[tuple[str, str | None, str | None]]) -> None:
    assert sorted(_actions(_analyse(nlp, lines))) == sorted(expected)


def test_owner_ids_only_from_authors_and_real_mentions(nlp: Any) -> None:
    analysis = _analyse(
        nlp,
        [
            ("Gil Ortega", "Sam, can you book the room?"),
            ("Sam Wu", "Yes."),
            ("Gil Ortega", "@dana please order the badges."),
            ("Gil Ortega", "Zed, can you print the agenda?"),
        ],
        ids={"Gil Ortega": "U1", "Sam Wu": "U9", "dana": "U777"},
    )
    owners = {p.text: (p.owner, p.owner_id) for p in analysis.actions}
    assert owners == {
        "book the room": ("Sam Wu", "U9"),
        "order the badges": ("dana", "U777"),
        "print the agenda": ("Zed", None),
    }
    assert all(p.owner != "channel" for p in analysis.actions)


def test_caps_keep_the_best_items(nlp: Any) -> None:
    tasks = [
        "fix the login page", "rotate the keys", "email the auditors", "book the venue", "order new laptops",
        "update the wiki", "call the landlord", "draft the budget", "renew the domain", "clean the backlog",
        "migrate the cron jobs", "review the contract",
    ]
    lines = [("Ann Berg", f"I'll {task}.") for task in tasks]
    decided = [
        "the logo stays blue", "lunch moves to noon", "we hire two interns", "the beta opens in May",
        "support runs on weekends", "Postgres replaces MySQL", "the office closes on Fridays", "prices stay flat",
    ]
    lines += [("Ann Berg", f"Decision: {text}.") for text in decided]
    analysis = _analyse(nlp, lines)
    assert len(analysis.actions) == MAX_ACTIONS
    assert len(analysis.decisions) == MAX_DECISIONS


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        (12, MAX_DECISIONS),  # a chat thread
        (MEETING_UNITS, MAX_DECISIONS),
        (300, MAX_DECISIONS + 3),  # a short meeting shows a few more
        (700, 2 * MAX_DECISIONS),  # a long one at most twice as many, never 35
        (5000, 2 * MAX_DECISIONS),
    ],
)
def test_decision_cap_grows_with_meetings_only(units: int, expected: int) -> None:
    assert decision_cap(units) == expected
