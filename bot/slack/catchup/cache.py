"""Summaries of conversations kept by their content, so catch-ups in one process share them.

A team's catch-ups read the same threads; a summary finished after one catch-up's deadline
serves the next, and one still running is waited for rather than started twice. The key is
the conversation's channel and every message's ts, author and text, so an edit or a new
reply makes a new key; the oldest entries go first.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future

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
    """A thread-safe least-recently-used map of content keys to summaries, done or under way.

    A summary under way is shared too: a catch-up that needs one another catch-up started
    waits for it instead of starting it again.
    """

    def __init__(self, entries: int = ENTRIES) -> None:
        self.entries = entries
        self._items: OrderedDict[str, Future[SummaryResult]] = OrderedDict()
        self._lock = threading.Lock()

    def future(self, key: str, start: Callable[[], Future[SummaryResult]]) -> Future[SummaryResult]:
        """The summary kept under ``key`` (done or running), else the one ``start`` starts.

        A summary that failed or was cancelled before it ran is started again.
        """
        with self._lock:
            found = self._items.get(key)
            if found is not None and not (found.cancelled() or (found.done() and found.exception() is not None)):
                self._items.move_to_end(key)
                return found
            started = start()
            self._items[key] = started
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)
            return started
