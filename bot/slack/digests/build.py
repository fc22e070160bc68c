"""Building a channel digest from stored messages (data only; posting is elsewhere).

Candidates are the links people shared, the busiest threads and long messages; each is
summarised on its own, and the priorities of all of them are combined, deduplicated and
attributed. A candidate that fails (an unreachable URL, an empty thread) is skipped and
counted, so the digest can say what it could not read.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import zip_longest
from urllib.parse import urlsplit

from bot.core.documents import build_document, document_from_messages
from bot.core.errors import SummariserError
from bot.core.text import canonical, loggable_url, normalise_ws, word_count
from bot.core.types import Document, Priority, SummaryResult
from bot.slack.formats.markup import plain_text, urls_in
from bot.slack.formats.shapes import participant_ids, to_message
from bot.slack.storage.messages import StoredMessage

logger = logging.getLogger(__name__)

MAX_PRIORITIES = 10
TITLE_CHARS = 80

_UNFETCHABLE_HOSTS = ("slack.com",)
"""Hosts whose pages are not articles (message permalinks, app pages)."""


@dataclass(frozen=True)
class DigestCandidate:
    """Something worth a digest entry."""

    kind: str
    """``"article"`` (a shared link), ``"thread"`` or ``"message"`` (a long one)."""
    ts: str
    """The message that shared the link, the thread parent, or the long message."""
    messages: tuple[StoredMessage, ...]
    url: str | None = None


@dataclass
class DigestItem:
    """One summarised entry of a digest."""

    kind: str
    ts: str
    permalink: str | None
    title: str | None
    summary: list[str]
    result: SummaryResult
    url: str | None = None


@dataclass
class Digest:
    """A channel's digest for one period."""

    channel_id: str
    period_start: float
    period_end: float
    items: list[DigestItem] = field(default_factory=list)
    priorities: list[Priority] = field(default_factory=list)
    """Combined over all items, deduplicated, with owners where known."""
    mentionable: frozenset[str] = frozenset()
    """User ids of the channel's stored messages (authors and mentioned users): the only
    owners that may be shown as mentions. Ids found in fetched pages are not among them."""
    failures: dict[str, int] = field(default_factory=dict)
    """Candidates that could not be summarised, by kind (``"article"``: links not fetched)."""


def shared_urls(text: str) -> list[str]:
    """Fetchable http(s) URLs in a Slack message, in order, without duplicates."""
    urls: list[str] = []
    for url in urls_in(text):
        host = (urlsplit(url).hostname or "").lower()
        if not any(host == h or host.endswith("." + h) for h in _UNFETCHABLE_HOSTS):
            urls.append(url)
    return urls


def pick_candidates(
    messages: list[StoredMessage],
    max_items: int = 8,
    long_message_words: int = 80,
    min_thread_replies: int = 3,
    since: float | None = None,
) -> list[DigestCandidate]:
    """Choose what to summarise: shared links, the busiest threads and long messages.

    The three kinds take turns (link, thread, long message, link, ...) so that one kind
    cannot crowd out the others; within a kind, links go by first share, threads by reply
    count and messages by length. The result is in channel order (by ts). Messages
    before ``since`` (thread parents from an earlier period) only count as the start of
    a thread, so a link or note already covered by an earlier digest is not repeated.
    """
    by_ts = sorted(messages, key=lambda m: float(m.ts))
    recent = [m for m in by_ts if since is None or float(m.ts) >= since]
    articles: list[DigestCandidate] = []
    seen_urls: set[str] = set()
    for msg in recent:
        for url in shared_urls(msg.text):
            if url not in seen_urls:
                seen_urls.add(url)
                articles.append(DigestCandidate("article", msg.ts, (msg,), url))

    replies: dict[str, list[StoredMessage]] = {}
    for msg in by_ts:
        if msg.thread_ts:
            replies.setdefault(msg.thread_ts, []).append(msg)
    busy = [m for m in by_ts if not m.thread_ts and m.reply_count >= min_thread_replies]
    busy.sort(key=lambda m: m.reply_count, reverse=True)  # stable: ties keep channel order
    threads = [DigestCandidate("thread", p.ts, (p, *replies.get(p.ts, []))) for p in busy]
    in_threads = {m.ts for c in threads for m in c.messages}

    long_ones = [
        m
        for m in recent
        if word_count(m.text) >= long_message_words
        and m.ts not in in_threads
        and not shared_urls(m.text)
    ]
    long_ones.sort(key=lambda m: word_count(m.text), reverse=True)
    singles = [DigestCandidate("message", m.ts, (m,)) for m in long_ones]

    chosen = [c for trio in zip_longest(articles, threads, singles) for c in trio if c is not None]
    return sorted(chosen[:max_items], key=lambda c: float(c.ts))


def snippet(text: str, limit: int = TITLE_CHARS) -> str | None:
    """The start of a message as a title: first line, cut at a word boundary."""
    line = normalise_ws(text.strip().split("\n", 1)[0]) if text.strip() else ""
    if len(line) <= limit:
        return line or None
    cut = line[:limit].rsplit(" ", 1)[0]
    return cut + "…"


