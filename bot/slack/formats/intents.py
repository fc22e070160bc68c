"""What a direct message to the bot asks for: one pure parser for the agent view and plain DMs.

:func:`parse_intent` reads a message's Slack markup (``<#C…|name>`` channels, links) and its
words, and returns one of :class:`Help`, :class:`CatchUp`, :class:`MyItems`,
:class:`SummariseChannel`, :class:`SummariseLink` or :class:`Unclear`. A time such as
"since yesterday", "since Monday" or "last 3 days" is kept as a :class:`Since` (as the
person said it); :meth:`Since.start` turns it into a moment in the asker's time zone when
the job runs. Pure: no Slack client, no clock, no settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.core.clock import WEEKDAY_WORDS
from bot.slack.formats.markup import TOKEN, conversation_ids, first_url, plain_text

SinceKind = Literal["hours", "days", "today", "yesterday", "weekday"]
MAX_SINCE_DAYS = 30
"""The longest look-back a message can ask for; longer ones are cut to this."""
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "couple": 2, "few": 3,
}
_UNIT_HOURS = {"h": 1, "hr": 1, "hrs": 1, "hour": 1, "hours": 1, "d": 24, "day": 24, "days": 24,
               "w": 168, "wk": 168, "wks": 168, "week": 168, "weeks": 168}
_COUNT = r"(\d{1,4}|" + "|".join(_NUMBER_WORDS) + r")"
_UNIT = r"(" + "|".join(sorted(_UNIT_HOURS, key=len, reverse=True)) + r")"
_LAST_N = re.compile(rf"\b(?:last|past|previous)\s+(?:{_COUNT}\s+(?:of\s+)?)?{_UNIT}\b")
_N_AGO = re.compile(rf"\b{_COUNT}\s*{_UNIT}\s+ago\b")
_COMPACT = re.compile(r"(?<![\w.])(\d{1,4})\s?([hdw])\b")
_SINCE_WEEKDAY = re.compile(r"\bsince\s+(?:last\s+)?([a-z]+)\b")
_YESTERDAY = re.compile(r"\byesterday\b")
_TODAY = re.compile(r"\b(?:today|this morning)\b")

_HELP = re.compile(r"^(?:help|\?|hi|hello|hey|what can you do\??|commands?)$")
_CATCH_UP = re.compile(
    r"\bcatch\s*(?:me\s+)?up\b|\bwhat\s+(?:did\s+i\s+miss|have\s+i\s+missed|i\s+missed)\b"
)
_MY_ITEMS = re.compile(
    r"\b(?:my|mine)\b.*\b(?:action\s+items?|to-?dos?|tasks?|items?|plate)\b|\baction\s+items?\b"
)
_SUMMARISE = re.compile(r"\b(?:summari[sz]e|summary|recap|tl;?dr)\b")


@dataclass(frozen=True)
class Since:
    """When a look-back starts, as the person said it.

    ``kind``: ``hours``/``days`` (``count`` of them before now), ``today``, ``yesterday``
    (their start, in the asker's time zone) or ``weekday`` (``count`` is the day, Monday 0:
    the start of the latest such day before today).
    """

    kind: SinceKind
    count: int = 0

    def start(self, now: datetime) -> datetime:
        """The moment the look-back starts; ``now`` is aware, in the asker's time zone."""
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.kind == "hours":
            return now - timedelta(hours=self.count)
        if self.kind == "days":
            return now - timedelta(days=self.count)
        if self.kind == "today":
            return midnight
        if self.kind == "yesterday":
            return midnight - timedelta(days=1)
        back = (now.weekday() - self.count) % 7 or 7
        return midnight - timedelta(days=back)

    def to_json(self) -> dict[str, Any]:
        """The job payload's form."""
        return {"kind": self.kind, "count": self.count}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Since:
        """Read :meth:`to_json`'s form back; anything else is the default look-back."""
        if not isinstance(data, dict):
            return DEFAULT_SINCE
        kind, count = data.get("kind"), data.get("count", 0)
        if kind not in ("hours", "days", "today", "yesterday", "weekday") or not isinstance(count, int):
            return DEFAULT_SINCE
        return cls(kind, count)


