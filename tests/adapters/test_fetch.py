"""The URL fetcher against a local HTTP server: extraction, redirects, limits and the SSRF guard."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from bot.adapters.fetch import _is_public, fetch_url, is_allowed
from bot.core.errors import BlockedURLError, FetchError
from bot.core.text import strip_credentials

ARTICLE_HTML = b"""<!doctype html><html><head><title>Shipyard Reopens</title>
<style>.secret-style { color: red; }</style>
<script>var leaked = "SCRIPT-SECRET";</script></head>
<body><nav>Home | About | Contact</nav><article><h1>Shipyard reopens in Fuzhou</h1>
<p>The shipyard in Fuzhou reopened on Monday after a two-year closure, officials said.</p>
<script>console.log("INLINE-SECRET")</script>
<p>It will employ about three hundred workers and build container vessels for export.</p>
<p>Local leaders welcomed the news and promised new training programmes for young people.</p>
</article><footer>Copyright 2024</footer></body></html>"""


@dataclass
class Server:
    base: str
    port: int
    requests: list[tuple[str, str]] = field(default_factory=list)
    """(path, Host header) of every request the server saw."""
    authorizations: list[str | None] = field(default_factory=list)

    @property
    def allow(self) -> frozenset[str]:
        """The allow list entry for this server: its host and port."""
        return frozenset({f"127.0.0.1:{self.port}"})


def _routes(port: int) -> dict[str, tuple[int, dict[str, str], bytes]]:
    html = {"Content-Type": "text/html; charset=utf-8"}
    return {
        "/article": (200, html, ARTICLE_HTML),
        "/redirect": (302, {"Location": "/article"}, b""),
        "/chain1": (301, {"Location": "/chain2"}, b""),
        "/chain2": (302, {"Location": f"http://localhost:{port}/article"}, b""),
        "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
        "/to-other-port": (302, {"Location": f"http://127.0.0.1:{port + 1}/article"}, b""),
        "/to-credentials": (302, {"Location": f"http://admin:hunter2@127.0.0.1:{port}/article"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/missing": (404, {"Content-Type": "text/html"}, b"<h1>nope</h1>"),
        "/broken": (500, {"Content-Type": "text/html"}, b"<h1>oops</h1>"),
        "/doc.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 fake"),
        "/photo": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n"),
        "/zip": (200, {"Content-Type": "application/zip"}, b"PK\x03\x04"),
        "/huge": (200, {"Content-Type": "text/plain"}, b"word " * 20_000),
        "/plain": (200, {"Content-Type": "text/plain"}, b"Plain text news. The ferry runs again from May.\n"),
        "/latin1": (
            200,
            {"Content-Type": "text/plain; charset=iso-8859-1"},
            "Le caf\u00e9 de la gare rouvre ses portes lundi.".encode("latin-1"),
        ),
        "/no-text": (200, html, b"<html><head><script>x()</script></head><body></body></html>"),
    }


@pytest.fixture
def server() -> Iterator[Server]:
    state: Server

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, self.headers.get("Host", "")))
            state.authorizations.append(self.headers.get("Authorization"))
            # The fetcher may hang up on purpose (size or time limit).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._respond()

        def _respond(self) -> None:
            if self.path == "/slow":
                time.sleep(1.5)
            if self.path == "/trickle":
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                for _ in range(20):  # no Content-Length: the body ends when the connection closes
                    self.wfile.write(b"x" * 500)
                    self.wfile.flush()
                    time.sleep(0.1)
                return
            status, headers, body = _routes(state.port).get(self.path, (404, {}, b""))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if self.path != "/huge":  # /huge has no Content-Length, so only the streaming cap stops it
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    state = Server(base=f"http://127.0.0.1:{port}", port=port)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


def test_article_is_extracted_without_scripts_or_styles(server: Server) -> None:
    page = fetch_url(server.base + "/article", allow_hosts=server.allow)
    assert "reopened on Monday after a two-year closure" in page.text
    assert "promised new training programmes" in page.text
    for leaked in ("SCRIPT-SECRET", "INLINE-SECRET", "secret-style", "console.log"):
        assert leaked not in page.text
    assert page.title in {"Shipyard reopens in Fuzhou", "Shipyard Reopens"}
    assert page.url == server.base + "/article"


def test_redirect_is_followed_and_final_url_reported(server: Server) -> None:
    page = fetch_url(server.base + "/redirect", allow_hosts=server.allow)
    assert "three hundred workers" in page.text
    assert page.url == server.base + "/article"
    assert [path for path, _ in server.requests] == ["/redirect", "/article"]


@pytest.mark.parametrize(
    ("path", "seen"),
    [
        ("/chain1", ["/chain1", "/chain2"]),  # the last hop goes to localhost, which is not allowed
        ("/to-metadata", ["/to-metadata"]),
        ("/to-file", ["/to-file"]),
    ],
)
def test_redirect_to_blocked_target_is_refused_before_connecting(server: Server, path: str, seen: list[str]) -> None:
    with pytest.raises(BlockedURLError):
        fetch_url(server.base + path, allow_hosts=server.allow)
    assert [p for p, _ in server.requests] == seen


def test_too_many_redirects(server: Server) -> None:
    with pytest.raises(FetchError, match="redirected more than 5 times"):
        fetch_url(server.base + "/loop", allow_hosts=server.allow)
    assert len(server.requests) == 6


def test_loopback_is_blocked_without_allow_list_and_never_contacted(server: Server) -> None:
    with pytest.raises(BlockedURLError, match="private or local network address"):
        fetch_url(server.base + "/article")
    assert server.requests == []


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "The page answered 404 Not Found."),
        ("/broken", "The page answered 500 Internal Server Error."),
        ("/doc.pdf", "That link is a PDF, not a web page I can read."),
        ("/photo", "That link is an image file, not a web page I can read."),
        ("/zip", "That link is not a web page I can read (it is application/zip)."),
        ("/no-text", "I couldn't find any article text on that page."),
    ],
)
def test_user_facing_errors(server: Server, path: str, message: str) -> None:
    with pytest.raises(FetchError) as info:
        fetch_url(server.base + path, allow_hosts=server.allow)
    assert str(info.value) == message
    assert not isinstance(info.value, BlockedURLError)


def test_oversize_body_stops_reading(server: Server) -> None:
    with pytest.raises(FetchError, match="larger than 0.01 MB"):
        fetch_url(server.base + "/huge", allow_hosts=server.allow, max_bytes=10_000)


def test_plain_text_page(server: Server) -> None:
    page = fetch_url(server.base + "/plain", allow_hosts=server.allow)
    assert page.text == "Plain text news. The ferry runs again from May."
    assert page.title is None


def test_declared_charset_is_used(server: Server) -> None:
    assert fetch_url(server.base + "/latin1", allow_hosts=server.allow).text == "Le caf\u00e9 de la gare rouvre ses portes lundi."


def test_slow_server_times_out(server: Server) -> None:
    with pytest.raises(FetchError, match="took longer than 0.5 seconds"):
        fetch_url(server.base + "/slow", allow_hosts=server.allow, timeout_s=0.5)


def test_trickling_body_hits_the_overall_deadline(server: Server) -> None:
    start = time.monotonic()
    with pytest.raises(FetchError, match="took longer than 0.5 seconds to load"):
        fetch_url(server.base + "/trickle", allow_hosts=server.allow, timeout_s=0.5)
    assert time.monotonic() - start < 1.5


@pytest.fixture
def slow_headers() -> Iterator[str]:
    """A server on 127.0.0.1 that sends its status line and headers one byte every 0.4 s for 6 s, then hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            conn.recv(4096)
            for byte in b"HTTP/1.1 200 OK\r\nX-Padding: aaaa"[:15]:
                if stop.is_set():
                    return
                conn.sendall(bytes([byte]))
                time.sleep(0.4)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=trickle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    stop.set()
    listener.close()


