"""Links in Slack message text: ``<https://...|label>`` wrappers and bare URLs."""

from __future__ import annotations

import html
import re

from bot.adapters.fetch import strip_credentials

# Slack wraps links as <https://...> or <https://...|label>; bare URLs occur in pasted text.
_SLACK_LINK = re.compile(r"<(https?://[^>|\s]+)(?:\|[^>]*)?>")
_BARE_URL = re.compile(r"\bhttps?://[^\s<>|\"']+")
_TRAILING = ".,;:!?)"


def urls_in(text: str) -> list[str]:
    """http(s) URLs in ``text``: Slack-wrapped ones first, then bare ones; unescaped, no duplicates."""
    wrapped = _SLACK_LINK.findall(text)
    bare = [u.rstrip(_TRAILING) for u in _BARE_URL.findall(_SLACK_LINK.sub(" ", text))]
    urls: list[str] = []
    for raw in wrapped + bare:
        url = strip_credentials(html.unescape(raw))  # Slack sends "&" as "&amp;" inside links
        if url not in urls:
            urls.append(url)
    return urls


def find_url(text: str) -> str | None:
    """The first http(s) link in Slack-formatted (``<url|label>``) or plain text."""
    return next(iter(urls_in(text)), None)
