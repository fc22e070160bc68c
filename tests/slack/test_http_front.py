"""The waitress front under slow clients: a deadline for incomplete requests, a logged connection cap."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot.settings import load_settings
from bot.slack.http import Front, create_http_server, serve_in_thread, server_port, stop_server


def health_front() -> Front:
    return Front(None, "", lambda: {"models": True, "database": True})


@pytest.fixture
def make_server() -> Iterator[Any]:
    servers: list[Any] = []

    def make(**options: Any) -> Any:
        server = create_http_server(health_front(), "127.0.0.1", 0, threads=2, **options)
        serve_in_thread(server)
        servers.append(server)
        return server

    yield make
    for server in servers:
        stop_server(server)


def _connect(server: Any) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server_port(server)), timeout=10)


def _healthz(server: Any) -> bytes:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: bot\r\nConnection: close\r\n\r\n")
        return sock.recv(4096)


def test_a_client_trickling_its_headers_is_cut_off_at_the_request_deadline(make_server: Any) -> None:
    server = make_server(channel_timeout_s=30, request_deadline_s=1.0)
    start = time.monotonic()
    closed_after = None
    with _connect(server) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\n")
        for i in range(40):  # a header line every 0.2 s keeps the connection active, never complete
            try:
                sock.sendall(b"X-Slow-%d: yes\r\n" % i)
            except OSError:
                closed_after = time.monotonic() - start
                break
            sock.settimeout(0.2)
            try:
                if sock.recv(1) == b"":
                    closed_after = time.monotonic() - start
                    break
            except TimeoutError:
                pass
    assert closed_after is not None, "the trickling connection was never closed"
    assert closed_after < 1.0 + 2 * 2 + 1  # the deadline, plus up to two maintenance rounds of 2 s
    assert _healthz(server).startswith(b"HTTP/1.1 200")


def test_an_idle_connection_is_closed_after_the_channel_timeout(make_server: Any) -> None:
    server = make_server(channel_timeout_s=1, request_deadline_s=30)
    with _connect(server) as sock:
        sock.settimeout(8)
        start = time.monotonic()
        assert sock.recv(1) == b""
        assert time.monotonic() - start < 6


def test_reaching_the_connection_cap_is_logged_once_with_the_setting(
    make_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.slack.http")
    server = make_server(connection_limit=3)
    held = [_connect(server) for _ in range(3)]
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not caplog.records:
            time.sleep(0.05)
        lines = [r.getMessage() for r in caplog.records if r.name == "bot.slack.http"]
        assert len(lines) == 1 and "HTTP_CONNECTION_LIMIT (3 open connections) reached" in lines[0]
        assert "reverse proxy" in lines[0]
    finally:
        for sock in held:
            sock.close()
    assert _healthz(server).startswith(b"HTTP/1.1 200")  # listening again once they closed


def test_the_front_binds_loopback_unless_told(make_server: Any) -> None:
    assert load_settings({}, dotenv_path=None).http_host == "127.0.0.1"
    assert load_settings({"HTTP_HOST": "0.0.0.0"}, dotenv_path=None).http_host == "0.0.0.0"
    assert make_server().effective_host == "127.0.0.1"
