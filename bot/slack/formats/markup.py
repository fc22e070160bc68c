"""Slack's message markup, in one place: reading it, writing it safely, finding its links.

Slack sends text with three characters escaped (``&amp;``, ``&lt;``, ``&gt;``) and with
``<…>`` tokens for mentions, channels, broadcasts, dates and links. This module turns
that into plain text for the summariser, escapes our output so content can never ping or
forge a link, trims escaped text without breaking an entity or a token, and finds links.
Pure: no Slack client, no network; the CLI's export loader and the Slack layer share it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime

from bot.core.text import strip_credentials, strip_invisible

SKIP_SUBTYPES = frozenset(
    {
        "bot_message", "bot_add", "bot_remove", "bot_enable", "bot_disable",
        "channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
        "channel_archive", "channel_unarchive", "channel_convert_to_private",
        "channel_convert_to_public", "channel_posting_permissions",
        "group_join", "group_leave", "group_topic", "group_purpose", "group_name",
        "group_archive", "group_unarchive",
        "pinned_item", "unpinned_item", "reminder_add", "tombstone", "ekm_access_denied",
        "huddle_thread", "sh_room_created", "app_conversation_leave", "assistant_app_thread",
    }
)
"""Message subtypes that are not something a person said (joins, topics, bots, pins...)."""

TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
"""One ``<target|label>`` token of Slack markup."""

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CONVERSATION_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_BARE_BROADCAST = re.compile(r"@(here|channel|everyone)", re.IGNORECASE)
_BROADCASTS = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}
_BARE_URL = re.compile(r"\bhttps?://[^\s<>|\"']+")
_HTTP_TOKEN = re.compile(r"^https?://[^\s<>|]+$")
_URL_TRAILING = ".,;:!?)"
BINARY_SHARE = 0.1
"""Share of control or replacement characters above which text counts as binary."""


def escape(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` so Slack shows them literally.

    Slack only turns ``<!channel>``, ``<@U123>`` and ``<http://x|label>`` into pings and
    links when the angle brackets are real, so escaping neutralises all three.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clean(text: str) -> str:
    """Content made inert: bidi controls and zero-width characters dropped, mrkdwn-escaped,
    and a bare ``@here``/``@channel``/``@everyone`` broken with a zero-width space so no
    client setting can turn it into a ping."""
    return _BARE_BROADCAST.sub("@\u200b\\1", escape(strip_invisible(text)))


def is_user_id(text: str) -> bool:
    """Whether ``text`` is shaped like a Slack user id (``U…`` or ``W…``)."""
    return _USER_ID.match(text) is not None


def is_http_url(text: str) -> bool:
    """Whether ``text`` is one http(s) URL that cannot break out of a ``<url|label>`` token."""
    return _HTTP_TOKEN.match(text) is not None


def unescape(text: str) -> str:
    """Undo Slack's escaping of ``&``, ``<`` and ``>`` (the only three entities it sends)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def date_in_words(epoch: float) -> str:
    """A timestamp as people read it, in UTC: ``Tue 14 Nov 2023, 22:13 UTC``."""
    try:
        moment = datetime.fromtimestamp(epoch, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return "an unknown date"
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M} UTC"


def _token_text(target: str, label: str | None, name: Callable[[str], str] | None) -> str:
    """What a person sees for one ``<target|label>`` token (``label`` still escaped)."""
    shown = unescape(label).strip() if label else ""
    if target.startswith("@"):
        user = target[1:]
        resolved = name(user) if name is not None else user
        if resolved == user and shown:
            resolved = shown
        return "@" + resolved.lstrip("@")
    if target.startswith("#"):
        return "#" + (shown.lstrip("#") or target[1:])
    if target.startswith("!"):
        head, _, rest = target[1:].partition("^")
        if head in _BROADCASTS:
            return _BROADCASTS[head]
        if head == "date":
            if shown:
                return shown
            epoch = rest.split("^", 1)[0]
            return date_in_words(float(epoch)) if epoch.isdigit() else "a date"
        if head == "subteam":
            return "@" + (shown.lstrip("@") or "group")
        return shown or "@" + head
    if shown:
        return shown
    return unescape(target).removeprefix("mailto:")


