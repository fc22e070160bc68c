"""Block Kit for action items: the "my action items" reply and the App Home view.

Item text comes from conversations, so it goes through :func:`clean`; the buttons carry the
item's id (``item_done``) or a channel id (``digest_*``), never content.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any, Protocol

from bot.slack.formats import strings
from bot.slack.formats.blocks import Block, fit_blocks, link
from bot.slack.formats.markup import clean, trim

ITEM_DONE = "item_done"
DIGEST_ACTIONS = {"digest_daily": "daily", "digest_weekly": "weekly", "digest_stop": "off"}
"""Action ids of the App Home's digest buttons, to what they set."""
MAX_HOME_BLOCKS = 100
MAX_REPLY_ITEMS = 20
SECTION_LIMIT = 3000


class ItemLike(Protocol):
    """What the item blocks read from a ``bot.slack.storage.items.ActionItem``."""

    @property
    def channel_id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def due_phrase(self) -> str | None: ...
    @property
    def due_date(self) -> date | None: ...
    @property
    def permalink(self) -> str | None: ...


def item_line(item: ItemLike, today: date) -> str:
    """One item: its text, when it is due (overdue marked), and a link to its thread."""
    due = f" — {clean(strings.DUE.format(due=item.due_phrase))}" if item.due_phrase else ""
    if item.due_date is not None:
        noon = datetime.combine(item.due_date, time(12), tzinfo=UTC).timestamp()
        due += f" (<!date^{int(noon)}^{{date_short_pretty}}|{item.due_date.isoformat()}>)"
        if item.due_date < today:
            due += strings.ITEM_OVERDUE
    where = strings.ITEM_IN.format(channel=clean(item.channel_id))
    if item.permalink:
        where = f"{link(item.permalink, strings.ITEM_THREAD)} {where}"
    return strings.ITEM_LINE.format(text=trim(clean(item.text), 500), due=due, where=where)


def _section(mrkdwn: str, accessory: Block | None = None) -> Block:
    text = {"type": "mrkdwn", "text": trim(mrkdwn, SECTION_LIMIT), "verbatim": True}
    block: Block = {"type": "section", "text": text}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def _button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button", "text": {"type": "plain_text", "text": label}, "action_id": action_id, "value": value,
    }
    if style:
        button["style"] = style
    return button


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def my_items_blocks(items: Sequence[tuple[str, ItemLike]], today: date) -> list[Block]:
    """The reply to "my action items": the owner's open items, soonest due first, each with "Done"."""
    if not items:
        return [_section(strings.MY_ITEMS_NONE)]
    shown = items[:MAX_REPLY_ITEMS]
    blocks: list[Block] = [_header(strings.MY_ITEMS_TITLE)]
    for n, (item_id, item) in enumerate(shown, 1):
        done = _button(strings.ITEM_DONE_BUTTON, ITEM_DONE, item_id)
        blocks.append(_section(f"{n}. {item_line(item, today)}", done))
    context = strings.MY_ITEMS_HINT
    if len(items) > len(shown):
        context = strings.MY_ITEMS_MORE.format(count=len(items) - len(shown)) + " " + context
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    return fit_blocks(blocks)


def my_items_text(items: Sequence[ItemLike]) -> str:
    """Plain-text fallback of the reply."""
    if not items:
        return strings.MY_ITEMS_NONE
    lines = [strings.MY_ITEMS_TITLE] + [f"{n}. {item.text}" for n, item in enumerate(items[:MAX_REPLY_ITEMS], 1)]
    return trim(clean("\n".join(lines)), 4000)


def _digest_blocks(digests: Sequence[Mapping[str, str]]) -> list[Block]:
    blocks: list[Block] = [_header(strings.HOME_DIGESTS_TITLE)]
    if not digests:
        return [*blocks, _section(strings.HOME_DIGESTS_NONE)]
    for words in digests:
        channel = words["channel"]
        stop = _button(strings.HOME_DIGEST_STOP, "digest_stop", channel, "danger")
        stop["confirm"] = {
            "title": {"type": "plain_text", "text": strings.HOME_DIGEST_STOP},
            "text": {"type": "plain_text", "text": strings.HOME_DIGEST_STOP_CONFIRM},
            "confirm": {"type": "plain_text", "text": strings.HOME_DIGEST_STOP},
            "deny": {"type": "plain_text", "text": "Cancel"},
        }
        other = "weekly" if words["cadence"] == "daily" else "daily"
        change = _button(
            strings.HOME_DIGEST_WEEKLY if other == "weekly" else strings.HOME_DIGEST_DAILY, f"digest_{other}", channel
        )
        blocks.append(_section(strings.DIGEST_STATUS.format(**words)))
        blocks.append({"type": "actions", "block_id": f"digest:{channel}", "elements": [change, stop]})
    return blocks


def home_view(
    items: Sequence[tuple[str, ItemLike]], digests: Sequence[Mapping[str, str]], today: date
) -> dict[str, Any]:
    """The App Home tab: the viewer's open items with a "Done" button each, then the digests
    of the viewer's channels with buttons to change or stop them (``digests``: the values of
    the digest status sentence, one mapping per channel)."""
    digest_part = _digest_blocks(digests)
    room = MAX_HOME_BLOCKS - len(digest_part) - 4
    blocks: list[Block] = [_header(strings.MY_ITEMS_TITLE)]
    if not items:
        blocks.append(_section(strings.MY_ITEMS_NONE))
    for item_id, item in items[:room]:
        done = _button(strings.ITEM_DONE_BUTTON, ITEM_DONE, item_id, "primary")
        blocks.append(_section(item_line(item, today), done))
    if len(items) > room:
        more = strings.MY_ITEMS_MORE.format(count=len(items) - room)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": more}]})
    blocks.append({"type": "divider"})
    return {"type": "home", "blocks": [*blocks, *digest_part]}
