"""Bytes to text: the declared charset, else UTF-8, else a detected legacy encoding.

Short texts in single-byte Latin encodings are ambiguous: Windows-1252 (Western) and
Windows-1250 (Central European) map most bytes to letters, and charset detection scores
them alike. The tie is broken by typography first: in the right decoding a non-ASCII
letter is not glued to a digit ("£48", not "Ł48") and a symbol is not glued inside a word
("Łukasz", not "£ukasz"); then by the detector's language coherence (how well the letters
fit a language it knows); then Windows-1252, by far the most common of them, wins. An
explicit encoding (the CLI's ``--encoding``) settles any remaining case.
"""

from __future__ import annotations

import codecs
import unicodedata

_PREFERRED = ("cp1252", "cp1250")
"""Single-byte encodings tried whenever the detector finds them plausible, in tie order."""


def is_pdf(data: bytes) -> bool:
    """True when ``data`` starts like a PDF file (``%PDF-``), whatever its name or content type."""
    return data[:1024].lstrip().startswith(b"%PDF-")


def decode_as(data: bytes, encoding: str, *, partial: bool = False) -> str:
    """Decode strictly with ``encoding``; ``partial`` drops a multi-byte character cut at the end.

    Raises ``LookupError`` for an unknown encoding and ``UnicodeDecodeError`` for bytes
    that are not valid in it.
    """
    return codecs.getincrementaldecoder(encoding)("strict").decode(data, final=not partial)


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "S" or unicodedata.category(ch) == "No"


def misplaced(text: str) -> int:
    """Non-ASCII characters in an implausible place: a letter glued to a digit with no letter
    beside it, a lowercase letter right before a capital ("żVienes") or a capital inside a
    lowercase word, or a symbol (currency, superscript...) inside a word or before a
    lowercase letter."""
    count = 0
    padded = f" {text} "
    for i in range(1, len(padded) - 1):
        ch = padded[i]
        if ch.isascii():
            continue
        before, after = padded[i - 1], padded[i + 1]
        if ch.isalpha():
            glued_to_digit = (before.isdigit() or after.isdigit()) and not (before.isalpha() or after.isalpha())
            wrong_case = (ch.islower() and after.isupper()) or (ch.isupper() and before.islower() and after.islower())
            count += glued_to_digit or wrong_case
        elif _is_symbol(ch) and (after.islower() or (before.isalpha() and after.isalpha())):
            count += 1
    return count


def _detected(data: bytes) -> str | None:
    """The likeliest legacy decoding, by charset detection with the typography tie-break."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    options: dict[str, tuple[str, float]] = {}  # encoding -> (text, language coherence)
    for encoding in _PREFERRED:
        match = next((m for m in matches if encoding in m.could_be_from_charset), None)
        if match is not None:
            options[encoding] = (data.decode(encoding, errors="replace"), match.coherence)
    best = matches[0]
    options.setdefault(best.encoding, (str(best), best.coherence))
    order = list(options)

    def rank(encoding: str) -> tuple[int, float, int]:
        text, coherence = options[encoding]
        return misplaced(text[:20_000]), -coherence, order.index(encoding)

    return options[min(order, key=rank)][0]


def decode_bytes(data: bytes, declared: str | None = None, *, partial: bool = False) -> str | None:
    """Decode ``data`` with the declared charset, else UTF-8, else a detected charset.

    ``partial`` means ``data`` may end inside a multi-byte character (a capped read); that
    tail is dropped. Returns ``None`` when no encoding decodes the bytes cleanly.
    """
    for encoding in ([declared] if declared else []) + ["utf-8-sig"]:
        try:
            return decode_as(data, encoding, partial=partial)
        except (LookupError, UnicodeDecodeError):
            continue
    detected = _detected(data)
    if detected is not None:
        return detected
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None