def test_headers_sent_a_byte_at_a_time_end_at_the_deadline(slow_headers: str) -> None:
    allow = frozenset({slow_headers.removeprefix("http://").rstrip("/")})
    start = time.monotonic()
    with pytest.raises(FetchError, match="took longer than 1.5 seconds"):
        fetch_url(slow_headers, allow_hosts=allow, timeout_s=1.5)
    assert time.monotonic() - start < 2.5  # each byte comes well within httpx's per-read timeout


@pytest.mark.usefixtures("server")
def test_unreachable_host() -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    with pytest.raises(FetchError, match="couldn't connect to 127.0.0.1"):
        fetch_url(f"http://127.0.0.1:{port}/", allow_hosts=frozenset({f"127.0.0.1:{port}"}))


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the fetcher tries to send anything at all."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the fetcher tried to connect")

    monkeypatch.setattr(httpx.Client, "send", refuse)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://localhost/",
        "http://LOCALHOST./admin",
        "http://0.0.0.0/",
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
        "http://192.168.1.1:8443/",
        "http://224.0.0.1/",
    ],
)
@pytest.mark.usefixtures("no_connections")
def test_private_targets_are_refused_without_connecting(url: str) -> None:
    with pytest.raises(BlockedURLError):
        fetch_url(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x/"])
@pytest.mark.usefixtures("no_connections")
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(BlockedURLError, match="only read http and https links"):
        fetch_url(url)


def _fake_dns(monkeypatch: pytest.MonkeyPatch, table: dict[str, list[str]]) -> None:
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        if host in table:
            return [
                (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                for ip in table[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], ["93.184.216.34", "10.1.2.3"], ["fd00::1"], ["fe80::1%eth0"]],
)
@pytest.mark.usefixtures("no_connections")
def test_hostname_resolving_to_private_address_is_refused(monkeypatch: pytest.MonkeyPatch, addresses: list[str]) -> None:
    _fake_dns(monkeypatch, {"innocent.example": addresses})
    with pytest.raises(BlockedURLError, match="innocent.example"):
        fetch_url("http://innocent.example/page")


@pytest.mark.usefixtures("no_connections")
def test_unknown_host_is_a_fetch_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(FetchError, match="couldn't find no-such-host.example"):
        fetch_url("https://no-such-host.example/")


def test_allowed_name_connects_to_the_checked_address_with_its_host_header(
    monkeypatch: pytest.MonkeyPatch, server: Server
) -> None:
    _fake_dns(monkeypatch, {"intranet.test": ["127.0.0.1"]})
    page = fetch_url(f"http://intranet.test:{server.port}/article", allow_hosts=frozenset({f"Intranet.Test:{server.port}"}))
    assert "three hundred workers" in page.text
    assert server.requests == [("/article", f"intranet.test:{server.port}")]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("8.8.8.8", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("169.254.169.254", False),
        ("::1", False),
        ("::", False),
        ("::ffff:10.0.0.1", False),
        ("fe80::1%eth0", False),
        ("ff02::1", False),
        ("240.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("2002:5db8:d822::", True),  # 6to4 wrapping a public address
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),  # Teredo wrapping 10.0.0.1
    ],
)
def test_is_public(address: str, public: bool) -> None:
    assert _is_public(address) is public


