"""The objects every listener and job needs, built once by :mod:`bot.slack.serve`."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.adapters.fetch import fetch_url
from bot.core.detect import build_document
from bot.core.types import Document, SummaryResult
from bot.settings import Settings

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.slack.history import UserDirectory
    from bot.slack.schedule import DigestScheduler
    from bot.slack.store import Store


class SummariserLike(Protocol):
    """What the Slack layer needs from :class:`bot.core.pipeline.Summariser`."""

    @property
    def model_name(self) -> str:
        """Name shown in the reply's context line."""
        ...

    def summarise(self, doc: Document) -> SummaryResult:
        """Summarise one document."""
        ...


@dataclass
class Deps:
    """Shared, thread-safe collaborators of the Slack app."""

    settings: Settings
    summariser: SummariserLike
    store: Store
    client: WebClient
    executor: ThreadPoolExecutor
    users: UserDirectory
    scheduler: DigestScheduler | None
    fetch: Callable[[str], Document]


def make_fetcher(settings: Settings) -> Callable[[str], Document]:
    """``url -> Document`` with the CLI's fetcher, private-address rules and size limits."""
    def fetch(url: str) -> Document:
        page = fetch_url(
            url,
            allow_hosts=settings.fetch_allow_hosts,
            timeout_s=settings.fetch_timeout_s,
            max_bytes=settings.fetch_max_bytes,
        )
        return build_document(
            page.text, source=page.url, kind="article", title=page.title, max_chars=settings.max_input_chars
        )

    return fetch
