"""Fetches a web page safely (no private networks, bounded size and time) and extracts its article.

The whole fetch (connect, status line, headers, body, every redirect) runs under one
wall-clock deadline: a timer shuts down the sockets it opened when the time is up, so a
server that trickles its headers a byte at a time cannot outlast it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import re
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

import httpcore
import httpx

from bot.adapters.decoding import decode_bytes, is_pdf
from bot.core.errors import BlockedURLError, FetchError
from bot.core.text import loggable_url, strip_credentials

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36 slack-summariser/0.1"
)
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class FetchedPage:
    """The article of a fetched page: final URL (after redirects), title and plain text."""

    url: str
    title: str | None
    text: str


class _Deadline:
    """One wall-clock deadline for a fetch: when it passes, every socket it watches is shut down."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.expires = time.monotonic() + timeout_s
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._expired = threading.Event()
        self._timer = threading.Timer(timeout_s, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._timer.cancel()

    @property
    def expired(self) -> bool:
        """Whether the time is up (the timer fired, or the clock passed it)."""
        return self._expired.is_set() or time.monotonic() >= self.expires

    def remaining(self) -> float:
        """Seconds left (never below a small positive number, for socket timeouts)."""
        return max(0.01, self.expires - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down at the deadline (at once when it has passed already)."""
        with self._lock:
            self._sockets.append(sock)
            late = self._expired.is_set()
        if late:
            _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self._expired.set()
            sockets = list(self._sockets)
        for sock in sockets:  # a blocked recv() then returns at once
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # closed already
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedBackend(httpcore.NetworkBackend):
    """httpcore's blocking sockets, each connected within and shut down at the deadline."""

    def __init__(self, deadline: _Deadline) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        budget = self._deadline.remaining() if timeout is None else min(timeout, self._deadline.remaining())
        stream = self._inner.connect_tcp(host, port, budget, local_address, socket_options)
        self._deadline.watch(stream.get_extra_info("socket"))
        return stream

    def connect_unix_socket(  # httpcore's signature
        self,
        path: str,  # noqa: ARG002
        timeout: float | None = None,  # noqa: ARG002
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,  # noqa: ARG002
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport over :class:`_WatchedBackend` (no proxy, HTTP/1.1, no retries)."""

    def __init__(self, deadline: _Deadline) -> None:
        super().__init__(trust_env=False)
        # httpx takes no network backend; its pool is rebuilt around ours (the same settings).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False), network_backend=_WatchedBackend(deadline)
        )


@dataclass(frozen=True)
class _Target:
    """Where to connect for one hop: the checked IP, with the original host for Host and SNI."""

    url: httpx.URL
    host: str
    ip: str


def normalise_host(host: str) -> str:
    """Host as compared with the allow list: lowercase, no brackets, no trailing dot."""
    return host.strip().strip("[]").rstrip(".").lower()


def _allow_entry(entry: str) -> tuple[str, int | None]:
    """``host`` or ``host:port`` (``[v6]:port``) of FETCH_ALLOW_HOSTS as (host, port or None)."""
    entry = entry.strip().lower()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest.removeprefix(":")
    elif entry.count(":") == 1:
        host, port = entry.split(":")
    else:
        host, port = entry, ""
    return normalise_host(host), int(port) if port.isdigit() else None


def is_allowed(host: str, port: int, default_port: int, allow_hosts: frozenset[str]) -> bool:
    """Whether ``host:port`` is listed: an entry without a port allows only the scheme's default port."""
    for entry in allow_hosts:
        allowed_host, allowed_port = _allow_entry(entry)
        if allowed_host == host and port == (allowed_port if allowed_port is not None else default_port):
            return True
    return False


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address):
        # Addresses that carry an IPv4 address (mapped, 6to4, Teredo) are judged by it.
        embedded = [a for a in (ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())) if a is not None]
        if embedded:
            return all(_is_public(str(a)) for a in embedded)
    blocked = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )
    return ip.is_global and not blocked


