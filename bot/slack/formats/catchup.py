"""Block Kit of a catch-up: one reply a person reads in about a minute.

Channels come most pressing first, each with at most ``CHANNEL_LINES`` lines (what needs
the person, their items, decisions, busy threads), ``MAX_LINES`` in all; channels beyond
that are named in one line. Everything taken from messages goes through ``clean``; the
only markup emitted is channel links of the person's own channels, permalinks and dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.slack.formats import strings
from bot.slack.formats.blocks import (
    TEXT_FALLBACK_LIMIT,
    Block,
    _context,
    _header,
    fit_blocks,
    link,
    notice_blocks,
    slack_date,
)
from bot.slack.formats.markup import clean, date_in_words, trim

MAX_LINES = 10
CHANNEL_LINES = 4
LINE_KINDS = ("mention", "item", "decision", "thread")
"""A catch-up's kinds of line, what needs the person first: the order of a channel's lines,
and the order lines are picked in when not all fit."""
NAMED_CHANNELS = 8
"""Channels named at most in the closing "also" lines."""


class LineLike(Protocol):
    """What a line is read for (``bot.slack.catchup.build.Line``)."""

    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def link(self) -> str | None: ...
    @property
    def due(self) -> str | None: ...
    @property
    def replies(self) -> int: ...
    @property
    def read(self) -> bool: ...


class ChannelLike(Protocol):
    """A channel's news (``bot.slack.catchup.build.ChannelNews``)."""

    @property
    def channel_id(self) -> str: ...
    @property
    def lines(self) -> Sequence[LineLike]: ...


class CatchUpLike(Protocol):
    """A catch-up (``bot.slack.catchup.build.CatchUp``)."""

    @property
    def since(self) -> float: ...
    @property
    def channels(self) -> Sequence[ChannelLike]: ...
    @property
    def active(self) -> Sequence[ChannelLike]: ...
    @property
    def checked(self) -> int: ...
    @property
    def unread(self) -> int: ...


def _channel(channel_id: str) -> str:
    return f"<#{clean(channel_id)}>"


def _line(line: LineLike) -> str:
    text = clean(" ".join(line.text.split()))
    if line.kind == "item":
        due = f" ({clean(strings.DUE.format(due=line.due))})" if line.due else ""
        return strings.CATCHUP_ITEM.format(text=text + due) + (" " + link(line.link, "(message)") if line.link else "")
    if line.kind == "decision":
        return strings.CATCHUP_DECISION.format(text=text) + (" " + link(line.link, "(thread)") if line.link else "")
    gist = link(line.link, line.text) if line.link else text
    if not line.read:
        gist = strings.CATCHUP_OPENING.format(words=gist)
    if line.replies:
        gist += " " + strings.CATCHUP_REPLIES[line.replies != 1].format(count=line.replies)
    template = strings.CATCHUP_NEEDS_YOU if line.kind == "mention" else strings.CATCHUP_THREAD
    return template.format(gist=gist)


def _named(channels: Sequence[ChannelLike]) -> str:
    names = ", ".join(_channel(c.channel_id) for c in channels[:NAMED_CHANNELS])
    more = len(channels) - NAMED_CHANNELS
    return names + (f" (+{more})" if more > 0 else "")


def _shown(catch_up: CatchUpLike) -> tuple[list[tuple[ChannelLike, list[LineLike]]], list[ChannelLike]]:
    """The channels shown with their lines, and those left to the "also" line.

    Lines are picked by kind first (what needs the person, their items, decisions, threads),
    then by channel order, at most ``CHANNEL_LINES`` a channel and ``MAX_LINES`` in all, so a
    mention in a quieter channel wins over a busy thread in a louder one.
    """
    ranked = sorted(
        ((LINE_KINDS.index(line.kind) if line.kind in LINE_KINDS else len(LINE_KINDS), c, i)
         for c, channel in enumerate(catch_up.channels) for i, line in enumerate(channel.lines)),
    )
    picked: dict[int, list[int]] = {}
    for _kind, c, i in ranked:
        if sum(len(lines) for lines in picked.values()) >= MAX_LINES:
            break
        if len(picked.setdefault(c, [])) < CHANNEL_LINES:
            picked[c].append(i)
    shown = [
        (channel, [channel.lines[i] for i in sorted(picked[c])])
        for c, channel in enumerate(catch_up.channels) if picked.get(c)
    ]
    left = [channel for c, channel in enumerate(catch_up.channels) if not picked.get(c)]
    return shown, left


def catchup_blocks(catch_up: CatchUpLike, notes: Sequence[str] = ()) -> list[Block]:
    """The reply: a title, each channel's lines, then what was left out; ``notes`` are our own mrkdwn."""
    context = strings.CATCHUP_CONTEXT.format(since=slack_date(catch_up.since), count=catch_up.checked)
    blocks: list[Block] = [
        _header(strings.CATCHUP_TITLE),
        _context(context),
    ]
    shown, left = _shown(catch_up)
    for channel, lines in shown:
        blocks += notice_blocks("\n".join([f"*{_channel(channel.channel_id)}*", *(_line(line) for line in lines)]))
    footer = list(notes)
    if left:
        footer.append(strings.CATCHUP_MORE_CHANNELS.format(channels=_named(left)))
    if catch_up.active:
        footer.append(strings.CATCHUP_ACTIVE.format(channels=_named(catch_up.active)))
    if catch_up.unread:
        footer.append(strings.CATCHUP_UNREAD.format(count=catch_up.unread))
    blocks += [_context(line) for line in footer]
    return fit_blocks(blocks)


def catchup_text(catch_up: CatchUpLike) -> str:
    """Plain-text fallback (notifications): the title and the first lines."""
    parts = [f"{strings.CATCHUP_TITLE} (since {date_in_words(catch_up.since)})"]
    shown, _left = _shown(catch_up)
    for _channel_news, lines in shown:
        parts += [f"• {' '.join(line.text.split())}" for line in lines]
    return trim(clean("\n".join(parts)), TEXT_FALLBACK_LIMIT)
