"""Escaping for Slack mrkdwn: content can never ping people or forge links."""

from __future__ import annotations

import unicodedata

BINARY_SHARE = 0.1
"""Share of control or replacement characters above which pasted text counts as binary."""


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


def unescape_slack(text: str) -> str:
    """Undo Slack's escaping of ``&``, ``<`` and ``>`` in command and message text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def looks_binary(text: str) -> bool:
    """True when the text is mostly control or replacement characters (a pasted binary)."""
    sample = text[:4096]
    if not sample:
        return False
    odd = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) in {"Cc", "Cs", "Co"} and ch not in "\n\r\t")
    )
    return odd / len(sample) > BINARY_SHARE
