"""Small pure text helpers: normalisation and the verbatim check for quotes."""

from __future__ import annotations

import re

_QUOTE_MAP = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
        "\u2013": "-", "\u2014": "-", "\u00a0": " ",
    }
)
_WS = re.compile(r"\s+")


def normalise_quotes(text: str) -> str:
    """Map typographic quote marks and dashes to ASCII."""
    return text.translate(_QUOTE_MAP)


def normalise_ws(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return _WS.sub(" ", text).strip()


def canonical(text: str) -> str:
    """Whitespace- and quote-mark-normalised form used for the verbatim invariant."""
    return normalise_ws(normalise_quotes(text))


def is_verbatim(span: str, source: str) -> bool:
    """True when ``span`` occurs in ``source`` after whitespace and quote-mark normalisation."""
    needle = canonical(span)
    return bool(needle) and needle in canonical(source)


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())


_WORD_CHAR = re.compile(r"[^\W_]")


def has_words(text: str) -> bool:
    """Whether ``text`` holds any letter or digit (not only emoji, punctuation or symbols)."""
    return _WORD_CHAR.search(text) is not None


# -- bounding what reaches the parser ------------------------------------------------------

MAX_REPEAT = 3
"""A character repeated more often than this (``!!!!!!``, ``------``) is cut to this many."""
MAX_SYMBOL_RUN = 16
"""Longest run of punctuation, symbols and emoji kept (``?!?!…``, a wall of emoji)."""
MAX_WORD = 100
"""Longest run without whitespace kept whole (links excepted); longer ones are broken up."""
MAX_URL = 2048

# Invisible characters that reorder or hide text (bidi overrides, zero-width marks, BOM),
# and lone surrogates, which are not text at all and break encoders.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]")
_REPEAT = re.compile(r"([^\w\s])\1{%d,}" % MAX_REPEAT)
_SYMBOLS = re.compile(r"[^\w\s]{%d,}" % (MAX_SYMBOL_RUN + 1))
_LONG = re.compile(r"https?://\S{1,%d}|\S{%d,}" % (MAX_URL, MAX_WORD + 1))
# Four or more whitespace-separated tokens in a row without a letter or digit ("😀 😀 😀 😀").
_MARK_TOKENS = re.compile(r"([^\w\s]+(?:\s+[^\w\s]+){%d})(?:\s+[^\w\s]+)+" % (MAX_REPEAT - 1))
_TOKEN = re.compile(r"\w+|[^\w\s]")
# The userinfo of a URL's authority: everything up to an "@" before the path, query or fragment.
_USERINFO = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#@]*@")


def strip_invisible(text: str) -> str:
    """Drop bidi controls, zero-width characters and lone surrogates."""
    return _INVISIBLE.sub("", text)


def _break_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if word.startswith(("http://", "https://")) and len(word) <= MAX_URL:
        return word
    return " ".join(word[i : i + MAX_WORD] for i in range(0, len(word), MAX_WORD))


def bound_for_parse(text: str) -> str:
    """Text whose parse takes time linear in its length, and that shows nothing invisible.

    spaCy's tokenizer takes quadratic time on long runs it splits into many tokens
    (punctuation, emoji, symbol-joined words). Runs of one repeated mark are cut to
    ``MAX_REPEAT``, mixed runs of marks to ``MAX_SYMBOL_RUN``, and whitespace-free runs
    longer than ``MAX_WORD`` (except links) are broken with spaces, and a row of more than
    ``MAX_REPEAT`` tokens without a letter or digit is cut to ``MAX_REPEAT``. Ordinary
    prose is unchanged.
    """
    text = strip_invisible(text)
    text = _REPEAT.sub(lambda m: m.group(1) * MAX_REPEAT, text)
    text = _SYMBOLS.sub(lambda m: m.group(0)[:MAX_SYMBOL_RUN], text)
    text = _MARK_TOKENS.sub(r"\1", text)
    return _LONG.sub(_break_word, text)


def token_prefix(text: str, budget: int) -> tuple[str, bool]:
    """The longest prefix of ``text`` with at most ``budget`` words and marks (a cheap estimate
    of spaCy's tokens), and whether it had to be cut."""
    for count, match in enumerate(_TOKEN.finditer(text), start=1):
        if count > budget:
            return text[: match.start()].rstrip(), True
    return text, False


def strip_credentials(url: str) -> str:
    """``url`` without a ``user:password@`` part: credentials are never sent, shown or logged."""
    return _USERINFO.sub(r"\1", url, count=1)


def loggable_url(url: str) -> str:
    """``url`` as logs may show it: no credentials, no query string and no fragment, where
    tokens and personal data tend to travel (``https://host/path?...`` keeps the mark)."""
    bare = strip_credentials(url)
    for mark in ("#", "?"):
        head, found, _ = bare.partition(mark)
        bare = head + ("?..." if found and mark == "?" else "")
    return bare
