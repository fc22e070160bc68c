"""The agent view's units: DM jobs, the answer's reply, feedback votes and their counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.settings import Settings
from bot.slack.formats import strings
from bot.slack.formats.blocks import MAX_BLOCKS
from bot.slack.formats.feedback import FEEDBACK_ACTION, read_vote, with_feedback
from bot.slack.jobs.replies import make_reply
from bot.slack.jobs.spec import agent_target
from bot.slack.listeners import agent
from bot.slack.stats import feedback_json, feedback_table
from bot.slack.storage.feedback import Tally
from bot.slack.storage.messages import Store
from tools.fakeslack import FakeSlack

DM = "D0ANA"
BODY = {"event_id": "Ev1", "team_id": "T1"}


@dataclass
class _Queue:
    jobs: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def submit(self, key: str, kind: str, payload: dict[str, Any]) -> Any:
        self.jobs.append((key, kind, payload))


@dataclass
class _Deps:
    queue: _Queue
    store: Any = None


def _dm(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "message", "channel": DM, "channel_type": "im", "user": "U0ANA", "text": text,
            "ts": "1700000000.000100", **extra}


@pytest.mark.parametrize(
    ("text", "kind", "args"),
    [
        ("catch me up since Monday", "catchup",
         {"user": "U0ANA", "since": {"kind": "weekday", "count": 0}, "channels": [], "team_id": "T1",
          "enterprise_id": None}),
        ("my action items", "my_items", {"user": "U0ANA", "team_id": "T1", "enterprise_id": None}),
        ("summarise <#C0ENG|eng> last 2 days", "agent_channel",
         {"channel": "C0ENG", "user": "U0ANA", "since": {"kind": "days", "count": 2}}),
        ("<https://example.com/a>", "summarise_url", {"url": "https://example.com/a"}),
        ("help", "notice", {"text": strings.AGENT_HELP}),
        ("Summarise a channel", "notice", {"text": strings.AGENT_WHICH}),
    ],
)
def test_a_dm_becomes_the_job_it_asks_for(text: str, kind: str, args: dict[str, Any]) -> None:
    queue = _Queue()
    agent.handle_message(_Deps(queue), BODY, _dm(text))  # type: ignore[arg-type]
    [(key, stored_kind, payload)] = queue.jobs
    assert key == "event:Ev1" and stored_kind == kind and payload["args"] == args
    rated = None if kind == "notice" else kind
    assert payload["reply"] == agent_target(DM, "1700000000.000100", "U0ANA", rated)


def test_a_dm_inside_a_thread_is_answered_in_that_thread() -> None:
    queue = _Queue()
    agent.handle_message(_Deps(queue), BODY, _dm("catch me up", thread_ts="1699999999.000001"))  # type: ignore[arg-type]
    assert queue.jobs[0][2]["reply"]["thread_ts"] == "1699999999.000001"


@pytest.mark.parametrize(
    "event",
    [
        _dm("catch me up", bot_id="B1"),
        _dm("catch me up", subtype="message_changed"),
        _dm("catch me up", channel_type="channel"),
        {**_dm("catch me up"), "user": None},
    ],
    ids=["the bot's own", "an edit", "a channel", "no user"],
)
def test_only_a_persons_new_dm_is_a_request(event: dict[str, Any]) -> None:
    assert not agent.is_dm_request(event)


def test_only_the_messages_tab_sets_prompts() -> None:
    assert agent.is_messages_tab({"tab": "messages", "channel": DM})
    assert not agent.is_messages_tab({"tab": "home", "channel": DM})


def test_feedback_blocks_fit_and_carry_the_kind() -> None:
    many = [{"type": "section", "text": {"type": "mrkdwn", "text": f"line {i}"}} for i in range(60)]
    rated = with_feedback(many, "catchup")
    assert len(rated) == MAX_BLOCKS
    buttons = rated[-1]["elements"][0]
    assert rated[-1]["type"] == "context_actions" and buttons["type"] == "feedback_buttons"
    assert buttons["action_id"] == FEEDBACK_ACTION
    assert read_vote(buttons["positive_button"]["value"]) == ("good", "catchup")
    assert read_vote(buttons["negative_button"]["value"]) == ("bad", "catchup")
    for forged in ("meh:catchup", "good:", "good:DROP TABLE", None, 3):
        assert read_vote(forged) is None


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store(database_url)
    yield opened
    opened.close()


def _click(value: str, user: str = "U0ANA", ts: str = "1700000001.000100") -> dict[str, Any]:
    return {"actions": [{"type": "feedback_buttons", "action_id": FEEDBACK_ACTION, "value": value}],
            "container": {"channel_id": DM, "message_ts": ts}, "user": {"id": user}, "team": {"id": "T1"}}


def test_a_vote_is_stored_once_per_person_and_answer(store: Store) -> None:
    deps = _Deps(_Queue(), store)
    agent.handle_feedback(deps, _click("good:catchup"))  # type: ignore[arg-type]
    agent.handle_feedback(deps, _click("bad:catchup"))  # type: ignore[arg-type]  # a change of mind
    agent.handle_feedback(deps, _click("good:catchup", user="U0BO"))  # type: ignore[arg-type]
    agent.handle_feedback(deps, _click("good:my_items", ts="1700000002.000100"))  # type: ignore[arg-type]
    agent.handle_feedback(deps, _click("great:catchup"))  # type: ignore[arg-type]  # not a vote
    assert store.feedback.counts() == [Tally("catchup", good=1, bad=1), Tally("my_items", good=1)]
    assert store.feedback.forget_team("T1") == 3 and store.feedback.counts() == []


def test_the_stats_report() -> None:
    tallies = [Tally("catchup", 3, 1), Tally("summarise_url", 0, 2)]
    table = feedback_table(tallies).splitlines()
    assert table[1].split() == ["answer", "good", "bad", "votes", "good", "%"]
    assert table[2].split() == ["catchup", "3", "1", "4", "75%"]
    assert table[-1].split() == ["all", "3", "3", "6", "50%"]
    assert json.loads(feedback_json(tallies)) == {
        "kinds": {"catchup": {"good": 3, "bad": 1}, "summarise_url": {"good": 0, "bad": 2}}, "good": 3, "bad": 3,
    }


def test_the_agent_reply_shows_a_status_then_answers_in_the_thread_with_feedback() -> None:
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        target = agent_target(DM, "1700000000.000100", "U0ANA", "catchup")
        reply = make_reply(client, target, job_id="j1", created_at=0.0)
        reply.progress(strings.PROGRESS_CATCHUP)
        reply.finish([{"type": "section", "text": {"type": "mrkdwn", "text": "the answer"}}], "the answer")
        reply.fail("it broke")
        [status] = fake.calls_to("assistant.threads.setStatus")
        assert status["channel_id"] == DM and status["thread_ts"] == "1700000000.000100"
        assert status["loading_messages"] == [strings.progress(strings.PROGRESS_CATCHUP)]
        answer, error = fake.posted
        assert answer["thread_ts"] == error["thread_ts"] == "1700000000.000100"
        assert answer["blocks"][-1]["type"] == "context_actions"
        assert "it broke" in error["text"] and "context_actions" not in json.dumps(error.get("blocks"))
        methods = [name for name, _ in fake.calls]
        assert methods.index("assistant.threads.setStatus") < methods.index("chat.postMessage")


def test_the_stats_command_reads_the_database(
    store: Store, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import cli

    store.feedback.record(DM, "1.0", "U0ANA", "good", "catchup")
    monkeypatch.setattr(cli, "load_settings", lambda: Settings(database_url=database_url))
    assert cli.main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["kinds"] == {"catchup": {"good": 1, "bad": 0}}


def test_membership_is_read_over_every_page_and_fails_closed() -> None:
    from bot.slack.reading import has_member

    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        fake.members = {"C0BIG": [f"U{i:05d}" for i in range(2500)]}
        assert has_member(client, "C0BIG", "U02499") and not has_member(client, "C0BIG", "U0ANA")
        assert len(fake.calls_to("conversations.members")) == 3 + 3
        assert not has_member(client, "G0HIDDEN", "U00001")  # Slack will not list it: not a member


def test_the_feedback_block_is_what_slack_sdk_builds() -> None:
    from slack_sdk.models.blocks import Block, ContextActionsBlock

    from bot.slack.formats.feedback import feedback_block

    ours = feedback_block("my_items")
    parsed = Block.parse(ours)
    assert isinstance(parsed, ContextActionsBlock)
    assert parsed.to_dict() == ours  # validates lengths and required fields on the way
