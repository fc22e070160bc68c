"""End to end: what is deleted stays deleted, a conversation the bot left is forgotten,
digests are posted once, and a long thread is read where it ends (FakeSlack, real models)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, timedelta
from typing import Any

import pytest

from bot.slack.formats import strings
from tests.support.e2e import make_bot
from tests.support.slackapp import LocalSlackApp
from tools.fakeslack import BOT_USER_ID, FakeSlack

CHANNEL = "C0TRUST"
SECRETS = ("SECRET-ALPHA-7731", "SECRET-BRAVO-0452")
FILLER = (
    "The port authority will publish the new crane schedule next week and every shift lead should "
    "read it before Monday. Ships waiting at anchor fell from twelve to four after the second crane "
    "started work, and the night shift now clears the backlog by six in the morning. The training "
    "room is booked for Thursday afternoon so new operators can practise on the simulator. Please "
    "send your questions about the rota to the harbour office by Wednesday evening at the latest. "
)

@pytest.fixture
def bot(fake: FakeSlack, summariser: Any, database_url: str) -> Iterator[LocalSlackApp]:
    running = make_bot(fake, summariser, database_url)
    yield running
    running.close()


def command(bot: LocalSlackApp, fake: FakeSlack, text: str, name: str, channel: str = CHANNEL) -> dict[str, Any]:
    """``/summarise text`` by Ana; the ack's JSON."""
    status, body = bot.command(text, fake.response_url(name), channel=channel, user="U0ANA")
    assert status == 200
    return json.loads(body) if body.startswith("{") else {"text": body}


def answer(fake: FakeSlack, name: str, timeout: float = 90.0) -> dict[str, Any]:
    """The response_url POST named ``name`` (waiting for it)."""
    deadline = time.monotonic() + timeout
    while True:
        for path, body in list(fake.responses):
            if path == f"/response/{name}":
                return body
        assert time.monotonic() < deadline, f"no answer at {name}: {[p for p, _ in fake.responses]}"
        time.sleep(0.05)


def long_message(ts: float, user: str, opening: str) -> dict[str, Any]:
    """A message long enough to be a digest item (its first line is the item's title)."""
    return {"type": "message", "ts": f"{ts:.6f}", "user": user, "text": f"{opening}\n{FILLER}"}


def everything_sent(fake: FakeSlack) -> str:
    """Every Web API call's parameters and every response_url POST the bot made."""
    return json.dumps(fake.calls, ensure_ascii=False) + json.dumps(fake.responses, ensure_ascii=False)


def stored_texts(bot: LocalSlackApp, channel: str = CHANNEL) -> list[str]:
    return [m.text for m in bot.deps.store.messages_between(channel, 0, time.time() + 60)]


def digests(fake: FakeSlack, channel: str = CHANNEL) -> list[dict[str, Any]]:
    return [p for p in list(fake.posted) if p.get("channel") == channel and strings.DIGEST_TITLE in json.dumps(p)]


# -- the store follows Slack --------------------------------------------------------------


def test_text_edited_away_or_deleted_while_the_digest_was_off_never_comes_back(
    bot: LocalSlackApp, fake: FakeSlack
) -> None:
    """digest daily, digest off, a secret edited away and another deleted, digest daily, digest now."""
    now = time.time()
    fake.messages[CHANNEL] = [
        long_message(now - 3000, "U0ANA", f"Door codes: {SECRETS[0]} for the east gate."),
        long_message(now - 2000, "U0BO", f"Vendor login {SECRETS[1]} for the crane portal."),
        long_message(now - 1000, "U0ANA", "Crane schedule update for the harbour team."),
    ]
    command(bot, fake, "digest daily", "sub1")
    assert "daily digest" in answer(fake, "sub1")["text"]
    assert any(SECRETS[0] in text for text in stored_texts(bot))

    assert "stopped" in command(bot, fake, "digest off", "off")["text"]
    assert stored_texts(bot) == [] and bot.deps.store.subscription(CHANNEL) is None

    edited = fake.edit_message(CHANNEL, f"{now - 3000:.6f}", f"Door codes are in the vault now.\n{FILLER}")
    deleted = fake.delete_message(CHANNEL, f"{now - 2000:.6f}")
    assert bot.event(edited)[0] == 200 and bot.event(deleted)[0] == 200

    command(bot, fake, "digest daily", "sub2")
    assert "daily digest" in answer(fake, "sub2")["text"]
    command(bot, fake, "digest now", "now")
    assert answer(fake, "now")["text"] == strings.DIGEST_POSTED
    bot.wait_idle()

    [digest] = digests(fake)
    assert "vault" in json.dumps(digest) and "Crane schedule update" in json.dumps(digest)
    sent = everything_sent(fake)
    assert SECRETS[0] not in sent and SECRETS[1] not in sent
    assert all(secret not in text for text in stored_texts(bot) for secret in SECRETS)


