"""What a heading or a line's label announces: action items, decisions, the people present...

The words are the vocabulary of meeting notes and plans ("Action items", "Next steps",
"To-dos", "Decisions", "Agreed", "Outcomes"); a heading of past or finished work ("Done",
"Last week's actions") announces no open items.
"""

from __future__ import annotations

import enum
import re


class SectionKind(enum.Enum):
    """What the entries of a section are."""

    ACTIONS = "actions"
    DECISIONS = "decisions"
    MIXED = "mixed"
    """Both ("Decisions and action items"): an entry with an owner, due date or checkbox is an action."""
    PLAN = "plan"
    """A plan, timeline or milestones: an entry is an action when it names an owner or a due date."""
    PAST = "past"
    """Done, shipped, last week's actions: nothing open."""
    PEOPLE = "people"
    ABOUT = "about"
    """Summary, purpose, goal, context: what the document is about."""
    AGENDA = "agenda"
    OTHER = "other"


_PAST = re.compile(
    r"\b(?:done|completed?|finished|shipped|closed|resolved items|accomplishments|wins"
    r"|(?:last|previous|prior) (?:week|meeting|sprint|time|call)|from last|carried|status of|review of)\b",
    re.I,
)
_DECISIONS = re.compile(
    r"\b(?:decisions?|decided|agreed|agreements?|outcomes?|resolutions?|conclusions?|verdict|consensus"
    r"|what we (?:decided|agreed))\b",
    re.I,
)
_ACTIONS = re.compile(
    r"\b(?:actions?|action (?:items?|points?|list)|a\.?i\.?s?|to-?dos?|to do|next steps?|follow[- ]?ups?"
    r"|tasks?|owners?|assignments?|assigned|who does what|who(?:'|\u2019)?s doing what|who will do what"
    r"|responsibilities|deliverables|homework)\b",
    re.I,
)
_PLAN = re.compile(r"\b(?:plan|timeline|milestones?|roadmap|schedule|rollout|workstreams?|checklist)\b", re.I)
_PEOPLE = re.compile(r"^(?:attendees|participants|present|people|who|attendance|invited|in the room)\b", re.I)
_ABOUT = re.compile(
    r"^(?:tl;?dr|summary|purpose|goals?|objectives?|context|background|overview|why|problem(?: statement)?"
    r"|about|intro(?:duction)?|aim)\b",
    re.I,
)
_AGENDA = re.compile(r"^(?:agenda|topics?|items? to discuss|discussion topics)\b", re.I)


def section_kind(heading: str) -> SectionKind:
    """What a section under ``heading`` holds."""
    text = heading.strip().strip("*_#:").strip()
    if not text:
        return SectionKind.OTHER
    if _PAST.search(text):
        return SectionKind.PAST
    decisions, actions = _DECISIONS.search(text), _ACTIONS.search(text)
    if decisions and actions:
        return SectionKind.MIXED
    if decisions:
        return SectionKind.DECISIONS
    if actions:
        return SectionKind.ACTIONS
    if _PEOPLE.search(text):
        return SectionKind.PEOPLE
    if _AGENDA.search(text):
        return SectionKind.AGENDA
    if _ABOUT.search(text):
        return SectionKind.ABOUT
    if _PLAN.search(text):
        return SectionKind.PLAN
    return SectionKind.OTHER


GENERIC = re.compile(
    r"^(?:discussion|notes?|updates?|misc(?:ellaneous)?|other|general|details|comments|status|news"
    r"|announcements?|round ?table|check-?in|attendees|agenda)\b",
    re.I,
)
"""Headings that name no topic of their own ("Discussion", "Notes")."""
ASIDE = re.compile(
    r"^(?:aob|any other business|questions?|open (?:questions?|issues|points)|risks?|blockers?|concerns"
    r"|parking lot|next meeting|links?|resources?|appendix|references|fyi)\b",
    re.I,
)
"""Headings of what is beside the point of a document: its lines never make its topic."""
HEADING_MAX_WORDS = 6


def names_a_section(line: str) -> bool:
    """A short line without final punctuation that is a heading by its words alone
    ("Action items", "Decisions", "Discussion"), even without Markdown."""
    text = line.strip().rstrip(":").strip()
    words = text.split()
    if not words or len(words) > HEADING_MAX_WORDS or re.search(r"[.!?,;]$", text):
        return False
    kind = section_kind(text)
    return (kind is not SectionKind.OTHER and kind is not SectionKind.PLAN) or bool(
        GENERIC.match(text) or ASIDE.match(text)
    )


_LABEL = re.compile(
    r"^\s*(?:\*\*|__)?(?P<label>action(?: item| point)?|a\.?i\.?|to-?do|todo|task|follow[- ]?up|next step"
    r"|decision|decided|agreed|resolved|outcome)(?P<who>\s*\([^)]{1,40}\))?\s*(?:\*\*|__)?\s*[:\-\u2013\u2014]\s*",
    re.I,
)


def entry_label(text: str) -> tuple[SectionKind, str, str | None] | None:
    """``(kind, rest, who)`` when a line starts with an action or decision label ("Decision: ...",
    "ACTION (Ben): ..."); ``who`` is the parenthesised name after the label."""
    m = _LABEL.match(text)
    if m is None or not text[m.end() :].strip():
        return None
    label = m["label"].lower()
    kind = (
        SectionKind.DECISIONS
        if label.startswith(("decision", "decided", "agreed", "resolved", "outcome"))
        else SectionKind.ACTIONS
    )
    who = m["who"].strip()[1:-1].strip() if m["who"] else None
    return kind, text[m.end() :].strip(), who
