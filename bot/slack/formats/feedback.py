"""The feedback buttons under an answer, and reading a vote back from a click.

Each button's value names the vote and the job kind that wrote the answer (``good:catchup``),
so a click alone says what was rated; :func:`read_vote` accepts only values of that shape.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.slack.formats import strings
from bot.slack.formats.blocks import MAX_BLOCKS, fit_blocks

Block = dict[str, Any]
FEEDBACK_ACTION = "answer_feedback"
"""The ``action_id`` of the feedback buttons."""
_VALUE = re.compile(r"^(good|bad):([a-z_]{1,32})$")


def feedback_block(kind: str) -> Block:
    """A ``context_actions`` block with thumbs up and down for an answer of ``kind``."""
    return {
        "type": "context_actions",
        "elements": [
            {
                "type": "feedback_buttons",
                "action_id": FEEDBACK_ACTION,
                "positive_button": {
                    "text": {"type": "plain_text", "text": strings.FEEDBACK_GOOD},
                    "accessibility_label": strings.FEEDBACK_GOOD, "value": f"good:{kind}",
                },
                "negative_button": {
                    "text": {"type": "plain_text", "text": strings.FEEDBACK_BAD},
                    "accessibility_label": strings.FEEDBACK_BAD, "value": f"bad:{kind}",
                },
            }
        ],
    }


def with_feedback(content: Sequence[Block], kind: str) -> list[Block]:
    """``content`` within Slack's limits with the feedback buttons last."""
    return [*fit_blocks(content, MAX_BLOCKS - 1), feedback_block(kind)]


def read_vote(value: object) -> tuple[str, str] | None:
    """``(vote, kind)`` from a feedback button's value, or ``None`` for anything else."""
    match = _VALUE.match(value) if isinstance(value, str) else None
    return (match[1], match[2]) if match else None
