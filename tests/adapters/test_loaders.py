"""Loading files, stdin and URLs into Documents, including every kind of bad input."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

import pytest

from bot.adapters import fetchpool
from bot.adapters.fetch import FetchedPage
from bot.adapters.loaders import load_input, markdown_to_text
from bot.core.errors import BinaryInputError, EmptyInputError, InputError
from bot.settings import Settings

SETTINGS = Settings()
FRENCH = (
    "Le conseil municipal a approuvé lundi la rénovation de la gare. "
    "Les travaux commenceront en été et dureront deux ans. "
    "Le maire a déclaré que la ville financerait la moitié du coût."
)


def _write(tmp_path: Path, name: str, content: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return str(path)


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("empty.txt", b"", EmptyInputError, "{path} is empty: there is no text to summarise."),
        ("blank.txt", b"  \n\t\n   \n", EmptyInputError, "{path} is empty: there is no text to summarise."),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, BinaryInputError,
         "{path} looks like a binary file, not text."),
        ("blob.txt", bytes(range(1, 32)) * 100, BinaryInputError, "{path} looks like a binary file, not text."),
        ("only-scripts.html", b"<html><head><script>var a = 1;</script><style>p{}</style></head><body></body></html>",
         EmptyInputError, "{path} has no readable text, only markup."),
        ("bad.json", b"[{\"text\": \"hi\",", InputError, "{path} is not valid JSON (Expecting property name enclosed in double quotes at line 1)."),
        ("notslack.json", b"{\"name\": \"x\"}", InputError, "That JSON is not a Slack export: expected a list of messages."),
    ],
)
def test_bad_files_raise_specific_errors(
    tmp_path: Path, name: str, content: bytes, error: type[Exception], message: str
) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(error) as info:
        load_input(path, SETTINGS)
    assert str(info.value) == message.format(path=path)


def test_missing_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    with pytest.raises(InputError) as info:
        load_input(missing, SETTINGS)
    assert str(info.value) == f"No such file: {missing}"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_input(str(tmp_path), SETTINGS)
    assert str(info.value) == f"{tmp_path} is a directory, not a file."


def test_undecodable_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import charset_normalizer

    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda _data: [])
    # 0x81 and 0x8d are undefined in cp1252 and invalid as UTF-8 lead bytes.
    path = _write(tmp_path, "weird.txt", b"abc \x81\x8d def")
    with pytest.raises(InputError, match="is not UTF-8 text and I couldn't tell which encoding"):
        load_input(path, SETTINGS)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (FRENCH.encode("cp1252"), FRENCH),  # invalid UTF-8: detected as a legacy encoding
        (FRENCH.encode("utf-8-sig"), FRENCH),
        (FRENCH.encode("utf-16"), FRENCH),  # NUL bytes, but a BOM says it is text
    ],
)
def test_encodings_are_detected(tmp_path: Path, content: bytes, expected: str) -> None:
    doc = load_input(_write(tmp_path, "fr.txt", content), SETTINGS)
    assert doc.text == expected
    assert doc.kind == "article"


def test_huge_file_loads_in_bounded_time_with_notice(tmp_path: Path) -> None:
    paragraph = "The committee met again to discuss the harbour budget and the new ferry timetable. " * 10
    content = (paragraph + "\n\n") * 6100
    path = _write(tmp_path, "huge.txt", content)
    size = Path(path).stat().st_size
    assert size > 5_000_000
    start = time.monotonic()
    doc = load_input(path, SETTINGS)
    elapsed = time.monotonic() - start
    assert elapsed < 10
    assert len(doc.text) <= SETTINGS.max_input_chars
    assert doc.notices == (f"Input was {size:,} characters; summarised the first 200,000.",)
    assert doc.text.endswith("ferry timetable.")


def test_truncated_read_does_not_split_a_multibyte_character(tmp_path: Path) -> None:
    settings = Settings(max_input_chars=1000)
    path = _write(tmp_path, "accents.txt", "é" * 2001 + " end")  # 2 bytes each; the cap lands mid-way
    doc = load_input(path, settings)
    assert set(doc.text) == {"é"}
    assert doc.notices


def test_slack_export(tmp_path: Path) -> None:
    export = [
        {"user": "U2", "user_profile": {"real_name": "Ana"}, "text": "Yes, let's go with plan B.", "ts": "1700000200.0"},
        {"user": "U1", "user_profile": {"real_name": "Tom"}, "text": "Plan A or plan B?", "ts": "1700000100.0"},
        {"subtype": "channel_join", "user": "U3", "text": "<@U3> has joined the channel", "ts": "1700000000.0"},
    ]
    doc = load_input(_write(tmp_path, "export.json", json.dumps(export)), SETTINGS)
    assert doc.kind == "thread"
    assert [(m.author, m.text, m.author_id) for m in doc.messages] == [
        ("Tom", "Plan A or plan B?", "U1"),
        ("Ana", "Yes, let's go with plan B.", "U2"),
    ]
    assert doc.text == "Tom: Plan A or plan B?\nAna: Yes, let's go with plan B."


def test_slack_export_is_sniffed_without_suffix(tmp_path: Path) -> None:
    export = [{"user": "U1", "username": "tom", "text": "hello", "ts": "1.0"},
              {"user": "U2", "username": "ana", "text": "hi", "ts": "2.0"}]
    doc = load_input(_write(tmp_path, "export.txt", json.dumps(export)), SETTINGS)
    assert doc.kind == "thread"
    assert [m.author for m in doc.messages] == ["tom", "ana"]


def test_html_file_scripts_do_not_leak(tmp_path: Path) -> None:
    html = """<html><head><title>Harbour news</title><script>var token = "SCRIPT-LEAK";</script>
    <style>.STYLE-LEAK { color: red }</style></head><body><nav>Menu</nav><article>
    <h1>Ferry returns to the harbour</h1>
    <p>The ferry between the islands will run again from May, the council said on Monday.</p>
    <script>alert("INLINE-LEAK")</script>
    <p>Tickets go on sale next week and prices stay the same as in the previous season.</p>
    </article></body></html>"""
    doc = load_input(_write(tmp_path, "page.html", html), SETTINGS)
    assert "will run again from May" in doc.text
    assert "prices stay the same" in doc.text
    for leak in ("SCRIPT-LEAK", "STYLE-LEAK", "INLINE-LEAK", "alert("):
        assert leak not in doc.text
    assert doc.title in {"Harbour news", "Ferry returns to the harbour"}


def test_html_is_sniffed_without_suffix(tmp_path: Path) -> None:
    html = "<!DOCTYPE html><html><body><p>Sniffed page text goes here.</p><script>LEAK()</script></body></html>"
    doc = load_input(_write(tmp_path, "page.txt", html), SETTINGS)
    assert "Sniffed page text goes here." in doc.text
    assert "LEAK" not in doc.text


def test_transcript_file(tmp_path: Path) -> None:
    doc = load_input(_write(tmp_path, "chat.txt", "[09:05] Tom: Ship it?\n[09:06] Ana: Yes, today."), SETTINGS)
    assert doc.kind == "thread"
    assert [m.author for m in doc.messages] == ["Tom", "Ana"]


def test_transcript_forced_as_article(tmp_path: Path) -> None:
    raw = "[09:05] Tom: Ship it?\n[09:06] Ana: Yes, today."
    doc = load_input(_write(tmp_path, "chat.txt", raw), SETTINGS, kind="article")
    assert (doc.kind, doc.text) == ("article", raw)


def test_markdown_file(tmp_path: Path) -> None:
    md = (
        "# Harbour Plan\n\nThe **council** approved the *new* plan. See [the report](https://x.test/r).\n\n"
        "```python\nprint('CODE-LEAK')\n```\n\n- First item done.\n- Second item done.\n"
    )
    doc = load_input(_write(tmp_path, "notes.md", md), SETTINGS)
    assert doc.kind == "article"
    assert doc.title == "Harbour Plan"
    assert "The council approved the new plan. See the report." in doc.text
    assert "CODE-LEAK" not in doc.text
    assert "First item done.\nSecond item done." in doc.text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("## Title ##", "Title"),
        ("Use snake_case_names here", "Use snake_case_names here"),
        ("**bold** and __strong__", "bold and strong"),
        ("> quoted", "quoted"),
        ("1. one\n2) two", "one\ntwo"),
        ("![alt](x.png)Text", "Text"),
        ("a `b` c", "a b c"),
        ("Heading\n\n---\n\nBody", "Heading\n\n\n\nBody"),
    ],
)
def test_markdown_to_text(markdown: str, text: str) -> None:
    assert markdown_to_text(markdown) == text


def test_non_english_text(tmp_path: Path) -> None:
    chinese = "福建省今天宣布了新的造船计划。该计划将创造三千个就业机会。官员表示，工程将于明年开始。"
    doc = load_input(_write(tmp_path, "zh.txt", chinese), SETTINGS)
    assert (doc.kind, doc.text) == ("article", chinese)


def test_stdin() -> None:
    doc = load_input("-", SETTINGS, stdin=io.BytesIO(b"[09:05] Tom: hi\n[09:06] Ana: hello"))
    assert doc.source == "stdin"
    assert doc.kind == "thread"


def test_missing_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(InputError, match="no standard input"):
        load_input("-", SETTINGS)


def test_stdin_binary_and_huge() -> None:
    with pytest.raises(BinaryInputError, match="stdin looks like a binary file"):
        load_input("-", SETTINGS, stdin=io.BytesIO(b"\x00\x01\x02" * 100))
    settings = Settings(max_input_chars=1000)
    doc = load_input("-", settings, stdin=io.BytesIO(b"Some words here. " * 10_000))
    assert len(doc.text) <= 1000
    assert doc.notices == ("Input was 170,000 characters; summarised the first 1,000.",)


def test_url_uses_fetcher_with_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, object]]] = []

    def fake_fetch(url: str, **kwargs: object) -> FetchedPage:
        calls.append((url, kwargs))
        return FetchedPage(url="https://news.test/final", title="Ferry News", text="The ferry is back. Tickets are cheap.")

    monkeypatch.setattr(fetchpool, "fetch_url", fake_fetch)
    settings = Settings(
        fetch_allow_hosts=frozenset({"news.test"}), fetch_timeout_s=3.0, fetch_max_bytes=4096, fetch_max_html_bytes=2048
    )
    doc = load_input("https://news.test/start", settings)
    limits = {"allow_hosts": frozenset({"news.test"}), "timeout_s": 3.0, "max_bytes": 4096, "max_html_bytes": 2048}
    assert calls == [("https://news.test/start", limits)]
    assert (doc.source, doc.title, doc.kind) == ("https://news.test/final", "Ferry News", "article")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe\x00", None),  # a UTF-16 BOM followed by nothing textual: binary
        (b"\xff\xfe" + "Hi there. This is UTF-16 text.".encode("utf-16-le"), "Hi there. This is UTF-16 text."),
        (b"\xef\xbb\xbf" + b"Plain UTF-8 with a BOM.", "Plain UTF-8 with a BOM."),
    ],
)
def test_a_bom_alone_does_not_make_binary_text(tmp_path: Path, content: bytes, expected: str | None) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(content)
    if expected is None:
        with pytest.raises(BinaryInputError):
            load_input(str(path), SETTINGS)
    else:
        assert load_input(str(path), SETTINGS).text == expected


def test_a_slack_export_larger_than_the_text_read_limit_is_parsed_whole(tmp_path: Path) -> None:
    messages = [{"user": f"U{i % 7}", "user_name": f"person{i % 7}", "text": f"Message number {i} about the launch plan.",
                 "ts": f"{1700000000 + i}.000100", "blocks": [{"type": "rich_text", "elements": []}] * 5}
                for i in range(3000)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(messages))
    small = Settings(max_input_chars=50_000)  # reads 200 KB of plain text at most
    assert path.stat().st_size > small.max_input_chars * 4
    doc = load_input(str(path), small)
    assert doc.kind == "thread" and doc.messages[0].text == "Message number 0 about the launch plan."
    assert doc.notices  # the thread itself is trimmed to max_input_chars, with a notice


# Texts written for these tests, in styles unlike each other: a receipt, a chat line, an email.
WESTERN = [
    "The ticket costs £48 and the café opens at nine.",
    "Price: £48. Thanks!",
    "Hi team – the Zürich office re-opens Monday. Costs so far: £1,250 (furniture) + €980 (IT). Chloé",
    "Il progetto è in ritardo perché la consegna dei materiali è slittata. Proporrò una soluzione entro lunedì.",
    "Kære alle, husk mødet på torsdag kl. 10. Medbring gerne jeres bærbare. Hilsen Jørgen",
    "¿Vienes mañana a la reunión? Creo que Begoña traerá el café.",
]
CENTRAL = [
    "Zażółć gęślą jaźń. Spotkanie przełożono na czwartek, proszę potwierdzić obecność. Łukasz",
    "Árvíztűrő tükörfúrógép. A találkozót csütörtökre halasztottuk, kérjük, erősítse meg.",
]


@pytest.mark.parametrize(("text", "encoding"), [(t, "cp1252") for t in WESTERN] + [(t, "cp1250") for t in CENTRAL])
def test_legacy_encodings_decode_as_written(tmp_path: Path, text: str, encoding: str) -> None:
    assert load_input(_write(tmp_path, "legacy.txt", text.encode(encoding)), SETTINGS).text == text


def test_an_explicit_encoding_settles_what_detection_cannot(tmp_path: Path) -> None:
    text = "Poštovani, šaljem vam izvješće. Molim vas da ga pregledate do petka. Srdačan pozdrav"
    path = _write(tmp_path, "hr.txt", text.encode("cp1250"))
    assert load_input(path, SETTINGS, encoding="cp1250").text == text
    with pytest.raises(InputError, match="not valid utf-8 text"):
        load_input(path, SETTINGS, encoding="utf-8")
    with pytest.raises(InputError, match="Unknown encoding"):
        load_input(path, SETTINGS, encoding="no-such-codec")


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n",
        b"\n\n%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4,
    ],
    ids=["uncompressed", "binary"],
)
def test_pdfs_are_refused_by_their_magic_bytes(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(BinaryInputError, match="is a PDF"):
        load_input(_write(tmp_path, "report.txt", content), SETTINGS)