def test_an_allowed_host_is_allowed_on_its_listed_port_only(server: Server) -> None:
    with pytest.raises(BlockedURLError):  # no port listed: only the default port (80) is allowed
        fetch_url(server.base + "/article", allow_hosts=frozenset({"127.0.0.1"}))
    with pytest.raises(BlockedURLError):  # a redirect to another port of the allowed host
        fetch_url(server.base + "/to-other-port", allow_hosts=server.allow)
    assert [path for path, _ in server.requests] == ["/to-other-port"]


@pytest.mark.parametrize(
    ("entry", "host", "port", "default", "allowed"),
    [
        ("wiki.local", "wiki.local", 443, 443, True),
        ("wiki.local", "wiki.local", 8443, 443, False),
        ("wiki.local:8443", "wiki.local", 8443, 443, True),
        ("wiki.local:8443", "wiki.local", 443, 443, False),
        ("[::1]:8080", "::1", 8080, 80, True),
        ("::1", "::1", 80, 80, True),
        ("Wiki.Local.", "wiki.local", 80, 80, True),
    ],
)
def test_allow_list_entries(entry: str, host: str, port: int, default: int, allowed: bool) -> None:
    assert is_allowed(host, port, default, frozenset({entry})) is allowed


def test_credentials_in_links_are_never_sent(server: Server) -> None:
    userinfo = server.base.replace("http://", "http://admin:hunter2@")
    page = fetch_url(userinfo + "/article", allow_hosts=server.allow)
    assert "hunter2" not in page.url and page.url == server.base + "/article"
    fetch_url(server.base + "/to-credentials", allow_hosts=server.allow)
    assert server.authorizations == [None, None, None]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:pass@example.com/a?b=1#c", "https://example.com/a?b=1#c"),
        ("https://token@example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com/a@b", "https://example.com/a@b"),
        ("not a url", "not a url"),
    ],
)
def test_strip_credentials(url: str, expected: str) -> None:
    assert strip_credentials(url) == expected
