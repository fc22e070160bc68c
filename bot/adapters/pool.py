"""The summariser in worker processes: model work off the caller's interpreter, with a time limit.

spaCy, torch and the extraction code hold the GIL while they run; in the process that
serves HTTP that would stall every other request. :class:`SummariserPool` runs the
:class:`~bot.core.pipeline.Summariser` in a pool of worker processes (pebble), each loading
the models once, with torch sized so that the processes together do not oversubscribe the
cores. A job that runs past its time limit has its worker process killed and replaced,
and the caller gets a :class:`JobTimeoutError` whose message is meant for the user.

Nothing here runs at import: the workers start (and load the models) in :meth:`start`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING

from bot.adapters.processes import PoolError
from bot.core.errors import ModelError, SummariserError
from bot.core.types import Document, SummaryResult

if TYPE_CHECKING:
    from pebble import ProcessPool

    from bot.core.pipeline import Summariser
    from bot.settings import Settings

logger = logging.getLogger(__name__)

WARMUP_TIMEOUT_S = 300.0


class JobTimeoutError(SummariserError):
    """A summary took longer than the time limit; its worker was stopped."""


def torch_threads_per_process(processes: int, cores: int | None = None) -> int:
    """Intra-op threads each worker may use so that all of them together fit the cores."""
    cores = cores or os.cpu_count() or 1
    return max(1, cores // max(1, processes))


# -- inside a worker process ----------------------------------------------------------

_summariser: Summariser | None = None
_load_error: ModelError | None = None


def _load_in_worker(settings: Settings, threads: int) -> None:
    """Pool initializer: size the thread pools, then load the models once for this process."""
    global _summariser, _load_error
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch

    torch.set_num_threads(threads)
    from bot.adapters.models import load_summariser

    try:
        _summariser = load_summariser(settings)
    except ModelError as exc:  # reported by every task, so the parent can say what is wrong
        _load_error = exc


def _loaded() -> Summariser:
    if _load_error is not None:
        raise _load_error
    if _summariser is None:
        raise ModelError("The summariser is not loaded in this worker.")
    return _summariser


def _warm() -> str:
    summariser = _loaded()
    return summariser.model_name


def _summarise(doc: Document) -> SummaryResult:
    return _loaded().summarise(doc)


# -- in the caller ----------------------------------------------------------------------


class SummariserPool:
    """A pool of summariser processes, shared by every job of this process."""

    def __init__(self, settings: Settings, processes: int, timeout_s: float) -> None:
        self.settings = settings
        self.processes = max(1, processes)
        self.timeout_s = timeout_s
        # Several workers on one host each see all the cores: TORCH_THREADS shares them out.
        self.threads = settings.torch_threads or torch_threads_per_process(self.processes)
        self._pool: ProcessPool | None = None
        self._model_name = ""
        self._ready = threading.Event()
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        """The models the workers run (known once :meth:`start` returned)."""
        return self._model_name

    @property
    def ready(self) -> bool:
        """Whether the workers have loaded the models."""
        return self._ready.is_set()

    def start(self) -> str:
        """Start the workers and wait until they loaded the models; raises :class:`ModelError`."""
        from pebble import ProcessPool

        with self._lock:
            if self._pool is None:
                self._pool = ProcessPool(
                    max_workers=self.processes,
                    initializer=_load_in_worker,
                    initargs=(self.settings, self.threads),
                    # Fresh interpreters: forking a process that runs threads is unsafe.
                    context=multiprocessing.get_context("spawn"),
                )
        assert self._pool is not None
        # One warm-up per worker, so each one has loaded before the first real job.
        futures = [self._pool.schedule(_warm) for _ in range(self.processes)]
        try:
            names = [future.result(timeout=WARMUP_TIMEOUT_S) for future in futures]
        except FutureTimeout:
            raise ModelError(f"The models did not load within {WARMUP_TIMEOUT_S:.0f} s.") from None
        self._model_name = names[0]
        self._ready.set()
        logger.info(
            "%d summariser process(es) ready (%s, %d torch thread(s) each)",
            self.processes, self._model_name, self.threads,
        )
        return self._model_name

    def summarise(self, doc: Document) -> SummaryResult:
        """Summarise ``doc`` in a worker; raises the summariser's own errors, or
        :class:`JobTimeoutError` / :class:`PoolError`."""
        if self._pool is None:
            raise ModelError("The summariser processes are not started.")
        future = self._pool.schedule(_summarise, args=(doc,), timeout=self.timeout_s)
        try:
            return future.result()
        except FutureTimeout:
            logger.warning("summary of %s stopped after %.0f s", doc.source, self.timeout_s)
            raise JobTimeoutError(
                f"Summarising this took longer than {self.timeout_s:.0f} seconds, so I stopped. "
                "Try a shorter text or link."
            ) from None
        except SummariserError:
            raise
        except Exception as exc:  # pebble.ProcessExpired and friends: the worker died
            logger.error("a summariser process died on %s: %r", doc.source, exc)
            raise PoolError("The summariser stopped unexpectedly. Please try again.") from exc

    def close(self, wait: bool = False) -> None:
        """Stop the workers (at once unless ``wait``)."""
        with self._lock:
            pool, self._pool = self._pool, None
        self._ready.clear()
        if pool is None:
            return
        if wait:
            pool.close()
        else:
            pool.stop()
        pool.join(timeout=10)

