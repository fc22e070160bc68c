"""Thread decisions in context (issue 14, item 2): own examples per failure class."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.thread.analysis import analyse_thread
from bot.core.types import Message


def _decisions(nlp: Any, lines: list[tuple[str, str]]) -> list[str]:
    messages = [Message(author, text, str(k)) for k, (author, text) in enumerate(lines)]
    return analyse_thread(messages, list(nlp.pipe([m.text for m in messages]))).decisions


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # an acceptance decides the proposal it answers, stated as the proposal
        (
            [("Ilse", "The demo clashes with the audit."), ("Marek", "I'd move the demo to Thursday."),
             ("Ilse", "works for me")],
            ["Move the demo to Thursday"],
        ),
        (
            [("Ilse", "how about we freeze the schema on Monday?"), ("Marek", ":+1: agreed")],
            ["We freeze the schema on Monday"],
        ),
        # an acceptance that names one of two options picks it
        (
            [("Ilse", "Should we ship the beta Tuesday or Wednesday?"), ("Marek", "Wednesday works for me")],
            ["We ship the beta Wednesday"],
        ),
        # "ok" to a question between two options settles neither
        ([("Ilse", "Should we ship the beta Tuesday or Wednesday?"), ("Marek", "ok")], []),
        # "agreed" answers the message before it, here a rejection, not the proposal before that
        (
            [("Ilse", "could we skip the load test this once?"), ("Marek", "no, the SLA needs it."),
             ("Dara", "agreed")],
            [],
        ),
        # an acceptance with a "but ... first" decides nothing yet
        (
            [("Ilse", "can we also cap deliveries at 18:00?"), ("Marek", "good idea but let's see the numbers first")],
            [],
        ),
        # conclusions said in passing
        (
            [("Ilse", "Manual restart is an hour, a hotfix means a late deploy."),
             ("Marek", "manual restart tonight then, no hotfix.")],
            ["manual restart tonight then, no hotfix."],
        ),
        ([("Ilse", "ok code freeze on 1 November, agreed")], ["ok code freeze on 1 November"]),
        ([("Ilse", "Two finalists: Northwind and Kestrel."), ("Marek", "Kestrel it is, EU only for now.")],
         ["Kestrel it is, EU only for now."]),
    ],
)
def test_decisions_in_context(nlp: Any, lines: list[tuple[str, str]], expected: list[str]) -> None:
    assert _decisions(nlp, lines) == expected


def test_a_scrapped_option_is_never_decided(nlp: Any) -> None:
    lines = [
        ("Ilse", "We're at 90% floor space."),
        ("Marek", "yeah let's rent 4 trailers for overflow"),
        ("Dara", "a night shift would turn stock faster and we'd need no trailers"),
        ("Marek", "good point. ok scrap the trailers, night shift from 15 November."),
    ]
    assert not any("trailers" in d for d in _decisions(nlp, lines))


@pytest.mark.parametrize(
    "lines",
    [
        [
            ("Ilse", "Bulk exports time out over 10k rows. Raise the timeout or add a retry?"),
            ("Marek", "Raising it only hides the problem."),
            ("Dara", "A retry doubles the load though."),
            ("Ilse", "ok, let's talk tomorrow then."),
        ],
        [
            ("Ilse", "could we get the shrink split from the void logs?"),
            ("Marek", "no idea, they might"),
            ("Ilse", "ok, I don't think we're deciding anything today."),
            ("Dara", "fair enough"),
        ],
        [("Ilse", "RFC review: without an outbox we'll publish events for rolled-back writes."),
         ("Marek", "then we decide on Tuesday")],
    ],
)
def test_a_thread_that_settles_nothing_has_no_decision(nlp: Any, lines: list[tuple[str, str]]) -> None:
    assert _decisions(nlp, lines) == []


def test_agreeing_to_an_instruction_or_with_a_statement_decides_it(nlp: Any) -> None:
    lines = [
        ("Ilse", "do we fail over to the standby anyway?"),
        ("Marek", "I wouldn't, the primary is fine once the disk is clear"),
        ("Dara", "agree, stay on the primary"),
    ]
    assert _decisions(nlp, lines) == ["agree, stay on the primary"]


def test_dropping_something_unnamed_drops_no_decision(nlp: Any) -> None:
    lines = [("Ilse", "Decision: the kiosk ships with the new firmware."), ("Marek", "ok, forget it, not important")]
    assert _decisions(nlp, lines) == ["The kiosk ships with the new firmware."]
