"""The action item store: kept once, listed soonest due first, closed by owner, forgotten with its message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bot.slack.storage.items import ActionItem
from bot.slack.storage.messages import Store

C = "C0GENERAL"


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store(database_url)
    yield s
    s.close()


def _item(text: str, owner: str = "U0BO", ts: str = "100.000001", due: date | None = None, **more: str) -> ActionItem:
    values = {"team_id": "T1", "channel_id": C, "thread_ts": "100.000000", "message_ts": ts, "owner_id": owner,
              "text": text, "due_phrase": "by Friday" if due else None, "due_date": due, **more}
    return ActionItem(**values)  # type: ignore[arg-type]


def test_open_items_are_the_owners_soonest_due_first(store: Store) -> None:
    store.items.keep([
        _item("write the notes"),
        _item("fix the export", due=date(2026, 12, 11)),
        _item("ship the dashboard", due=date(2026, 12, 4)),
        _item("review the budget", owner="U0ANA"),
    ])
    assert [o.item.text for o in store.items.open_items("U0BO")] == [
        "ship the dashboard", "fix the export", "write the notes"]
    assert [o.item.text for o in store.items.open_items("U0ANA")] == ["review the budget"]


def test_found_again_it_is_one_item_and_stays_done(store: Store) -> None:
    store.items.keep([_item("fix the export")])
    (found,) = store.items.open_items("U0BO")
    assert store.items.mark_done(found.id, "U0BO")
    store.items.keep([_item("Fix  the export", due=date(2026, 12, 4))])
    assert store.items.open_items("U0BO") == []


def test_only_the_owner_marks_an_item_done(store: Store) -> None:
    store.items.keep([_item("fix the export")])
    (found,) = store.items.open_items("U0BO")
    assert not store.items.mark_done(found.id, "U0ANA")
    assert not store.items.mark_done("no-such-item", "U0BO")
    assert store.items.open_items("U0BO") == [found]


def test_a_later_reply_by_the_owner_closes_the_threads_items(store: Store) -> None:
    store.items.keep([_item("fix the export"), _item("later task", ts="300.0"), _item("Ana's task", owner="U0ANA")])
    assert store.items.close_by_reply(C, "100.000000", "U0BO", "200.0") == 1
    assert [o.item.text for o in store.items.open_items("U0BO")] == ["later task"]
    assert len(store.items.open_items("U0ANA")) == 1


def test_deleting_the_message_deletes_its_items(store: Store) -> None:
    store.items.keep([_item("fix the export"), _item("other", ts="101.0")])
    store.delete_message(C, "100.000001")
    assert [o.item.text for o in store.items.open_items("U0BO")] == ["other"]


def test_digest_off_keeps_items_but_losing_the_conversation_forgets_them(store: Store) -> None:
    store.items.keep([_item("fix the export")])
    store.forget_conversation(C, items=False)
    assert len(store.items.open_items("U0BO")) == 1
    store.forget_conversation(C)
    assert store.items.open_items("U0BO") == []


def test_an_uninstalled_workspace_loses_its_items(store: Store) -> None:
    store.items.keep([_item("fix the export"), _item("elsewhere", team_id="T2")])
    assert store.items.forget_team("T1") == 1
    assert [o.item.text for o in store.items.open_items("U0BO")] == ["elsewhere"]
