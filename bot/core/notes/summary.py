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
from bot.core.outcome import action_items_line, decided_line, end_sentence

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
        return end_sentence(f"{name.rstrip(':.')}{joint}{detail}")
    return end_sentence(detail or name) if (detail or name) else None


def _decided(decisions: Sequence[str]) -> str | None:
    shown = [_first_sentence(d, DECISION_WORDS) for d in decisions[:MAX_LISTED]]
    return decided_line(shown, len(decisions) - len(shown))


def _who(notes: Notes) -> str | None:
    owners = list(dict.fromkeys(p.owner for p in notes.actions if p.owner))
    return action_items_line(len(notes.actions), owners)


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
