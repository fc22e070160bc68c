"""The end-to-end harness: the cranes article server, the bot against FakeSlack, and helpers."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bot.settings import Settings
from tests.support.slackapp import LocalSlackApp
from tools.fakeslack import FakeSlack

SECRET = "e2e-signing-secret"
CHANNEL = "C0GENERAL"
ARTICLE_HTML = """<!doctype html><html><head><title>Harbour cranes arrive in Fuzhou</title></head>
<body><nav>Home | News</nav><article><h1>Harbour cranes arrive in Fuzhou</h1>
<p>Three new harbour cranes arrived in Fuzhou on Monday, doubling the port's container capacity.</p>
<p>The port authority said the cranes will start work in March after two months of testing.</p>
<p>"This is the biggest upgrade the port has had in twenty years," said director Lin Wei.</p>
<p>Shipping companies welcomed the news, saying waiting times for vessels should fall by half.</p>
<p>The cranes were built in Shanghai and cost 40 million dollars in total.</p>
</article></body></html>"""
THREAD = [
    ("U0ANA", "<!here> the launch checklist for the Fuzhou port dashboard is ready for review."),
    ("U0BO", "<!here> I reviewed the checklist and the load tests still fail on the export page."),
    ("U0ANA", "<!here> Bo, please fix the export page load test by Friday."),
    ("U0BO", "<!here> OK, I will fix the export page load test by Friday and then we ship on Monday."),
]


class ArticleServer:
    """A local web server: the cranes story at ``url``, and any page added with :meth:`add`."""

    def __init__(self, html: str = ARTICLE_HTML) -> None:
        pages = {"/news/cranes": html.encode()}
        self.pages = pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.url = self.base + "/news/cranes"
        self.allow = frozenset({f"127.0.0.1:{self.server.server_port}"})

    def add(self, path: str, html: str) -> str:
        """Serve ``html`` at ``path`` too; returns its URL."""
        self.pages[path] = html.encode()
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_bot(fake: FakeSlack, summariser: Any, db: Path, **overrides: Any) -> LocalSlackApp:
    """The app in HTTP mode on 127.0.0.1 with its Web API pointed at FakeSlack."""
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test",
        "slack_signing_secret": SECRET,
        "slack_api_url": fake.api_url,
        "database_url": f"sqlite:///{db}",
        "worker_pool_size": 2,
    }
    return LocalSlackApp(Settings(**{**values, **overrides}), summariser)


def command(bot: LocalSlackApp, fake: FakeSlack, text: str, name: str = "r1") -> tuple[int, str]:
    """``/summarise text`` from Ana in the test channel, answered at response URL ``name``."""
    return bot.command(text, fake.response_url(name), channel=CHANNEL, user="U0ANA")


def shortcut(bot: LocalSlackApp, fake: FakeSlack, message: dict[str, Any]) -> tuple[int, str]:
    """The message shortcut by Ana on ``message`` in the test channel."""
    return bot.shortcut(message, CHANNEL, fake.response_url("shortcut"), user="U0ANA")


def make_bot(fake: FakeSlack, summariser: Any, database_url: str, **overrides: Any) -> LocalSlackApp:
    """The app against FakeSlack on any database (the ``database_url`` fixture: SQLite, PostgreSQL)."""
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test", "slack_signing_secret": SECRET, "slack_api_url": fake.api_url,
        "database_url": database_url, "worker_pool_size": 2,
    }
    return LocalSlackApp(Settings(**{**values, **overrides}), summariser)


def dump(params: dict[str, Any]) -> str:
    """The blocks and text of a Slack call, as one string to search."""
    return json.dumps(params.get("blocks", "")) + json.dumps(params.get("text", ""))


def shared_result(fake: FakeSlack) -> dict[str, Any]:
    """The shared result of a command: its channel placeholder, replaced by the summary."""
    placeholder = fake.wait_for("chat.postMessage", 1, timeout=10)[0]
    assert placeholder["channel"] == CHANNEL and "Summarising" in placeholder["text"]
    update = fake.wait_for("chat.update", 1, timeout=60)[0]
    assert update["ts"] == fake.posted[0]["ts"]
    return update
