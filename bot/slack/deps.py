"""The collaborators of the Slack layer, built once in one pass by the entry points.

:class:`Deps` is what request listeners get (settings, the store, the job queue: they only
store jobs and answer quickly); :class:`Services` is what jobs get (the Web API client,
the summariser, the fetcher, the user directory, the store). A web-only process has Deps
and no Services; a worker has Services and no listeners.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from bot.adapters.fetch import FetchedPage
from bot.adapters.fetchpool import fetch_page
from bot.core.documents import build_document
from bot.core.types import Document, SummaryResult
from bot.settings import Settings
from bot.slack.install.tokens import TokenSource
from bot.slack.install.workspace import Workspace

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from slack_sdk.oauth.installation_store import InstallationStore

    from bot.slack.reading import UserDirectory
    from bot.slack.storage.jobs import Job
    from bot.slack.storage.messages import Store


class SummariserLike(Protocol):
    """What the Slack layer needs from a summariser (in-process or a pool of processes)."""

    @property
    def model_name(self) -> str:
        """Name shown in the reply's context line."""
        ...

    def summarise(self, doc: Document) -> SummaryResult:
        """Summarise one document."""
        ...


class JobQueue(Protocol):
    """Stores a job durably and gets it run (in this process or by a worker)."""

    def submit(self, key: str, kind: str, payload: dict[str, Any]) -> Job:
        """Store the job under ``key`` (or find the one already stored) and dispatch it."""
        ...


@dataclass(frozen=True)
class Services:
    """What a running job needs."""

    settings: Settings
    client: WebClient
    store: Store
    summariser: SummariserLike
    users: UserDirectory
    fetch: Callable[[str], Document]
    tokens: TokenSource | None = None
    """Each workspace's client (installs to any workspace); ``None``: ``client`` serves all."""
    workspace: Workspace | None = None
    """The workspace of the job these services run (set by :meth:`in_workspace`)."""

    def in_workspace(self, workspace: Workspace | None) -> Services:
        """These services with the Web API client (and user directory) of the job's workspace.

        Raises :class:`~bot.slack.install.tokens.NotInstalled` when the workspace has no installation.
        """
        client = self.tokens.client(workspace) if self.tokens is not None else self.client
        if client is self.client:
            return replace(self, workspace=workspace)
        from bot.slack.reading import UserDirectory

        return replace(self, client=client, users=UserDirectory(client), workspace=workspace)


@dataclass(frozen=True)
class Deps:
    """What the request listeners need: they store jobs and answer at once."""

    settings: Settings
    store: Store
    queue: JobQueue
    installations: InstallationStore | None = None
    """Where installations are kept (installs to any workspace), so an uninstall can delete them."""


def make_fetcher(
    settings: Settings, pages: Callable[[str], FetchedPage] | None = None
) -> Callable[[str], Document]:
    """``url -> Document`` with the CLI's fetcher, private-address rules and size limits.

    ``pages``: where pages are fetched (a :class:`~bot.adapters.fetchpool.FetchPool`'s
    ``fetch`` in a serving process), else in the calling thread.
    """

    def fetch(url: str) -> Document:
        page = pages(url) if pages is not None else fetch_page(url, settings)
        return build_document(
            page.text, source=page.url, kind="article", title=page.title, max_chars=settings.max_input_chars
        )

    return fetch
