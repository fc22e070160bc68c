"""Meeting notes and written plans: action items, decisions and what the document is about,
read from its structure (see :mod:`bot.core.notes.outline`).

Items come from sections that announce them ("## Action items", "Next steps:", "**Decisions**"),
from lines labelled as one ("Decision: ...", "ACTION (Ben): ...") and from open checkboxes
outside agendas; discussion, agenda and "done" sections give none. Ticked checkboxes and table
rows marked done are finished work, not items; an unticked box under "Decisions" is a question
still open, not a decision.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace

from bot.core.notes.headings import ASIDE, GENERIC, SectionKind, entry_label
from bot.core.notes.outline import Entry, Section, read_outline
from bot.core.notes.owners import Assignment, assign, looks_like_name, row_is_done
from bot.core.types import Priority

MAX_ITEM_WORDS = 45
"""A plain line longer than this under an action heading is prose, not an item."""
MEETING_WORDS = re.compile(
    r"\b(?:meeting|minutes|notes|sync|stand-?up|retro(?:spective)?|1:1|one-on-one|kick-?off|review|debrief"
    r"|workshop|planning|call|huddle|all-hands|offsite|plan)\b",
    re.I,
)
_PEOPLE_LINE = re.compile(
    r"^(?:attendees|participants|present|people|attendance|invited|in the room|with)\s*[:\-\u2013\u2014]\s*"
    r"(?P<names>.+)$",
    re.I,
)
_STRUCK = re.compile(r"^~~[^~].*~~$")
"""An item struck through whole: withdrawn."""
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|/)\s*")
_PAREN = re.compile(r"\s*\([^)]*\)")
@dataclass(frozen=True)
class Notes:
    """What the structure of a document says: who does what by when, what was decided."""

    actions: list[Priority] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    about: list[str] = field(default_factory=list)
    """Lines under a summary, purpose or goal heading."""
    agenda: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    """Headings of the sections discussed (not generic ones like "Notes" or "Discussion")."""
    first_lines: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    structured: bool = False
    """Whether a section announced action items or decisions, or two lines were labelled as such."""
    heading: str | None = None
    """The document's first heading, when it has one."""

    @property
    def is_notes(self) -> bool:
        """Whether the document reads as meeting notes or a plan with owners: it has decisions,
        owned action items or checkboxes under announcing sections, or it names its attendees
        or calls itself a meeting or plan and lists action items."""
        if not self.structured:
            return False
        if self.decisions or any(p.owner for p in self.actions):
            return True
        return bool(self.actions) and (bool(self.people) or bool(MEETING_WORDS.search(self.heading or "")))


def _people_line(text: str) -> list[str]:
    m = _PEOPLE_LINE.match(text)
    if m is None:
        return []
    names = [_PAREN.sub("", n).strip(" .") for n in _NAME_SPLIT.split(m["names"])]
    return [n for n in names if n and looks_like_name(n)]


def _decision_text(entry: Entry) -> str | None:
    text = entry.text.strip()
    if _STRUCK.match(text):
        return None
    labelled = entry_label(text)
    if labelled is not None:
        text = labelled[1]
    text = re.sub(r"^[\u2705\u2714\ufe0f\s]+", "", text).strip()
    if not text or text.endswith("?") or entry.checked is False:
        return None
    return text[:-1] if text.endswith(".") else text


def _children_are_fields(entry: Entry) -> bool:
    return bool(entry.children) and all(
        re.match(r"^(?:owners?|who|due|deadline|when|by|eta|assignee)\b\s*[:\-]", c.text, re.I) for c in entry.children
    )


