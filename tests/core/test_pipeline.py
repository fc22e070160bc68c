"""The pipeline's own composition rules, on in-memory results."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.errors import EmptyInputError
from bot.core.pipeline import Summariser
from bot.core.quoting.quotes import drop_summary_repeats
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
def test_reported_quotes_repeating_the_summary_are_dropped(found: Any, expected: Any) -> None:
    assert drop_summary_repeats(found, SUMMARY) == expected


def test_empty_document_is_refused(summariser: Summariser) -> None:
    with pytest.raises(EmptyInputError):
        summariser.summarise(Document(kind="article", text="  \n", source="x"))


def test_seed_quotes_do_not_repeat_the_summary(summariser: Summariser, seed_text: str) -> None:
    from bot.core.text import canonical

    result = summariser.summarise(Document(kind="article", text=seed_text, source="seed"))
    summary = {canonical(s) for s in result.summary}
    assert not [q for q in result.quotes if not q.direct and canonical(q.text) in summary]
    assert len(result.quotes) >= 2


EDGE_CASES = [
    # (name, text, kind)
    ("single sentence", "The council approved the new budget on Tuesday.", "article"),
    ("one-message thread", "[09:05] Tom Becker: I'll send the deck by Friday.", "thread"),
    ("german", "Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen. Die Opposition kritisierte "
               "die Kürzungen bei den Schulen. Der Bürgermeister sagte, die Stadt müsse sparen.", "auto"),
    ("chinese", "福建省今天宣布了新的造船计划。该计划将创造三千个就业机会。官员表示，工程将于明年开始。", "auto"),
    ("no punctuation", "lorem ipsum " * 400, "auto"),
]


@pytest.mark.parametrize(("name", "text", "kind"), EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
def test_edge_inputs_get_a_short_verbatim_summary(summariser: Summariser, name: str, text: str, kind: str) -> None:
    from bot.core.documents import build_document
    from bot.core.text import canonical

    doc = build_document(text, source=name, kind=kind)
    result = summariser.summarise(doc)
    assert 1 <= len(result.summary) <= (2 if doc.kind == "thread" else 3)
    for quote in result.quotes:
        assert canonical(quote.text) in canonical(text)
    if doc.kind == "article":
        joined = canonical(" ".join(result.summary))
        assert joined and all(canonical(s.removesuffix("…")) in canonical(text) for s in result.summary)
        assert len(joined.split()) <= 75
    else:
        assert result.priorities[0].owner == "Tom Becker" and result.priorities[0].due == "by Friday"


def test_single_sentence_summary_is_that_sentence(summariser: Summariser) -> None:
    text = "The council approved the new budget on Tuesday."
    result = summariser.summarise(Document(kind="article", text=text, source="x"))
    assert result.summary == [text]


def test_a_lone_overlong_sentence_is_cut_to_the_budget(summariser: Summariser) -> None:
    text = "The committee reviewed item 0, " + " and ".join(f"reviewed item {i}" for i in range(1, 80)) + "."
    result = summariser.summarise(Document(kind="article", text=text, source="x"))
    assert len(result.summary) == 1
    assert len(result.summary[0].split()) <= 75 and result.summary[0].endswith("…")
    assert text.startswith(result.summary[0].removesuffix("…"))


def test_model_field_names_the_learned_scorer_only_where_it_is_used(summariser: Summariser) -> None:
    from bot.core import selection

    for kind in ("article", "thread"):
        used = summariser.scorer is not None and selection.LEARNED_WEIGHT[kind] > 0
        assert summariser.model_for(kind).endswith("+ learned scorer") is used
    assert summariser.model_for("article").startswith("all-MiniLM-L6-v2")
