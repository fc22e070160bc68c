"""Meeting notes and written plans: owners, due dates and decisions read from the layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.notes.due import field_due, inline_due
from bot.core.notes.headings import SectionKind, entry_label, section_kind
from bot.core.notes.messages import with_listed_items
from bot.core.notes.outline import read_outline
from bot.core.notes.owners import assign, looks_like_name
from bot.core.notes.reader import read_notes
from bot.core.notes.summary import notes_summary
from bot.core.pipeline import Summariser
from bot.core.thread.analysis import analyse_thread
from bot.core.types import Message, Priority

# -- one item, each way of writing it ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lead", "task", "owner", "due"),
    [
        ("Ben Carter — write the runbook — due 14 June", "Ben Carter", "write the runbook", "Ben Carter", "14 June"),
        ("Ben Carter — write the runbook — due 14 June", None, "write the runbook", "Ben Carter", "14 June"),
        ("Priya: update the rota (due Friday)", None, "update the rota", "Priya", "Friday"),
        ("Tom to check the cache settings by Friday", None, "check the cache settings", "Tom", "by Friday"),
        ("Aisha will book the usability sessions next week", None, "book the usability sessions", "Aisha", "next week"),
        ("@lena draft the post-mortem by EOW", None, "draft the post-mortem", "lena", "by EOW"),
        ("@sara: open a ticket with the vendor", None, "open a ticket with the vendor", "sara", None),
        ("Legal review of the terms — Kofi — next week", None, "Legal review of the terms", "Kofi", "next week"),
        ("Write the migration guide (Ana, 20 June)", None, "Write the migration guide", "Ana", "20 June"),
        ("Refresh the demo data [owner: Mo] [due: 2025-07-01]", None, "Refresh the demo data", "Mo", "2025-07-01"),
        ("Helen - draft the June newsletter - 28 May", None, "draft the June newsletter", "Helen", "28 May"),
        ("Jonas | update the Figma file | Thu 12 June", None, "update the Figma file", "Jonas", "Thu 12 June"),
        ("Kenta to get the partner terms approved by legal before launch", None,
         "get the partner terms approved by legal", "Kenta", "before launch"),
        ("Ben & Priya to pair on the flaky test by tomorrow", None, "pair on the flaky test", "Ben & Priya", "by tomorrow"),
        ("Switch to the new invoice template", None, "Switch to the new invoice template", None, None),
        ("Update: the rota is fine", None, "Update: the rota is fine", None, None),
    ],
)
def test_owner_task_and_due_of_one_item(text: str, lead: str | None, task: str, owner: str | None, due: str | None) -> None:
    found = assign(text, lead)
    assert (found.task, found.owner, found.due) == (task, owner, due)


def test_first_person_owner_is_the_author_and_a_mention_names_the_owner() -> None:
    assert assign("I'll write up the survey questions by Monday", author="Maya Levin").owner == "Maya Levin"
    mention = assign("@dan rotate the staging keys")
    assert (mention.owner, mention.task) == ("dan", "rotate the staging keys")
    known = assign("@Dana Ruiz rotate the staging keys", people=["Dana Ruiz"])
    assert (known.owner, known.task) == ("Dana Ruiz", "rotate the staging keys")


def test_a_done_field_marks_finished_work() -> None:
    assert assign("@Ifeoma share these notes in #growth today — \u2705 done").done
    assert not assign("Ifeoma — share these notes — today").done


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Ben Carter", True), ("@tom", True), ("Ben & Priya", True), ("Everyone", True), ("Mei Lin", True),
     ("Update", False), ("Switch", False), ("the team", False), ("In", False), ("Write the runbook", False)],
)
def test_what_looks_like_a_name(name: str, expected: bool) -> None:
    assert looks_like_name(name) is expected


@pytest.mark.parametrize(
    ("field", "due"),
    [("due 14 June", "14 June"), ("Due: Friday", "Friday"), ("deadline - EOW", "EOW"), ("by Friday", "by Friday"),
     ("14/06", "14/06"), ("2025-06-14", "2025-06-14"), ("Q3", "Q3"), ("end of June", "end of June"),
     ("before launch", "before launch"), ("due: TBD", ""), ("write the runbook", None), ("Kofi", None)],
)
def test_a_field_that_is_a_due_date(field: str, due: str | None) -> None:
    assert field_due(field) == due


def test_inline_due_phrases_and_their_span() -> None:
    text = "send the invite list due Friday to the channel team"
    due, (start, end) = inline_due(text) or ("", (0, 0))
    assert due == "Friday" and text[:start] + text[end:] == "send the invite list  to the channel team"
    assert inline_due("finish uploading the assets by 24 June")[0] == "by 24 June"  # type: ignore[index]
    assert inline_due("clean up the wiki") is None


# -- headings and labels -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "kind"),
    [("Action items", SectionKind.ACTIONS), ("### Next steps", SectionKind.ACTIONS), ("To-dos", SectionKind.ACTIONS),
     ("Follow-ups", SectionKind.ACTIONS), ("Who does what", SectionKind.ACTIONS), ("Decisions", SectionKind.DECISIONS),
     ("What we agreed", SectionKind.DECISIONS), ("Outcomes", SectionKind.DECISIONS),
     ("Decisions & action items", SectionKind.MIXED), ("Last week's action items", SectionKind.PAST),
     ("Done", SectionKind.PAST), ("Attendees", SectionKind.PEOPLE), ("Agenda", SectionKind.AGENDA),
     ("Summary", SectionKind.ABOUT), ("Rollout plan", SectionKind.PLAN), ("Discussion", SectionKind.OTHER),
     ("Flaky deploys", SectionKind.OTHER)],
)
def test_section_kinds(heading: str, kind: SectionKind) -> None:
    assert section_kind(heading) is kind


def test_line_labels() -> None:
    assert entry_label("Decision: we move the launch to May") == (SectionKind.DECISIONS, "we move the launch to May", None)
    assert entry_label("ACTION (Ben): write the runbook") == (SectionKind.ACTIONS, "write the runbook", "Ben")
    assert entry_label("Actions speak louder") is None


# -- whole documents, each in its own style ------------------------------------------------

MARKDOWN_NOTES = """# Platform sync — 12 June

