"""Reads what the user points at (a file, stdin or a URL) and turns it into a :class:`Document`."""

from __future__ import annotations

import codecs
import json
import logging
import re
import sys
from pathlib import Path
from typing import BinaryIO

from bot.adapters.decoding import decode_as, decode_bytes, is_pdf
from bot.adapters.fetch import extract_html, looks_like_html
from bot.adapters.fetchpool import fetch_page
from bot.core.documents import build_document, document_from_messages
from bot.core.errors import BinaryInputError, EmptyInputError, InputError
from bot.core.types import Document
from bot.settings import Settings
from bot.slack.formats.shapes import messages_from_export

logger = logging.getLogger(__name__)

_URL = re.compile(r"^https?://", re.IGNORECASE)
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
_TEXT_CONTROL_BYTES = frozenset({8, 9, 10, 12, 13, 27})
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_DRAIN_CHUNK = 1 << 20
JSON_MAX_BYTES = 50_000_000

# Markdown syntax to drop so that sentences read as prose (order matters: fences first).
_MARKDOWN_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL), ""),  # code fences
    (re.compile(r"<!--.*?-->", re.DOTALL), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE), r"\1"),  # headings
    (re.compile(r"^ {0,3}(?:[-*_][ \t]*){3,}$", re.MULTILINE), ""),  # rules
    (re.compile(r"^ {0,3}>[ \t]?", re.MULTILINE), ""),  # block quotes
    (re.compile(r"^([ \t]*)(?:[-*+]|\d{1,3}[.)])[ \t]+", re.MULTILINE), r"\1"),  # list markers
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])"), r"\2"),  # italics
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
)


def markdown_to_text(markdown: str) -> str:
    """Plain prose from Markdown: markup, code blocks and images removed, link text kept."""
    for pattern, replacement in _MARKDOWN_RULES:
        markdown = pattern.sub(replacement, markdown)
    return markdown


def _decodes_with_bom(sample: bytes) -> bool:
    """True when a BOM-marked sample really is UTF-8/UTF-16 text (a BOM alone proves nothing)."""
    encoding = "utf-8-sig" if sample.startswith(codecs.BOM_UTF8) else "utf-16"
    try:
        # The sample may end inside a character: decode incrementally, not final.
        text = codecs.getincrementaldecoder(encoding)("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return any(ch.isalnum() for ch in text) and not any(ord(ch) < 9 for ch in text)


def _looks_binary(sample: bytes) -> bool:
    """NUL bytes or many control bytes mean binary; BOM-marked UTF-16/UTF-8 is text."""
    if sample.startswith(_TEXT_BOMS) and _decodes_with_bom(sample):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in _TEXT_CONTROL_BYTES)
    return controls > len(sample) * 0.05


def _read_file(spec: str, limit: int) -> tuple[bytes, int]:
    """Up to ``limit`` bytes of the file and its full size; specific errors for unreadable paths."""
    path = Path(spec).expanduser()
    if not path.exists():
        raise InputError(f"No such file: {spec}")
    if path.is_dir():
        raise InputError(f"{spec} is a directory, not a file.")
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
            size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"I can't read {spec}: {exc.strerror or exc}.") from None
    return data, max(size, len(data))


def _read_stream(stream: BinaryIO, limit: int) -> tuple[bytes, int]:
    """Up to ``limit`` bytes of a stream and its size, counting (not keeping) a bounded tail."""
    data = stream.read(limit + 1)
    size = len(data)
    if size > limit:
        # Count the rest for the truncation notice; stop counting at 100x the limit.
        while size < limit * 100 and (chunk := stream.read(_DRAIN_CHUNK)):
            size += len(chunk)
    return data, size


def _slack_document(text: str, source: str, kind: str, max_chars: int) -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source} is not valid JSON ({exc.msg} at line {exc.lineno}).") from None
    except RecursionError:  # pathological nesting ("[[[[...")
        raise InputError(f"{source} is not valid JSON (nested too deeply).") from None
    doc = document_from_messages(messages_from_export(data), source, max_chars=max_chars)
    if kind == "article":
        return build_document(doc.text, source, kind="article", max_chars=max_chars)
    return doc


