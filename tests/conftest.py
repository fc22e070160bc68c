"""Shared fixtures: the real models load once per test session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import use_bundled_models
from bot.core.pipeline import Summariser

use_bundled_models()

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLE = REPO_ROOT / "seeds" / "fujian-advanced-manufacturing.txt"


@pytest.fixture(scope="session")
def summariser() -> Summariser:
    """The real default summariser (MiniLM + spaCy + learned scorer), loaded once."""
    from bot.adapters.models import load_summariser
    from bot.settings import Settings

    return load_summariser(Settings())


@pytest.fixture(scope="session")
def nlp(summariser: Summariser) -> Any:
    """The spaCy pipeline the summariser uses."""
    return summariser.nlp


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed article's text."""
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database on each backend: an SQLite file, and a PostgreSQL schema of its own.

    PostgreSQL runs where ``TEST_DATABASE_URL`` names a server (``.ci/run`` starts a
    throwaway one); elsewhere those cases are skipped.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set (.ci/run starts a PostgreSQL server)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