Attendees: Ben Carter, Priya Shah, Tom Becker, Lena Ortiz

## Discussion
- Flaky deploys on staging; Tom thinks the cache is to blame and someone should look at it.
- Priya wants to revisit the on-call rota later.

## Decisions
- Move the deploy window to Tuesdays.
- Keep Postgres 15 for now.
- [ ] Do we drop the Friday freeze?

## Action items
- [ ] **Ben Carter** — write the runbook — due 14 June
- [ ] Priya: update the rota (due Friday)
- [x] Tom: send the calendar invite
- Tom to check the cache settings by Friday
- @Lena draft the post-mortem by EOW
- ~~Ben: migrate the wiki~~
"""


def test_markdown_notes() -> None:
    notes = read_notes(MARKDOWN_NOTES)
    assert [(p.text, p.owner, p.due) for p in notes.actions] == [
        ("write the runbook", "Ben Carter", "14 June"),
        ("update the rota", "Priya", "Friday"),
        ("check the cache settings", "Tom", "by Friday"),
        ("draft the post-mortem", "Lena", "by EOW"),
    ]
    assert notes.decisions == ["Move the deploy window to Tuesdays", "Keep Postgres 15 for now"]
    assert notes.people == ["Ben Carter", "Priya Shah", "Tom Becker", "Lena Ortiz"]
    assert notes.is_notes
    assert not any("cache is to blame" in p.text or "rota later" in p.text for p in notes.actions)


PLAIN_TEXT_NOTES = """Marketing sync 14/05

