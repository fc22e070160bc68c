"""The summary of meeting notes or a plan: what it is about, what was decided, who does what.

Composed from the document's own lines, at most about ``MAX_WORDS`` words:

1. the topic: the title and the first line under a summary, purpose or goal heading (else the
   agenda, else the sections discussed, else the first line of substance);
2. the decisions, as written;
3. how many action items there are and for whom (the items themselves follow in the reply).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.notes.reader import Notes

MAX_WORDS = 70
MAX_LISTED = 3
DECISION_WORDS = 15
_ABOUT_LABEL = re.compile(
    r"^(?:tl;?dr|summary|purpose|goals?|objectives?|context|background|overview|aim|topic)\s*[:\-\u2013\u2014]\s*", re.I
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"\u201c])")


def _first_sentence(text: str, words: int = 30) -> str:
    sentence = _SENTENCE.split(text.strip(), maxsplit=1)[0].strip()
    tokens = sentence.split()
    if len(tokens) > words:
        sentence = " ".join(tokens[:words]) + "\u2026"
    return sentence


def _series(items: Sequence[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _end(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "\u2026")) else text + "."


def _topic(notes: Notes, title: str | None) -> str | None:
    about = next((_ABOUT_LABEL.sub("", t) for t in notes.about if t.strip()), None)
    about = about or next(
        (_ABOUT_LABEL.sub("", t) for t in notes.first_lines if _ABOUT_LABEL.match(t)), None
    )
    detail: str | None = None
    if about:
        detail = _first_sentence(about)
    elif notes.agenda:
        detail = "Agenda: " + "; ".join(a.rstrip(".") for a in notes.agenda[:4])
    elif notes.topics:
        detail = "Discussed: " + "; ".join(notes.topics[:4])
    elif notes.first_lines:
        detail = _first_sentence(notes.first_lines[0])
    name = (title or notes.heading or "").strip()
    if name and detail:
        joint = " \u2014 " if ":" in name.rstrip(":") else ": "
        return _end(f"{name.rstrip(':.')}{joint}{detail}")
    return _end(detail or name) if (detail or name) else None


def _decided(decisions: Sequence[str]) -> str | None:
    if not decisions:
        return None
    shown = [_first_sentence(d, DECISION_WORDS).rstrip(".") for d in decisions[:MAX_LISTED]]
    more = len(decisions) - len(shown)
    text = "Decided: " + "; ".join(shown)
    return _end(text + (f" (and {more} more)" if more else ""))


def _who(notes: Notes) -> str | None:
    if not notes.actions:
        return None
    owners = list(dict.fromkeys(p.owner for p in notes.actions if p.owner))
    count = len(notes.actions)
    noun = "action item" if count == 1 else "action items"
    if not owners:
        return f"{count} {noun}."
    shown = owners[:4] + ([f"{len(owners) - 4} more"] if len(owners) > 4 else [])
    return f"{count} {noun}, for {_series(shown)}."


def notes_summary(notes: Notes, title: str | None) -> list[str]:
    """The sentences of the summary, within about ``MAX_WORDS`` words (the topic always kept)."""
    sentences = [s for s in (_topic(notes, title), _decided(notes.decisions), _who(notes)) if s]
    kept: list[str] = []
    used = 0
    for sentence in sentences:
        words = len(sentence.split())
        if kept and used + words > MAX_WORDS:
            continue
        kept.append(sentence)
        used += words
    return kept
