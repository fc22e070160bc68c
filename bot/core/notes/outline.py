"""The outline of a written document: its headings, and under each the list items, table rows
and lines that follow, with list markers, checkboxes and emphasis markers taken out.

Markdown is read with markdown-it-py (CommonMark plus tables). What chat and plain-text notes
write instead of Markdown is read as the same structure: "•" bullets, a bare "[ ]" checkbox, a
short line ending in a colon ("Action items:"), a line of bold or italic text only, and the
first line of a paragraph when it names a kind of section ("Next steps") are headings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt

from bot.core.notes.headings import SectionKind, names_a_section, section_kind
from bot.core.text import normalise_ws

LABEL_LEVEL = 7
"""Level of a heading written as a label (bold line, lead-in ending in a colon): below ``######``."""
LABEL_MAX_WORDS = 8

_MD = MarkdownIt("commonmark").enable("table")
_ALT_BULLET = re.compile(
    r"^(?P<indent>[ \t]*)[\u2022\u25e6\u25aa\u25cf\u2023\u2043\u2219\u00b7\u2013\u2014](?=[ \t])", re.M
)
_BARE_BOX = re.compile(r"^(?P<indent>[ \t]*)(?=\[[ xX]\][ \t])", re.M)
_CHECKBOX = re.compile(
    r"^\s*(?:\[(?P<box>[ xX])\]|(?P<open>[\u2610\u25a1])|(?P<done>[\u2611\u2612\u2705\u2714]\ufe0f?))\s*"
)
_LIST_LINE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s")
_TRANSCRIPT_LINE = re.compile(r"^\[\d{1,2}:\d{2}")
_INHERITED = frozenset({SectionKind.ACTIONS, SectionKind.DECISIONS, SectionKind.MIXED, SectionKind.PAST})
"""Kinds a sub-heading takes from the heading above it ("Backend" under "Action items"); a plan's
title does not make every section of the plan a list of tasks."""


@dataclass(frozen=True)
class Entry:
    """One list item, table row or line of a section.

    ``lead`` is the emphasised text it starts with ("Ben Carter" of "**Ben Carter** — ...");
    ``checked`` is ``None`` without a checkbox; ``cells`` pairs a table row's values with the
    column headers; ``children`` are the items of a list nested under it.
    """

    text: str
    line: int
    lead: str | None = None
    checked: bool | None = None
    cells: tuple[tuple[str, str], ...] = ()
    children: tuple[Entry, ...] = ()
    listed: bool = True
    """False for a plain line of a paragraph (not a list item or table row)."""


@dataclass
class Section:
    """A heading and what follows it up to the next heading of the same or a higher level."""

    heading: str | None
    level: int
    kind: SectionKind
    line: int
    entries: list[Entry] = field(default_factory=list)
    parents: tuple[str, ...] = ()
    """Headings above this one, outermost first."""


def _normalise(text: str) -> str:
    """Chat bullets become Markdown ones, a bare checkbox gets a bullet, and a heading line right
    under a list item starts a paragraph of its own (Markdown would read it as the item's
    continuation)."""
    text = _ALT_BULLET.sub(lambda m: m["indent"] + "-", text)
    text = _BARE_BOX.sub(lambda m: m["indent"] + "- ", text)
    lines = text.split("\n")
    for k in range(1, len(lines)):
        line = lines[k]
        if line[:1].isspace() or not _LIST_LINE.match(lines[k - 1]):
            continue
        bare = line.strip().strip("*_").strip()
        if bare and (_TRANSCRIPT_LINE.match(bare) or _label_heading(bare, None, following=False) is not None):
            lines[k] = "\n" + line
    return "\n".join(lines)


@dataclass
class _Inline:
    """Text of an inline token, split into its lines, with the emphasised text each line starts with."""

    lines: list[tuple[str, str | None]]


def _inline(token: Any) -> _Inline:
    return _InlineReader().read(token)


