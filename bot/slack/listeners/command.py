"""/summarise (and /summarize): help, link, pasted text, channel recap, digests.

Slow work is stored as a job before the ack; its reply goes through the command's
response_url. Summaries of a link or pasted text are posted ``in_channel`` (the point is to
share them); help, channel recaps, digest settings and every error are ephemeral, seen by
the caller only.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.core.clock import WEEKDAY_WORDS, parse_hhmm
from bot.slack.deps import Deps
from bot.slack.digests.schedule import schedule_words
from bot.slack.formats import blocks, markup, strings
from bot.slack.formats.markup import first_url, plain_text
from bot.slack.install.workspace import Workspace, workspace_of
from bot.slack.jobs.spec import job_payload, request_key, response_url_target

logger = logging.getLogger(__name__)

COMMANDS = re.compile(r"^/summari[sz]e$")
DEFAULT_PERIOD_S = 86_400
MAX_PERIOD_S = 7 * 86_400
_PERIOD = re.compile(r"^(\d{1,3})([hd])$")
DIGEST_ACTIONS = frozenset({"daily", "weekly", "off", "now", "status"})
COMMAND_WORDS = 4
"""A text this short that starts with ``channel`` or ``digest`` is a command, never pasted text."""
_PERIOD_LIKE = re.compile(r"^\d+\s*(h|hrs?|hours?|d|days?|w|wks?|weeks?)$")
_CONVERSATION_LINK = re.compile(r"<#[A-Z0-9]+(\|[^>]*)?>")


@dataclass(frozen=True)
class Parsed:
    """What a command's text asks for.

    ``action`` is one of help, url, text, channel, digest_daily, digest_weekly, digest_off,
    digest_now, digest_status, error (``text`` then holds the user-facing message).
    """

    action: str
    text: str | None = None
    period_s: int | None = None
    hhmm: str | None = None
    weekday: int | None = None
    show_help: bool = False
    """For an error: the help follows the message (a command that did not parse)."""


def _parse_period(args: list[str]) -> Parsed:
    if not args:
        return Parsed("channel", period_s=DEFAULT_PERIOD_S)
    match = _PERIOD.match(args[0].lower())
    seconds = int(match.group(1)) * (3600 if match.group(2) == "h" else 86_400) if match else 0
    if not match or not 0 < seconds <= MAX_PERIOD_S:
        return Parsed("error", text=strings.BAD_PERIOD.format(text=args[0]))
    return Parsed("channel", period_s=seconds)


def _parse_digest(args: list[str], raw: str) -> Parsed:
    sub = args[0].lower() if args else ""
    rest = args[1:]
    if sub in {"off", "now", "status"} and not rest:
        return Parsed(f"digest_{sub}")
    if sub not in {"daily", "weekly"}:
        return Parsed("error", text=strings.BAD_COMMAND.format(text=raw))
    weekday: int | None = None
    if sub == "weekly" and rest and ":" not in rest[0]:
        weekday = WEEKDAY_WORDS.get(rest[0].lower())
        if weekday is None:
            return Parsed("error", text=strings.BAD_WEEKDAY.format(text=rest[0]))
        rest = rest[1:]
    hhmm: str | None = None
    if rest:
        hhmm = parse_hhmm(rest[0])
        if hhmm is None or len(rest) > 1:
            return Parsed("error", text=strings.BAD_TIME.format(text=" ".join(rest)))
    if sub == "weekly" and weekday is None:
        weekday = 0
    return Parsed(f"digest_{sub}", hhmm=hhmm, weekday=weekday)


def _mistyped(head: str, words: list[str], raw: str) -> bool:
    """Whether a text starting with ``channel`` or ``digest`` is a command that did not parse
    (``channel 24h <#G123|ops>``), not text to summarise: it is short, its second word is a
    period or a digest action, or it names a conversation."""
    if head not in {"channel", "digest"}:
        return False
    second = words[1].lower() if len(words) > 1 else ""
    return (
        len(words) <= COMMAND_WORDS
        or (head == "channel" and bool(_PERIOD_LIKE.match(second)))
        or (head == "digest" and second in DIGEST_ACTIONS)
        or bool(_CONVERSATION_LINK.search(raw))
    )


def parse_command(text: str) -> Parsed:
    """Parse the text after /summarise. Short ``channel``/``digest`` forms are commands (one
    that does not parse is an error, never pasted text); a lone link is an article; anything
    else is pasted text."""
    raw = (text or "").strip()
    words = raw.split()
    if not words or (len(words) == 1 and words[0].lower() in {"help", "?"}):
        return Parsed("help")
    head = words[0].lower()
    if head == "channel" and len(words) <= 2:
        return _parse_period(words[1:])
    if head == "digest" and len(words) <= 4:
        return _parse_digest(words[1:], raw)
    if _mistyped(head, words, raw):
        return Parsed("error", text=strings.BAD_COMMAND.format(text=raw), show_help=True)
    if len(words) == 1 and (url := first_url(words[0])):
        return Parsed("url", text=url)
    return Parsed("text", text=plain_text(raw))


def _job(parsed: Parsed, channel: str, user: str) -> tuple[str, dict[str, Any], str, str] | None:
    """(kind, args, reply visibility, progress wording) of the actions that run as jobs."""
    text = parsed.text or ""
    if parsed.action == "url":
        return "summarise_url", {"url": text}, "in_channel", strings.PROGRESS_ARTICLE
    if parsed.action == "text":
        return "summarise_text", {"text": text}, "in_channel", strings.PROGRESS_TEXT
    if parsed.action == "channel":
        args = {"channel": channel, "period_s": parsed.period_s or DEFAULT_PERIOD_S}
        return "summarise_channel", args, "ephemeral", strings.PROGRESS_CHANNEL
    if parsed.action == "digest_now":
        return "digest_now", {"channel": channel}, "ephemeral", strings.PROGRESS_DIGEST
    if parsed.action in ("digest_daily", "digest_weekly"):
        # Subscribing back-fills history, which Slack rate-limits: a job, never the request thread.
        args = {
            "channel": channel, "user": user, "cadence": parsed.action.removeprefix("digest_"),
            "hhmm": parsed.hhmm, "weekday": parsed.weekday,
        }
        return "digest_subscribe", args, "ephemeral", strings.PROGRESS_SUBSCRIBE
    return None


def _notice(ack: Ack, mrkdwn: str) -> None:
    ack(text=mrkdwn, blocks=blocks.notice_blocks(mrkdwn), response_type="ephemeral")


def handle(deps: Deps, command: dict[str, Any], ack: Ack, *, workspace: Workspace | None = None) -> None:
    """Answer at once (help, errors, digest off/status), or store a job and ack with a progress line.

    The job is stored before the ack is sent, keyed by the command's ``trigger_id``, so a
    replayed or retried command finds its job instead of running twice.
    """
    parsed = parse_command(str(command.get("text", "")))
    channel = str(command.get("channel_id", ""))
    user = str(command.get("user_id", ""))
    if parsed.action == "help":
        ack(text=strings.HELP_FALLBACK, blocks=blocks.help_blocks(), response_type="ephemeral")
        return
    if parsed.action == "error":
        message = parsed.text or strings.BAD_COMMAND.format(text="")
        content = blocks.error_blocks(message) + (blocks.help_blocks() if parsed.show_help else [])
        ack(text=markup.clean(message), blocks=content, response_type="ephemeral")
        return
    if parsed.action == "digest_off":
        # What was stored for the digest goes with it: nothing is kept for an unsubscribed channel.
        unsubscribed = deps.store.forget_conversation(channel, items=False)
        _notice(ack, (strings.DIGEST_UNSUBSCRIBED if unsubscribed else strings.DIGEST_NOT_SUBSCRIBED).format(
            channel=channel))
        return
    if parsed.action == "digest_status":
        words = schedule_words(deps.store, channel)
        _notice(ack, strings.DIGEST_STATUS.format(**words) if words else
                strings.DIGEST_NOT_SUBSCRIBED.format(channel=channel))
        return
    job = _job(parsed, channel, user)
    if job is None:  # every action is handled above; kept for the type checker
        ack()
        return
    kind, args, visibility, what = job
    reply = response_url_target(str(command.get("response_url", "")), visibility, channel, user)
    deps.queue.submit(request_key("command", command.get("trigger_id")), kind, job_payload(args, reply, workspace))
    ack(text=strings.progress(what), response_type="ephemeral")


def register(app: App, deps: Deps) -> None:
    """Listen to /summarise and /summarize."""

    @app.command(COMMANDS)
    def on_command(command: dict[str, Any], ack: Ack, context: BoltContext) -> None:
        handle(deps, command, ack, workspace=workspace_of(context))
