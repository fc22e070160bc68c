"""Link fetching and HTML extraction in worker processes of their own, with a time budget.

trafilatura holds the GIL for seconds on a heavy page; in the process that serves HTTP
that would stall the acks of every other request. :class:`FetchPool` runs
:func:`~bot.adapters.fetch.fetch_url` (download and extraction) in a small pool of
processes (pebble), started from a fork server that has the fetching code loaded. A task
gets ``FETCH_TIMEOUT_S`` for the download plus ``FETCH_EXTRACT_TIMEOUT_S`` for the
extraction, counted from the call (waiting for a free process included); past that its
process is killed and replaced, and the caller gets a
:class:`~bot.core.errors.FetchError` meant for the user. No model is loaded here.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING

from bot.adapters.fetch import FetchedPage, fetch_url
from bot.adapters.processes import PoolError
from bot.core.errors import FetchError

if TYPE_CHECKING:
    from pebble import ProcessPool

    from bot.settings import Settings

logger = logging.getLogger(__name__)

_PRELOAD = ["bot.adapters.fetch", "trafilatura"]


class FetchProcessError(PoolError):
    """The pool was stopped, or its process died, during a fetch: the job may be retried (or,
    at shutdown, put back), as when a summariser process stops."""


def fetch_page(url: str, settings: Settings) -> FetchedPage:
    """:func:`fetch_url` with the limits of ``settings``, in this process."""
    return fetch_url(
        url,
        allow_hosts=settings.fetch_allow_hosts,
        timeout_s=settings.fetch_timeout_s,
        max_bytes=settings.fetch_max_bytes,
        max_html_bytes=settings.fetch_max_html_bytes,
    )


def _warm() -> None:
    """Pool initializer: import the extraction code before the first task."""
    import trafilatura  # noqa: F401


class FetchPool:
    """``url -> FetchedPage`` in a bounded pool of processes, shared by every job of this process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.processes = max(1, settings.fetch_processes)
        self.budget_s = settings.fetch_timeout_s + settings.fetch_extract_timeout_s
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()
        self._in_flight: set[Future[FetchedPage]] = set()

    def start(self) -> FetchPool:
        """Start the processes (idempotent); returns ``self``."""
        from pebble import ProcessPool

        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("forkserver")
                # Forks of a server that has imported the fetcher: a replaced process is ready at once.
                context.set_forkserver_preload(_PRELOAD)
                self._pool = ProcessPool(max_workers=self.processes, initializer=_warm, context=context)
        logger.debug("%d fetch process(es) started", self.processes)
        return self

    def fetch(self, url: str) -> FetchedPage:
        """Fetch and extract ``url`` in a pool process; raises :class:`FetchError` (or its
        :class:`~bot.core.errors.BlockedURLError`) with a message for the user, or
        :class:`FetchProcessError` when the pool is stopped or its process dies."""
        if self._pool is None:
            raise FetchProcessError("The link reader is not running. Please try again.")
        future = self._pool.schedule(fetch_page, args=(url, self.settings), timeout=self.budget_s)
        with self._lock:
            self._in_flight.add(future)
        try:
            # The budget counts from here: a link that waited for a free process gets no extra time.
            return future.result(timeout=self.budget_s)
        except FetchError:
            raise
        except FutureTimeout:
            future.cancel()  # a running task's process is stopped and replaced
            logger.warning("reading a link stopped after %.0f s", self.budget_s)
            raise FetchError(
                f"Reading that page took longer than {self.budget_s:g} seconds, so I stopped."
            ) from None
        except CancelledError as exc:  # close() cancelled it: a BaseException, not an Exception
            raise FetchProcessError("Reading that page stopped unexpectedly. Please try again.") from exc
        except Exception as exc:  # pebble.ProcessExpired, a cancelled task: the pool stopped or a process died
            if self._pool is not None:
                logger.error("a fetch process died: %r", exc)
            raise FetchProcessError("Reading that page stopped unexpectedly. Please try again.") from exc
        finally:
            with self._lock:
                self._in_flight.discard(future)

    def close(self) -> None:
        """Stop the processes at once (a fetch in flight fails)."""
        with self._lock:
            pool, self._pool = self._pool, None
            in_flight = list(self._in_flight)
        if pool is not None:
            pool.stop()
            for future in in_flight:  # a task the pool had not started yet would otherwise wait out its budget
                future.cancel()
            pool.join(timeout=10)
