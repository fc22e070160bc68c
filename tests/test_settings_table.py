"""One table of setting defaults: the Settings fields; .env.example and the README show the same values."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest
from dotenv import dotenv_values

from bot.settings import DEFAULTS, Settings, load_settings
from tests.conftest import REPO_ROOT

CREDENTIALS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")
NAMES = [f.name.upper() for f in fields(Settings) if f.name != "problems"]
ENV_EXAMPLE = {k: v or "" for k, v in dotenv_values(REPO_ROOT / ".env.example").items()}
_ROW = re.compile(r"^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \| ([^|]*) \|", re.MULTILINE)


def _shown(value: object) -> str:
    """A default as the docs write it."""
    if value is None or value == frozenset():
        return "empty"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _readme_defaults() -> dict[str, str]:
    table: dict[str, str] = {}
    for names, cell in _ROW.findall((REPO_ROOT / "README.md").read_text(encoding="utf-8")):
        keys = [n.strip("`") for n in names.split(", ")]
        values = [v.strip().strip("`") for v in cell.split(", ")] if len(keys) > 1 else [cell.strip().strip("`")]
        table.update(zip(keys, values if len(values) == len(keys) else [cell.strip()] * len(keys), strict=True))
    return table


def test_parsing_nothing_gives_the_table() -> None:
    assert load_settings({}, dotenv_path=None) == DEFAULTS == Settings()


@pytest.mark.parametrize("name", NAMES)
def test_env_example_shows_the_default(name: str) -> None:
    assert name in ENV_EXAMPLE, f"{name} is missing from .env.example"
    if name in CREDENTIALS:
        return
    parsed = load_settings({name: ENV_EXAMPLE[name]}, dotenv_path=None)
    assert getattr(parsed, name.lower()) == getattr(DEFAULTS, name.lower())


@pytest.mark.parametrize("name", NAMES)
def test_readme_table_shows_the_default(name: str) -> None:
    table = _readme_defaults()
    assert name in table, f"{name} is missing from the README's settings table"
    if name not in CREDENTIALS:
        assert table[name] == _shown(getattr(DEFAULTS, name.lower()))