def test_a_back_fill_replaces_edits_and_drops_deletes_the_bot_missed(bot: LocalSlackApp, fake: FakeSlack) -> None:
    """Subscribed, then edits and deletes whose events never arrived: subscribing again
    (a new time) reads the window again and the store ends as Slack shows it."""
    now = time.time()
    fake.messages[CHANNEL] = [
        long_message(now - 3000, "U0ANA", f"Door codes: {SECRETS[0]} for the east gate."),
        long_message(now - 2000, "U0BO", f"Vendor login {SECRETS[1]} for the crane portal."),
        {"type": "message", "ts": f"{now - 1500:.6f}", "user": "U0BO", "text": "Who has the forklift keys?",
         "thread_ts": f"{now - 1500:.6f}"},
        {"type": "message", "ts": f"{now - 1400:.6f}", "user": "U0ANA", "thread_ts": f"{now - 1500:.6f}",
         "text": f"They are in locker {SECRETS[0]}."},
        long_message(now - 1000, "U0ANA", "Crane schedule update for the harbour team."),
    ]
    command(bot, fake, "digest daily", "sub1")
    answer(fake, "sub1")
    assert sum(SECRETS[0] in text for text in stored_texts(bot)) == 2

    fake.edit_message(CHANNEL, f"{now - 3000:.6f}", f"Door codes are in the vault now.\n{FILLER}")  # events lost
    fake.delete_message(CHANNEL, f"{now - 2000:.6f}")
    fake.delete_message(CHANNEL, f"{now - 1400:.6f}")
    command(bot, fake, "digest daily 10:30", "sub2")
    assert "10:30" in answer(fake, "sub2")["text"]

    texts = stored_texts(bot)
    assert len(texts) == 3 and any("vault" in text for text in texts)
    assert all(secret not in text for text in texts for secret in SECRETS)


def test_edits_and_deletes_reach_messages_stored_for_an_unsubscribed_channel(bot: LocalSlackApp) -> None:
    """A message stored by a race with ``digest off`` still follows Slack; nothing new is stored."""
    store = bot.deps.store
    now = time.time()
    store.save_message(CHANNEL, f"{now - 30:.6f}", f"the code is {SECRETS[0]}", "U0ANA")
    store.save_message(CHANNEL, f"{now - 20:.6f}", f"the login is {SECRETS[1]}", "U0ANA")
    events: list[dict[str, Any]] = [
        {"type": "message", "subtype": "message_changed", "hidden": True, "channel": CHANNEL,
         "ts": f"{now - 5:.6f}", "event_ts": f"{now - 5:.6f}",
         "message": {"type": "message", "user": "U0ANA", "ts": f"{now - 30:.6f}", "text": "the code is in the vault",
                     "edited": {"user": "U0ANA", "ts": f"{now - 5:.6f}"}}},
        {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": CHANNEL,
         "ts": f"{now - 4:.6f}", "deleted_ts": f"{now - 20:.6f}", "event_ts": f"{now - 4:.6f}"},
        {"type": "message", "channel": CHANNEL, "user": "U0BO", "ts": f"{now - 3:.6f}", "text": "not stored"},
    ]
    for event in events:
        assert bot.event(event)[0] == 200
    assert stored_texts(bot) == ["the code is in the vault"]


