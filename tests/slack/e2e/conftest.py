"""The end-to-end fixtures: FakeSlack with two users, the article server, the bot on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.e2e import ArticleServer, start_bot
from tests.support.slackapp import LocalSlackApp
from tools.fakeslack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.users = {
            "U0ANA": {"id": "U0ANA", "name": "ana", "real_name": "Ana Lima", "tz": "Europe/Paris"},
            "U0BO": {"id": "U0BO", "name": "bo", "real_name": "Bo Chen", "tz": "Asia/Shanghai"},
        }
        for token in ("xoxb-test", "xoxb-1"):  # the single tokens of these tests: every call's token is checked
            fake.add_workspace("T1", token)
        yield fake


@pytest.fixture(scope="module")
def article() -> Iterator[ArticleServer]:
    server = ArticleServer()
    yield server
    server.close()


@pytest.fixture
def bot(fake: FakeSlack, summariser: Any, tmp_path: Path, article: ArticleServer) -> Iterator[LocalSlackApp]:
    running = start_bot(fake, summariser, tmp_path / "bot.db", fetch_allow_hosts=article.allow)
    yield running
    running.close()