class _InlineReader:
    """Reads an inline token's children into lines, each with the emphasised text it starts with."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str | None]] = []
        self.parts: list[str] = []
        self.lead: str | None = None
        self.emphasis = 0
        self.lead_open = True  # emphasis that starts the line (nothing but space before it) is its lead

    def read(self, token: Any) -> _Inline:
        for child in token.children or []:
            kind = child.type
            if kind in ("softbreak", "hardbreak"):
                self._close_line()
            elif kind in ("strong_open", "em_open"):
                self._open_emphasis()
            elif kind in ("strong_close", "em_close"):
                self.emphasis -= 1
                if self.emphasis == 0:
                    self.lead_open = False
            elif kind in ("text", "code_inline"):
                self._text(child.content)
            elif kind == "image":
                self.parts.append(child.content)
        self._close_line()
        return _Inline(self.lines)

    def _close_line(self) -> None:
        text = normalise_ws("".join(self.parts))
        if text:
            self.lines.append((text, self.lead.strip() if self.lead and self.lead.strip() else None))
        self.parts, self.lead, self.lead_open = [], None, True

    def _open_emphasis(self) -> None:
        self.emphasis += 1
        if self.lead_open and not _CHECKBOX.sub("", "".join(self.parts)).strip():
            self.lead = ""

    def _text(self, content: str) -> None:
        self.parts.append(content)
        if self.lead is not None and self.lead_open and self.emphasis > 0:
            self.lead += content
        elif self.emphasis == 0 and _CHECKBOX.sub("", "".join(self.parts)).strip():
            self.lead_open = False


def _checkbox(text: str) -> tuple[str, bool | None]:
    m = _CHECKBOX.match(text)
    if m is None:
        return text, None
    checked = m["done"] is not None or (m["box"] is not None and m["box"] in "xX")
    return text[m.end() :], checked


def _label_heading(text: str, lead: str | None, following: bool) -> str | None:
    """The heading a line of a paragraph makes, or ``None`` when it is content.

    A line of emphasised text only, a short line ending in a colon with nothing after it, a
    short line whose words name a kind of section ("Next steps", "Decisions", "Discussion"),
    or a short line in capitals with lines under it.
    """
    words = text.rstrip(":").split()
    if not words or len(words) > LABEL_MAX_WORDS:
        return None
    bare = text.rstrip(":").strip()
    if lead is not None and lead.rstrip(":").strip() == bare:
        return bare
    if text.endswith(":") or names_a_section(bare):
        return bare
    if following and bare.isupper() and len(bare) > 2:
        return bare
    return None


class _Builder:
    """Collects sections while walking markdown-it's token stream."""

    def __init__(self) -> None:
        self.sections: list[Section] = [Section(None, 0, SectionKind.OTHER, 0)]
        self.stack: list[tuple[int, str, SectionKind]] = []
        self.label_open = False
        """Whether the current section is a label heading whose list has not started yet."""

    @property
    def current(self) -> Section:
        return self.sections[-1]

    def open(self, heading: str, level: int, line: int) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        own = section_kind(heading)
        inherited = next((k for _, _, k in reversed(self.stack) if k in _INHERITED), SectionKind.OTHER)
        kind = own if own is not SectionKind.OTHER else inherited
        parents = tuple(h for _, h, _ in self.stack)
        self.stack.append((level, heading, kind))
        self.sections.append(Section(heading, level, kind, line, parents=parents))
        self.label_open = level == LABEL_LEVEL

    def close_label(self) -> None:
        """Prose after a label's list ends the label's section (back to the heading above it)."""
        if self.stack and self.stack[-1][0] == LABEL_LEVEL and not self.label_open:
            self.stack.pop()
            level, heading, kind = self.stack[-1] if self.stack else (0, None, SectionKind.OTHER)
            parents = tuple(h for _, h, _ in self.stack[:-1])
            self.sections.append(Section(heading, level, kind, self.current.line, parents=parents))

    def add(self, entry: Entry) -> None:
        self.current.entries.append(entry)
        self.label_open = False


