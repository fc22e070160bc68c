"""Turns raw text or plain messages into a :class:`Document`: cleaning, kind detection, truncation.

Pure: no I/O, no Slack. Reading files, URLs and Slack exports lives in ``bot.adapters``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.core.errors import EmptyInputError, InputError
from bot.core.types import Document, Kind, Message

# C0/C1 controls except tab and newline (CR is normalised first), zero-width spaces and BOMs.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff]")
_BLANK_RUN = re.compile(r"\n{3,}")

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?"
_DATE = r"\d{4}-\d{2}-\d{2}[ T]"
# A speaker: "#Person1#", "@tom", "tom.smith" or up to four words ("Mary Ann O'Neil").
_NAME = r"#\w+#|@?[^\W\d_][\w.'\-]*(?: [\w.'\-]+){0,3}"
_BRACKETED = re.compile(rf"^\[(?P<ts>(?:{_DATE})?{_TIME})\]\s*(?P<name>{_NAME}):\s+(?P<text>\S.*)$")
_BARE_TIME = re.compile(rf"^(?P<ts>(?:{_DATE})?{_TIME})\s+(?P<name>{_NAME}):\s+(?P<text>\S.*)$")
_NO_TIME = re.compile(rf"^(?P<name>{_NAME}):\s+(?P<text>\S.*)$")
_PLACEHOLDER = re.compile(r"#\w+#")

_MIN_LINE_SHARE = 0.6
"""Share of non-empty lines that must start a message for the text to count as a transcript."""

_SENTENCE_END = re.compile(r"[.!?][\"')\]]?\s")


@dataclass(frozen=True)
class _Line:
    ts: str | None
    name: str
    text: str


def _speaker(name: str) -> str:
    """The name as people should read it: DialogSum's "#Person1#" placeholder becomes "Person1"."""
    return name[1:-1] if _PLACEHOLDER.fullmatch(name) else name


def _match_line(line: str) -> _Line | None:
    stripped = line.strip()
    for pattern in (_BRACKETED, _BARE_TIME):
        m = pattern.match(stripped)
        if m:
            return _Line(m["ts"], _speaker(m["name"]), m["text"].strip())
    m = _NO_TIME.match(stripped)
    if m and _plausible_bare_name(m["name"]):
        return _Line(None, _speaker(m["name"]), m["text"].strip())
    return None


def _plausible_bare_name(name: str) -> bool:
    """Without a timestamp, only accept handles or capitalised names ("The answer is" is not one)."""
    words = name.split()
    if len(words) == 1:
        return True
    return all(w[0].isupper() or w[0].isdigit() for w in words)


def parse_transcript(text: str, *, strict: bool = True) -> list[Message] | None:
    """Parse a chat transcript (``[09:05] Name: text`` and similar); ``None`` if it is not one.

    Lines that do not start a message continue the previous one. The text counts as a
    transcript when most non-empty lines start a message and, when ``strict`` (guessing
    the kind), there are at least two speakers or three messages; ``strict=False`` is for
    input the user said is a thread, where one message is a thread too.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    preamble: list[str] = []  # lines before the first speaker, e.g. "Standup, 2 May"
    parsed: list[_Line] = []
    timed = 0
    for line in lines:
        hit = _match_line(line)
        if hit is not None:
            timed += hit.ts is not None
            parsed.append(hit)
        elif parsed:
            prev = parsed[-1]
            parsed[-1] = _Line(prev.ts, prev.name, f"{prev.text}\n{line.strip()}")
        else:
            preamble.append(line.strip())
    if len(parsed) / len(lines) < _MIN_LINE_SHARE:
        return None
    speakers = {p.name for p in parsed}
    if strict and len(speakers) < 2 and len(parsed) < 3:
        return None
    # Colon-labelled prose ("Note: ...", "Update: ...") has a new label on every line;
    # a real conversation without timestamps has people speaking more than once.
    if strict and timed == 0 and len(parsed) >= 5 and len(speakers) == len(parsed):
        return None
    messages = [Message(author=p.name, text=p.text, ts=p.ts) for p in parsed]
    if preamble:
        messages.insert(0, Message(author=None, text="\n".join(preamble)))
    return messages


def detect_kind(text: str) -> Kind:
    """``"thread"`` when the text parses as a chat transcript, else ``"article"``."""
    return "thread" if parse_transcript(text) is not None else "article"


def clean_text(text: str) -> str:
    """Normalise newlines, drop control characters and collapse runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return _BLANK_RUN.sub("\n\n", text).strip()


def truncate(text: str, max_chars: int) -> str:
    """Cut ``text`` to at most ``max_chars``, at a paragraph, line or sentence end when one is near."""
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    floor = int(max_chars * 0.8)  # do not throw away more than a fifth to find a boundary
    for boundary in ("\n\n", "\n"):
        cut = head.rfind(boundary)
        if cut >= floor:
            return head[:cut].rstrip()
    ends = [m.end() for m in _SENTENCE_END.finditer(head, floor)]
    if ends:
        return head[: ends[-1]].rstrip()
    cut = head.rfind(" ")
    return head[: cut if cut >= floor else max_chars].rstrip()