def plain_text(text: str, name: Callable[[str], str] | None = None) -> str:
    """Slack markup as plain text: ``<@U1>`` -> ``@Name`` (``name`` maps ids to names),
    ``<#C1|general>`` -> ``#general``, ``<!here>`` -> ``@here``, ``<!date^…|fallback>`` ->
    the fallback, ``<url|label>`` -> ``label``, ``&amp;`` -> ``&``.
    """
    parts: list[str] = []
    last = 0
    for match in TOKEN.finditer(text):
        parts.append(unescape(text[last : match.start()]))
        parts.append(_token_text(match[1], match[2], name))
        last = match.end()
    parts.append(unescape(text[last:]))
    return "".join(parts)


def mentioned_names(text: str, name: Callable[[str], str] | None = None) -> tuple[tuple[str, str], ...]:
    """``(name, user id)`` of each user mentioned in Slack markup, the name as
    :func:`plain_text` shows it after the ``@``; once each, in order."""
    found: dict[str, str] = {}
    for match in TOKEN.finditer(text):
        if match[1].startswith("@"):
            found.setdefault(_token_text(match[1], match[2], name)[1:], match[1][1:])
    return tuple(found.items())


def mentioned_user_ids(text: str) -> set[str]:
    """User ids mentioned as ``<@U…>`` tokens in Slack markup."""
    return {
        m[1][1:] for m in TOKEN.finditer(text) if m[1].startswith("@") and _USER_ID.match(m[1][1:])
    }


def conversation_ids(text: str) -> list[str]:
    """Conversation ids named as ``<#C…>`` / ``<#C…|name>`` tokens, in order, without duplicates."""
    ids: list[str] = []
    for match in TOKEN.finditer(text):
        target = match[1]
        if target.startswith("#") and _CONVERSATION_ID.match(target[1:]) and target[1:] not in ids:
            ids.append(target[1:])
    return ids


def urls_in(text: str) -> list[str]:
    """http(s) URLs in Slack markup or plain text: Slack-wrapped ones first, then bare ones;
    unescaped, without duplicates."""
    wrapped = [unescape(m[1]) for m in TOKEN.finditer(text) if _HTTP_TOKEN.match(m[1])]
    rest = TOKEN.sub(" ", text)
    bare = [unescape(u).rstrip(_URL_TRAILING) for u in _BARE_URL.findall(rest)]
    urls: list[str] = []
    for url in map(strip_credentials, wrapped + bare):  # a user:password@ is never kept
        if url not in urls:
            urls.append(url)
    return urls


def first_url(text: str) -> str | None:
    """The first http(s) link in Slack markup or plain text."""
    return next(iter(urls_in(text)), None)


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


def _safe_cut(text: str, cut: int) -> int:
    """The largest position <= ``cut`` that is not inside an ``&…;`` entity or a ``<…>`` token."""
    while True:
        head = text[:cut]
        lt = head.rfind("<")
        if lt != -1 and ">" not in head[lt:]:
            cut = lt
            continue
        amp = head.rfind("&")
        if amp != -1 and ";" not in head[amp:] and re.match(r"&(?:amp|lt|gt);", text[amp:]):
            cut = amp
            continue
        return cut


def trim(text: str, limit: int, marker: str = "…") -> str:
    """Cut escaped mrkdwn to at most ``limit`` characters, ending with ``marker`` when cut.

    The cut never falls inside an entity (``&amp;``) or a ``<…>`` token (a link, mention or
    date), so what is kept renders as written.
    """
    if len(text) <= limit:
        return text
    cut = _safe_cut(text, max(0, limit - len(marker)))
    return text[:cut].rstrip() + marker
