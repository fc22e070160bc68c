"""Shared fixtures: the real models load once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLE = REPO_ROOT / "seeds" / "fujian-advanced-manufacturing.txt"


@pytest.fixture(scope="session")
def summariser():
    """The real default summariser (MiniLM + spaCy + learned scorer), loaded once."""
    from bot.adapters.models import load_summariser
    from bot.settings import Settings

    return load_summariser(Settings())


@pytest.fixture(scope="session")
def nlp(summariser):
    """The spaCy pipeline the summariser uses."""
    return summariser.nlp


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed article's text."""
    return SEED_ARTICLE.read_text(encoding="utf-8")
