"""``python -m bot stats``: what people think of the bot's answers (the feedback buttons' votes)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.settings import Settings
from bot.slack.storage.feedback import Tally
from bot.slack.storage.messages import Store

HEADER = ("answer", "good", "bad", "votes", "good %")


def _share(good: int, total: int) -> str:
    return f"{100 * good / total:.0f}%" if total else "-"


def _cell(column: int, text: str, width: int) -> str:
    return text.ljust(width) if column == 0 else text.rjust(width)


def feedback_table(tallies: Sequence[Tally]) -> str:
    """The votes per kind of answer and in all, as an aligned text table."""
    good, bad = sum(t.good for t in tallies), sum(t.bad for t in tallies)
    rows = [HEADER, *((t.kind, str(t.good), str(t.bad), str(t.total), _share(t.good, t.total)) for t in tallies),
            ("all", str(good), str(bad), str(good + bad), _share(good, good + bad))]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = ["  ".join(_cell(i, cell, w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))) for row in rows]
    return "Answer feedback (agent view and direct messages)\n" + "\n".join(lines)


def feedback_json(tallies: Sequence[Tally]) -> str:
    """The same counts as JSON: ``{"kinds": {kind: {good, bad}}, "good": n, "bad": n}``."""
    kinds = {t.kind: {"good": t.good, "bad": t.bad} for t in tallies}
    return json.dumps({"kinds": kinds, "good": sum(t.good for t in tallies), "bad": sum(t.bad for t in tallies)})


def main(settings: Settings, *, as_json: bool = False) -> str:
    """The report over the bot's database (``DATABASE_URL``)."""
    store = Store(settings.database_url)
    try:
        tallies = store.feedback.counts()
    finally:
        store.close()
    return feedback_json(tallies) if as_json else feedback_table(tallies)
