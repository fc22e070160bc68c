"""What the process pools (the summariser's, and any other) raise when a worker process is lost."""

from __future__ import annotations

from bot.core.errors import SummariserError


class PoolError(SummariserError):
    """A worker process died or was stopped while working (it is replaced; the job may be retried)."""