Present: Helen, Victor, Maya

Notes
Newsletter open rates dropped again. Victor thinks the subject lines are too long.
Victor will look into subject line tools some day.

Decisions:
Newsletter goes out on Tuesdays from now on.
Subject lines stay under 50 characters.

Action items:
Helen - draft the June newsletter - 28 May
Maya: pull the webinar attendance by region (due Monday)
Victor to brief the design agency on the new templates by end of week
"""


def test_plain_text_lead_ins() -> None:
    notes = read_notes(PLAIN_TEXT_NOTES)
    assert [(p.owner, p.due) for p in notes.actions] == [("Helen", "28 May"), ("Maya", "Monday"), ("Victor", "by end of week")]
    assert notes.decisions == ["Newsletter goes out on Tuesdays from now on", "Subject lines stay under 50 characters"]
    assert not any("subject line tools" in p.text for p in notes.actions)


BOLD_LABELS_AND_NUMBERS = """Design review: onboarding flow v2

**Context**
We reviewed the three mocks. Support says most tickets come from step 2.

**Outcomes**
1. Go with mock B (the three-step wizard).
2. Progress is saved after each step.

**Follow-ups**
1. Jonas — update the Figma file with the final copy — Thursday
2. Mei Lin: write the tracking plan for the wizard (by 10 March)

**Open questions**
- Do we need a skip button on step 3?
- Rob to check whether Legal needs to see the consent text?
"""


def test_bold_labels_and_numbered_lists() -> None:
    notes = read_notes(BOLD_LABELS_AND_NUMBERS)
    assert [(p.text, p.owner, p.due) for p in notes.actions] == [
        ("update the Figma file with the final copy", "Jonas", "Thursday"),
        ("write the tracking plan for the wizard", "Mei Lin", "by 10 March"),
    ]
    assert notes.decisions == ["Go with mock B (the three-step wizard)", "Progress is saved after each step"]
    assert notes.about == ["We reviewed the three mocks. Support says most tickets come from step 2."]


TABLE_AND_NESTED = """## Post-mortem: checkout timeouts

### Action items

| Owner | Action | Due | Status |
|-------|--------|-----|--------|
| Lars | Add a CI check on the pool size | 9 June | open |
| Tomasz | Roll back the pool change | 2 June | done |

### Backend follow-ups
- Ruth
  - page the DB on-call for config pushes by 16 June
  - document the pool limits
- Deploy freeze review
  - Owner: Sam
  - Due: Friday

