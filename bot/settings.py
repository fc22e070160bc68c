"""The one typed settings object, read from the environment and ``.env``.

Nothing here runs at import time: call :func:`load_settings` from an entry point and
pass the result down.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is one line for the operator."""


@dataclass(frozen=True)
class Settings:
    """All configuration of the bot and the CLI."""

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = "sqlite:///data/bot.db"
    fetch_allow_hosts: frozenset[str] = field(default_factory=frozenset)
    fetch_timeout_s: float = 10.0
    fetch_max_bytes: int = 5_000_000
    summary_model: str | None = None
    max_input_chars: int = 200_000
    worker_pool_size: int = 4
    port: int = 3000
    digest_default_time: str = "09:00"
    digest_quiet_message: bool = False
    digest_grace_s: int = 3600
    message_retention_days: int = 7
    log_level: str = "INFO"

    def require_slack(self) -> None:
        """Raise :class:`SettingsError` unless the values needed to serve Slack are set."""
        if not self.slack_bot_token:
            raise SettingsError("SLACK_BOT_TOKEN is not set (xoxb-...); see .env.example")
        if not self.slack_app_token and not self.slack_signing_secret:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is not set (needed for HTTP mode); "
                "set it, or set SLACK_APP_TOKEN (xapp-...) for Socket Mode"
            )
        if self.slack_app_token and not self.slack_app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise SettingsError(f"{name} must be a positive number, got {raw!r}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _opt(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name)
    return raw.strip() if raw and raw.strip() else None


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv_path: str | Path | None = ".env"
) -> Settings:
    """Build :class:`Settings` from ``.env`` overlaid by the process environment.

    Raises :class:`SettingsError` with a one-line message on malformed values.
    """
    merged: dict[str, str] = {}
    if dotenv_path is not None and Path(dotenv_path).is_file():
        merged.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    merged.update(os.environ if environ is None else environ)

    api_url = _opt(merged, "SLACK_API_URL") or DEFAULT_SLACK_API_URL
    if not re.match(r"^https?://", api_url):
        raise SettingsError(f"SLACK_API_URL must be an http(s) URL, got {api_url!r}")
    if not api_url.endswith("/"):
        api_url += "/"

    digest_time = _opt(merged, "DIGEST_DEFAULT_TIME") or "09:00"
    if not _HHMM.match(digest_time):
        raise SettingsError(f"DIGEST_DEFAULT_TIME must be HH:MM (24 h), got {digest_time!r}")

    level = (_opt(merged, "LOG_LEVEL") or "INFO").upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")

    hosts = frozenset(
        h.strip().lower() for h in (merged.get("FETCH_ALLOW_HOSTS") or "").split(",") if h.strip()
    )
    return Settings(
        slack_bot_token=_opt(merged, "SLACK_BOT_TOKEN"),
        slack_signing_secret=_opt(merged, "SLACK_SIGNING_SECRET"),
        slack_app_token=_opt(merged, "SLACK_APP_TOKEN"),
        slack_api_url=api_url,
        database_url=_opt(merged, "DATABASE_URL") or "sqlite:///data/bot.db",
        fetch_allow_hosts=hosts,
        fetch_timeout_s=_float(merged, "FETCH_TIMEOUT_S", 10.0),
        fetch_max_bytes=_int(merged, "FETCH_MAX_BYTES", 5_000_000, minimum=1024),
        summary_model=_opt(merged, "SUMMARY_MODEL"),
        max_input_chars=_int(merged, "MAX_INPUT_CHARS", 200_000, minimum=1000),
        worker_pool_size=_int(merged, "WORKER_POOL_SIZE", 4, minimum=1),
        port=_int(merged, "PORT", 3000, minimum=1),
        digest_default_time=digest_time,
        digest_quiet_message=_bool(merged, "DIGEST_QUIET_MESSAGE", False),
        digest_grace_s=_int(merged, "DIGEST_GRACE_S", 3600, minimum=0),
        message_retention_days=_int(merged, "MESSAGE_RETENTION_DAYS", 7, minimum=1),
        log_level=level,
    )