DEFAULT_SINCE = Since("hours", 24)
"""A look-back nobody named: the last 24 hours."""


@dataclass(frozen=True)
class Help:
    """What the bot can do."""


@dataclass(frozen=True)
class CatchUp:
    """"Catch me up": the asker's conversations since ``since`` (only ``channels`` when named)."""

    since: Since = DEFAULT_SINCE
    channels: tuple[str, ...] = ()


@dataclass(frozen=True)
class MyItems:
    """"My action items": the asker's open items."""


@dataclass(frozen=True)
class SummariseChannel:
    """A recap of one conversation since ``since``."""

    channel: str
    since: Since = DEFAULT_SINCE


@dataclass(frozen=True)
class SummariseLink:
    """The summary of an article."""

    url: str


@dataclass(frozen=True)
class Unclear:
    """A request the parser could not place; ``about`` names what was missing (``channel``,
    ``summarise``: a summary of nothing named) or is empty."""

    about: str = ""


Intent = Help | CatchUp | MyItems | SummariseChannel | SummariseLink | Unclear


def parse_intent(text: str) -> Intent:
    """What a DM's text (Slack markup) asks for; see the module docstring."""
    channels = tuple(conversation_ids(text))
    url = first_url(text)
    words = _words(text)
    if not words and not channels and url is None:
        return Help()
    if _HELP.match(words):
        return Help()
    if _CATCH_UP.search(words):
        return CatchUp(parse_since(words) or DEFAULT_SINCE, channels)
    asked = bool(_SUMMARISE.search(words))
    if _MY_ITEMS.search(words) and not (asked and (channels or url)):
        return MyItems()
    return _summary_intent(words, asked, channels, url)


def _summary_intent(words: str, asked: bool, channels: tuple[str, ...], url: str | None) -> Intent:
    if channels and (asked or not _other_words(words)):
        return SummariseChannel(channels[0], parse_since(words) or DEFAULT_SINCE)
    if url is not None and (asked or not _other_words(words)):
        return SummariseLink(url)
    if asked:
        return Unclear("summarise")
    return Unclear()


def parse_since(words: str) -> Since | None:
    """A look-back written in ``words`` (lower-case plain text), capped at ``MAX_SINCE_DAYS``."""
    if match := (_LAST_N.search(words) or _N_AGO.search(words)):
        return _span(match[1] or "1", match[2])
    if match := _COMPACT.search(words):
        return _span(match[1], match[2])
    if match := _SINCE_WEEKDAY.search(words):
        day = WEEKDAY_WORDS.get(match[1])
        if day is not None:
            return Since("weekday", day)
    if _YESTERDAY.search(words):
        return Since("yesterday")
    if _TODAY.search(words):
        return Since("today")
    return None


def _span(count_word: str, unit: str) -> Since | None:
    count = int(count_word) if count_word.isdigit() else _NUMBER_WORDS[count_word]
    if count <= 0:
        return None
    hours = min(count * _UNIT_HOURS[unit], MAX_SINCE_DAYS * 24)
    return Since("days", hours // 24) if hours % 24 == 0 else Since("hours", hours)


def _words(text: str) -> str:
    """The message as lower-case plain words: markup tokens dropped, punctuation spaced."""
    plain = plain_text(TOKEN.sub(" ", text)).lower().replace("’", "'")
    plain = re.sub(r"[^\w\s?';-]", " ", plain)
    return " ".join(plain.split())


_FILLER = frozenset(
    {"please", "pls", "can", "could", "would", "you", "and", "the", "of", "in", "on", "for", "this",
     "that", "me", "us", "last", "past", "since", "thanks", "thank", "hey", "hi", "?", "!"}
)


def _other_words(words: str) -> bool:
    """Whether ``words`` says more than a look-back and politeness (a lone channel or link
    with "last 3 days" or "please" is a request; one inside a sentence is not)."""
    rest = _LAST_N.sub(" ", _N_AGO.sub(" ", _COMPACT.sub(" ", words)))
    rest = _SINCE_WEEKDAY.sub(" ", _YESTERDAY.sub(" ", _TODAY.sub(" ", rest)))
    return any(word not in _FILLER for word in rest.replace("?", " ? ").split())
