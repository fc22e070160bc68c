"""The fetch pool: links read and extracted in processes of their own, within a size and time budget."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.adapters.fetch import FetchedPage
from bot.adapters.fetchpool import FetchPool, FetchProcessError
from bot.adapters.processes import PoolError
from bot.core.errors import BlockedURLError, FetchError
from bot.settings import Settings
from tools.hostileweb import link_page

ARTICLE = (
    b"<html><head><title>Ferry news</title></head><body><article>"
    b"<p>The ferry to the islands runs again from Monday, the harbour office said.</p>"
    b"<p>Tickets cost less than last year and the crossing takes forty minutes.</p>"
    b"</article></body></html>"
)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    pages = {"/article": ARTICLE, "/links-100k": link_page(100_000), "/links-25k": link_page(25_000)}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def make_pool(site: str, **overrides: object) -> FetchPool:
    options: dict[str, object] = {"fetch_allow_hosts": frozenset({site}), "fetch_processes": 2, **overrides}
    return FetchPool(Settings(**options)).start()  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def pool(site: str) -> Iterator[FetchPool]:
    started = make_pool(site)
    yield started
    started.close()


def test_an_article_is_read_in_a_pool_process(pool: FetchPool, site: str) -> None:
    page = pool.fetch(f"http://{site}/article")
    assert page.title == "Ferry news" and "crossing takes forty minutes" in page.text


def test_a_page_over_the_html_budget_is_refused_with_a_clear_message(pool: FetchPool, site: str) -> None:
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"The page has \d\.\d MB of HTML, more than the 2 MB I read"):
        pool.fetch(f"http://{site}/links-100k")
    assert time.monotonic() - start < 3  # refused before extraction starts


def test_the_fetcher_errors_cross_the_process_boundary(pool: FetchPool, site: str) -> None:
    port = site.rsplit(":", 1)[1]
    with pytest.raises(BlockedURLError, match="private or local network"):
        pool.fetch(f"http://localhost:{port}/article")  # listed as 127.0.0.1 only
    with pytest.raises(FetchError, match="404"):
        pool.fetch(f"http://{site}/missing")


def test_an_extraction_over_its_time_budget_is_stopped_and_the_pool_goes_on(site: str) -> None:
    slow = make_pool(site, fetch_processes=1, fetch_timeout_s=1.0, fetch_extract_timeout_s=0.2)
    try:
        with pytest.raises(FetchError, match="took longer than 1.2 seconds, so I stopped"):
            slow.fetch(f"http://{site}/links-25k")
        assert "ferry" in _eventually(slow, f"http://{site}/article").text.lower()  # its process was replaced
    finally:
        slow.close()


def _eventually(pool: FetchPool, url: str, tries: int = 3) -> FetchedPage:
    """The page, allowing a busy machine a slow start of a replaced process within the tight test budget."""
    for _ in range(tries - 1):
        try:
            return pool.fetch(url)
        except FetchError:
            continue
    return pool.fetch(url)


def test_a_closed_pool_refuses_with_an_error_the_runner_retries_or_puts_back(site: str) -> None:
    closed = make_pool(site)
    closed.close()
    with pytest.raises(FetchProcessError, match="not running") as info:
        closed.fetch(f"http://{site}/article")
    assert isinstance(info.value, PoolError)


def test_a_fetch_in_flight_when_the_pool_stops_is_an_engine_error(site: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    stopping = make_pool(site, fetch_processes=1, fetch_timeout_s=10.0, fetch_extract_timeout_s=10.0)
    with ThreadPoolExecutor(max_workers=1) as other:
        in_flight = other.submit(stopping.fetch, f"http://{site}/links-25k")
        time.sleep(0.5)
        stopping.close()
        with pytest.raises(FetchProcessError):
            in_flight.result(timeout=10)


def test_the_time_budget_counts_from_the_call_so_waiting_for_a_process_is_included(site: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    busy = make_pool(site, fetch_processes=1, fetch_timeout_s=1.0, fetch_extract_timeout_s=0.2)
    try:
        with ThreadPoolExecutor(max_workers=1) as other:
            first = other.submit(busy.fetch, f"http://{site}/links-25k")  # holds the only process
            time.sleep(0.1)
            start = time.monotonic()
            with pytest.raises(FetchError, match="took longer than 1.2 seconds"):
                busy.fetch(f"http://{site}/links-25k")
            assert time.monotonic() - start < 2.0  # not a full budget after the first one's
            with pytest.raises(FetchError):
                first.result()
    finally:
        busy.close()