# -- the bot leaving a conversation -------------------------------------------------------


def _subscribed_with_messages(bot: LocalSlackApp, fake: FakeSlack, channel: str) -> None:
    now = time.time()
    fake.messages[channel] = [long_message(now - 600, "U0ANA", f"Gate code {SECRETS[0]} for the night shift.")]
    command(bot, fake, "digest daily", "sub", channel=channel)
    assert "daily digest" in answer(fake, "sub")["text"]
    assert stored_texts(bot, channel)


@pytest.mark.parametrize(
    ("channel", "event"),
    [
        ("C0LEFT", "removed"),
        ("G0PRIVATE", "removed"),
        ("C0LEFT", "member_left_channel"),
        ("C0LEFT", "channel_archive"),
        ("C0LEFT", "channel_deleted"),
        ("G0PRIVATE", "group_deleted"),
    ],
)
def test_the_bot_removed_from_a_conversation_forgets_it(
    bot: LocalSlackApp, fake: FakeSlack, channel: str, event: str
) -> None:
    _subscribed_with_messages(bot, fake, channel)
    if event == "removed":  # channel_left / group_left, as Slack sends them to the bot
        payload = fake.remove_bot(channel)
    else:
        fake.remove_bot(channel)
        payload = {"type": event, "channel": channel, "event_ts": f"{time.time():.6f}"}
        if event == "member_left_channel":
            payload |= {"user": BOT_USER_ID, "channel_type": "C", "team": "T1"}
    assert bot.event(payload)[0] == 200

    assert stored_texts(bot, channel) == [] and bot.deps.store.subscription(channel) is None
    assert "has no digest" in command(bot, fake, "digest status", "status", channel=channel)["text"]
    command(bot, fake, "channel 24h", "recap", channel=channel)
    recap = answer(fake, "recap")
    assert "/invite" in recap["text"]  # Slack's not_in_channel, not a recap from the store
    bot.wait_idle()
    assert SECRETS[0] not in everything_sent(fake)


def test_another_member_leaving_changes_nothing(bot: LocalSlackApp, fake: FakeSlack) -> None:
    _subscribed_with_messages(bot, fake, CHANNEL)
    left = {"type": "member_left_channel", "user": "U0BO", "channel": CHANNEL, "channel_type": "C", "team": "T1"}
    assert bot.event(left)[0] == 200
    assert stored_texts(bot) and bot.deps.store.subscription(CHANNEL) is not None


def test_a_removal_missed_while_the_bot_was_down_is_caught_before_the_store_is_read(
    bot: LocalSlackApp, fake: FakeSlack
) -> None:
    _subscribed_with_messages(bot, fake, CHANNEL)
    fake.remove_bot(CHANNEL)  # no event reaches the bot
    command(bot, fake, "channel 24h", "recap")
    assert "/invite" in answer(fake, "recap")["text"]
    bot.wait_idle()
    assert stored_texts(bot) == [] and bot.deps.store.subscription(CHANNEL) is None
    assert SECRETS[0] not in everything_sent(fake)


# -- digests exactly once -----------------------------------------------------------------


def _post_then_lose_the_answer(fake: FakeSlack) -> None:
    """The next chat.postMessage is posted, but its answer never reaches the bot (as if the
    bot died right after Slack took the post): Slack answers 500 internal_error."""

    def posted_but_lost(params: dict[str, Any]) -> dict[str, Any]:
        fake._post(params)
        return {"ok": False, "error": "internal_error"}

    fake.set_response("chat.postMessage", posted_but_lost, status=500, times=1)


