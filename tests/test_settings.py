"""Settings: defaults, parsing, and one clear line for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import DEFAULT_SLACK_API_URL, SettingsError, load_settings


def test_defaults_without_environment() -> None:
    s = load_settings({}, dotenv_path=None)
    assert s.slack_bot_token is None
    assert s.slack_api_url == DEFAULT_SLACK_API_URL
    assert s.database_url == "sqlite:///data/bot.db"
    assert s.port == 3000 and s.worker_pool_size == 16
    assert s.digest_default_time == "09:00" and s.message_retention_days == 7
    assert s.fetch_allow_hosts == frozenset()


def test_values_are_parsed() -> None:
    s = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_API_URL": "http://127.0.0.1:9999/api",
            "FETCH_ALLOW_HOSTS": " Intranet.local, 127.0.0.1 ,",
            "WORKER_POOL_SIZE": "8",
            "DIGEST_QUIET_MESSAGE": "yes",
            "SUMMARY_MODEL": "facebook/bart-large-cnn",
        },
        dotenv_path=None,
    )
    assert s.slack_api_url == "http://127.0.0.1:9999/api/"
    assert s.fetch_allow_hosts == frozenset({"intranet.local", "127.0.0.1"})
    assert s.worker_pool_size == 8 and s.digest_quiet_message is True
    assert s.summary_model == "facebook/bart-large-cnn"


def test_environment_overrides_dotenv(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=4000\nSLACK_BOT_TOKEN=xoxb-file\n")
    s = load_settings({"PORT": "5000"}, dotenv_path=env_file)
    assert s.port == 5000 and s.slack_bot_token == "xoxb-file"


def test_an_unreadable_env_file_fails_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_bytes(b"SLACK_BOT_TOKEN=xoxb-\xff\xfe\n")
    with pytest.raises(SettingsError, match=r"\.env could not be read \(not UTF-8 text\)"):
        load_settings({}, dotenv_path=env_file)
    env_file.write_text("PORT=5000\n")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("bot.settings.dotenv_values", refuse)
    with pytest.raises(SettingsError, match=r"\.env could not be read \(Permission denied\)"):
        load_settings({}, dotenv_path=env_file)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be"),
        ({"FETCH_TIMEOUT_S": "-1"}, "FETCH_TIMEOUT_S must be a positive number"),
        ({"FETCH_TIMEOUT_S": "nan"}, "FETCH_TIMEOUT_S must be a positive number"),
        ({"FETCH_TIMEOUT_S": "inf"}, "FETCH_TIMEOUT_S must be a positive number"),
    ],
)
def test_malformed_values_fail_with_one_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(env, dotenv_path=None)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-wrong"}, "must be an app-level token"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_SIGNING_SECRET": "s"}, "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together"),
        ({"SLACK_CLIENT_SECRET": "x", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "go together"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x"}, "installing to workspaces needs HTTP mode"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x", "SLACK_SIGNING_SECRET": "s", "SLACK_APP_TOKEN": "xapp-1"},
         "unset SLACK_APP_TOKEN"),
    ],
)
def test_require_slack(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(env, dotenv_path=None).require_slack()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "eighty"}, "PORT must be a whole number"),
        ({"PORT": "99999"}, "PORT must be at most 65535"),
        ({"PORT": "0"}, "PORT must be at least 1"),
        ({"WORKER_POOL_SIZE": "0"}, "WORKER_POOL_SIZE must be at least 1"),
        ({"WORKER_PROCESSES": "two"}, "WORKER_PROCESSES must be a whole number"),
        ({"TORCH_THREADS": "-1"}, "TORCH_THREADS must be at least 0"),
        ({"JOB_QUEUE": "celery"}, "JOB_QUEUE must be one of local, procrastinate"),
        ({"JOB_TIMEOUT_S": "0"}, "JOB_TIMEOUT_S must be a positive number"),
        ({"SHUTDOWN_GRACE_S": "soon"}, "SHUTDOWN_GRACE_S must be a number"),
        ({"DIGEST_DEFAULT_TIME": "25:00"}, "DIGEST_DEFAULT_TIME must be HH:MM"),
        ({"DIGEST_QUIET_MESSAGE": "maybe"}, "DIGEST_QUIET_MESSAGE must be true or false"),
        ({"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL must be an http(s) URL"),
        ({"JOB_QUEUE": "procrastinate"}, "needs a PostgreSQL DATABASE_URL"),
        ({"SLACK_BOT_TOKEN": "abc", "SLACK_SIGNING_SECRET": "s"}, "must be a bot token"),
    ],
)
def test_bot_settings_fail_the_bot_with_one_line_but_not_the_cli(env: dict[str, str], message: str) -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", **env}, dotenv_path=None)
    assert settings.fetch_timeout_s == 10.0  # the CLI's settings load regardless
    with pytest.raises(SettingsError) as info:
        settings.require_slack()
    assert message in str(info.value) and "\n" not in str(info.value)


def test_require_slack_accepts_http_and_socket_modes() -> None:
    load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, dotenv_path=None).require_slack()
    load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, dotenv_path=None).require_slack()


def test_installs_need_no_bot_token() -> None:
    env = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x", "SLACK_SIGNING_SECRET": "s"}
    settings = load_settings(env, dotenv_path=None)
    settings.require_slack()
    assert settings.oauth and not load_settings({"SLACK_CLIENT_ID": "1.2"}, dotenv_path=None).oauth


@pytest.mark.parametrize(
    ("env", "processes", "threads"),
    [({}, 1, 8), ({}, 2, 4), ({}, 16, 1), ({"TORCH_THREADS": "2"}, 1, 2), ({"TORCH_THREADS": "0"}, 4, 2)],
    ids=["one-process", "two-processes", "more-processes-than-cores", "set", "zero-is-auto"],
)
def test_torch_threads_share_the_cores_out(
    env: dict[str, str], processes: int, threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.adapters import pool as pool_module

    monkeypatch.setattr("bot.adapters.pool.os.cpu_count", lambda: 8)
    pool = pool_module.SummariserPool(load_settings(env, dotenv_path=None), processes, timeout_s=60)
    assert pool.threads == threads
