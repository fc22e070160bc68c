"""Pure Block Kit builders for every message the bot posts.

Everything that comes from content (titles, summaries, quotes, names, URLs) goes through
:func:`clean`, so an article or a thread can never ping ``@channel`` or forge a link. The
only mentions emitted are owner mentions of user ids the caller vouches for: ids of the
real Slack thread or channel that was read (``mentionable``), never ids found in pasted or
fetched text. Slack's limits are enforced by trimming with a visible note, never by
rejecting, and a cut never falls inside an entity or a ``<…>`` token.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol

from bot.core.types import Priority, Quote, SummaryResult
from bot.slack.formats import strings
from bot.slack.formats.markup import clean, date_in_words, escape, is_http_url, is_user_id, trim

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
CONTEXT_LIMIT = 2000
MAX_BLOCKS = 50
MESSAGE_LIMIT = 40_000
TEXT_FALLBACK_LIMIT = 4000  # Slack advises keeping the top-level text under 4,000 characters
DIGEST_SENTENCES = 2

# No trailing \b: a trimmed "@hereé" must not end as "@here…".

Block = dict[str, Any]


class DigestItemLike(Protocol):
    """What :func:`digest_blocks` reads from a ``bot.slack.digests.build.DigestItem``."""

    @property
    def kind(self) -> str: ...
    @property
    def ts(self) -> str: ...
    @property
    def permalink(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...
    @property
    def summary(self) -> Sequence[str]: ...


class DigestLike(Protocol):
    """What :func:`digest_blocks` reads from a ``bot.slack.digests.build.Digest``."""

    @property
    def channel_id(self) -> str: ...
    @property
    def period_start(self) -> float: ...
    @property
    def period_end(self) -> float: ...
    @property
    def items(self) -> Sequence[DigestItemLike]: ...
    @property
    def priorities(self) -> Sequence[Priority]: ...
    @property
    def mentionable(self) -> Collection[str]: ...
    @property
    def failures(self) -> Mapping[str, int]: ...


def _header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": trim(clean(text), HEADER_LIMIT), "emoji": True},
    }


def _section(mrkdwn: str) -> Block:
    if len(mrkdwn) > SECTION_LIMIT:
        note = "\n" + strings.TRIMMED
        mrkdwn = trim(mrkdwn, SECTION_LIMIT - len(note)) + note
    # verbatim: Slack must not auto-link or auto-parse anything; our own markup still renders.
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn, "verbatim": True}}


def _context(mrkdwn: str) -> Block:
    element = {"type": "mrkdwn", "text": trim(mrkdwn, CONTEXT_LIMIT), "verbatim": True}
    return {"type": "context", "elements": [element]}


def _divider() -> Block:
    return {"type": "divider"}


def _sections(heading: str, lines: Iterable[str]) -> list[Block]:
    """Pack ``lines`` under ``heading`` into as few sections as fit the per-section limit."""
    blocks: list[Block] = []
    current = heading
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= SECTION_LIMIT or not current:
            current = candidate
            continue
        blocks.append(_section(current))
        current = line
    if current:
        blocks.append(_section(current))
    return blocks


def link(url: str | None, label: str) -> str:
    """A mrkdwn link to an http(s) URL, or the escaped label alone when the URL is unsafe."""
    safe_label = clean(label).replace("|", "¦")
    if url and is_http_url(url):
        return f"<{escape(url)}|{safe_label}>"
    return safe_label


def mention(user_id: str | None, mentionable: Collection[str]) -> str | None:
    """``<@U123>`` for a well-formed user id of the thread or channel that was read, else ``None``.

    An id found in content (a pasted transcript, a fetched page) is not in ``mentionable``,
    so content can never make the bot ping anyone.
    """
    if user_id and user_id in mentionable and is_user_id(user_id):
        return f"<@{user_id}>"
    return None


def _person(name: str | None, names: Mapping[str, str]) -> str | None:
    if not name:
        return None
    return clean(names.get(name, name))


def _quote_line(quote: Quote, names: Mapping[str, str], permalinks: Mapping[str, str]) -> str:
    text = clean(" ".join(quote.text.split()))
    line = f"> “{text}”"
    speaker = _person(quote.speaker, names)
    if speaker:
        line += f" — _{speaker}_"
    if quote.ts and quote.ts in permalinks:
        line += " " + link(permalinks[quote.ts], "(message)")
    return line


def priority_line(
    index: int,
    priority: Priority,
    names: Mapping[str, str] | None = None,
    permalinks: Mapping[str, str] | None = None,
    mentionable: Collection[str] = frozenset(),
) -> str:
    """One numbered priority: text, owner (a mention when its id is ``mentionable``), due phrase."""
    names = names or {}
    line = f"{index}. {clean(priority.text)}"
    owner = mention(priority.owner_id, mentionable) or _person(priority.owner, names)
    if owner:
        line += f" — {owner}"
    if priority.due:
        line += f" ({clean(strings.DUE.format(due=priority.due))})"
    if priority.ts and permalinks and priority.ts in permalinks:
        line += " " + link(permalinks[priority.ts], "(message)")
    return line


def _default_title(result: SummaryResult) -> str:
    if result.title and result.title.strip():
        return result.title.strip()
    return strings.THREAD_TITLE if result.kind == "thread" else strings.ARTICLE_TITLE


def summary_blocks(
    result: SummaryResult,
    source_url: str | None = None,
    names: Mapping[str, str] | None = None,
    permalinks: Mapping[str, str] | None = None,
    mentionable: Collection[str] = frozenset(),
) -> list[Block]:
    """Header, summary, key quotes, priorities, decisions and a context line for one result.

    ``mentionable`` holds the user ids of the Slack thread or channel the result was read
    from (:func:`bot.slack.formats.shapes.participant_ids`); empty for pasted or fetched
    text, so owners there are shown as names, never as mentions.
    """
    names = names or {}
    permalinks = permalinks or {}
    blocks: list[Block] = [_header(_default_title(result))]
    summary = " ".join(clean(s.strip()) for s in result.summary if s.strip())
    blocks.append(_section(summary or strings.NO_SUMMARY))
    if result.quotes:
        lines = [_quote_line(q, names, permalinks) for q in result.quotes]
        blocks.extend(_sections(strings.SECTION_QUOTES, lines))
    if result.priorities:
        lines = [
            priority_line(i, p, names, permalinks, mentionable) for i, p in enumerate(result.priorities, 1)
        ]
        blocks.extend(_sections(strings.SECTION_PRIORITIES, lines))
    if result.decisions:
        blocks.extend(_sections(strings.SECTION_DECISIONS, (f"• {clean(d)}" for d in result.decisions)))
    for notice in result.notices:
        blocks.append(_context(f"_{clean(notice)}_"))
    source = f"{link(source_url, 'Source')} · " if source_url else ""
    blocks.append(
        _context(strings.CONTEXT.format(source=source, model=clean(result.model or "?"),
                                        seconds=result.elapsed_ms / 1000))
    )
    return fit_blocks(blocks)


def summary_text(result: SummaryResult) -> str:
    """Plain-text fallback (notifications, clients without blocks); escaped, within limits."""
    parts = [_default_title(result), " ".join(s.strip() for s in result.summary)]
    if result.priorities:
        parts.append("Priorities:")
        parts.extend(
            f"{i}. {p.text}" + (f" ({p.owner})" if p.owner else "")
            for i, p in enumerate(result.priorities, 1)
        )
    return trim(clean("\n".join(p for p in parts if p)), TEXT_FALLBACK_LIMIT)


def slack_date(epoch: float, fallback: str | None = None) -> str:
    """Slack date markup: each reader sees the time in their own time zone; clients that
    cannot render it show ``fallback`` (by default the date in words, in UTC)."""
    return f"<!date^{int(epoch)}^{{date_short_pretty}} {{time}}|{clean(fallback or date_in_words(epoch))}>"


def _digest_item(item: DigestItemLike) -> str:
    label = item.title.strip() if item.title and item.title.strip() else item.kind.capitalize()
    sentences = " ".join(clean(s.strip()) for s in item.summary[:DIGEST_SENTENCES] if s.strip())
    return f"*{link(item.permalink, label)}*\n{sentences or strings.NO_SUMMARY}"


def digest_blocks(digest: DigestLike) -> list[Block]:
    """Per item a short summary with a permalink, then the combined priorities with owners."""
    blocks: list[Block] = [
        _header(strings.DIGEST_TITLE),
        _context(strings.DIGEST_CONTEXT.format(count=len(digest.items), since=slack_date(digest.period_start))),
    ]
    blocks.extend(_section(_digest_item(item)) for item in digest.items)
    if digest.failures:
        blocks.append(_context(f"_{clean(strings.failures(digest.failures))}_"))
    if digest.priorities:
        blocks.append(_divider())
        lines = [
            priority_line(i, p, mentionable=digest.mentionable) for i, p in enumerate(digest.priorities, 1)
        ]
        blocks.extend(_sections(strings.SECTION_PRIORITIES, lines))
    return fit_blocks(blocks)


def digest_text(digest: DigestLike) -> str:
    """Plain-text fallback of a digest."""
    lines = [strings.DIGEST_TITLE]
    for item in digest.items:
        lines.append(f"• {item.title or item.kind}: {' '.join(item.summary[:DIGEST_SENTENCES])}")
    return trim(clean("\n".join(lines)), TEXT_FALLBACK_LIMIT)


def help_blocks() -> list[Block]:
    """The help message listing every command."""
    return [_header(strings.HELP_TITLE), *_sections("", (f"• {line}" for line in strings.HELP_LINES))]


def progress_blocks(what: str) -> list[Block]:
    """The short "Summarising…" placeholder replaced later with chat.update."""
    return [_section(f":hourglass_flowing_sand: {clean(strings.progress(what))}")]


def error_blocks(message: str) -> list[Block]:
    """A warning line; the message is escaped since errors may quote user input."""
    return [_section(f":warning: {clean(message)}")]


def notice_blocks(mrkdwn: str) -> list[Block]:
    """One section of trusted mrkdwn written by us (confirmations with channel links)."""
    return [_section(mrkdwn)]


def _block_chars(block: Block) -> int:
    total = 0
    text = block.get("text")
    if isinstance(text, dict):
        total += len(text.get("text", ""))
    for element in block.get("elements", ()):
        total += len(element.get("text", "")) if isinstance(element, dict) else 0
    return total


def fit_blocks(blocks: Sequence[Block], max_blocks: int = MAX_BLOCKS) -> list[Block]:
    """Keep within ``max_blocks`` (Slack's 50) and 40,000 characters, ending with a note when
    anything is cut.

    A trailing context block (source, model, time) is always kept.
    """
    if len(blocks) <= max_blocks and sum(_block_chars(b) for b in blocks) <= MESSAGE_LIMIT:
        return list(blocks)
    tail = [blocks[-1]] if blocks and blocks[-1].get("type") == "context" else []
    body = blocks[: len(blocks) - len(tail)]
    max_body = max_blocks - len(tail) - 1  # one block for the note
    budget = MESSAGE_LIMIT - sum(_block_chars(b) for b in tail) - CONTEXT_LIMIT
    kept: list[Block] = []
    used = 0
    for block in body:
        size = _block_chars(block)
        if len(kept) >= max_body or used + size > budget:
            break
        kept.append(block)
        used += size
    note = _context(strings.MORE_ITEMS.format(count=len(body) - len(kept)))
    return [*kept, note, *tail]


def join_blocks(*groups: Sequence[Block]) -> list[Block]:
    """Concatenate block groups with dividers, then apply the limits once."""
    merged: list[Block] = []
    for group in groups:
        if merged and group:
            merged.append(_divider())
        merged.extend(group)
    return fit_blocks(merged)
