"""Document layout: list blocks (bullets, numbers, letters) and headings, with their lead-ins.

Works on the raw text, line by line, and reports character offsets into it, so the caller
can map items back onto its spaCy parse.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_BULLET = r"[-*\u2022\u25aa\u25cf\u25e6\u2023\u2013\u2014\u25a0\u25a1\u2219\u00b7]"
_MARKER = re.compile(
    rf"^(?P<indent>[ \t]*)(?:(?P<bullet>{_BULLET})|\(?(?P<number>\d{{1,2}})[.)]|\((?P<paren_letter>[a-zA-Z])\)"
    r"|(?P<letter>[a-zA-Z])[.)]|\((?P<roman>[ivx]{1,4})\))[ \t]+(?=\S)"
)
_TERMINAL = re.compile(r"[.!?\u2026][\"'\u2019\u201d)]*$")
HEADING_MAX_WORDS = 6
LIST_ITEM_MAX_WORDS = 60


@dataclass(frozen=True)
class Line:
    """One line of the text with its offsets (``end`` excludes the newline)."""

    text: str
    start: int
    end: int

    @property
    def blank(self) -> bool:
        """Whether the line holds only whitespace."""
        return not self.text.strip()


@dataclass(frozen=True)
class Block:
    """Items laid out as a list, and the line that introduces them.

    ``items`` are ``(start, end)`` character ranges of the item texts (markers excluded);
    ``lead`` is the introducing line (a heading, or a sentence ending in a colon) or ``None``;
    ``marked`` tells a bulleted or numbered list from plain lines under a heading.
    """

    items: tuple[tuple[int, int], ...]
    lead: str | None
    marked: bool
    start: int
    """Where the block begins: its lead-in line, else its first item."""

    @property
    def end(self) -> int:
        """Where its last item ends."""
        return self.items[-1][1]


def lines_of(text: str) -> list[Line]:
    """The lines of ``text`` with their character offsets."""
    lines: list[Line] = []
    offset = 0
    for raw in text.split("\n"):
        lines.append(Line(raw, offset, offset + len(raw)))
        offset += len(raw) + 1
    return lines


def _marker_kind(line: Line) -> tuple[str, str, int] | None:
    """(kind, label, offset of the item text) when the line starts with a list marker."""
    m = _MARKER.match(line.text)
    if m is None:
        return None
    for kind in ("bullet", "number", "paren_letter", "letter", "roman"):
        label = m.group(kind)
        if label is not None:
            return kind + (label if kind == "bullet" else ""), label, line.start + m.end()
    return None


def _in_sequence(kind: str, labels: list[str]) -> bool:
    """Numbers and letters must count up (1, 2, 3 / a, b, c); bullets always do."""
    if kind.startswith("bullet") or kind == "roman":
        return True
    values = [int(label) if kind == "number" else ord(label.lower()) for label in labels]
    return all(b == a + 1 for a, b in itertools.pairwise(values))


def is_heading(line: Line) -> bool:
    """A short line without sentence-final punctuation (a colon may end it)."""
    text = line.text.strip().rstrip(":").strip()
    words = text.split()
    return 0 < len(words) <= HEADING_MAX_WORDS and not _TERMINAL.search(text) and text[0].isupper()


def _lead_before(lines: list[Line], index: int) -> Line | None:
    """The introducing line above ``lines[index]``: a heading, or a line ending in a colon."""
    k = index - 1
    while k >= 0 and lines[k].blank:
        k -= 1
    if k < 0 or index - k > 2:  # more than one blank line: the list stands on its own
        return None
    line = lines[k]
    if line.text.rstrip().endswith(":") or is_heading(line):
        return line
    return None


def _continues_item(line: Line) -> bool:
    """An indented, unmarked line carries on the item above it."""
    return not line.blank and line.text[:1] in {" ", "\t"} and _marker_kind(line) is None


def list_blocks(text: str) -> list[Block]:
    """Runs of two or more lines with the same kind of list marker, counting up.

    Items may be separated by single blank lines; an indented line right after an item
    continues it.
    """
    lines = lines_of(text)
    blocks: list[Block] = []
    k = 0
    while k < len(lines):
        first = _marker_kind(lines[k])
        if first is None:
            k += 1
            continue
        kind = first[0]
        items: list[tuple[int, int]] = []
        labels: list[str] = []
        start_index = k
        j = k
        while j < len(lines):
            marker = _marker_kind(lines[j])
            if marker is None or marker[0] != kind:
                break
            item_start, item_end = marker[2], lines[j].end
            j += 1
            while j < len(lines) and _continues_item(lines[j]):
                item_end = lines[j].end
                j += 1
            items.append((item_start, item_end))
            labels.append(marker[1])
            if j + 1 < len(lines) and lines[j].blank and (nxt := _marker_kind(lines[j + 1])) and nxt[0] == kind:
                j += 1
        if len(items) >= 2 and _in_sequence(kind, labels):
            lead = _lead_before(lines, start_index)
            blocks.append(
                Block(tuple(items), lead.text.strip() if lead else None, True, lead.start if lead else items[0][0])
            )
            k = j
        else:
            k += 1
    return blocks


def heading_blocks(text: str) -> list[Block]:
    """Plain lines right under a heading ("Next steps" then one step a line).

    The heading is followed (after at most one blank line) by two or more unmarked lines,
    each short enough to be one item; the run ends at a blank line.
    """
    lines = lines_of(text)
    blocks: list[Block] = []
    for k, line in enumerate(lines):
        if line.blank or not is_heading(line) or _marker_kind(line) is not None:
            continue
        j = k + 1
        if j < len(lines) and lines[j].blank:
            j += 1
        items: list[tuple[int, int]] = []
        while j < len(lines) and not lines[j].blank and _marker_kind(lines[j]) is None:
            if len(lines[j].text.split()) > LIST_ITEM_MAX_WORDS // 2:
                items = []
                break
            items.append((lines[j].start + len(lines[j].text) - len(lines[j].text.lstrip()), lines[j].end))
            j += 1
        if len(items) >= 2:
            blocks.append(Block(tuple(items), line.text.strip(), False, line.start))
    return blocks