def _is_slack_json(text: str) -> bool:
    """Content sniffing for exports saved without a .json suffix."""
    if not text.lstrip().startswith(("[", "{")):
        return False
    try:
        messages_from_export(json.loads(text))
    except (json.JSONDecodeError, RecursionError, InputError):
        return False
    return True


def _decode(data: bytes, source: str, encoding: str | None, partial: bool) -> str:
    """The text of ``data``: in ``encoding`` when the user named one, else detected."""
    if encoding is not None:
        try:
            return decode_as(data, encoding, partial=partial)
        except LookupError:
            raise InputError(f"Unknown encoding {encoding!r}.") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{source} is not valid {encoding} text (byte {exc.start} does not decode).") from None
    text = decode_bytes(data, partial=partial)
    if text is None:
        raise InputError(
            f"{source} is not UTF-8 text and I couldn't tell which encoding it uses; "
            "name it with --encoding (e.g. --encoding cp1252) or save it as UTF-8."
        )
    return text


def load_input(
    spec: str,
    settings: Settings,
    kind: str = "auto",
    stdin: BinaryIO | None = None,
    encoding: str | None = None,
) -> Document:
    """Load a file path, ``"-"`` (stdin) or an http(s) URL as a :class:`Document`.

    Files may be plain text, Markdown, HTML, a chat transcript or a Slack export (.json),
    in ``encoding`` when given, else UTF-8 or a detected legacy encoding. At most
    ``4 * settings.max_input_chars`` bytes are read; longer input is truncated with a
    notice. Raises an :class:`InputError` subclass with a user-facing message when the
    input is missing, a directory, a PDF, binary, undecodable or empty.
    """
    max_chars = settings.max_input_chars
    if _URL.match(spec):
        page = fetch_page(spec, settings)
        return build_document(page.text, page.url, kind=kind, title=page.title, max_chars=max_chars)

    source = "stdin" if spec == "-" else spec
    text, size, truncated = _read_text(spec, source, max_chars, stdin, encoding)
    suffix = Path(spec).suffix.lower() if spec != "-" else ""
    if suffix == ".json" or (suffix not in _HTML_SUFFIXES and _is_slack_json(text)):
        return _slack_document(text, source, kind, max_chars)
    title: str | None = None
    layout: str | None = None
    if suffix in _HTML_SUFFIXES or (suffix not in _MARKDOWN_SUFFIXES and looks_like_html(text)):
        title, text = extract_html(text)
        if not text:
            raise EmptyInputError(f"{source} has no readable text, only markup.")
    elif suffix in _MARKDOWN_SUFFIXES:
        layout, text = text, markdown_to_text(text)
    return build_document(
        text,
        source,
        kind=kind,
        title=title,
        max_chars=max_chars,
        full_chars=size if truncated else None,
        layout=layout,
    )


def _read_text(
    spec: str, source: str, max_chars: int, stdin: BinaryIO | None, encoding: str | None
) -> tuple[str, int, bool]:
    """The text of a file or stdin (at most ``4 * max_chars`` bytes read), its size in bytes, and
    whether it was cut; refuses PDFs, binaries and Slack exports too large to read whole."""
    is_json_file = spec != "-" and Path(spec).suffix.lower() == ".json"
    # A Slack export is mostly metadata and must be parsed whole; its messages are trimmed after.
    limit = max(max_chars * 4, JSON_MAX_BYTES) if is_json_file else max_chars * 4
    if spec == "-":
        stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise InputError("There is no standard input to read from.")
        data, size = _read_stream(stream, limit)
    else:
        data, size = _read_file(spec, limit)
    truncated = len(data) > limit
    if truncated and is_json_file:
        raise InputError(f"{source} is larger than {JSON_MAX_BYTES // 1_000_000} MB, more than I read.")
    data = data[:limit]
    if is_pdf(data):
        raise BinaryInputError(
            f"{source} is a PDF. I read plain text, Markdown, HTML and Slack exports; "
            "convert it to text first (e.g. with pdftotext)."
        )
    if _looks_binary(data[:8192]):
        raise BinaryInputError(f"{source} looks like a binary file, not text.")
    text = _decode(data, source, encoding, truncated)
    logger.debug("read %s: %d of %d bytes", source, len(data), size)
    return text, size, truncated