def _resolve(url: httpx.URL, allow_hosts: frozenset[str]) -> _Target:
    """Check scheme and host of ``url`` and pick the address to connect to; connects to nothing."""
    if url.scheme not in ("http", "https"):
        raise BlockedURLError(f"I can only read http and https links, not {url.scheme or 'that'} links.")
    host = normalise_host(url.raw_host.decode("ascii"))  # IDNA ("xn--...") form, as DNS and TLS see it
    if not host:
        raise FetchError("That link has no host name.")
    default_port = 443 if url.scheme == "https" else 80
    port = url.port or default_port
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"I couldn't find {host}: the name does not resolve.") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise FetchError(f"I couldn't find {host}: the name does not resolve.")
    listed = is_allowed(host, port, default_port, allow_hosts) or is_allowed(
        normalise_host(url.host), port, default_port, allow_hosts
    )
    if not listed and not all(_is_public(a) for a in addresses):
        raise BlockedURLError(
            f"I won't fetch {host}: it points at a private or local network address."
        )
    return _Target(url=url, host=host, ip=addresses[0])


def _pinned_request(client: httpx.Client, target: _Target) -> httpx.Request:
    """A GET that connects to the checked IP while keeping Host, SNI and certificate checks on the name.

    Connecting to the address we checked (rather than letting the client resolve the name
    again) closes the DNS-rebinding window between the check and the connection.
    """
    headers = {"Host": target.url.netloc.decode("ascii")}
    extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
    return client.build_request(
        "GET", target.url.copy_with(host=target.ip), headers=headers, extensions=extensions
    )


def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(_too_big(max_bytes))
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(_too_big(max_bytes))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(max_bytes: int) -> str:
    return f"The page is larger than {max_bytes / 1_000_000:g} MB, more than I read."


def _refuse_content_type(mime: str) -> None:
    if mime in _HTML_TYPES or mime in _TEXT_TYPES or not mime:
        return
    if mime == "application/pdf":
        raise FetchError("That link is a PDF, not a web page I can read.")
    family = mime.split("/", 1)[0]
    if family in ("image", "video", "audio"):
        article = "an" if family[0] in "aeiou" else "a"
        raise FetchError(f"That link is {article} {family} file, not a web page I can read.")
    raise FetchError(f"That link is not a web page I can read (it is {mime}).")


def _html_charset(body: bytes) -> str | None:
    m = _META_CHARSET.search(body[:4096])
    return m.group(1).decode("ascii", "ignore") if m else None


