"""The summary jobs: summarise a link, pasted text, a thread or a channel (digests: ``digests/usecases.py``).

A use case takes the shared :class:`~bot.slack.deps.Services` and the job's JSON payload
and returns what to show (an :class:`Outcome`) or ``None`` when there is nothing to post.
It raises :class:`~bot.core.errors.SummariserError` (or a ``SlackApiError``) for anything
the user should read; the job runner turns those into replies. Nothing here knows how the
job was queued or where its reply goes.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from bot.core.documents import build_document, document_from_messages
from bot.core.errors import BinaryInputError, EmptyInputError, InputError, SummariserError
from bot.core.types import Document, SummaryResult
from bot.slack import reading
from bot.slack.deps import Services
from bot.slack.digests.usecases import DAY_S, backfill_s, readable_store, retention_start
from bot.slack.formats import blocks, strings
from bot.slack.formats.markup import first_url, looks_binary, plain_text
from bot.slack.formats.shapes import message_text, participant_ids
from bot.slack.items.keep import keep_items
from bot.slack.jobs.spec import Outcome, Payload, UseCase, notice_outcome

logger = logging.getLogger(__name__)



def _pasted_document(services: Services, text: str, title: str | None = None) -> Document:
    limit = services.settings.max_input_chars
    if len(text) > limit:
        raise InputError(strings.TOO_LONG.format(size=len(text), limit=limit))
    if looks_binary(text):
        raise BinaryInputError(strings.BINARY)
    return build_document(text, source="pasted text", kind="auto", title=title, max_chars=limit)


def _permalinks(services: Services, channel: str, result: SummaryResult) -> dict[str, str]:
    wanted = {q.ts for q in result.quotes if q.ts} | {p.ts for p in result.priorities if p.ts}
    links: dict[str, str] = {}
    for ts in sorted(wanted):
        link = reading.permalink(services.client, channel, ts)
        if link:
            links[ts] = link
    return links


def _team(payload: Payload) -> str:
    """The workspace a job came from, where its payload says (items are kept per workspace)."""
    return str(payload.get("team_id") or "")


# -- summaries --------------------------------------------------------------------------


def summarise_url(services: Services, payload: Payload) -> Outcome:
    """Fetch an article and summarise it."""
    url = str(payload["url"])
    result = services.summariser.summarise(services.fetch(url))
    return Outcome(blocks.summary_blocks(result, source_url=url), blocks.summary_text(result))


def summarise_text(services: Services, payload: Payload) -> Outcome:
    """Summarise pasted text (an article or a transcript), or one message's text under ``title``."""
    text = str(payload["text"])
    if payload.get("markup"):  # a Slack message: mentions by id become names
        text = plain_text(text, services.users.name)
    document = _pasted_document(services, text, payload.get("title"))
    result = services.summariser.summarise(document)
    return Outcome(blocks.summary_blocks(result), blocks.summary_text(result))


def summarise_thread(services: Services, payload: Payload) -> Outcome:
    """Summarise a whole thread; when its parent shares a link, the article too."""
    channel, thread_ts = str(payload["channel"]), str(payload["thread_ts"])
    read = reading.fetch_thread(services.client, channel, thread_ts)
    raw = read.messages
    messages = reading.to_messages(raw, services.users)
    if not messages:
        raise EmptyInputError(strings.EMPTY_THREAD)
    source = reading.permalink(services.client, channel, thread_ts)
    doc = document_from_messages(
        messages, source=source or f"thread {thread_ts}", max_chars=services.settings.max_input_chars
    )
    thread = services.summariser.summarise(doc)
    if not read.complete:
        thread.notices.insert(0, strings.THREAD_PARTLY_READ.format(total=read.total, newest=len(raw) - 1))
    url = first_url(message_text(raw[0])) if raw else None
    article: SummaryResult | None = None
    if url is not None:
        try:
            article = services.summariser.summarise(services.fetch(url))
        except SummariserError as exc:  # the thread summary stands on its own
            thread.notices.append(str(exc))
    links = _permalinks(services, channel, thread)
    keep_items(services, channel, thread.priorities, raw, team_id=_team(payload), thread_ts=thread_ts, permalinks=links)
    thread_blocks = blocks.summary_blocks(
        thread, source_url=source, permalinks=links, mentionable=participant_ids(raw),
    )
    if article is None:
        return Outcome(thread_blocks, blocks.summary_text(thread))
    text = blocks.summary_text(article) + "\n\n" + blocks.summary_text(thread)
    return Outcome(blocks.join_blocks(blocks.summary_blocks(article, source_url=url), thread_blocks), text)


