"""Which extracted items are kept, and how items read in a reply and in App Home."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, cast

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.core.types import Priority
from bot.slack.deps import Services
from bot.slack.formats import items as item_blocks
from bot.slack.formats import strings
from bot.slack.items.keep import action_items
from bot.slack.storage.items import ActionItem

C = "C0GENERAL"
RAW = [
    {"ts": "1764842400.000100", "user": "U0ANA", "text": "<@U0BO> please fix the export page by Friday"},
    {"ts": "1764842460.000200", "user": "U0ANA", "text": "and ship it", "thread_ts": "1764842400.000100"},
]
LINKS = {m["ts"]: f"https://example.slack.com/archives/{C}/p{m['ts'].replace('.', '')}" for m in RAW}


class _Users:
    def tz(self, user_id: str) -> str:
        return "Asia/Shanghai" if user_id == "U0BO" else "not/a-zone"


def _services() -> Services:
    return cast(Services, type("S", (), {"users": _Users(), "client": None})())


def test_only_items_owned_by_a_participant_are_kept() -> None:
    priorities = [
        Priority("Fix the export page", "Bo", "by Friday", RAW[0]["ts"], "U0BO"),
        Priority("Ship it", "Ana", None, RAW[1]["ts"], "U0ANA"),
        Priority("Pasted task", "Cy", None, RAW[0]["ts"], "U0CY"),  # an id no message here carries
        Priority("No owner", None, None, RAW[0]["ts"], None),
    ]
    kept = action_items(_services(), C, priorities, RAW, team_id="T1", permalinks=LINKS)
    assert [(i.owner_id, i.text, i.thread_ts) for i in kept] == [
        ("U0BO", "Fix the export page", RAW[0]["ts"]), ("U0ANA", "Ship it", RAW[0]["ts"])]
    # 2025-12-04 10:00 UTC is Thursday 18:00 in Shanghai: "by Friday" is the next day.
    assert kept[0].due_date == date(2025, 12, 5) and kept[0].permalink == LINKS[RAW[0]["ts"]]
    assert kept[1].due_date is None and kept[0].team_id == "T1"


def _item(text: str, due: date | None = None, phrase: str | None = None) -> ActionItem:
    return ActionItem("T1", C, "1.0", "1.0", "U0BO", text, phrase, due, "https://example.slack.com/archives/C/p1")


def test_item_lines_escape_content_and_mark_overdue_items() -> None:
    line = item_blocks.item_line(_item("ping <!channel> & fix", date(2026, 12, 1), "by Tuesday"), date(2026, 12, 2))
    assert "<!channel>" not in line and "&lt;!channel&gt;" in line and "&amp;" in line
    assert "due by Tuesday" in line and "2026-12-01" in line and strings.ITEM_OVERDUE in line
    assert f"<#{C}>" in line and "<https://example.slack.com/archives/C/p1|thread>" in line
    later = item_blocks.item_line(_item("fix", date(2026, 12, 3), "tomorrow"), date(2026, 12, 2))
    assert strings.ITEM_OVERDUE not in later


def test_the_home_view_stays_within_slacks_block_limit() -> None:
    items = [(f"id{n}", _item(f"task {n}")) for n in range(150)]
    digests = [{"channel": f"C{n}", "cadence": "daily", "when": "every day at 09:00", "tz": "UTC",
                "next_run": "soon"} for n in range(5)]
    view: dict[str, Any] = item_blocks.home_view(items, digests, date(2026, 12, 2))
    assert view["type"] == "home" and len(view["blocks"]) <= item_blocks.MAX_HOME_BLOCKS
    assert "more" in json.dumps(view) and json.dumps(view).count('"digest_stop"') == 5
    View(**view).validate_json()  # slack_sdk's Block Kit validation
    for block in item_blocks.my_items_blocks(items, date(2026, 12, 2)):
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()


def test_the_reply_lists_items_numbered_or_says_there_are_none() -> None:
    assert json.dumps(item_blocks.my_items_blocks([], date(2026, 12, 2))).count(strings.MY_ITEMS_NONE) == 1
    blocks = item_blocks.my_items_blocks([("id1", _item("first")), ("id2", _item("second"))], date(2026, 12, 2))
    text = json.dumps(blocks)
    assert "1. first" in text and "2. second" in text and strings.MY_ITEMS_HINT in text
    assert [b["accessory"]["value"] for b in blocks if "accessory" in b] == ["id1", "id2"]
