"""Property: every quote the extractors return is verbatim in its source."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.quoting.quotes import extract_article_quotes, extract_thread_quotes
from bot.core.text import is_verbatim
from bot.core.thread.action_items import classify_thread
from bot.core.types import Message

NAMES = ["Miriam Okafor", "Okafor", "Tom Hale", "the minister", "she", "he", "Dr. Lena Park", "they"]
VERBS = ["said", "told reporters", "added", "stressed", "wrote", "urged", "warned"]
MARKS = [('"', '"'), ("\u201c", "\u201d"), ("\u00ab", "\u00bb"), ("\u201e", "\u201c"), ('"', "")]
WORDS = st.sampled_from(
    "the water bill will rise next year and we must act now because pipes are old "
    "city council voted to fund repairs quickly".split()
)
CLAUSE = st.lists(WORDS, min_size=2, max_size=12).map(" ".join)
SPACE = st.sampled_from([" ", "  ", "\n", "\n\n", " \u00a0"])


@st.composite
def sentences(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(NAMES))
    verb = draw(st.sampled_from(VERBS))
    opening, closing = draw(st.sampled_from(MARKS))
    clause = draw(CLAUSE)
    form = draw(st.integers(0, 4))
    if form == 0:
        return f"{opening}{clause.capitalize()},{closing} {name} {verb}."
    if form == 1:
        return f"{name.capitalize()} {verb}: {opening}{clause}.{closing}"
    if form == 2:
        return f"{name.capitalize()} {verb} that {clause}."
    if form == 3:
        return f"{name.capitalize()} {verb} the {opening}{clause}{closing} of the plan."
    return f"{clause.capitalize()}."


ARTICLES = st.lists(st.tuples(sentences(), SPACE), min_size=1, max_size=6).map(
    lambda parts: "".join(s + sep for s, sep in parts)
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ARTICLES)
def test_article_quotes_are_verbatim(nlp: Any, text: str) -> None:
    for quote in extract_article_quotes(nlp(text), max_quotes=None):
        assert is_verbatim(quote.text, text), quote
        assert quote.text == quote.text.strip()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(
        st.one_of(
            sentences(),
            CLAUSE.map(lambda c: f"Tom, can you {c} by Friday?"),
            CLAUSE.map(lambda c: f"Let's go with {c}."),
            CLAUSE.map(lambda c: f"I'll {c} tomorrow."),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_thread_quotes_are_verbatim_and_attributed(nlp: Any, texts: list[str]) -> None:
    messages = [Message(f"user{i}", t, str(i), f"U{i}") for i, t in enumerate(texts)]
    quotes = extract_thread_quotes(messages, classify_thread(messages, list(nlp.pipe(texts))), max_quotes=None)
    by_ts = {m.ts: m for m in messages}
    for quote in quotes:
        message = by_ts[quote.ts]
        assert quote.speaker == message.author
        assert is_verbatim(quote.text, message.text), quote


NOISY = st.lists(
    st.sampled_from([*list("abcdefg HIJ.,;:!?'\"\n“”‘’«»-"), "said ", "Tom "]),
    max_size=120,
).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=NOISY)
def test_noisy_text_never_breaks_the_invariant(nlp: Any, text: str) -> None:
    for quote in extract_article_quotes(nlp(text), max_quotes=None):
        assert is_verbatim(quote.text, text), quote
