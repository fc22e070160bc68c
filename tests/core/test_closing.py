"""Owner replies that close a task, and those that do not."""

from __future__ import annotations

import pytest

from bot.core.thread.closing import says_done


@pytest.mark.parametrize("text", ["done", "Done!", "merged 🎉", "Shipped it.", "PR merged, thanks", "all done :tada:"])
def test_short_replies_saying_it_is_finished_close(text: str) -> None:
    assert says_done(text)


@pytest.mark.parametrize(
    "text",
    [
        "is it done?", "not done yet", "almost done", "I'll have it merged once CI passes",
        "won't be shipped this week", "can you review before it is merged",
        "done with the first half but the export page still needs a lot of work and another pass from QA",
        "looking at it now",
    ],
)
def test_questions_hedges_and_long_messages_do_not(text: str) -> None:
    assert not says_done(text)
