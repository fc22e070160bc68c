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
