"""manifest.json, .env.example and the code agree: scopes, events and the connection mode."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from dotenv import dotenv_values

from bot.slack.formats import manifest, strings
from tests.conftest import REPO_ROOT

ROOT = REPO_ROOT
MANIFEST = json.loads((ROOT / "manifest.json").read_text(encoding="utf-8"))
ENV_EXAMPLE = dotenv_values(ROOT / ".env.example")


def test_scopes_and_events_match_the_code() -> None:
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == manifest.BOT_SCOPES
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) == manifest.BOT_EVENTS


def test_direct_and_group_messages_can_be_read() -> None:
    assert {"im:history", "mpim:history"} <= manifest.BOT_SCOPES
    assert {"message.im", "message.mpim"} <= manifest.BOT_EVENTS


def test_the_bot_hears_when_it_loses_a_conversation() -> None:
    """The events that make it forget a conversation, and the read scopes Slack sends them under."""
    from bot.slack.listeners.membership import GONE_EVENTS, MEMBER_LEFT

    assert {*GONE_EVENTS, MEMBER_LEFT} <= manifest.BOT_EVENTS
    assert {"channels:read", "groups:read"} <= manifest.BOT_SCOPES


def test_env_example_selects_the_manifest_mode() -> None:
    socket_mode = MANIFEST["settings"]["socket_mode_enabled"]
    assert bool(ENV_EXAMPLE.get("SLACK_APP_TOKEN")) is socket_mode
    if not socket_mode:
        assert ENV_EXAMPLE.get("SLACK_SIGNING_SECRET")


def test_requested_scopes() -> None:
    assert manifest.requested("im:history") and manifest.requested("channels:history,groups:history")
    assert not manifest.requested("channels:manage") and not manifest.requested("")


def test_the_agent_view_and_app_home_are_declared() -> None:
    features = MANIFEST["features"]
    agent = features["agent_view"]
    assert 0 < len(agent["agent_description"]) <= 300 and agent["agent_description"] == strings.AGENT_DESCRIPTION
    prompts = [(p["title"], p["message"]) for p in agent["suggested_prompts"]]
    assert prompts == list(strings.AGENT_PROMPTS) and 3 <= len(prompts) <= 4
    assert [title for title, _ in prompts] == ["Catch me up", "My action items", "Summarise a channel", "Summarise a link"]
    assert features["app_home"]["messages_tab_enabled"] and features["app_home"]["home_tab_enabled"]
    assert not features["app_home"]["messages_tab_read_only_enabled"]  # people write to the agent
    assert "assistant_view" not in features  # agent_view replaces it


def test_the_agent_view_gets_its_scopes_and_events() -> None:
    assert {"assistant:write", "chat:write", "im:history", "channels:read", "groups:read", "mpim:read"} <= manifest.BOT_SCOPES
    assert {"app_home_opened", "message.im"} <= manifest.BOT_EVENTS


def test_the_manifest_validates_against_slacks_schema() -> None:
    """Slack's published schema (slackapi/manifest-schema, v1) is not ours to ship: point
    ``SLACK_MANIFEST_SCHEMA`` at a copy to run this check."""
    jsonschema = pytest.importorskip("jsonschema")
    path = os.environ.get("SLACK_MANIFEST_SCHEMA")
    if not path:
        pytest.skip("SLACK_MANIFEST_SCHEMA names no copy of Slack's manifest schema")
    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    jsonschema.validate(MANIFEST, schema)
    too_many = json.loads(json.dumps(MANIFEST))
    too_many["features"]["agent_view"]["suggested_prompts"] *= 2
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(too_many, schema)


def test_the_bot_hears_when_it_loses_a_workspace() -> None:
    from bot.slack.listeners.uninstall import EVENTS

    assert set(EVENTS) <= manifest.BOT_EVENTS


def test_the_readme_names_the_install_pages_the_bot_serves() -> None:
    from bot.slack.install.oauth import INSTALL_PATH, REDIRECT_PATH

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"https://YOUR-HOST{REDIRECT_PATH}" in readme and f"https://YOUR-HOST{INSTALL_PATH}" in readme
    assert ENV_EXAMPLE.get("SLACK_CLIENT_ID") == "" and ENV_EXAMPLE.get("SLACK_CLIENT_SECRET") == ""


def test_the_install_set_up_flips_fields_the_manifest_has() -> None:
    """README's install set-up changes these settings; the manifest carries each, as a boolean."""
    settings = MANIFEST["settings"]
    assert all(isinstance(settings[key], bool) for key in ("socket_mode_enabled", "token_rotation_enabled", "org_deploy_enabled"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert '"socket_mode_enabled": false, "token_rotation_enabled": true, "org_deploy_enabled": true' in readme
