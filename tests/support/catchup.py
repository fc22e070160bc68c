"""A scripted summariser for catch-up tests: what it finds is written into the messages.

A message containing ``ITEM <user id>: <task>`` yields that user's action item (at the
message's ts; with ``owner_ids`` off, the owner is that word as a name), ``DECIDED: <text>`` a decision; the gist is "Gist: " and the first message's
text. ``delay_s`` makes each summary take that long (for the deadline).
"""

from __future__ import annotations

import re
import threading
import time

from bot.core.types import Document, Priority, SummaryResult

_ITEM = re.compile(r"ITEM (\w+): ([^.]+)")
_DECIDED = re.compile(r"DECIDED: ([^.]+)")


class ScriptedSummariser:
    """``summarise(doc)`` from the markers in the messages; records every document."""

    model_name = "scripted"

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.owner_ids = True
        """``False``: owners are names only, as for someone who did not write in the thread."""
        self.documents: list[Document] = []
        self._lock = threading.Lock()

    def summarise(self, doc: Document) -> SummaryResult:
        with self._lock:
            self.documents.append(doc)
        time.sleep(self.delay_s)
        items = [
            Priority(match[2].strip(), owner=match[1], ts=m.ts, owner_id=match[1] if self.owner_ids else None)
            for m in doc.messages for match in _ITEM.finditer(m.text)
        ]
        decisions = [match[1].strip() for m in doc.messages for match in _DECIDED.finditer(m.text)]
        first = doc.messages[0].text if doc.messages else doc.text
        return SummaryResult(
            source=doc.source, kind="thread", title=None, summary=[f"Gist: {first}"],
            priorities=items, decisions=decisions, model=self.model_name,
        )
