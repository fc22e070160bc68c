"""The one typed settings object, read from the environment and ``.env``.

Nothing here runs at import time: call :func:`load_settings` from an entry point and
pass the result down.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from dotenv import dotenv_values

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
T = TypeVar("T")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is one line for the operator."""


JOB_QUEUES = ("local", "procrastinate")
MAX_PORT = 65_535
BOT_TOKEN_PREFIXES = ("xoxb-", "xoxe.xoxb-")


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
    fetch_max_html_bytes: int = 2_000_000
    fetch_processes: int = 4
    fetch_extract_timeout_s: float = 3.0
    summary_model: str | None = None
    max_input_chars: int = 200_000
    worker_pool_size: int = 16
    worker_processes: int = 1
    torch_threads: int = 0
    job_queue: str = "local"
    job_timeout_s: float = 60.0
    job_max_attempts: int = 3
    shutdown_grace_s: float = 8.0
    http_threads: int = 16
    http_host: str = "127.0.0.1"
    http_connection_limit: int = 1000
    http_channel_timeout_s: int = 10
    http_request_deadline_s: float = 10.0
    port: int = 3000
    digest_default_time: str = "09:00"
    digest_quiet_message: bool = False
    digest_grace_s: int = 3600
    message_retention_days: int = 7
    log_level: str = "INFO"
    problems: tuple[str, ...] = ()
    """Malformed settings only the bot uses (not the CLI): reported by :meth:`require_slack`."""

    def require_slack(self) -> None:
        """Raise :class:`SettingsError` unless everything needed to serve Slack is set and valid."""
        if self.problems:
            raise SettingsError(self.problems[0])
        if not self.slack_bot_token:
            raise SettingsError("SLACK_BOT_TOKEN is not set (xoxb-...); see .env.example")
        if not self.slack_bot_token.startswith(BOT_TOKEN_PREFIXES):
            raise SettingsError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        if not self.slack_app_token and not self.slack_signing_secret:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is not set (needed for HTTP mode); "
                "set it, or set SLACK_APP_TOKEN (xapp-...) for Socket Mode"
            )
        if self.slack_app_token and not self.slack_app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
        self.require_database()

    def require_database(self) -> None:
        """Raise :class:`SettingsError` when the job queue cannot work with ``DATABASE_URL``."""
        if self.job_queue == "procrastinate" and not self.database_url.startswith("postgresql"):
            raise SettingsError("JOB_QUEUE=procrastinate needs a PostgreSQL DATABASE_URL (postgresql+psycopg://...)")


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise SettingsError(f"{name} must be at most {maximum}, got {value}")
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


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = (_opt(env, name) or default).lower()
    if value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _hhmm(env: Mapping[str, str], name: str, default: str) -> str:
    value = _opt(env, name) or default
    if not _HHMM.match(value):
        raise SettingsError(f"{name} must be HH:MM (24 h), got {value!r}")
    return value


def _api_url(env: Mapping[str, str], name: str) -> str:
    api_url = _opt(env, name) or DEFAULT_SLACK_API_URL
    if not re.match(r"^https?://", api_url):
        raise SettingsError(f"{name} must be an http(s) URL, got {api_url!r}")
    return api_url if api_url.endswith("/") else api_url + "/"