def test_a_scheduled_digest_interrupted_after_its_post_is_posted_once(bot: LocalSlackApp, fake: FakeSlack) -> None:
    now = time.time()
    fake.messages[CHANNEL] = [long_message(now - 600, "U0ANA", "Crane schedule update for the harbour team.")]
    command(bot, fake, "digest daily", "sub")
    answer(fake, "sub")
    fire = bot.scheduler.next_run(CHANNEL)
    _post_then_lose_the_answer(fake)
    assert bot.scheduler.run_due(fire.astimezone(UTC) + timedelta(minutes=1)) == [CHANNEL]
    fake.wait_for("chat.update", 1, timeout=120)  # the resumed job found its post and adopted it
    bot.wait_idle()
    assert len(digests(fake)) == 1
    [posted] = digests(fake)
    assert posted["metadata"]["event_type"] == "summariser_job"
    assert fake.calls_to("chat.update")[0]["ts"] == posted["ts"]
    assert bot.deps.store.jobs.counts() == {"done": 2}


def test_digest_now_interrupted_after_its_post_says_it_posted(bot: LocalSlackApp, fake: FakeSlack) -> None:
    now = time.time()
    fake.messages[CHANNEL] = [long_message(now - 600, "U0ANA", "Crane schedule update for the harbour team.")]
    command(bot, fake, "digest daily", "sub")
    answer(fake, "sub")
    _post_then_lose_the_answer(fake)
    command(bot, fake, "digest now", "now")
    assert answer(fake, "now", timeout=120)["text"] == strings.DIGEST_POSTED
    bot.wait_idle()
    assert len(digests(fake)) == 1


def test_digest_now_in_a_channel_without_a_digest_says_so(bot: LocalSlackApp, fake: FakeSlack) -> None:
    command(bot, fake, "digest now", "now")
    assert "has no digest" in answer(fake, "now")["text"]
    assert fake.posted == []


# -- no silent cuts -----------------------------------------------------------------------

_TOPICS = ("the venue", "the budget", "the agenda", "the travel plan", "the catering", "the speakers")
_CHATTER = (
    "I looked at {t} again this morning and I still have questions.",
    "Has anyone heard back from the vendor about {t}?",
    "My notes on {t} are in the shared folder.",
    "We should compare {t} with what we did last year.",
    "I am not sure {t} is settled yet.",
    "Can we talk about {t} at the next sync?",
    "There are two options for {t} and both have trade-offs.",
)


def test_a_3000_message_thread_is_read_where_it_ends(bot: LocalSlackApp, fake: FakeSlack) -> None:
    """Its decision is in its last replies: the reply shows it and says how much was read."""
    parent_ts = time.time() - 3 * 86_400
    users = ("U0ANA", "U0BO")
    thread = [{"type": "message", "ts": f"{parent_ts:.6f}", "user": "U0ANA", "thread_ts": f"{parent_ts:.6f}",
               "text": "Where do we hold the team offsite in May? Options are Porto, Lisbon or Madrid."}]
    for i in range(1, 2997):
        chatter = _CHATTER[i % len(_CHATTER)].format(t=_TOPICS[i % len(_TOPICS)])
        thread.append({"type": "message", "ts": f"{parent_ts + i * 60:.6f}", "user": users[i % 2],
                       "thread_ts": f"{parent_ts:.6f}", "text": chatter})
    for i, (user, text) in enumerate([
        ("U0BO", "Porto is cheaper and the venue has room for all forty of us."),
        ("U0ANA", "We decided to hold the offsite in Porto on 14 May."),
        ("U0BO", "Great, I will tell the team."),
    ], start=2997):
        thread.append({"type": "message", "ts": f"{parent_ts + i * 60:.6f}", "user": user,
                       "thread_ts": f"{parent_ts:.6f}", "text": text})
    fake.messages[CHANNEL] = thread
    mention = {"type": "app_mention", "user": "U0ANA", "text": "<@UBOT> where did we land?",
               "ts": f"{time.time():.6f}", "thread_ts": f"{parent_ts:.6f}", "channel": CHANNEL}
    assert bot.event(mention)[0] == 200
    reply = json.dumps(fake.wait_for("chat.update", 1, timeout=240)[0], ensure_ascii=False)
    assert "We decided to hold the offsite in Porto on 14 May." in reply
    # 3,000 from people and the bot's "Summarising…" placeholder, a reply like any other.
    assert "This thread has 3,001 messages; I read its first message and the newest 999 replies." in reply
    assert len(fake.calls_to("conversations.replies")) <= 8  # not 15 pages from the start
