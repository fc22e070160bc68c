"""Plain data types shared by the core, the adapters and the Slack layer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["article", "thread"]


@dataclass(frozen=True)
class Message:
    """One chat message: who wrote it, what it says, and where it lives."""

    author: str | None
    text: str
    ts: str | None = None
    """Slack message ts (or a transcript time label); identifies the message for permalinks."""
    author_id: str | None = None
    """Slack user id when known, so owners can be rendered as mentions."""
    mentions: tuple[tuple[str, str], ...] = ()
    """``(name, Slack user id)`` of each person the text mentions as ``@name``: the adapters
    write mentions as names and keep their ids here."""

    def mention_id(self, name: str) -> str | None:
        """The Slack id of the person the text mentions as ``@name`` (any case), if any."""
        key = name.lstrip("@").lower()
        return next((uid for shown, uid in self.mentions if shown.lower() == key), None)


@dataclass(frozen=True)
class Document:
    """A unit of input to summarise: an article body or a conversation."""

    kind: Kind
    text: str
    source: str
    title: str | None = None
    messages: tuple[Message, ...] = ()
    notices: tuple[str, ...] = ()
    """Human-readable notes about the input (e.g. that it was truncated)."""
    layout: str | None = None
    """The text as written, Markdown and all, where ``text`` is the prose read from it: the
    notes path reads headings, lists and checkboxes from it."""


@dataclass(frozen=True)
class Quote:
    """A verbatim span of the source, with the speaker when the text names one."""

    text: str
    speaker: str | None
    direct: bool
    ts: str | None = None
    """For threads: the ts of the message the quote comes from."""


@dataclass(frozen=True)
class Priority:
    """An action the text asks for, with an owner and a due phrase where stated."""

    text: str
    owner: str | None = None
    due: str | None = None
    ts: str | None = None
    owner_id: str | None = None


@dataclass
class SummaryResult:
    """Everything the bot says about one document."""

    source: str
    kind: Kind
    title: str | None
    summary: list[str]
    quotes: list[Quote] = field(default_factory=list)
    priorities: list[Priority] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    model: str = ""
    elapsed_ms: float = 0.0
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict in the documented CLI schema."""
        data = asdict(self)
        data["elapsed_ms"] = round(self.elapsed_ms, 1)
        return data
