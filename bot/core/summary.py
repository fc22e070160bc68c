"""Extractive summary selection (placeholder: lead sentences; replaced by the scorer)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.protocols import Encoder
from bot.core.types import Message


def summarise_article(parsed: Any, encoder: Encoder, scorer: Any | None = None) -> list[str]:
    """Pick 1-3 sentences (at most ~75 words) from a parsed article."""
    return [s.text.strip() for s in parsed.sents if s.text.strip()][:3]


def summarise_thread(
    messages: Sequence[Message], parsed: Sequence[Any], encoder: Encoder, scorer: Any | None = None
) -> list[str]:
    """Pick 1-2 sentences that summarise a conversation."""
    return [f"{m.author}: {m.text}" if m.author else m.text for m in messages][:2]
