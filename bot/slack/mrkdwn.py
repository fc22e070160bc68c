"""Escaping for Slack mrkdwn: content can never ping people or forge links."""

from __future__ import annotations


def escape(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` so Slack renders them literally.

    Slack only turns ``<!channel>``, ``<@U123>`` and ``<http://x|label>`` into mentions and
    links when the angle brackets are real, so escaping them neutralises all three.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int, marker: str = "…") -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with ``marker`` when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(marker))].rstrip() + marker
