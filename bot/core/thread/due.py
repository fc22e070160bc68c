"""Due phrases of tasks: "by Friday", "before the 3rd", "EOD", "end of week", "tomorrow morning"."""

from __future__ import annotations

import re

from bot.core.scorer import stop_words
from bot.core.text import normalise_quotes

_DAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b\.?)"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)"
_DATE = rf"(?:the\s+)?{_ORDINAL}(?: of {_MONTH})?|{_MONTH} {_ORDINAL}|{_MONTH} \d{{1,2}}\b|\d{{1,2}} (?:of )?{_MONTH}"
_TOMORROW = r"(?:tomorrow|tmrw|tmr|tomoz)"
_PERIOD = r"(?:day|week|month|sprint|quarter|year|play|business|shift|term)"
_PART_OF_DAY = r"(?: morning| afternoon| evening| night|, first thing| first thing)?"
_TIME = r"\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2}|noon|midday"
_POINT = (
    rf"(?:the\s+)?end of (?:the\s+|this\s+|next\s+)?{_PERIOD}|{_DAY}{_PART_OF_DAY}(?:\s+(?:at\s+)?(?:{_TIME}))?"
    rf"|{_TOMORROW}{_PART_OF_DAY}|tonight|today|midnight|lunch(?:time)?|eod|eow|cob|close of business"
    rf"|(?:next|this) (?:{_DAY}|week|month|sprint|quarter|year)"
    rf"|{_DATE}"
    rf"|(?:{_TIME})(?:\s+(?:today|tonight|{_TOMORROW}|on {_DAY}))?"
)
_DUE = re.compile(
    rf"\b(?:(?:by|before|until|till|through|thru|no later than|due)\s+(?:{_POINT})"
    rf"|(?:on|this|next)\s+{_DAY}{_PART_OF_DAY}|on\s+(?:{_DATE})|next (?:week|month|sprint|quarter|year)"
    rf"|this (?:week|afternoon|evening|morning)|(?:the\s+)?week of (?:{_DATE})"
    rf"|(?:at\s+)?(?:the\s+)?end of (?:the\s+|this\s+)?(?:[a-z]+\s+)?(?:{_PERIOD}|run|call|meeting|session|window)"
    rf"|{_TOMORROW}{_PART_OF_DAY}"
    r"|tonight|today|overnight|eod|eow|cob|asap|(?:within|in) (?:a|an|one|two|three|four|\d+) (?:hours?|days?|weeks?)"
    r"|as soon as (?:possible|(?:the|it|we|they|he|she|you|i|legal|finance)\b(?:\s+[\w'-]+){1,3}?(?=\s*(?:[,.;!?]|$)))"
    r"|before (?:the|our|next) (?:\d{1,2}:\d{2} )?(?!(?:end|way)\b)[a-z][\w-]*"
    rf"|before [a-z][\w-]* (?:opens|starts|closes|ends|launches|ships|goes live)(?: {_DAY})?"
    r"|before (?:he|she|they|we|you|i|it) [a-z]+)\b",
    re.I,
)

_BARE_DAY = re.compile(
    r"(?<![\w'])(?:(?i:(?:mon|tues|wednes|thurs|fri|satur|sun)day)|(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri)\b\.?"
    rf"|(?i:{_DATE})|(?i:at \d{{1,2}}(?::\d{{2}})?(?:\s*(?:am|pm))?))(?i:{_PART_OF_DAY})(?!'s|\w|:)"
)
"""A weekday, date or hour on its own ("I'll ping you Monday", "config done the 21st", "training
the staff at 11"): a due date only in a task's own sentence."""
_NOT_BEFORE_DAY = frozenset({"the", "a", "for", "every", "last", "since", "from", "of", "that", "each", "and", "or"})


def due_span(text: str) -> tuple[int, int] | None:
    """Character range of the due phrase of ``text``, if it states one."""
    match = _DUE.search(normalise_quotes(text))  # a 1:1 character mapping keeps offsets
    return (match.start(), match.end()) if match else None


def due_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of every due phrase of ``text``."""
    return [match.span() for match in _DUE.finditer(normalise_quotes(text))]


def task_due_span(text: str) -> tuple[int, int] | None:
    """The due phrase of a sentence that asks for or takes on a task: a bare weekday counts too."""
    span = due_span(text)
    if span is not None:
        return span
    text = normalise_quotes(text)
    for match in _BARE_DAY.finditer(text):
        before = text[: match.start()].split()[-1:]
        after = text[match.end() :].split()[:1]
        # "the Thursday pickup", "Friday demo", "for Friday" and "Friday's" name a day, not a due date
        compound = bool(after) and after[0][:1].islower() and after[0].strip(".,;:!?") not in stop_words()
        if not (before and before[0].lower() in _NOT_BEFORE_DAY) and not compound:
            return match.start(), match.end()
    return None


def find_due(text: str) -> str | None:
    """The due phrase of ``text`` ("by Friday", "tomorrow", "EOD"...), if it states one."""
    span = due_span(text)
    return text[span[0] : span[1]] if span else None
