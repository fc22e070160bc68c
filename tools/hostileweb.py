"""Hostile web pages on 127.0.0.1 for bench-slack: a server that trickles its headers, and heavy pages.

- ``/slow/<anything>``: the status line and headers one byte every ``byte_interval_s``,
  never finishing (until the client hangs up);
- ``/links/<anything>``: a page of ``links`` links (about 3.6 MB for 100,000), trafilatura's
  slow case.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time
from types import TracebackType

_SLOW_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"a" * 100_000


def link_page(links: int) -> bytes:
    """An HTML page that is almost all links."""
    items = b"".join(b'<li><a href="/p%d">%d</a></li>' % (i, i) for i in range(links))
    return b"<html><head><title>Links</title></head><body><ul>" + items + b"</ul></body></html>"


class HostileWeb:
    """The hostile pages, served from threads of this process (a context manager)."""

    def __init__(self, byte_interval_s: float = 2.0, links: int = 100_000) -> None:
        self.byte_interval_s = byte_interval_s
        self.page = link_page(links)
        self._stop = threading.Event()
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                with contextlib.suppress(OSError):
                    request_line = self.rfile.readline(8192)
                    while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                        pass  # the request's headers
                    path = request_line.split(b" ")[1] if request_line.count(b" ") >= 2 else b"/"
                    if path.startswith(b"/slow/"):
                        outer._trickle(self.connection)
                    elif path.startswith(b"/links/"):
                        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                        self.wfile.write(head + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(outer.page))
                        self.wfile.write(outer.page)
                    else:
                        self.wfile.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self.host = f"127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def _trickle(self, conn: socket.socket) -> None:
        for byte in _SLOW_HEAD:
            if self._stop.is_set():
                return
            conn.sendall(bytes([byte]))  # raises once the client hung up
            time.sleep(self.byte_interval_s)

    def url(self, kind: str, name: str) -> str:
        """A link to one of the pages: ``kind`` is ``slow`` or ``links``."""
        return f"http://{self.host}/{kind}/{name}"

    def __enter__(self) -> HostileWeb:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
