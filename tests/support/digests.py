"""Stand-ins for a built digest, shaped as the Block Kit builders read one."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.types import Priority


@dataclass
class DigestItem:
    """A digest item as ``blocks.digest_blocks`` reads it."""

    kind: str
    ts: str
    permalink: str | None
    title: str | None
    summary: list[str]


@dataclass
class Digest:
    """A digest as ``blocks.digest_blocks`` reads it (defaults: one quiet day of C1)."""

    channel_id: str = "C1"
    period_start: float = 1_700_000_000.0
    period_end: float = 1_700_086_400.0
    items: list[DigestItem] = field(default_factory=list)
    priorities: list[Priority] = field(default_factory=list)
    mentionable: frozenset[str] = frozenset()
    failures: dict[str, int] = field(default_factory=dict)
