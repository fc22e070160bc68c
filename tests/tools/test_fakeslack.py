"""Self-test of the fake Slack Web API used by the Slack tests."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tools.fakeslack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


def _client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url)


def test_post_message_is_recorded_with_json_params(fake: FakeSlack) -> None:
    client = _client(fake)
    first = client.chat_postMessage(channel="C1", text="hello", blocks=[{"type": "divider"}])
    second = client.chat_postMessage(channel="C1", text="again")

    assert first["ok"] and first["channel"] == "C1"
    assert float(second["ts"]) > float(first["ts"])
    calls = fake.calls_to("chat.postMessage")
    assert [c["text"] for c in calls] == ["hello", "again"]
    assert calls[0]["blocks"] == [{"type": "divider"}]


def test_defaults(fake: FakeSlack) -> None:
    client = _client(fake)
    fake.users["U1"] = {
        "id": "U1",
        "name": "ada",
        "real_name": "Ada Lovelace",
        "tz": "Europe/London",
    }

    assert client.auth_test()["user_id"] == "UBOT"
    assert client.users_info(user="U1")["user"]["real_name"] == "Ada Lovelace"
    link = client.chat_getPermalink(channel="C1", message_ts="1700000000.000200")["permalink"]
    assert link == "https://example.slack.com/archives/C1/p1700000000000200"
    with pytest.raises(SlackApiError) as err:
        client.users_info(user="UNKNOWN")
    assert err.value.response["error"] == "user_not_found"


def test_replies_pagination_is_recorded(fake: FakeSlack) -> None:
    fake.messages["C1"] = [{"ts": "100.000000", "user": "U1", "text": "parent"}] + [
        {"ts": f"{101 + i}.000000", "user": "U2", "text": f"reply {i}", "thread_ts": "100.000000"}
        for i in range(4)
    ]
    client = _client(fake)
    texts: list[str] = []
    cursor = None
    while True:
        page = client.conversations_replies(channel="C1", ts="100.000000", limit=2, cursor=cursor)
        texts += [m["text"] for m in page["messages"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break

    assert texts == ["parent", "reply 0", "reply 1", "reply 2", "reply 3"]
    calls = fake.calls_to("conversations.replies")
    assert len(calls) == 3
    assert [c.get("cursor") for c in calls] == [None, "2", "4"]


def test_history_filters_orders_and_annotates_threads(fake: FakeSlack) -> None:
    fake.messages["C1"] = [
        {"ts": "100.0", "user": "U1", "text": "old"},
        {"ts": "200.0", "user": "U1", "text": "parent"},
        {"ts": "201.0", "user": "U2", "text": "reply", "thread_ts": "200.0"},
        {"ts": "300.0", "user": "U1", "text": "new"},
    ]
    page = _client(fake).conversations_history(channel="C1", oldest="150", latest="400")

    assert [m["text"] for m in page["messages"]] == ["new", "parent"]
    assert page["messages"][1]["reply_count"] == 1
    assert page["has_more"] is False


def test_override_429_then_default(fake: FakeSlack) -> None:
    fake.rate_limit("users.info", retry_after=3)
    with pytest.raises(SlackApiError) as err:
        _client(fake).users_info(user="U1")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "3"
    fake.users["U1"] = {"id": "U1", "name": "ada"}
    assert _client(fake).users_info(user="U1")["user"]["name"] == "ada"


def test_response_url_and_wait_for(fake: FakeSlack) -> None:
    def later() -> None:
        req = urllib.request.Request(
            fake.response_url("r9"),
            data=json.dumps({"text": "done"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(req, timeout=5).read()
        _client(fake).chat_update(channel="C1", ts="1.0", text="x")

    threading.Thread(target=later).start()
    assert fake.wait_for("chat.update", timeout=5)[0]["ts"] == "1.0"
    assert fake.responses == [("/response/r9", {"text": "done"})]
    with pytest.raises(TimeoutError):
        fake.wait_for("chat.delete", timeout=0.05)


def _error(call: object) -> str:
    with pytest.raises(SlackApiError) as refused:
        call()  # type: ignore[operator]
    return str(refused.value.response["error"])


def test_tokens_are_checked_per_workspace_once_one_is_registered(fake: FakeSlack) -> None:
    assert WebClient(token="xoxb-anything", base_url=fake.api_url).auth_test()["team_id"] == "T1"  # single token
    fake.add_workspace("T1", "xoxb-one")
    fake.add_workspace("T2", "xoxb-two")
    fake.channel_teams = {"C0ONE": "T1"}
    one, two = (WebClient(token=t, base_url=fake.api_url) for t in ("xoxb-one", "xoxb-two"))
    assert one.auth_test()["team_id"] == "T1" and two.auth_test()["team_id"] == "T2"
    assert one.chat_postMessage(channel="C0ONE", text="hi")["ok"]
    assert _error(lambda: two.chat_postMessage(channel="C0ONE", text="hi")) == "channel_not_found"
    assert _error(lambda: WebClient(token="xoxb-forged", base_url=fake.api_url).auth_test()) == "invalid_auth"
    assert _error(lambda: WebClient(base_url=fake.api_url).auth_test()) == "not_authed"
    fake.revoke("T2")
    assert _error(two.auth_test) == "token_revoked"
    assert [token for _, token in fake.calls_with_tokens("chat.postMessage")] == ["xoxb-one", "xoxb-two"]


def test_a_rotating_token_expires_and_its_refresh_token_works_once(fake: FakeSlack) -> None:
    from tools.fakeslack import CLIENT_ID, CLIENT_SECRET

    api = WebClient(base_url=fake.api_url)
    answer = api.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=fake.install("T3", rotating=True, expires_in=-1))
    assert _error(WebClient(token=answer["access_token"], base_url=fake.api_url).auth_test) == "token_expired"
    assert _error(lambda: api.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code="code-T3-1")) == "invalid_code"
    refreshed = api.oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_type="refresh_token", refresh_token=answer["refresh_token"]
    )
    assert WebClient(token=refreshed["access_token"], base_url=fake.api_url).auth_test()["team_id"] == "T3"
    again = lambda: api.oauth_v2_access(  # noqa: E731
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_type="refresh_token", refresh_token=answer["refresh_token"]
    )
    assert _error(again) == "invalid_refresh_token"


def test_members_are_paged_and_an_unlisted_or_left_channel_is_not_found(fake: FakeSlack) -> None:
    client = _client(fake)
    fake.members = {"C1": [f"U{n}" for n in range(5)], "C2": ["U0"]}
    pages = client.conversations_members(channel="C1", limit=2)
    assert [m for page in pages for m in page["members"]] == [f"U{n}" for n in range(5)]
    fake.left.add("C2")
    for channel in ("C2", "C3"):
        with pytest.raises(SlackApiError) as refused:
            client.conversations_members(channel=channel)
        assert refused.value.response["error"] == "channel_not_found"


def test_views_publish_keeps_each_users_home_view(fake: FakeSlack) -> None:
    client = _client(fake)
    view = {"type": "home", "blocks": [{"type": "divider"}]}
    assert client.views_publish(user_id="U1", view=view)["view"]["type"] == "home"
    assert fake.home_views == {"U1": view}
    with pytest.raises(SlackApiError):
        client.views_publish(user_id="U1", view={"type": "modal", "blocks": []})
