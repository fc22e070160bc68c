"""Slack message objects read as a person sees them, and Slack exports read as messages.

One function, :func:`message_text`, gives the visible text of any message shape Slack
sends (events, ``conversations.*`` answers, shortcut payloads, exports): the ``text``,
Block Kit layouts (``rich_text``, sections, headers, context), and attachments (forwarded
and shared messages with their ``message_blocks``, link unfurls that carry text). The
result is Slack markup; :func:`bot.slack.formats.markup.plain_text` makes it plain.
Pure: no Slack client, no network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from bot.core.errors import InputError
from bot.core.types import Message
from bot.slack.formats.markup import SKIP_SUBTYPES, escape, mentioned_names, mentioned_user_ids, plain_text

Raw = Mapping[str, Any]

_LAYOUT_BLOCKS = frozenset({"section", "header", "context", "markdown", "video"})
"""Blocks that carry text in a layout (as bots post), unlike ``rich_text`` (what people type)."""


def _dicts(value: object) -> list[Raw]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _text_object(obj: object) -> str:
    """A Block Kit text object as markup (``plain_text`` gets escaped, ``mrkdwn`` is markup)."""
    if not isinstance(obj, Mapping) or not isinstance(obj.get("text"), str):
        return ""
    text = str(obj["text"])
    return text if obj.get("type") == "mrkdwn" else escape(text)


def _inline(element: Raw) -> str:
    """One element of a ``rich_text_section`` as markup."""
    kind = element.get("type")
    if kind == "text":
        return escape(str(element.get("text") or ""))
    if kind == "link":
        url = str(element.get("url") or "")
        label = element.get("text")
        return f"<{escape(url)}|{escape(str(label))}>" if label else f"<{escape(url)}>"
    if kind == "user":
        return f"<@{element.get('user_id', '')}>"
    if kind == "usergroup":
        return f"<!subteam^{element.get('usergroup_id', '')}>"
    if kind == "channel":
        return f"<#{element.get('channel_id', '')}>"
    if kind == "broadcast":
        return f"<!{element.get('range', 'here')}>"
    if kind == "emoji":
        return f":{element.get('name', '')}:"
    if kind == "date":
        fallback = element.get("fallback") or ""
        stamp = element.get("timestamp", "")
        tail = f"|{escape(str(fallback))}" if fallback else ""
        return f"<!date^{stamp}^{element.get('format', '{date}')}{tail}>"
    if kind == "color":
        return escape(str(element.get("value") or ""))
    return ""


def _rich_text(block: Raw) -> str:
    """A ``rich_text`` block (sections, lists, quotes, code) as markup, one line per part."""
    lines: list[str] = []
    for part in _dicts(block.get("elements")):
        kind = part.get("type")
        if kind == "rich_text_list":
            ordered = part.get("style") == "ordered"
            indent = "  " * int(part.get("indent") or 0)
            for number, item in enumerate(_dicts(part.get("elements")), start=1 + int(part.get("offset") or 0)):
                bullet = f"{number}." if ordered else "•"
                lines.append(f"{indent}{bullet} {''.join(_inline(e) for e in _dicts(item.get('elements')))}")
        else:  # rich_text_section, rich_text_quote, rich_text_preformatted
            lines.append("".join(_inline(e) for e in _dicts(part.get("elements"))))
    return "\n".join(line for line in lines if line.strip())


def _block(block: Raw) -> str:
    kind = block.get("type")
    if kind == "rich_text":
        return _rich_text(block)
    if kind in ("section", "header"):
        pieces = [_text_object(block.get("text"))]
        pieces += [_text_object(field) for field in _dicts(block.get("fields"))]
        return "\n".join(p for p in pieces if p.strip())
    if kind == "context":
        return " ".join(p for p in (_text_object(e) for e in _dicts(block.get("elements"))) if p.strip())
    if kind == "markdown":
        return escape(str(block.get("text") or ""))
    if kind == "video":
        return _text_object(block.get("title"))
    return ""


def blocks_text(blocks: object) -> str:
    """The text of a list of Block Kit blocks, as markup, one block per paragraph."""
    return "\n\n".join(t for t in (_block(b).strip() for b in _dicts(blocks)) if t)


def has_layout(raw: Raw) -> bool:
    """Whether the message is laid out in Block Kit sections, headers or context (as bots post),
    so that its ``text`` is only a notification fallback."""
    return any(b.get("type") in _LAYOUT_BLOCKS for b in _dicts(raw.get("blocks")))


def _body(raw: Raw) -> str:
    """The message's own text: its blocks when they are a layout, else ``text``, else ``rich_text``."""
    text = str(raw.get("text") or "").strip()
    blocks = _dicts(raw.get("blocks"))
    if has_layout(raw):
        # A layout (bots post these): ``text`` is only the notification fallback.
        return blocks_text(blocks) or text
    return text or blocks_text(blocks)