class _Names:
    """Wraps ``names`` to remember who was seen, so owners can be mapped back to user ids."""

    def __init__(self, names: Callable[[str], str]) -> None:
        self._names = names
        self._full: dict[str, str] = {}
        self._first: dict[str, set[str]] = {}

    def __call__(self, user_id: str) -> str:
        name = self._names(user_id)
        self._full.setdefault(name.lower(), user_id)
        words = name.split()
        if words:
            self._first.setdefault(words[0].lower(), set()).add(user_id)
        return name

    def owner_id(self, owner: str | None) -> str | None:
        """The id of the user called ``owner`` (full name, or a first name only one has)."""
        if not owner:
            return None
        key = owner.lstrip("@").lower()
        if key in self._full:
            return self._full[key]
        ids = self._first.get(key, set())
        return next(iter(ids)) if len(ids) == 1 else None


def _document(
    candidate: DigestCandidate,
    channel_id: str,
    fetch: Callable[[str], Document],
    names: _Names,
    max_chars: int,
) -> Document:
    if candidate.url is not None:
        return fetch(candidate.url)
    if candidate.kind == "thread":
        thread = [
            to_message(m.text, names, names(m.user_id) if m.user_id else None, m.ts, m.user_id)
            for m in candidate.messages
        ]
        return document_from_messages(
            thread, source=f"thread {candidate.ts} in {channel_id}", max_chars=max_chars
        )
    text = plain_text(candidate.messages[0].text, names)
    return build_document(
        text, source=f"message {candidate.ts} in {channel_id}", kind="article", max_chars=max_chars
    )


def combine_priorities(
    results: list[tuple[str, SummaryResult]],
    owner_id: Callable[[str | None], str | None] = lambda _owner: None,
    max_items: int = MAX_PRIORITIES,
) -> list[Priority]:
    """Priorities of several results, first occurrence kept, owners filled in from duplicates.

    ``results`` pairs each result with the ts of the message it came from, used when a
    priority has none of its own. ``owner_id`` maps an owner's name to a user id.
    """
    combined: dict[str, Priority] = {}
    for ts, result in results:
        for priority in result.priorities:
            key = canonical(priority.text).lower().rstrip(".!")
            if not key:
                continue
            found = combined.get(key)
            if found is None:
                combined[key] = replace(
                    priority,
                    ts=priority.ts or ts,
                    owner_id=priority.owner_id or owner_id(priority.owner),
                )
            elif found.owner is None and priority.owner is not None:
                combined[key] = replace(
                    found,
                    owner=priority.owner,
                    owner_id=priority.owner_id or owner_id(priority.owner),
                    due=found.due or priority.due,
                )
    return list(combined.values())[:max_items]


def build_digest(
    channel_id: str,
    period_start: float,
    period_end: float,
    messages: list[StoredMessage],
    summarise: Callable[[Document], SummaryResult],
    fetch: Callable[[str], Document],
    names: Callable[[str], str],
    permalink: Callable[[str], str | None],
    *,
    max_items: int = 8,
    max_chars: int = 200_000,
) -> Digest:
    """Summarise the period's candidates into a :class:`Digest`.

    A candidate that fails (fetch error, nothing to summarise, ...) is skipped with a
    logged warning; the digest itself never fails because of one item.
    """
    known = _Names(names)
    items: list[DigestItem] = []
    failed: Counter[str] = Counter()
    for candidate in pick_candidates(messages, max_items=max_items, since=period_start):
        try:
            doc = _document(candidate, channel_id, fetch, known, max_chars)
            result = summarise(doc)
        except SummariserError as exc:
            logger.warning(
                "Digest of %s: skipping %s %s: %s",
                channel_id,
                candidate.kind,
                loggable_url(candidate.url) if candidate.url else candidate.ts,
                exc,
            )
            failed[candidate.kind] += 1
            continue
        except Exception:
            # One broken item must not cost the channel its whole digest.
            what = loggable_url(candidate.url) if candidate.url else candidate.ts
            logger.exception("Digest of %s: %s %s failed", channel_id, candidate.kind, what)
            failed[candidate.kind] += 1
            continue
        title = doc.title or result.title or candidate.url
        if title is None:
            title = snippet(plain_text(candidate.messages[0].text, known))
        items.append(
            DigestItem(
                kind=candidate.kind,
                ts=candidate.ts,
                permalink=permalink(candidate.ts),
                title=title,
                summary=list(result.summary),
                result=result,
                url=candidate.url,
            )
        )
    priorities = combine_priorities([(i.ts, i.result) for i in items], owner_id=known.owner_id)
    mentionable = participant_ids({"user": m.user_id, "text": m.text} for m in messages)
    return Digest(channel_id, period_start, period_end, items, priorities, mentionable, dict(failed))