def extract_html(html: str, url: str | None = None) -> tuple[str | None, str]:
    """Title and main text of an HTML page (scripts, styles and navigation removed)."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True
    )
    title = getattr(doc, "title", None) or None
    text = getattr(doc, "text", None) or ""
    if not text.strip():
        # Too little for the article heuristics (a short page): keep its visible text.
        text = trafilatura.html2txt(html)
    return title, text.strip()


def looks_like_html(text: str) -> bool:
    """True when the start of ``text`` is an HTML document or fragment."""
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body")) or bool(
        re.search(r"<(p|div|article|h1|title)[\s>]", head)
    )


def _page(url: str, body: bytes, mime: str, charset: str | None, max_html_bytes: int) -> FetchedPage:
    if is_pdf(body):
        raise FetchError("That link is a PDF, not a web page I can read.")
    is_html = mime in _HTML_TYPES or (not mime and body.lstrip()[:1] == b"<")
    if len(body) > max_html_bytes and (is_html or looks_like_html(body[:1024].decode("latin-1"))):
        # Extraction time grows with the markup; a page this heavy is refused before it starts.
        raise FetchError(
            f"The page has {len(body) / 1_000_000:.1f} MB of HTML, more than the "
            f"{max_html_bytes / 1_000_000:g} MB I read."
        )
    declared = charset or (_html_charset(body) if is_html else None)
    text = decode_bytes(body, declared)
    if text is None:
        text = body.decode("utf-8", errors="replace")
    title: str | None = None
    if is_html or looks_like_html(text):
        title, text = extract_html(text, url)
    if not text.strip():
        raise FetchError("I couldn't find any article text on that page.")
    return FetchedPage(url=url, title=title, text=text.strip())


def fetch_url(
    url: str,
    *,
    allow_hosts: frozenset[str] = frozenset(),
    timeout_s: float = 10.0,
    max_bytes: int = 5_000_000,
    max_html_bytes: int = 2_000_000,
) -> FetchedPage:
    """Fetch ``url`` and return its article text.

    Every hop (redirects are followed by hand, at most five) is checked before connecting:
    only http(s), and only hosts whose every address is public unless the host (and port:
    ``host`` allows the default port only, ``host:port`` that port) is in ``allow_hosts``.
    Credentials in a link (``user:pass@``) are dropped, never sent. Connecting, the status
    line, the headers and the body of all hops share one deadline of ``timeout_s``; an HTML
    page over ``max_html_bytes`` is not extracted. Raises
    :class:`BlockedURLError` for refused targets and :class:`FetchError` with a user-facing
    message for everything else that goes wrong.
    """
    with _Deadline(timeout_s) as deadline:
        url, body, mime, charset = _download(strip_credentials(url.strip()), allow_hosts, deadline, max_bytes)
    return _page(url, body, mime, charset, max_html_bytes)


def _too_slow(deadline: _Deadline) -> FetchError:
    return FetchError(f"The page took longer than {deadline.timeout_s:g} seconds to load.")


def _download(
    current: str, allow_hosts: frozenset[str], deadline: _Deadline, max_bytes: int
) -> tuple[str, bytes, str, str | None]:
    """Final URL, body, MIME type and declared charset of ``current`` after its redirects."""
    # trust_env=False: an environment proxy would resolve names itself, bypassing the check.
    with httpx.Client(
        transport=_DeadlineTransport(deadline), timeout=deadline.timeout_s, follow_redirects=False,
        trust_env=False, headers={"User-Agent": USER_AGENT},
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            if deadline.expired:
                raise _too_slow(deadline)
            try:
                parsed = httpx.URL(current)
            except httpx.InvalidURL:
                raise FetchError(f"{current} is not a valid link.") from None
            target = _resolve(parsed, allow_hosts)
            request = _pinned_request(client, target)
            try:
                response = client.send(request, stream=True)
            except httpx.HTTPError as exc:
                if deadline.expired or isinstance(exc, httpx.TimeoutException):
                    raise FetchError(
                        f"{target.host} took longer than {deadline.timeout_s:g} seconds to answer."
                    ) from None
                logger.info("fetch of %s failed: %s", loggable_url(current), exc)
                raise FetchError(f"I couldn't connect to {target.host}.") from None
            try:
                if response.is_redirect:
                    current = strip_credentials(urljoin(current, response.headers["location"]))
                    logger.debug("redirect to %s", loggable_url(current))
                    continue
                if response.status_code >= 400:
                    reason = response.reason_phrase or "an error"
                    raise FetchError(f"The page answered {response.status_code} {reason}.")
                mime = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
                _refuse_content_type(mime)
                try:
                    body = _read_capped(response, max_bytes)
                except httpx.HTTPError as exc:
                    if deadline.expired or isinstance(exc, httpx.TimeoutException):
                        raise _too_slow(deadline) from None
                    raise FetchError(f"The connection to {target.host} broke while reading the page.") from None
                if deadline.expired:  # the body ended because the deadline shut the socket
                    raise _too_slow(deadline)
                charset = response.charset_encoding
            finally:
                response.close()
            logger.info("fetched %s (%d bytes, %s)", loggable_url(current), len(body), mime or "no content type")
            return current, body, mime, charset
    raise FetchError(f"The link redirected more than {MAX_REDIRECTS} times; I gave up.")
