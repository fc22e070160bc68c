"""Due dates of written action items: a labelled field ("due 14 June", "Deadline: Fri"), a field
that is a date ("— 14 June", "(EOW)"), or a phrase inside the task ("... by Friday").

Inside running text the thread path's due phrases (:mod:`bot.core.thread.due`) apply; notes add
the calendar forms they are written with: "14 June", "Fri 13 June", "2025-06-14", "14/06",
"Q3", "mid-July", "end of June", and an event closing the item ("... before launch").
"""

from __future__ import annotations

import re

from bot.core.thread.due import due_span

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?\.?,?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+\d{4})"
_CALENDAR = (
    rf"(?:{_WEEKDAY}\s+)?(?:{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}?|{_MONTH}\s+{_DAY}\b{_YEAR}?)"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{1,2}\.\d{1,2}\.(?:\d{2,4})?"
    rf"|(?:early|mid|late)[- ]{_MONTH}|(?:the\s+)?(?:end|start|beginning|middle) of {_MONTH}"
    r"|(?:end of\s+)?q[1-4](?:\s+\d{4})?|h[12](?:\s+\d{4})?"
    rf"|{_WEEKDAY}(?=\s*$)|(?:next|this) {_WEEKDAY}"
    r"|(?:next|this) (?:week|month|sprint|quarter)|(?:end of|by end of) (?:the\s+)?(?:day|week|month|sprint|quarter)"
    r"|tomorrow|today|tonight|asap|eod|eow|eom|cob"
)
_DATE_ONLY = re.compile(rf"^(?:{_CALENDAR})$", re.I)
_DATE_SEARCH = re.compile(rf"\b(?:{_CALENDAR})(?![\w/])", re.I)
_FIELD_LABEL = re.compile(
    r"^(?:due(?:\s+date)?|deadline|eta|target(?:\s+date)?|by when|when|date)\b\s*"
    r"(?:[:=\-\u2013\u2014]\s*)?(?P<value>.+)$",
    re.I,
)
_BY = re.compile(r"^(?:by|before|until|till|no later than|not later than)\s+\S", re.I)
_INLINE_LABEL = re.compile(
    rf"\b(?:due|deadline:?)\s+(?P<value>(?:by\s+)?(?:{_CALENDAR}|{_WEEKDAY})(?![\w/]))", re.I
)
_INLINE_BY = re.compile(
    rf"\b(?P<value>(?:by|before|until|till|no later than|on)\s+(?:{_CALENDAR})(?![\w/]))", re.I
)
_BEFORE_EVENT = re.compile(
    r"\b(?P<value>(?:before|ahead of|prior to)\s+(?:the\s+|our\s+|next\s+)?[^\W\d_][\w-]*(?:\s+[\w-]+){0,2})\s*[.!]?$",
    re.I,
)
"""A due event closing an item: "... approved by legal before launch", "ahead of the offsite"."""
MAX_FIELD_WORDS = 8


def field_due(field: str) -> str | None:
    """The due date a whole field states ("due 14 June" -> "14 June", "by Friday", "EOW"), else
    ``None``; ``""`` for a due label without a date ("due: TBD")."""
    text = field.strip().strip("()[]").strip().rstrip(".")
    if not text or len(text.split()) > MAX_FIELD_WORDS:
        return None
    labelled = _FIELD_LABEL.match(text)
    if labelled:
        value = labelled["value"].strip()
        return value if value and not value.lower().startswith(("tbd", "n/a", "none", "-", "?")) else ""
    if _BY.match(text) and (_DATE_SEARCH.search(text) or due_span(text)):
        return text
    event = _BEFORE_EVENT.match(text)
    if event is not None and event.start() == 0:
        return text
    if _DATE_ONLY.match(text):
        return text
    span = due_span(text)
    if span is not None and span == (0, len(text)):
        return text
    return None


def inline_due(text: str) -> tuple[str, tuple[int, int]] | None:
    """The due phrase inside a task's text and the span to cut out of it ("write it due Friday"
    gives "Friday"; "... by 14 June" gives "by 14 June")."""
    m = _INLINE_LABEL.search(text)
    if m is not None:
        return m["value"], (m.start(), m.end())
    m = _INLINE_BY.search(text)
    if m is not None:
        return m["value"], (m.start(), m.end())
    span = due_span(text)
    if span is not None:
        return text[span[0] : span[1]], span
    m = _BEFORE_EVENT.search(text)
    if m is not None:
        return m["value"], (m.start(), m.end())
    return None
