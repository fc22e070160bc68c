"""Priorities and action items (placeholder)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.types import Message, Priority


def extract_article_priorities(parsed: Any, max_items: int = 8) -> list[Priority]:
    """What an article says must be done, most important first."""
    return []


def extract_thread_actions(
    messages: Sequence[Message], parsed: Sequence[Any]
) -> tuple[list[Priority], list[str]]:
    """Action items (with owner and due) and agreed decisions from a thread."""
    return [], []