def _period_label(period_s: int) -> str:
    return f"{period_s // DAY_S}d" if period_s % DAY_S == 0 and period_s > DAY_S else f"{period_s // 3600}h"


def _channel_raw(
    services: Services, channel: str, oldest: float, latest: float
) -> tuple[list[dict[str, Any]], bool]:
    """From the store when the channel is subscribed and the store covers the period, else
    from Slack; with whether the whole period was read."""
    sub = services.store.subscription(channel)
    covered = (
        sub is not None
        and sub.created_at - backfill_s(sub.cadence) <= oldest
        and retention_start(services, latest) <= oldest
    )
    if covered and readable_store(services, channel):
        stored = services.store.messages_between(channel, oldest, latest)
        raw = [
            {"ts": m.ts, "user": m.user_id, "text": m.text, "thread_ts": m.thread_ts,
             "reply_count": m.reply_count}
            for m in stored
        ]
        return raw, True
    read = reading.fetch_history(services.client, channel, oldest, latest)
    return read.messages, read.complete


def summarise_channel(services: Services, payload: Payload) -> Outcome:
    """Recap of the channel's discussion over the last ``period_s`` seconds."""
    channel, period_s = str(payload["channel"]), int(payload["period_s"])
    label = _period_label(period_s)
    latest = time.time()
    raw, complete = _channel_raw(services, channel, latest - period_s, latest)
    raw.sort(key=lambda m: float(m.get("ts") or 0))
    messages = reading.to_messages(raw, services.users)
    if not messages:
        raise EmptyInputError(strings.NOTHING_IN_CHANNEL.format(period=label))
    doc = document_from_messages(
        messages, source=f"#{channel}", title=strings.CHANNEL_TITLE.format(period=label),
        max_chars=services.settings.max_input_chars,
    )
    result = services.summariser.summarise(doc)
    if not complete:
        result.notices.insert(0, strings.CHANNEL_PARTLY_READ.format(period=label, count=len(raw)))
    links = _permalinks(services, channel, result)
    keep_items(services, channel, result.priorities, raw, team_id=_team(payload), permalinks=links)
    content = blocks.summary_blocks(result, permalinks=links, mentionable=participant_ids(raw))
    return Outcome(content, blocks.summary_text(result))


def notice(_services: Services, payload: Payload) -> Outcome:
    """A fixed message (e.g. the hint after a mention with nothing to summarise)."""
    return notice_outcome(str(payload["text"]))


def refuse(_services: Services, payload: Payload) -> Outcome:
    """Tell the user, privately, that there is nothing to do (the reply's error path)."""
    raise InputError(str(payload["text"]))


SUMMARIES: dict[str, UseCase] = {
    "summarise_url": UseCase(strings.PROGRESS_ARTICLE, summarise_url),
    "summarise_text": UseCase(strings.PROGRESS_TEXT, summarise_text),
    "summarise_thread": UseCase(strings.PROGRESS_THREAD, summarise_thread),
    "summarise_channel": UseCase(strings.PROGRESS_CHANNEL, summarise_channel),
    "notice": UseCase(None, notice),
    "refuse": UseCase(None, refuse),
}
"""The summary jobs (and the fixed answers), by the ``kind`` stored with them."""