def _attachment(attachment: Raw) -> list[str]:
    """What a person sees of one attachment: a shared message's content, or an unfurl's text."""
    shared = "\n\n".join(
        blocks_text((item.get("message") or {}).get("blocks"))
        for item in _dicts(attachment.get("message_blocks"))
    ).strip()
    pieces = [str(attachment.get("pretext") or ""), str(attachment.get("title") or "")]
    pieces.append(shared or str(attachment.get("text") or ""))
    pieces.append(blocks_text(attachment.get("blocks")))
    for field in _dicts(attachment.get("fields")):
        title, value = str(field.get("title") or ""), str(field.get("value") or "")
        pieces.append(f"{title}: {value}" if title and value else title or value)
    pieces = [p.strip() for p in pieces if p and p.strip()]
    if not pieces and attachment.get("fallback"):
        pieces = [str(attachment["fallback"]).strip()]
    return pieces


def message_text(raw: Raw) -> str:
    """The visible text of a Slack message, as Slack markup, in reading order.

    ``text`` (or the blocks, when they lay the message out), then each attachment:
    forwarded or shared messages (``message_blocks``, ``text``), link unfurls with text,
    and legacy attachment fields. Repeated pieces (a fallback equal to the text) appear once.
    """
    pieces: list[str] = []
    for piece in [_body(raw), *(p for a in _dicts(raw.get("attachments")) for p in _attachment(a))]:
        if piece and piece not in pieces:
            pieces.append(piece)
    return "\n\n".join(pieces)


def edited_message(event: Raw) -> Raw:
    """The message an event is about: the new version for ``message_changed``, else the event."""
    message = event.get("message")
    if event.get("subtype") == "message_changed" and isinstance(message, Mapping):
        return message
    return event


def is_bot_message(raw: Raw) -> bool:
    """Whether an app or bot posted the message."""
    return bool(raw.get("bot_id")) or raw.get("subtype") == "bot_message"


def is_human_message(raw: Raw) -> bool:
    """Whether a person wrote the message (not a bot, join, topic change...), and it has text."""
    if is_bot_message(raw) or raw.get("subtype") in SKIP_SUBTYPES:
        return False
    return bool(raw.get("user")) and bool(message_text(raw).strip())


def bot_name(raw: Raw) -> str | None:
    """The name a bot message shows (``username`` or its bot profile), ``None`` if unknown."""
    profile = raw.get("bot_profile")
    for candidate in (raw.get("username"), profile.get("name") if isinstance(profile, Mapping) else None):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return None


def header_text(raw: Raw) -> str | None:
    """The plain text of the message's first ``header`` block, if it has one."""
    for block in _dicts(raw.get("blocks")):
        if block.get("type") == "header":
            text = plain_text(_text_object(block.get("text"))).strip()
            return text or None
    return None


def participant_ids(raws: Iterable[Raw]) -> frozenset[str]:
    """User ids that belong to these real messages: their authors and the users they mention.

    Only these ids may be rendered as ``<@U…>`` mentions in a reply about the messages.
    """
    ids: set[str] = set()
    for raw in raws:
        if isinstance(raw.get("user"), str) and raw["user"]:
            ids.add(raw["user"])
        ids |= mentioned_user_ids(message_text(raw))
    return frozenset(ids)


def to_message(
    markup: str, name: Callable[[str], str], author: str | None, ts: str | None, author_id: str | None
) -> Message:
    """A message as the core reads it: plain text, each ``<@U…>`` written ``@Name`` (``name``
    maps ids to names) with the id kept in :attr:`Message.mentions`."""
    return Message(author, plain_text(markup, name).strip(), ts, author_id, mentioned_names(markup, name))


# -- Slack exports -----------------------------------------------------------------------


def _export_author(item: Raw) -> str | None:
    profile = item.get("user_profile")
    if isinstance(profile, Mapping):
        for key in ("real_name", "display_name"):
            if isinstance(profile.get(key), str) and profile[key]:
                return str(profile[key])
    for key in ("user_name", "username", "user"):
        value = item.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _ts_value(item: Raw) -> float:
    try:
        return float(str(item.get("ts", "0")))
    except ValueError:
        return 0.0


def messages_from_export(data: object) -> list[Message]:
    """Messages of a Slack export (a JSON list of message objects, or a ``conversations.*``
    answer), oldest first, as plain text with mentions rendered as ``@Name``.

    Joins, leaves, topic changes and bot messages are skipped. Raises :class:`InputError`
    when ``data`` is not a list of message objects.
    """
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        data = data["messages"]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InputError("That JSON is not a Slack export: expected a list of messages.")
    if data and not any("text" in item or "blocks" in item for item in data):
        raise InputError('That JSON is not a Slack export: its entries have no "text" field.')
    names: dict[str, str] = {}  # user id -> display name, to render <@U123> mentions
    for item in data:
        user, author = item.get("user"), _export_author(item)
        if isinstance(user, str) and author and author != user:
            names[user] = author
    messages: list[Message] = []
    for item in sorted(data, key=_ts_value):
        if is_bot_message(item) or item.get("subtype") in SKIP_SUBTYPES:
            continue
        user = item.get("user")
        message = to_message(
            message_text(item),
            lambda uid: names.get(uid, uid),
            author=_export_author(item),
            ts=str(item["ts"]) if "ts" in item else None,
            author_id=user if isinstance(user, str) else None,
        )
        if message.text:
            messages.append(message)
    return messages