class _Reader:
    def __init__(self, people: Collection[str], author: str | None) -> None:
        self.people = list(people)
        self.author = author
        self.actions: list[Priority] = []
        self.decisions: list[str] = []
        self.labelled = 0
        self.structured = False

    def action(self, entry: Entry, owner: str | None = None, text: str | None = None) -> Assignment | None:
        if entry.checked is True or _STRUCK.match(entry.text) or (entry.cells and row_is_done(entry.cells)):
            return None
        body = text if text is not None else entry.text
        if not entry.listed and len(body.split()) > MAX_ITEM_WORDS:
            return None
        lead = entry.lead if text is None else None
        if _children_are_fields(entry):
            body = " \u2014 ".join([body, *(c.text for c in entry.children)])
        found = assign(body, lead, self.people, self.author, entry.cells)
        if owner and found.owner is None:
            found = replace(found, owner=owner)
        if entry.children and not _children_are_fields(entry) and (
            (not found.task and found.owner) or looks_like_name(entry.text, self.people)
        ):
            found = Assignment("", found.owner or entry.text.strip())
            for child in entry.children:  # "- Ben" with his tasks nested under the name
                self.action(child, found.owner)
            return None
        if found.done or not found.task or not any(ch.isalpha() for ch in found.task):
            return None
        self.actions.append(Priority(found.task, found.owner, found.due))
        return found

    def decision(self, entry: Entry) -> None:
        text = _decision_text(entry)
        if text:
            self.decisions.append(text)

    def section(self, section: Section) -> None:
        kind = section.kind
        for entry in section.entries:
            labelled = entry_label(entry.text)
            if labelled is not None and kind not in (SectionKind.PAST, SectionKind.AGENDA):
                self.labelled += 1
                if labelled[0] is SectionKind.DECISIONS:
                    self.decision(entry)
                else:
                    self.action(entry, labelled[2], labelled[1])
                continue
            if kind is SectionKind.ACTIONS:
                self.action(entry)
            elif kind is SectionKind.DECISIONS:
                self.decision(entry)
            elif kind is SectionKind.MIXED:
                self._mixed(entry)
            elif kind is SectionKind.PLAN:
                self._planned(entry)
            elif entry.checked is False and kind is SectionKind.OTHER:
                self.labelled += 1
                self.action(entry)

    def _mixed(self, entry: Entry) -> None:
        found = assign(entry.text, entry.lead, self.people, self.author, entry.cells)
        if entry.checked is not None or found.owner:
            self.action(entry)
        else:
            self.decision(entry)

    def _planned(self, entry: Entry) -> None:
        found = assign(entry.text, entry.lead, self.people, self.author, entry.cells)
        if found.owner or found.due or entry.checked is False:
            self.action(entry)


def _known_people(sections: Sequence[Section], extra: Iterable[str]) -> list[str]:
    people = [p for p in extra if p]
    for section in sections:
        for entry in section.entries:
            people += _people_line(entry.text)
            if section.kind is SectionKind.PEOPLE:
                people += [n for n in _NAME_SPLIT.split(entry.text) if looks_like_name(n)]
    return list(dict.fromkeys(people))


def read_notes(text: str, people: Collection[str] = (), author: str | None = None) -> Notes:
    """Action items (owner, due date), decisions and the topic lines of a written document.

    ``people`` are names known to be people (a thread's authors, persons the parser found);
    ``author`` is who wrote it, the owner of its "I" and "me".
    """
    sections = read_outline(text)
    known = _known_people(sections, people)
    reader = _Reader(known, author)
    about: list[str] = []
    agenda: list[str] = []
    topics: list[str] = []
    first_lines: list[str] = []
    for section in sections:
        if section.kind in (SectionKind.ACTIONS, SectionKind.DECISIONS, SectionKind.MIXED) and section.entries:
            reader.structured = True
        reader.section(section)
        plain = [e.text for e in section.entries if not _people_line(e.text)]
        if section.kind is SectionKind.ABOUT:
            about += plain
        elif section.kind is SectionKind.AGENDA:
            agenda += plain
        elif section.kind is SectionKind.OTHER and not (section.heading and ASIDE.match(section.heading)):
            if section.heading and section.level > 1 and not GENERIC.match(section.heading):
                topics.append(section.heading.rstrip(":"))
            first_lines += [t for t in plain if len(t.split()) >= 4]
    first = sections[0] if sections else None
    heading = first.heading if first is not None and first.kind is SectionKind.OTHER else None
    topics = [t for t in topics if t != (heading or "").rstrip(":")]
    return Notes(
        actions=_unique(reader.actions),
        decisions=list(dict.fromkeys(reader.decisions)),
        about=about,
        agenda=agenda,
        topics=list(dict.fromkeys(topics)),
        first_lines=first_lines,
        people=known,
        structured=reader.structured or reader.labelled >= 2,
        heading=heading,
    )


def _unique(actions: Sequence[Priority]) -> list[Priority]:
    seen: set[tuple[str, str]] = set()
    kept: list[Priority] = []
    for action in actions:
        key = (action.text.lower(), (action.owner or "").lower())
        if key not in seen:
            seen.add(key)
            kept.append(action)
    return kept
