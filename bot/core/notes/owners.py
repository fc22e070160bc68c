"""Who does what by when, from one written action item.

The item's layout says which part is which: an emphasised or @-mentioned name at its start,
fields between dashes or bars ("Ben Carter — write the runbook — due 14 June"), a name before a
colon ("Priya: update the rota (due Friday)"), "Name to/will ..." ("Tom to check the cache by
Friday"), a trailing "(Ben)" or "owner: Ben", table columns headed Owner / Task / Due. What is
left once the owner and the due date are taken out is the task, without holes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.core.notes.due import field_due, inline_due

_FIELD_SPLIT = re.compile(r"\s+(?:\u2014|\u2013|--|-|\||\u2192|->|=>)\s+|\s*\|\s*")
_TRAILING_GROUP = re.compile(r"\s*(?:\((?P<paren>[^()]{1,80})\)|\[(?P<bracket>[^\[\]]{1,80})\])\s*[.;,]?\s*$")
_OWNER_LABEL = re.compile(
    r"^(?:owners?|assignees?|assigned(?: to)?|who|responsible|dri|lead|by)\s*[:=\-\u2013\u2014]?\s+(?P<name>.+)$", re.I
)
_HANDLE = re.compile(r"^@[\w][\w.'\u2019-]*")
_COLON = re.compile(r"^(?P<name>[^:]{1,40}?)\s*:\s+(?P<rest>\S.*)$")
_NAME_WORD = re.compile(r"^(?:[A-Z\u00c0-\u00de][\w'\u2019.-]*|[A-Z]{2,4})$")
_PARTICLES = frozenset("van von de der den da di du le la del dos bin al ter ten".split())
_JOIN = re.compile(r"\s*(?:,|&|\+|/|\band\b)\s*")
_GROUPS = frozenset("all everyone everybody team both whole team each".split())
_FIRST_PERSON = frozenset({"i", "me", "myself", "i'll", "i\u2019ll"})
_VERB_LINK = re.compile(
    r"^(?P<name>.+?)\s+(?P<link>to|will|shall|should|must|needs? to|has to|is going to|is to|can|(?:'|\u2019)ll"
    r"|owns|takes|handles|leads|drives|is on|volunteered to|offered to|agreed to)\s+(?P<rest>\S.*)$",
    re.I,
)
_FIRST_PERSON_TASK = re.compile(
    r"^(?:I(?:'|\u2019)ll|I will|I(?:'|\u2019)m going to|I am going to|I can|I to)\s+(?P<rest>\S.*)$", re.I
)
_KEEP_VERB = frozenset({"owns", "takes", "handles", "leads", "drives"})
_LEADING_JUNK = re.compile(r"^(?:[\s:;,.\-\u2013\u2014>|]+|to\s+|will\s+)+", re.I)
_TRAILING_JUNK = re.compile(r"[\s:;,\-\u2013\u2014|(\[]+$")
_EMPTY_GROUP = re.compile(r"\(\s*[,;]?\s*\)|\[\s*\]")
_DANGLING_END = re.compile(r"\s+(?:and|or|by|before|until|on|due|for|with|to)$", re.I)

NOT_NAMES = frozenset(
    """
    note notes update updates status goal goals context background summary agenda next outcome result problem
    issue fix why what how when where who fyi ps nb re cc tldr overall action actions decision decisions todo
    task tasks owner owners due deadline date time eta risk risks blocker blockers question questions idea ideas
    follow followup follow-up plan step steps phase week day today tomorrow monday tuesday wednesday thursday
    friday saturday sunday the a an this that these those we they it our my your their please also then first
    second third finally maybe optional bonus nice must should in out on off yes no none tbd ok scope
    add ask book build call change check clean close confirm create define draft email file finish fix get
    give go hand hire invite keep look loop make merge migrate move order organise organize pick ping plan
    prepare publish push reach read remove reply request reschedule review revert roll run schedule send set
    share ship sign start switch talk test track try turn update upgrade write
    """.split()
)
"""Words that start a line of notes without naming a person: labels, pronouns and task verbs."""


@dataclass(frozen=True)
class Assignment:
    """An action item's parts: the task as written, its owner and its due date; ``done`` when
    a field says it is finished ("— ✅ done", "(done)")."""

    task: str
    owner: str | None = None
    due: str | None = None
    done: bool = False


def _known(name: str, people: Collection[str]) -> str | None:
    """The person of ``people`` that ``name`` names (full name or first name), if any."""
    low = name.lower()
    for person in people:
        p = person.lower()
        if low == p or low == p.split()[0] or (" " in low and p.startswith(low)):
            return person
    return None


def looks_like_name(text: str, people: Collection[str] = ()) -> bool:
    """Whether ``text`` is a person or a few people ("Ben Carter", "Ben & Priya", "@tom", "All")."""
    text = text.strip().strip("*_").rstrip(":").strip()
    if not text or len(text) > 60:
        return False
    if _mention_end(text, people) == len(text):
        return True
    if text.lower() in _GROUPS or text.lower() in _FIRST_PERSON:
        return True
    parts = [p for p in _JOIN.split(text) if p]
    return bool(parts) and all(_one_name(p, people) for p in parts)


def _one_name(part: str, people: Collection[str]) -> bool:
    part = part.strip().lstrip("@")
    if not part:
        return False
    words = part.split()
    if words[0].lower().strip(".") in NOT_NAMES:
        return False
    if _known(part, people) is not None or part.lower() in _GROUPS:
        return True
    if not 1 <= len(words) <= 3:
        return False
    return all(_NAME_WORD.match(w) or w.lower() in _PARTICLES for w in words) and bool(_NAME_WORD.match(words[0]))


def _mention_end(text: str, people: Collection[str]) -> int | None:
    """Where an ``@name`` opening ``text`` ends: the longest of ``people`` written after the
    ``@`` ("@Priya Shah"), else a one-word handle ("@tom"); ``None`` when there is none."""
    if not text.startswith("@"):
        return None
    rest = text[1:].lower()
    for person in sorted(people, key=len, reverse=True):
        if rest.startswith(person.lower()) and not rest[len(person) : len(person) + 1].isalnum():
            return 1 + len(person)
    m = _HANDLE.match(text)
    return m.end() if m is not None else None


def _owner_of(text: str, author: str | None, people: Collection[str]) -> str | None:
    """The owner as shown: a mention without its ``@``, "me" as the author."""
    text = text.strip().strip("*_").rstrip(":").strip()
    if text.lower() in _FIRST_PERSON:
        return author
    return text[1:] if _mention_end(text, people) == len(text) else text


def _fields(text: str) -> tuple[list[str], list[str], str]:
    """The fields of an item (parts between spaced dashes or bars), the comma-separated parts of a
    trailing "(...)" or "[...]", and that group as written."""
    fields = [f.strip() for f in _FIELD_SPLIT.split(text) if f.strip()]
    if not fields:
        return [], [], ""
    inners: list[str] = []
    last = fields[-1]
    while (m := _TRAILING_GROUP.search(last)) is not None and m.start() > 0:
        inners.insert(0, m["paren"] or m["bracket"] or "")
        last = last[: m.start()].rstrip()
    group = fields[-1][len(last) :].strip()
    fields[-1] = last
    parts = [p.strip() for inner in inners for p in re.split(r"\s*[,;]\s*", inner) if p.strip()]
    return [f for f in fields if f], parts, group


def _clean_task(text: str) -> str:
    text = _EMPTY_GROUP.sub("", text)
    text = _LEADING_JUNK.sub("", text)
    text = _TRAILING_JUNK.sub("", text).strip()
    while (m := _DANGLING_END.search(text)) is not None:
        text = text[: m.start()].rstrip(" ,;:")
    text = re.sub(r"\s+([,;:.])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


def _split_verb_link(task: str, people: Collection[str]) -> tuple[str | None, str]:
    """"Tom to check the cache" -> ("Tom", "check the cache"); "Priya owns the migration" keeps "owns"."""
    first = _FIRST_PERSON_TASK.match(task)
    if first is not None:
        return "me", first["rest"]
    m = _VERB_LINK.match(task)
    if m is None or not looks_like_name(m["name"], people):
        return None, task
    name = m["name"]
    if name.lower() in _GROUPS and _known(name, people) is None and m["link"].lower() not in {"to", "will"}:
        return None, task
    rest = m["rest"]
    if m["link"].lower() in _KEEP_VERB:
        rest = f"{m['link']} {rest}"
    return name, rest


def assign(
    text: str,
    lead: str | None = None,
    people: Collection[str] = (),
    author: str | None = None,
    cells: Sequence[tuple[str, str]] = (),
) -> Assignment:
    """Owner, task and due date of one written action item (markers already removed)."""
    if cells:
        return _from_cells(cells, author, people)
    parts = _Parts()
    body = text.strip()
    end = _mention_end(body, people)
    if end is not None:
        parts.owner, body = body[:end], body[end:]
    elif lead and looks_like_name(lead, people) and body.startswith(lead):
        parts.owner, body = lead, body[len(lead) :]
    fields, group, group_text = _fields(body)
    for k, field in enumerate(fields):
        if parts.take(field, people, may_be_owner=len(fields) > 1 and (k == 0 or bool(parts.task))):
            continue
        if parts.owner is None and k == 0 and (colon := _COLON.match(field)) and looks_like_name(colon["name"], people):
            parts.owner, field = colon["name"], colon["rest"]
        parts.task.append(field)
    if group and not all([parts.take(p, people, may_be_owner=True) for p in group]):
        parts.task.append(group_text)
    task = " \u2014 ".join(parts.task)
    owner, due = parts.owner, parts.due
    if owner is None:
        owner, task = _split_verb_link(task, people)
    if due is None and (found := inline_due(task)) is not None:
        due, (start, end) = found
        task = task[:start] + " " + task[end:]
    return Assignment(_clean_task(task), _owner_of(owner, author, people) if owner else None, due, parts.done)


class _Parts:
    """What the fields of an item give, as they are read."""

    def __init__(self) -> None:
        self.owner: str | None = None
        self.due: str | None = None
        self.task: list[str] = []
        self.done = False

    def take(self, field: str, people: Collection[str], may_be_owner: bool) -> bool:
        """Read ``field`` as the due date, the owner or a "done" status; whether it was one."""
        if _DONE.match(field.strip()):
            self.done = True
            return True
        value = field_due(field)
        if value is not None:
            self.due = self.due or value or None
            return True
        labelled = _OWNER_LABEL.match(field)
        if labelled and looks_like_name(labelled["name"], people):
            self.owner = self.owner or labelled["name"]
            return True
        if self.owner is None and may_be_owner and looks_like_name(field, people):
            self.owner = field
            return True
        return False


_OWNER_HEADER = re.compile(r"\b(?:owners?|who|assignees?|responsible|person|dri|lead|name)\b", re.I)
_DUE_HEADER = re.compile(r"\b(?:due|deadline|when|date|eta|by|target)\b", re.I)
_STATUS_HEADER = re.compile(r"\b(?:status|state|done)\b", re.I)
_DONE = re.compile(
    r"^(?:[\u2705\u2714\u2611]\ufe0f?\s*(?:done|complete[d]?|closed|shipped|finished)?"
    r"|(?:done|complete[d]?|closed|shipped|finished|\[x\]))[.!]?$",
    re.I,
)


def row_is_done(cells: Sequence[tuple[str, str]]) -> bool:
    """Whether a table row's status column says the work is finished."""
    return any(_STATUS_HEADER.search(h) and (_DONE.match(v.strip()) or v.strip().lower() == "yes") for h, v in cells)


def _from_cells(cells: Sequence[tuple[str, str]], author: str | None, people: Collection[str]) -> Assignment:
    owner: str | None = None
    due: str | None = None
    task: list[str] = []
    for header, value in cells:
        value = value.strip()
        if not value or _STATUS_HEADER.search(header):
            continue
        if owner is None and _OWNER_HEADER.search(header):
            owner = value
        elif due is None and _DUE_HEADER.search(header):
            due = value if value.lower() not in {"tbd", "n/a", "-", "?"} else None
        else:
            task.append(value)
    return Assignment(_clean_task(" — ".join(task)), _owner_of(owner, author, people) if owner else None, due)
