"""Summaries of conversations kept by their content, so catch-ups in one process share them.

A team's catch-ups read the same threads; a summary finished after one catch-up's deadline
serves the next. The key is the conversation's channel and every message's ts, author and
text, so an edit or a new reply makes a new key; the oldest entries go first.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable

from bot.core.types import SummaryResult
from bot.slack.storage.messages import StoredMessage

ENTRIES = 1024


def content_key(channel_id: str, messages: Iterable[StoredMessage]) -> str:
    """The key of a conversation: a digest of its channel and messages."""
    digest = hashlib.sha256(channel_id.encode())
    for message in messages:
        digest.update(b"\0" + "\x1f".join((message.ts, message.user_id or "", message.text)).encode())
    return digest.hexdigest()


class SummaryCache:
    """A thread-safe least-recently-used map of content keys to summaries."""

    def __init__(self, entries: int = ENTRIES) -> None:
        self.entries = entries
        self._items: OrderedDict[str, SummaryResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> SummaryResult | None:
        """The summary kept under ``key``, if any."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, result: SummaryResult) -> None:
        """Keep ``result`` under ``key``, dropping the least recently used beyond ``entries``."""
        with self._lock:
            self._items[key] = result
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)
