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

from bot.core.clock import parse_hhmm

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
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
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
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

    @property
    def oauth(self) -> bool:
        """Whether the bot installs to any workspace (``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET``
        set): tokens then come from its installations, not from ``SLACK_BOT_TOKEN``."""
        return bool(self.slack_client_id and self.slack_client_secret)

    def require_slack(self) -> None:
        """Raise :class:`SettingsError` unless everything needed to serve Slack is set and valid."""
        if self.problems:
            raise SettingsError(self.problems[0])
        if bool(self.slack_client_id) != bool(self.slack_client_secret):
            raise SettingsError("SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together: set both (installs) or neither")
        if self.oauth:
            self._require_oauth()
            return
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

    def _require_oauth(self) -> None:
        if not self.slack_signing_secret:
            raise SettingsError("SLACK_SIGNING_SECRET is not set: installing to workspaces needs HTTP mode")
        if self.slack_app_token:
            raise SettingsError("installing to workspaces needs HTTP mode (/slack/install): unset SLACK_APP_TOKEN")
        self.require_database()

    def require_database(self) -> None:
        """Raise :class:`SettingsError` when the job queue cannot work with ``DATABASE_URL``."""
        if self.job_queue == "procrastinate" and not self.database_url.startswith("postgresql"):
            raise SettingsError("JOB_QUEUE=procrastinate needs a PostgreSQL DATABASE_URL (postgresql+psycopg://...)")


DEFAULTS = Settings()
"""Every setting's default, in one place: the fields above. ``.env.example`` and the README's
table show the same values (a test checks)."""


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
    if parse_hhmm(value) is None:
        raise SettingsError(f"{name} must be HH:MM (24 h), got {value!r}")
    return value


def _api_url(env: Mapping[str, str], name: str, default: str) -> str:
    api_url = _opt(env, name) or default
    if not re.match(r"^https?://", api_url):
        raise SettingsError(f"{name} must be an http(s) URL, got {api_url!r}")
    return api_url if api_url.endswith("/") else api_url + "/"


class _Deferred:
    """Parses the bot's own settings: a malformed one falls back to its default and is kept
    as a problem for :meth:`Settings.require_slack`, so it never breaks the CLI."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def __call__(self, field: str, parse: Callable[[T], T]) -> T:
        """``parse(default)`` for the setting of ``field``, or its default when malformed."""
        default: T = getattr(DEFAULTS, field)
        try:
            return parse(default)
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
    env = _environment(environ, dotenv_path)
    level = (_opt(env, "LOG_LEVEL") or DEFAULTS.log_level).upper()
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
        slack_client_id=_opt(env, "SLACK_CLIENT_ID"),
        slack_client_secret=_opt(env, "SLACK_CLIENT_SECRET"),
        slack_api_url=bot("slack_api_url", lambda d: _api_url(env, "SLACK_API_URL", d)),
        database_url=_opt(env, "DATABASE_URL") or DEFAULTS.database_url,
        fetch_allow_hosts=hosts,
        fetch_timeout_s=_float(env, "FETCH_TIMEOUT_S", DEFAULTS.fetch_timeout_s),
        fetch_max_bytes=_int(env, "FETCH_MAX_BYTES", DEFAULTS.fetch_max_bytes, minimum=1024),
        fetch_max_html_bytes=_int(env, "FETCH_MAX_HTML_BYTES", DEFAULTS.fetch_max_html_bytes, minimum=1024),
        fetch_processes=bot("fetch_processes", lambda d: _int(env, "FETCH_PROCESSES", d, minimum=1, maximum=64)),
        fetch_extract_timeout_s=bot("fetch_extract_timeout_s", lambda d: _float(env, "FETCH_EXTRACT_TIMEOUT_S", d)),
        summary_model=_opt(env, "SUMMARY_MODEL"),
        max_input_chars=_int(env, "MAX_INPUT_CHARS", DEFAULTS.max_input_chars, minimum=1000),
        worker_pool_size=bot("worker_pool_size", lambda d: _int(env, "WORKER_POOL_SIZE", d, minimum=1, maximum=256)),
        worker_processes=bot("worker_processes", lambda d: _int(env, "WORKER_PROCESSES", d, minimum=1, maximum=64)),
        torch_threads=bot("torch_threads", lambda d: _int(env, "TORCH_THREADS", d, minimum=0, maximum=256)),
        job_queue=bot("job_queue", lambda d: _choice(env, "JOB_QUEUE", JOB_QUEUES, d)),
        job_timeout_s=bot("job_timeout_s", lambda d: _float(env, "JOB_TIMEOUT_S", d)),
        job_max_attempts=bot("job_max_attempts", lambda d: _int(env, "JOB_MAX_ATTEMPTS", d, minimum=1, maximum=20)),
        shutdown_grace_s=bot("shutdown_grace_s", lambda d: _float(env, "SHUTDOWN_GRACE_S", d)),
        http_threads=bot("http_threads", lambda d: _int(env, "HTTP_THREADS", d, minimum=1, maximum=256)),
        http_host=_opt(env, "HTTP_HOST") or DEFAULTS.http_host,
        http_connection_limit=bot(
            "http_connection_limit", lambda d: _int(env, "HTTP_CONNECTION_LIMIT", d, minimum=1)
        ),
        http_channel_timeout_s=bot(
            "http_channel_timeout_s", lambda d: _int(env, "HTTP_CHANNEL_TIMEOUT_S", d, minimum=1)
        ),
        http_request_deadline_s=bot("http_request_deadline_s", lambda d: _float(env, "HTTP_REQUEST_DEADLINE_S", d)),
        port=bot("port", lambda d: _int(env, "PORT", d, minimum=1, maximum=MAX_PORT)),
        digest_default_time=bot("digest_default_time", lambda d: _hhmm(env, "DIGEST_DEFAULT_TIME", d)),
        digest_quiet_message=bot("digest_quiet_message", lambda d: _bool(env, "DIGEST_QUIET_MESSAGE", d)),
        digest_grace_s=bot("digest_grace_s", lambda d: _int(env, "DIGEST_GRACE_S", d, minimum=0)),
        message_retention_days=bot(
            "message_retention_days", lambda d: _int(env, "MESSAGE_RETENTION_DAYS", d, minimum=1)
        ),
        log_level=level,
    )
    return replace(settings, problems=tuple(bot.problems))


def _environment(environ: Mapping[str, str] | None, dotenv_path: str | Path | None) -> dict[str, str]:
    """``.env`` (when there is one) overlaid by ``environ`` (default: the process environment)."""
    env: dict[str, str] = {}
    if dotenv_path is not None and Path(dotenv_path).is_file():
        try:
            values = dotenv_values(dotenv_path)
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
            raise SettingsError(f"{dotenv_path} could not be read ({reason})") from None
        env.update({k: v for k, v in values.items() if v is not None})
    env.update(os.environ if environ is None else environ)
    return env
