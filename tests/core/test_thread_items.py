"""Thread action items, one commitment per item (issue 14, item 3): own examples per failure class."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.thread.analysis import ThreadAnalysis, analyse_thread
from bot.core.types import Message


def _analyse(nlp: Any, lines: list[tuple[str, str]], ids: dict[str, str] | None = None) -> ThreadAnalysis:
    ids = ids or {}
    messages = [Message(author, text, str(k), ids.get(author)) for k, (author, text) in enumerate(lines)]
    return analyse_thread(messages, list(nlp.pipe([m.text for m in messages])))


def _items(analysis: ThreadAnalysis) -> list[tuple[str, str | None, str | None]]:
    return [(p.text, p.owner, p.due) for p in analysis.actions]


def test_a_message_laid_out_as_notes_gives_its_listed_items(nlp: Any) -> None:
    analysis = _analyse(
        nlp,
        [
            ("Dana Lee", "Quick recap of the vendor call."),
            (
                "Dana Lee",
                "Decisions:\n- Keep the current CDN until March\nAction items:\n"
                "- [ ] **Omar Haddad** — renegotiate the egress price — due 3 March\n- Kim to collect quotes by Friday",
            ),
            ("Omar Haddad", "on it"),
        ],
    )
    assert _items(analysis) == [
        ("renegotiate the egress price", "Omar Haddad", "3 March"),
        ("collect quotes", "Kim", "by Friday"),
    ]
    assert analysis.decisions == ["Keep the current CDN until March"]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a day-month date, and an event with a clock time
        (
            [("Lina", "Marco, please send the audit report to legal by 14 October.")],
            [("send the audit report to legal", "Marco", "by 14 October")],
        ),
        (
            [("Lina", "Marco, can you roll back the feature flag before the 18:30 release?"), ("Marco", "yes")],
            [("roll back the feature flag", "Marco", "before the 18:30 release")],
        ),
        # the date in a sentence of its own after the commitment
        (
            [("Ugo", "I'll rotate the staging keys. Before Thursday at the latest.")],
            [("rotate the staging keys", "Ugo", "Before Thursday")],
        ),
        # the asker adds the date in a follow-up, the owner confirms
        (
            [
                ("Lina", "Marco, can you renew the TLS certificate?"),
                ("Lina", "by Wednesday ideally"),
                ("Marco", "sure"),
            ],
            [("renew the TLS certificate", "Marco", "by Wednesday")],
        ),
        # the date comes with the acceptance
        (
            [("Lina", "Can someone archive the old dashboards?"), ("Ugo", "sure, by end of week")],
            [("archive the old dashboards", "Ugo", "by end of week")],
        ),
        (
            [("Lina", "Marco, could you prepare the cost annex?"), ("Marco", "can do, I'll have it ready by the 20th.")],
            [("prepare the cost annex", "Marco", "by the 20th")],
        ),
        # two commitments in one sentence, each with its own date
        (
            [("Ugo", "I'll send the offer by Thursday if the refs are clean, and I'll send the other candidate a no today")],
            [("send the offer", "Ugo", "by Thursday"), ("send the other candidate a no", "Ugo", "today")],
        ),
        # dates of other shapes: a time on a day, a week, an event, a period's end
        (
            [("Lina", "Marco, can you have a build to QA by Friday noon?")],
            [("have a build to QA", "Marco", "by Friday noon")],
        ),
        ([("Ugo", "I'll book the inductions for the week of 3 November")], [("book the inductions", "Ugo", "the week of 3 November")]),
        (
            [("Ugo", "I'll run the regression cases as soon as the hotfix drops")],
            [("run the regression cases", "Ugo", "as soon as the hotfix drops")],
        ),
        ([("Ugo", "I'll keep the overtime rota through end of month")], [("keep the overtime rota", "Ugo", "through end of month")]),
    ],
)
def test_due_phrases(nlp: Any, lines: list[tuple[str, str]], expected: list[tuple[str, str, str]]) -> None:
    assert _items(_analyse(nlp, lines)) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # coordinated tasks of one owner in one ask are one item, the due phrase out of its middle or end
        (
            [("Ola Berg", "Sam, can you patch the parser and get it reviewed by noon?"), ("Sam Idowu", "yep, PR in an hour")],
            [("patch the parser and get it reviewed", "Sam Idowu", "by noon")],
        ),
        (
            [("Ola Berg", "Kofi, can you book the venue and set up the signup form by Friday?")],
            [("book the venue and set up the signup form", "Kofi", "by Friday")],
        ),
        (
            [("Ola Berg", "I'll clean up the fixtures, rerun the suite and post the numbers tomorrow.")],
            [("clean up the fixtures, rerun the suite and post the numbers", "Ola Berg", "tomorrow")],
        ),
        # the asker's "me" is named
        (
            [("Ola Berg", "Kofi, please draft the press note and send it to me by 3 May."), ("Kofi Mensah", "will do")],
            [("draft the press note and send it to Ola", "Kofi Mensah", "by 3 May")],
        ),
    ],
)
def test_one_item_per_commitment(nlp: Any, lines: list[tuple[str, str]], expected: list[tuple[str, str, str]]) -> None:
    assert _items(_analyse(nlp, lines)) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # the owner's restatement of an ask is the same item, in the words that say more
        (
            [
                ("Ola Berg", "Jonas, can you rebook the courier for the Thursday pickup?"),
                ("Jonas Lund", "yes, I'll rebook the courier for Thursday and confirm the slot by 3pm"),
            ],
            [("rebook the courier for Thursday and confirm the slot", "Jonas Lund", "by 3pm")],
        ),
        # pronoun-only fragments are no items; the "you" a commitment answers is named
        (
            [("Ola Berg", "the draft is in the drive"), ("Kofi Mensah", "I'll review it and share it")],
            [],
        ),
        (
            [("Julia Berg", "I can test it once v2 is ready"), ("Hamid Nazari", "great, I'll ping you Monday morning")],
            [("ping Julia", "Hamid Nazari", "Monday morning")],
        ),
        # a need nobody takes on is no one's item
        ([("Tom Reyes", "need the slides ready a week before for the dry run")], []),
    ],
)
def test_one_item_per_commitment_across_messages(
    nlp: Any, lines: list[tuple[str, str]], expected: list[tuple[str, str, str]]
) -> None:
    assert _items(_analyse(nlp, lines)) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a reassignment moves the item
        (
            [
                ("Mia Chen", "Leo, can you update the changelog by 3pm?"),
                ("Leo Park", "sure"),
                ("Mia Chen", "actually Ana will do it, Leo is out this afternoon"),
            ],
            [("update the changelog", "Ana", "by 3pm")],
        ),
        # a declined ask is no one's until someone else takes it
        ([("Mia Chen", "Leo, can you update the changelog by 3pm?"), ("Leo Park", "sorry, can't today")], []),
        (
            [
                ("Mia Chen", "Leo, can you update the changelog by 3pm?"),
                ("Leo Park", "sorry, can't today"),
                ("Mia Chen", "Ana, can you take it over?"),
                ("Ana Silva", "sure"),
            ],
            [("update the changelog", "Ana Silva", "by 3pm")],
        ),
        # a plan given up, a hypothetical and a refusal are no commitments
        ([("Amara Obi", "I was going to present the Q2 numbers myself.")], []),
        ([("Amara Obi", "I could rewrite the importer, in theory.")], []),
        ([("Amara Obi", "I can't take the donor call on the 15th.")], []),
        # a pronoun is read from what the message named before it
        (
            [("Hana Sato", "Kenji, your scorecard still isn't in the tracker, can you get it in by eod?")],
            [("get your scorecard", "Kenji", "by eod")],
        ),
    ],
)
def test_who_holds_the_item(nlp: Any, lines: list[tuple[str, str]], expected: list[tuple[str, str, str]]) -> None:
    assert _items(_analyse(nlp, lines)) == expected


def test_a_standup_update_gives_its_authors_plan_for_today(nlp: Any) -> None:
    analysis = _analyse(
        nlp,
        [
            ("Rita Gomez", "standup thread, y / t / blockers please"),
            ("Omar Aziz", "y: closed the billing tickets. t: migrating the invoice exporter, done by 4pm. blockers: none"),
            ("Lena Fox", "y: out. t: still the flaky login tests, I think the fixtures leak. no blockers"),
        ],
    )
    assert _items(analysis) == [
        ("migrating the invoice exporter, done", "Omar Aziz", "by 4pm"),
        ("the flaky login tests", "Lena Fox", None),
    ]