### What went well
- Alerting caught it within 8 minutes.
"""


def test_tables_nested_owners_and_field_children() -> None:
    notes = read_notes(TABLE_AND_NESTED)
    assert [(p.text, p.owner, p.due) for p in notes.actions] == [
        ("Add a CI check on the pool size", "Lars", "9 June"),
        ("page the DB on-call for config pushes", "Ruth", "by 16 June"),
        ("document the pool limits", "Ruth", None),
        ("Deploy freeze review", "Sam", "Friday"),
    ]


def test_labelled_lines_and_mixed_sections() -> None:
    text = (
        "Weekly sync\n\nWe went through the Q3 roadmap.\n\nDecision: the mobile app ships in September.\n"
        "ACTION (Ben): write the release checklist by Friday\n\n## Decisions and next steps\n"
        "- Freeze features on 1 August\n- [ ] Ana — book the launch venue — 15 July\n"
    )
    notes = read_notes(text)
    assert notes.decisions == ["the mobile app ships in September", "Freeze features on 1 August"]
    assert [(p.text, p.owner, p.due) for p in notes.actions] == [
        ("write the release checklist", "Ben", "by Friday"),
        ("book the launch venue", "Ana", "15 July"),
    ]


def test_past_agenda_and_discussion_sections_give_no_items() -> None:
    text = (
        "# Team meeting\n\n## Agenda\n- [ ] Review Q2 numbers\n- [ ] Hiring update\n\n"
        "## Last week's action items\n- Ben to fix the build (done)\n- Priya: send the survey\n\n"
        "## Discussion\n- Ben will probably refactor the importer at some point.\n"
    )
    notes = read_notes(text)
    assert notes.actions == [] and notes.decisions == []
    assert not notes.is_notes
    assert notes.agenda == ["Review Q2 numbers", "Hiring update"]


def test_an_article_with_a_next_steps_list_stays_an_article() -> None:
    text = (
        "Millbrook footbridge: where things stand\n\nThe bridge was closed in February.\n\n"
        "Next steps\nFinish the ground survey of the east bank.\nAgree the design with the heritage trust.\n"
    )
    notes = read_notes(text)
    assert [p.owner for p in notes.actions] == [None, None]
    assert not notes.is_notes


def test_outline_keeps_headings_and_strips_markers() -> None:
    sections = read_outline("## Action items\n* [ ] **Ben** — runbook\n\u2022 Priya: rota\n")
    assert [(s.heading, s.kind) for s in sections] == [("Action items", SectionKind.ACTIONS)]
    assert [(e.text, e.lead, e.checked) for e in sections[0].entries] == [
        ("Ben — runbook", "Ben", False), ("Priya: rota", None, None)]


# -- the summary ---------------------------------------------------------------------------


def test_summary_says_what_it_is_about_what_was_decided_and_who_does_what() -> None:
    notes = read_notes(MARKDOWN_NOTES)
    summary = notes_summary(notes, "Platform sync — 12 June")
    assert summary[0].startswith("Platform sync — 12 June: Flaky deploys on staging")
    assert summary[1] == "Decided: Move the deploy window to Tuesdays; Keep Postgres 15 for now."
    assert summary[2] == "4 action items, for Ben Carter, Priya, Tom and Lena."
    assert len(" ".join(summary).split()) <= 70


def test_summary_prefers_a_goal_line() -> None:
    text = "Q3 launch plan\n\nGoal: ship the self-serve checkout to the EU by 30 September.\n\n" \
           "**Next steps**\n* **Maria**: finalise the pricing copy (by Fri 13 June)\n"
    notes = read_notes(text)
    summary = notes_summary(notes, "Q3 launch plan")
    assert summary == ["Q3 launch plan: ship the self-serve checkout to the EU by 30 September.", "1 action item, for Maria."]


# -- the hook for thread messages ----------------------------------------------------------


def test_a_thread_message_with_an_action_list_gives_its_items() -> None:
    messages = [
        Message("Priya Shah", "Notes from today's sync below", "1.0", "UPRIYA"),
        Message("Priya Shah", "Action items:\n- Ben Carter — write the runbook — due 14 June\n"
                              "- Tom: check the cache (due Friday)\n- I'll send the minutes today", "2.0", "UPRIYA"),
        Message("Ben Carter", "on it", "3.0", "UBEN"),
        Message("Tom Becker", "Can someone order lunch?", "4.0", "UTOM"),
    ]
    from_rules = [Priority("Ben Carter — write the runbook", None, None, "2.0"), Priority("order lunch", None, None, "4.0")]
    actions, decisions = with_listed_items(messages, from_rules, ["we ship on Monday"])
    assert [(p.text, p.owner, p.due, p.ts, p.owner_id) for p in actions] == [
        ("write the runbook", "Ben Carter", "14 June", "2.0", "UBEN"),
        ("check the cache", "Tom", "Friday", "2.0", "UTOM"),
        ("send the minutes", "Priya Shah", "today", "2.0", "UPRIYA"),
        ("order lunch", None, None, "4.0", None),
    ]
    assert decisions == ["we ship on Monday"]


def test_a_listed_owner_mentioned_in_the_message_keeps_the_mentions_id() -> None:
    """Adapters write ``<@U7>`` as "@Dana Ruiz" and keep the id beside; the list's owner takes it."""
    messages = [
        Message("Priya Shah", "Action items:\n- @Dana Ruiz rotate the staging keys\n- @Ben — write the runbook",
                "1.0", "UPRIYA", mentions=(("Dana Ruiz", "U7"), ("Ben", "UBEN"))),
    ]
    actions, _ = with_listed_items(messages, [], [])
    assert [(p.text, p.owner, p.owner_id) for p in actions] == [
        ("rotate the staging keys", "Dana Ruiz", "U7"),
        ("write the runbook", "Ben", "UBEN"),
    ]


