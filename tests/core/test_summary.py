"""Extractive selection with a fake deterministic encoder and spaCy-like stand-ins."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from bot.core import selection
from bot.core.article import sentences as article_sentences
from bot.core.article import summary as article_summary
from bot.core.pipeline import Summariser
from bot.core.scorer import POSITION_BUCKETS, SUBSET_FEATURES, Lexicon, SentenceScorer, feature_width
from bot.core.text import is_verbatim, word_count
from bot.core.thread import summary as thread_summary
from bot.core.thread import third_person as third_person_mod
from bot.core.types import Message

DIM = 64


class HashEncoder:
    """Bag-of-words embeddings from hashed lowercase words: similar words, similar vectors."""

    name = "hash"

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1.0
            out[row] /= max(float(np.linalg.norm(out[row])), 1e-9)
        return out


@dataclass
class Span:
    text: str

    def __iter__(self) -> Iterator[Any]:
        return iter(())  # no tokens: the third-person rewrite leaves fakes alone


class FakeDoc:
    """What the summariser reads from a spaCy Doc: ``.text`` and ``.sents``."""

    def __init__(self, sentences: Sequence[str], joiner: str = " ") -> None:
        self._sents = [Span(s) for s in sentences]
        self.text = joiner.join(sentences)

    @property
    def sents(self) -> list[Span]:
        return self._sents

    def __iter__(self) -> Iterator[Any]:
        return iter(())


NEWS = [
    "The city council approved a new budget for public transport on Monday evening.",
    "The budget adds forty buses and extends night services across the city.",
    "Council members argued for three hours before the final vote was taken.",
    "Critics said the transport budget ignores cyclists and pedestrians entirely.",
    "The mayor welcomed the vote and promised the first buses by next spring.",
    "Local businesses expect more customers once the night services start running.",
    "A separate proposal on parking fees was postponed until next month.",
]
LONG = " ".join(["word"] * 90) + "."
WORDY = [
    "The board met on Tuesday to discuss the merger and the future of the company in detail today.",
    "Shareholders had asked for a clear plan that explains the costs, the risks and the benefits of it.",
    "The chief executive presented a plan with three phases spread over the next two financial years.",
    "Analysts said the plan was credible but warned about the cost of integrating the two systems.",
    "The vote on the merger is expected at the annual meeting in June after a long consultation.",
]


def _check_article(sentences: Sequence[str], picked: list[str]) -> None:
    source = " ".join(sentences)
    assert 1 <= len(picked) <= selection.ARTICLE_MAX_SENTENCES
    # A lone sentence longer than the budget is cut to a verbatim prefix ending in "…".
    kept = [p.removesuffix("…") for p in picked]
    assert all(is_verbatim(k, source) and p == p.strip() for k, p in zip(kept, picked, strict=False))
    positions = [source.index(k) for k in kept]
    assert positions == sorted(positions), "summary sentences must keep document order"
    assert sum(word_count(p) for p in picked) <= selection.ARTICLE_MAX_WORDS


@pytest.mark.parametrize(
    ("sentences", "expected_count"),
    [
        (NEWS, 3),
        (NEWS[:2], 2),
        (NEWS[:1], 1),
        (WORDY, 3),
        ([LONG], 1),
        ([LONG, *NEWS[:3]], 3),
    ],
    ids=["news", "two", "single", "wordy", "one-long", "long-plus-short"],
)
def test_article_summary_budget_order_and_verbatim(sentences: list[str], expected_count: int) -> None:
    picked = article_summary.summarise_article(FakeDoc(sentences), HashEncoder())
    _check_article(sentences, picked)
    assert len(picked) == expected_count


def test_a_sentence_longer_than_the_budget_is_only_chosen_alone() -> None:
    picked = article_summary.summarise_article(FakeDoc([LONG, *NEWS[:3]]), HashEncoder())
    assert LONG not in picked


def test_duplicate_sentences_are_not_both_chosen() -> None:
    sentences = [NEWS[0], NEWS[0], NEWS[1], NEWS[4]]
    picked = article_summary.summarise_article(FakeDoc(sentences), HashEncoder())
    assert picked.count(NEWS[0]) == 1


def test_one_batched_encoder_call_per_document() -> None:
    encoder = HashEncoder()
    article_summary.summarise_article(FakeDoc(NEWS), encoder)
    assert encoder.calls == 1


@pytest.mark.parametrize(
    ("noise", "dropped"),
    [
        ("Scroll down for video", "Scroll down for video"),
        ("By Jane Smith", "Jane Smith"),
        ("PUBLISHED: 10:02 EST, 3 April 2015", "PUBLISHED"),
        ("Happy days: The mayor and his wife at the opening ceremony on Friday", "Happy days"),
        ("Advertisement", "Advertisement"),
    ],
)
def test_boilerplate_is_not_chosen(noise: str, dropped: str) -> None:
    picked = article_summary.summarise_article(FakeDoc([noise, *NEWS[:2]]), HashEncoder())
    assert not any(dropped in p for p in picked)
    assert picked == NEWS[:2]


def test_title_line_merged_into_first_sentence_is_split_off() -> None:
    doc = FakeDoc(["Council Backs Transport Budget\n\n" + NEWS[0], *NEWS[1:3]])
    picked = article_summary.summarise_article(doc, HashEncoder())
    assert NEWS[0] in picked
    assert not any("Council Backs" in p for p in picked)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (
            "Dr Smith, 38, has denied four counts of assault A senior doctor denied the charges in court.",
            ["Dr Smith, 38, has denied four counts of assault", "A senior doctor denied the charges in court."],
        ),
        (
            "The mayor smiles at the opening ceremony The council said it would open two more parks.",
            ["The mayor smiles at the opening ceremony", "The council said it would open two more parks."],
        ),
        ("They chose Plan A because it was cheaper.", ["They chose Plan A because it was cheaper."]),
        ("The story was first reported by The Mail on Sunday.", ["The story was first reported by The Mail on Sunday."]),
        ("Under plan A the council said no.", ["Under plan A the council said no."]),
    ],
)
def test_glued_photo_captions_are_split_off(unit: str, expected: list[str]) -> None:
    assert article_sentences.split_glued_captions(unit) == expected


def test_glued_caption_is_not_chosen_but_its_sentence_can_be() -> None:
    caption = "The mayor smiles at the opening ceremony on Friday"
    doc = FakeDoc([caption + " " + NEWS[0], *NEWS[1:3]])
    picked = article_summary.summarise_article(doc, HashEncoder())
    assert NEWS[0] in picked
    assert not any(caption in p for p in picked)


def test_boilerplate_prefix_is_stripped_but_sentence_kept() -> None:
    doc = FakeDoc(["Scroll down for video " + NEWS[0], NEWS[1]])
    assert article_summary.summarise_article(doc, HashEncoder()) == [NEWS[0], NEWS[1]]


def test_empty_article_gives_empty_summary() -> None:
    assert article_summary.summarise_article(FakeDoc([]), HashEncoder()) == []


def _position_scorer(prefer_late: bool) -> SentenceScorer:
    """A one-layer scorer that only looks at the relative-position feature."""
    width = feature_width(DIM, "article")
    w = np.zeros((width, 1), dtype=np.float32)
    w[2 * DIM + len(POSITION_BUCKETS)] = 5.0 if prefer_late else -5.0  # the relative position column
    return SentenceScorer({"article.w0": w, "article.b0": np.zeros(1, dtype=np.float32)})


@pytest.mark.parametrize(
    ("scorer", "must_include", "must_exclude"),
    [
        (None, NEWS[0], NEWS[-1]),  # unsupervised: the lead prior keeps the opening sentence
        (_position_scorer(prefer_late=False), NEWS[0], NEWS[-1]),
    ],
    ids=["unsupervised", "learned-early"],
)
def test_scorer_drives_the_choice_and_none_falls_back(
    scorer: SentenceScorer | None, must_include: str, must_exclude: str | None
) -> None:
    picked = article_summary.summarise_article(FakeDoc(NEWS), HashEncoder(), scorer)
    _check_article(NEWS, picked)
    assert must_include in picked
    assert must_exclude not in picked


def test_learned_scores_are_blended_with_the_priors(monkeypatch: pytest.MonkeyPatch) -> None:
    unsupervised = article_summary.summarise_article(FakeDoc(NEWS), HashEncoder(), None)
    monkeypatch.setitem(selection.LEARNED_WEIGHT, "article", 10.0)
    late = article_summary.summarise_article(FakeDoc(NEWS), HashEncoder(), _position_scorer(prefer_late=True))
    _check_article(NEWS, late)
    last = min(len(NEWS), article_summary.ARTICLE_MAX_CANDIDATES)  # only the leading candidates are ranked
    assert late == NEWS[last - 3 : last] and late != unsupervised


def test_scorer_with_wrong_width_falls_back_to_unsupervised() -> None:
    bad = SentenceScorer({"article.w0": np.ones((7, 1), np.float32), "article.b0": np.zeros(1, np.float32)})
    assert article_summary.summarise_article(FakeDoc(NEWS), HashEncoder(), bad) == article_summary.summarise_article(
        FakeDoc(NEWS), HashEncoder(), None
    )


THREAD = [
    Message("Amanda", "Hi all, who is coming to the picnic on Saturday afternoon in the park?"),
    Message("Tom", "<file_gif>"),
    Message("Tom", "me!"),
    Message("Jenny", "I will come and I will bring cookies and lemonade for everybody at the picnic."),
    Message("Amanda", "Great, the picnic starts at noon near the big oak tree in the park."),
    Message("Tom", "ok"),
]


def _thread_docs(messages: Sequence[Message]) -> list[FakeDoc]:
    return [FakeDoc([m.text]) for m in messages]


def test_thread_summary_is_one_or_two_attributed_messages_in_order() -> None:
    picked = thread_summary.summarise_thread(THREAD, _thread_docs(THREAD), HashEncoder())
    rendered = [f"{m.author}: {m.text}" for m in THREAD]
    assert 1 <= len(picked) <= selection.THREAD_MAX_SENTENCES
    assert all(p in rendered for p in picked)
    assert [rendered.index(p) for p in picked] == sorted(rendered.index(p) for p in picked)
    assert not any("<file_gif>" in p or p.endswith(": ok") for p in picked)


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([Message("Ann", "See you at the station at eight.")], ["Ann: See you at the station at eight."]),
        ([Message(None, "Deploy is done, all green.")], ["Deploy is done, all green."]),
        ([Message("Bob", "ok"), Message("Ann", "<file_photo>")], ["Bob: ok"]),
        ([], []),
    ],
    ids=["single", "no-author", "only-short", "empty"],
)
def test_thread_edge_cases(messages: list[Message], expected: list[str]) -> None:
    assert thread_summary.summarise_thread(messages, _thread_docs(messages), HashEncoder()) == expected


def test_long_message_is_split_into_sentences() -> None:
    long_text = " ".join(NEWS)
    messages = [Message("Ann", long_text), Message("Bob", "Thanks, that is very helpful for the team.")]
    docs = [FakeDoc(NEWS), FakeDoc([messages[1].text])]
    picked = thread_summary.summarise_thread(messages, docs, HashEncoder())
    assert all(p.startswith(("Ann: ", "Bob: ")) for p in picked)
    assert all(word_count(p) < word_count(long_text) for p in picked)


@pytest.mark.slow
def test_real_models_on_the_seed_article(summariser: Summariser, seed_text: str) -> None:
    picked = article_summary.summarise_article(summariser.nlp(seed_text), summariser.encoder, summariser.scorer)
    assert 1 <= len(picked) <= 3
    assert all(is_verbatim(p, seed_text) for p in picked)
    assert sum(word_count(p) for p in picked) <= selection.ARTICLE_MAX_WORDS
    assert not any(p.startswith("Vice Premier Zhang Guoqing Emphasizes") for p in picked)  # the title
    assert any("advanced manufacturing" in p for p in picked)


@pytest.fixture(scope="module")
def spacy_nlp() -> Any:
    """spaCy alone (tags are needed for the third-person rewrite); loads in about a second."""
    from bot.adapters.nlp import load_nlp

    return load_nlp()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'll bring cookies", "Amanda will bring cookies"),
        ("I don't know him well", "Amanda doesn't know him well"),
        ("I want to buy my mum a present", "Amanda wants to buy Amanda's mum a present"),
        ("I also think so", "Amanda also thinks so"),
        ("I bought two tickets yesterday", "Amanda bought two tickets yesterday"),
        ("Give me a call", "Give Amanda a call"),
        ("Am I late?", None),  # a question: inversion is not rewritten
        ("I did it myself", None),
        ("Ask Larry", None),  # nothing in the first person
        ("I read it.", None),  # past or present: "reads" would change the tense
        ("I put the keys on the table.", "Amanda put the keys on the table."),  # the word itself is kept
        ("I'd gone home already.", "Amanda had gone home already."),
        ("I'd go tomorrow.", "Amanda would go tomorrow."),
        ("I’m at home", "Amanda is at home"),
        ("Tom and I are going to the cinema.", "Tom and Amanda are going to the cinema."),
        # addressing someone: "You" would seem to speak to the reader
        ("Actually, I don't care. You will get a scarf.", None),
        ("I told your sister.", None),
        ('He said "I will"', None),  # a quotation keeps its own first person
        ("I ' Ve been having trouble breathing lately.", None),  # a split contraction is left alone
    ],
)
def test_third_person_rewrite(spacy_nlp: Any, text: str, expected: str | None) -> None:
    assert third_person_mod.third_person("Amanda", list(spacy_nlp(text))) == expected


@pytest.mark.parametrize(
    ("text", "max_words", "expected"),
    [
        ("Short and sweet.", 75, "Short and sweet."),
        ("one two three four five six", 6, "one two three four five six"),
        ("one two three four five six seven eight", 4, "one two three four…"),
        # a clause break only counts in the second half of the budget
        ("alpha beta gamma, delta epsilon zeta eta theta", 6, "alpha beta gamma, delta epsilon zeta…"),
        ("a b c d e f, g h i j", 8, "a b c d e f…"),
    ],
)
def test_fit_words_keeps_a_verbatim_prefix_within_the_budget(text: str, max_words: int, expected: str) -> None:
    from bot.core.selection import fit_words

    out = fit_words(text, max_words)
    assert out == expected
    assert len(out.split()) <= max_words and text.startswith(out.removesuffix("…"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The officer sent indecent images to his relatives Police in Maryland have launched an inquiry into it.",
            ["The officer sent indecent images to his relatives", "Police in Maryland have launched an inquiry into it."],
        ),
        (
            "The club will name him as the new permanent manager on Friday 'I'd be over the moon,' said Locke.",
            ["The club will name him as the new permanent manager on Friday", "'I'd be over the moon,' said Locke."],
        ),
        # names and function words before a capital are not breaks
        ("He was confirmed as Kilmarnock's permanent manager on Friday.", None),
        ("She told reporters that Barack Obama had called her on Sunday night.", None),
        ("The report was published by the Institute for Fiscal Studies on Tuesday.", None),
    ],
)
def test_glued_captions_are_split_by_the_parse(spacy_nlp: Any, text: str, expected: list[str] | None) -> None:
    assert article_sentences.article_units(spacy_nlp(text)) == (expected or [text])


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ('He said "go" before he left.', True),
        ("'I'd be over the moon,' said Locke on Thursday.", True),
        ("The players’ room was empty after the game.", True),
        ("She called the plan ‘reckless’ and walked out.", True),
        ("' i feel disgusted , ' said miss carter .", True),  # PTB spacing
        ("the players ' room was empty after the game .", True),
        ('"Go now, before the rain comes.', False),  # opens, never closes
        ("It’s a fantastic opportunity for all of us.’", False),  # closes what never opened here
        ("‘That’s how football works in this country.’", False),  # a whole quotation, nobody said it
        ("' it was great for all of us .", False),
    ],
)
def test_summary_sentences_never_carry_half_a_quotation(text: str, whole: bool) -> None:
    assert article_sentences.is_article_sentence(text) is whole


def test_fragments_starting_in_lowercase_are_dropped_in_cased_text() -> None:
    units = [*NEWS[:3], "and then the council voted again on the very same budget."]
    assert article_summary.article_candidate_texts(units) == NEWS[:3]
    lowered = [u.lower() for u in units]  # the lowercased training text keeps every unit
    assert article_summary.article_candidate_texts(lowered) == lowered


def test_feature_text_is_the_same_for_ptb_and_cased_raw_text() -> None:
    from bot.core.scorer import feature_text

    ptb = "the 35 - year - old -lrb- pictured -rrb- said `` i do n't know '' ."
    raw = "The 35-year-old (pictured) said “I don’t know”."
    assert feature_text(ptb).replace(" ", "") == feature_text(raw).replace(" ", "")
    assert selection.summary_words(ptb) == selection.summary_words(raw) == 7


def test_choose_subset_respects_budget_redundancy_and_learned_length() -> None:
    words = np.array([30.0, 30.0, 30.0, 10.0], dtype=np.float32)
    emb = np.eye(4, 8, dtype=np.float32)
    blocked = np.zeros((4, 4), dtype=bool)
    blocked[0, 1] = blocked[1, 0] = True  # 0 and 1 say the same thing
    scores = np.array([3.0, 2.9, 1.0, 0.5], dtype=np.float32)
    texts = ["rates rise", "rates go up", "markets fall", "banks wait"]
    lexicon = Lexicon.of(texts, texts)
    assert selection.choose_subset(scores, words, emb, blocked, 3, 75, lexicon, "article") == [0, 2, 3]
    # a learned dislike of long summaries (the words-share feature) trades the third sentence away
    theta = np.zeros(len(SUBSET_FEATURES), dtype=np.float32)
    theta[3] = -4.0
    assert selection.choose_subset(scores, words, emb, blocked, 3, 75, lexicon, "article", theta) == [0]
    # nothing fits: the best sentence alone (fit_words cuts it later)
    assert selection.choose_subset(scores, words * 10, emb, blocked, 3, 75, lexicon, "article") == [0]
