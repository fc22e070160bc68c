"""The pipeline's own composition rules, on in-memory results."""

from __future__ import annotations

import pytest

from bot.core.errors import EmptyInputError
from bot.core.pipeline import _drop_summary_repeats
from bot.core.types import Document, Quote

DIRECT = Quote("we will win", "Ana", True)
REPORTED_IN_SUMMARY = Quote("He stressed the need  for speed.", "Bo", False)
REPORTED_NEW = Quote("She urged calm.", "Cy", False)
SUMMARY = ["He stressed the need for speed."]


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ([DIRECT, REPORTED_IN_SUMMARY, REPORTED_NEW], [DIRECT, REPORTED_NEW]),
        # dropping would leave fewer than two quotes: keep them all
        ([DIRECT, REPORTED_IN_SUMMARY], [DIRECT, REPORTED_IN_SUMMARY]),
        ([REPORTED_IN_SUMMARY], [REPORTED_IN_SUMMARY]),
        ([], []),
    ],
)
def test_reported_quotes_repeating_the_summary_are_dropped(found, expected) -> None:
    assert _drop_summary_repeats(found, SUMMARY) == expected


def test_empty_document_is_refused(summariser) -> None:
    with pytest.raises(EmptyInputError):
        summariser.summarise(Document(kind="article", text="  \n", source="x"))


def test_seed_quotes_do_not_repeat_the_summary(summariser, seed_text: str) -> None:
    from bot.core.text import canonical

    result = summariser.summarise(Document(kind="article", text=seed_text, source="seed"))
    summary = {canonical(s) for s in result.summary}
    assert not [q for q in result.quotes if not q.direct and canonical(q.text) in summary]
    assert len(result.quotes) >= 2