def test_a_thread_without_lists_is_left_as_it_is() -> None:
    messages = [Message("Ana", "Can you review my PR by Friday?"), Message("Bo", "sure")]
    rules = [Priority("review my PR", "Bo", "by Friday")]
    assert with_listed_items(messages, rules, []) == (rules, [])


# -- through the whole pipeline ------------------------------------------------------------


def test_a_markdown_notes_file_through_the_pipeline(summariser: Summariser, tmp_path: Path) -> None:
    from bot.adapters.loaders import load_input
    from bot.settings import Settings

    path = tmp_path / "sync.md"
    path.write_text(MARKDOWN_NOTES, encoding="utf-8")
    doc = load_input(str(path), Settings())
    assert doc.layout is not None and "## Action items" in doc.layout and "##" not in doc.text
    result = summariser.summarise(doc)
    assert result.kind == "article" and result.model == "document structure"
    assert [(p.owner, p.due) for p in result.priorities] == [
        ("Ben Carter", "14 June"), ("Priya", "Friday"), ("Tom", "by Friday"), ("Lena", "by EOW")]
    assert not any("[" in p.text or "**" in p.text for p in result.priorities)
    assert result.decisions == ["Move the deploy window to Tuesdays", "Keep Postgres 15 for now"]
    assert result.summary[1].startswith("Decided:")


def test_the_thread_analysis_applies_the_hook(summariser: Summariser) -> None:
    """A Slack message with *bold* labels and • bullets: the chat rules alone mangle its list."""
    from bot.core.documents import document_from_messages

    notes = (
        "Thanks all for the sync. Summary below.\n*Decisions*\n• We ship the beta on 1 July\n"
        "• Magic links instead of SSO for now\n*Action items*\n• Ben Carter — write the runbook — due 14 June\n"
        "• Tom: check the cache settings (due Friday)\n• I'll send the minutes today"
    )
    messages = [
        Message("Priya Shah", notes, "1.0", "UP"),
        Message("Ben Carter", "on it", "2.0", "UB"),
        Message("Tom Becker", "I'll book the room for the retro", "3.0", "UT"),
    ]
    doc = document_from_messages(messages, "thread")
    parsed = list(summariser.nlp.pipe([m.text for m in doc.messages]))
    analysis = analyse_thread(doc.messages, parsed, summariser.unit_classifier, summariser.encoder)
    actions, decisions = analysis.actions, analysis.decisions
    assert [(p.text, p.owner, p.due, p.owner_id) for p in actions[:3]] == [
        ("write the runbook", "Ben Carter", "14 June", "UB"),
        ("check the cache settings", "Tom", "Friday", "UT"),
        ("send the minutes", "Priya Shah", "today", "UP"),
    ]
    assert [p.text for p in actions[3:]] == ["book the room for the retro"]
    assert decisions[:2] == ["We ship the beta on 1 July", "Magic links instead of SSO for now"]


def test_a_heading_under_a_list_is_not_the_last_item() -> None:
    notes = read_notes("Decisions:\n- Ship on 1 July\nAction items:\n- Ben — write the runbook — Friday\n")
    assert notes.decisions == ["Ship on 1 July"]
    assert [(p.text, p.owner) for p in notes.actions] == [("write the runbook", "Ben")]
