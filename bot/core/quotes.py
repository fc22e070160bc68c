"""Key quotes (placeholder)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.types import Message, Quote


def extract_article_quotes(parsed: Any, max_quotes: int = 5) -> list[Quote]:
    """Direct then reported quotes, verbatim, with resolved speakers."""
    return []


def extract_thread_quotes(
    messages: Sequence[Message], parsed: Sequence[Any], max_quotes: int = 5
) -> list[Quote]:
    """The messages that carry decisions, with their authors."""
    return []