def _block_end(tokens: Sequence[Any], k: int, opening: str, closing: str) -> int:
    depth = 0
    for j in range(k, len(tokens)):
        if tokens[j].type == opening:
            depth += 1
        elif tokens[j].type == closing:
            depth -= 1
            if depth == 0:
                return j
    return len(tokens) - 1


def _list_items(tokens: Sequence[Any], start: int, end: int) -> list[Entry]:
    """The items of the list spanning ``tokens[start:end + 1]`` (nested lists as children)."""
    items: list[Entry] = []
    k = start + 1
    while k < end:
        token = tokens[k]
        if token.type != "list_item_open":
            k += 1
            continue
        close = _block_end(tokens, k, "list_item_open", "list_item_close")
        texts: list[tuple[str, str | None]] = []
        children: list[Entry] = []
        j = k + 1
        while j < close:
            inner = tokens[j]
            if inner.type in ("bullet_list_open", "ordered_list_open"):
                sub_end = _block_end(tokens, j, inner.type, inner.type.replace("_open", "_close"))
                children += _list_items(tokens, j, sub_end)
                j = sub_end + 1
                continue
            if inner.type == "inline":
                texts += _inline(inner).lines
            j += 1
        if texts:
            text, checked = _checkbox(" ".join(t for t, _ in texts))
            lead = texts[0][1]
            line = token.map[0] if token.map else 0
            items.append(Entry(normalise_ws(text), line, lead, checked, children=tuple(children)))
        k = close + 1
    return items


def _table_rows(tokens: Sequence[Any], start: int, end: int) -> list[Entry]:
    headers: list[str] = []
    rows: list[Entry] = []
    row: list[str] = []
    line = 0
    for token in tokens[start:end]:
        if token.type == "tr_open":
            row = []
            line = token.map[0] if token.map else line
        elif token.type == "inline":
            row.append(" ".join(t for t, _ in _inline(token).lines))
        elif token.type == "tr_close":
            if not headers:
                headers = row
            elif any(row):
                cells = tuple(zip(headers, row, strict=False))
                rows.append(Entry(" — ".join(v for v in row if v), line, cells=cells))
    return rows


def read_outline(text: str) -> list[Section]:
    """The sections of ``text``, in order; the first has no heading (what precedes the first one)."""
    tokens = _MD.parse(_normalise(text))
    builder = _Builder()
    k = 0
    while k < len(tokens):
        token = tokens[k]
        line = token.map[0] if token.map else 0
        if token.type == "heading_open":
            inline = tokens[k + 1]
            heading = " ".join(t for t, _ in _inline(inline).lines)
            builder.open(heading, int(token.tag[1]), line)
            k += 3
            continue
        if token.type in ("bullet_list_open", "ordered_list_open"):
            end = _block_end(tokens, k, token.type, token.type.replace("_open", "_close"))
            for entry in _list_items(tokens, k, end):
                builder.add(entry)
            k = end + 1
            continue
        if token.type == "table_open":
            end = _block_end(tokens, k, "table_open", "table_close")
            for entry in _table_rows(tokens, k, end):
                builder.add(entry)
            k = end + 1
            continue
        if token.type == "inline":
            _paragraph(builder, _inline(token).lines, line)
        k += 1
    return [s for s in builder.sections if s.heading is not None or s.entries]


def _paragraph(builder: _Builder, lines: list[tuple[str, str | None]], line: int) -> None:
    """A paragraph: its lines, with a new label section at each line that is a heading."""
    for offset, (text, lead) in enumerate(lines):
        heading = _label_heading(text, lead, following=offset + 1 < len(lines))
        if heading is not None:
            builder.close_label()
            builder.open(heading, LABEL_LEVEL, line + offset)
            continue
        if offset == 0 and not builder.label_open:
            builder.close_label()
        body, checked = _checkbox(text)
        builder.add(Entry(body, line + offset, lead, checked, listed=False))


def walk(entries: Sequence[Entry]) -> Iterator[Entry]:
    """Every entry and, after each, its nested entries."""
    for entry in entries:
        yield entry
        yield from walk(entry.children)