def truncation_notice(full_chars: int, max_chars: int) -> str:
    """The notice shown when only the start of the input was summarised."""
    return f"Input was {full_chars:,} characters; summarised the first {max_chars:,}."


def _guess_title(text: str) -> str | None:
    """The first line when it looks like a headline: short, followed by more text, no final period."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    if first.startswith("#"):
        first = first.lstrip("#").strip()
    if not first or not rest.strip() or len(first) > 150 or len(first.split()) > 20:
        return None
    if first[-1] in ".,;:" or _match_line(first) is not None:
        return None
    return first


def thread_text(messages: Sequence[Message]) -> str:
    """A thread's text: one "Author: text" line per message, as the summariser reads it."""
    return "\n".join(f"{m.author}: {m.text}" if m.author else m.text for m in messages)


def _thread_document(
    messages: Sequence[Message], source: str, title: str | None, notices: Sequence[str]
) -> Document:
    """A thread :class:`Document` of ``messages``."""
    return Document(
        kind="thread",
        text=thread_text(messages),
        source=source,
        title=title,
        messages=tuple(messages),
        notices=tuple(notices),
    )


def _split_blocks(text: str) -> list[Message]:
    """Paragraphs (or lines, when there are no blank lines) as author-less messages."""
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    if len(blocks) <= 1:
        blocks = [line.strip() for line in text.splitlines() if line.strip()]
    return [Message(author=None, text=block) for block in blocks]


def build_document(
    text: str,
    source: str,
    kind: str = "auto",
    title: str | None = None,
    max_chars: int = 200_000,
    *,
    full_chars: int | None = None,
    layout: str | None = None,
) -> Document:
    """Clean, truncate and classify ``text`` into a :class:`Document`.

    ``kind`` is ``"auto"``, ``"article"`` or ``"thread"``. ``full_chars`` is the size of the
    original input when ``text`` is already only its start (a reader stopped early), so the
    truncation notice reports the real size. ``layout`` is the text as written when ``text``
    is prose read from markup (Markdown); an article keeps it, cut like the text. Raises
    :class:`EmptyInputError` when nothing but whitespace remains, :class:`InputError` for an unknown ``kind``.
    """
    if kind not in ("auto", "article", "thread"):
        raise InputError(f'Unknown input kind "{kind}": use auto, article or thread.')
    cleaned = clean_text(text)
    if not cleaned:
        raise EmptyInputError(f"{source} is empty: there is no text to summarise.")
    notices: list[str] = []
    original = max(full_chars or 0, len(cleaned))
    kept = truncate(cleaned, max_chars)
    if len(kept) < original:
        notices.append(truncation_notice(original, max_chars))
    messages = parse_transcript(kept, strict=kind == "auto") if kind in ("auto", "thread") else None
    if kind == "thread" and messages is None:
        messages = _split_blocks(kept)
    if messages is not None:
        return _thread_document(messages, source, title, notices)
    return Document(
        kind="article",
        text=kept,
        source=source,
        title=title if title is not None else _guess_title(kept),
        notices=tuple(notices),
        layout=truncate(clean_text(layout), max_chars) if layout else None,
    )


def document_from_messages(
    messages: Sequence[Message],
    source: str,
    title: str | None = None,
    max_chars: int = 200_000,
) -> Document:
    """A thread :class:`Document` from already-split messages (e.g. read from the Slack API).

    Messages with no text are dropped. When the thread is longer than ``max_chars`` its
    first message (the question or the shared link) and the newest messages that fit are
    kept, since where a thread ends up (its decision, who does what) matters most; a notice
    says so.
    """
    usable = [
        replace(m, text=cleaned)
        for m in messages
        if (cleaned := clean_text(m.text))
    ]
    if not usable:
        raise EmptyInputError(f"{source} has no messages with text to summarise.")
    first, rest = usable[0], usable[1:]
    size = _size(first)
    newest: list[Message] = []
    for message in reversed(rest):
        size += _size(message)
        if size > max_chars:
            break
        newest.append(message)
    kept = [first, *reversed(newest)]
    notices: list[str] = []
    if len(kept) < len(usable):
        notices.append(
            f"The thread has {len(usable):,} messages; summarised the first and the newest {len(newest):,}."
        )
    if len(kept[0].text) > max_chars:
        kept[0] = replace(kept[0], text=truncate(kept[0].text, max_chars))
    return _thread_document(kept, source, title, notices)


def _size(message: Message) -> int:
    """Characters a message takes in the thread's text ("Author: text" and a line break)."""
    return len(message.text) + len(message.author or "") + 3