class _Deferred:
    """Parses the bot's own settings: a malformed one falls back to its default and is kept
    as a problem for :meth:`Settings.require_slack`, so it never breaks the CLI."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def __call__(self, parse: Callable[[], T], default: T) -> T:
        try:
            return parse()
        except SettingsError as exc:
            self.problems.append(str(exc))
            return default


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv_path: str | Path | None = ".env"
) -> Settings:
    """Build :class:`Settings` from ``.env`` overlaid by the process environment.

    Raises :class:`SettingsError` with a one-line message when a setting the CLI uses is
    malformed; malformed settings of the bot alone are reported by ``require_slack``.
    """
    env: dict[str, str] = {}
    if dotenv_path is not None and Path(dotenv_path).is_file():
        try:
            values = dotenv_values(dotenv_path)
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
            raise SettingsError(f"{dotenv_path} could not be read ({reason})") from None
        env.update({k: v for k, v in values.items() if v is not None})
    env.update(os.environ if environ is None else environ)

    level = (_opt(env, "LOG_LEVEL") or "INFO").upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")

    hosts = frozenset(
        h.strip().lower() for h in (env.get("FETCH_ALLOW_HOSTS") or "").split(",") if h.strip()
    )
    bot = _Deferred()
    settings = Settings(
        slack_bot_token=_opt(env, "SLACK_BOT_TOKEN"),
        slack_signing_secret=_opt(env, "SLACK_SIGNING_SECRET"),
        slack_app_token=_opt(env, "SLACK_APP_TOKEN"),
        slack_api_url=bot(lambda: _api_url(env, "SLACK_API_URL"), DEFAULT_SLACK_API_URL),
        database_url=_opt(env, "DATABASE_URL") or "sqlite:///data/bot.db",
        fetch_allow_hosts=hosts,
        fetch_timeout_s=_float(env, "FETCH_TIMEOUT_S", 10.0),
        fetch_max_bytes=_int(env, "FETCH_MAX_BYTES", 5_000_000, minimum=1024),
        fetch_max_html_bytes=_int(env, "FETCH_MAX_HTML_BYTES", 2_000_000, minimum=1024),
        fetch_processes=bot(lambda: _int(env, "FETCH_PROCESSES", 4, minimum=1, maximum=64), 4),
        fetch_extract_timeout_s=bot(lambda: _float(env, "FETCH_EXTRACT_TIMEOUT_S", 3.0), 3.0),
        summary_model=_opt(env, "SUMMARY_MODEL"),
        max_input_chars=_int(env, "MAX_INPUT_CHARS", 200_000, minimum=1000),
        worker_pool_size=bot(lambda: _int(env, "WORKER_POOL_SIZE", 16, minimum=1, maximum=256), 16),
        worker_processes=bot(lambda: _int(env, "WORKER_PROCESSES", 1, minimum=1, maximum=64), 1),
        torch_threads=bot(lambda: _int(env, "TORCH_THREADS", 0, minimum=0, maximum=256), 0),
        job_queue=bot(lambda: _choice(env, "JOB_QUEUE", JOB_QUEUES, "local"), "local"),
        job_timeout_s=bot(lambda: _float(env, "JOB_TIMEOUT_S", 60.0), 60.0),
        job_max_attempts=bot(lambda: _int(env, "JOB_MAX_ATTEMPTS", 3, minimum=1, maximum=20), 3),
        shutdown_grace_s=bot(lambda: _float(env, "SHUTDOWN_GRACE_S", 8.0), 8.0),
        http_threads=bot(lambda: _int(env, "HTTP_THREADS", 16, minimum=1, maximum=256), 16),
        http_host=_opt(env, "HTTP_HOST") or "127.0.0.1",
        http_connection_limit=bot(lambda: _int(env, "HTTP_CONNECTION_LIMIT", 1000, minimum=1), 1000),
        http_channel_timeout_s=bot(lambda: _int(env, "HTTP_CHANNEL_TIMEOUT_S", 10, minimum=1), 10),
        http_request_deadline_s=bot(lambda: _float(env, "HTTP_REQUEST_DEADLINE_S", 10.0), 10.0),
        port=bot(lambda: _int(env, "PORT", 3000, minimum=1, maximum=MAX_PORT), 3000),
        digest_default_time=bot(lambda: _hhmm(env, "DIGEST_DEFAULT_TIME", "09:00"), "09:00"),
        digest_quiet_message=bot(lambda: _bool(env, "DIGEST_QUIET_MESSAGE", False), False),
        digest_grace_s=bot(lambda: _int(env, "DIGEST_GRACE_S", 3600, minimum=0), 3600),
        message_retention_days=bot(lambda: _int(env, "MESSAGE_RETENTION_DAYS", 7, minimum=1), 7),
        log_level=level,
    )
    return replace(settings, problems=tuple(bot.problems))
