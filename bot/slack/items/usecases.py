"""The action item jobs: "my action items" in a DM, the App Home tab, its digest buttons.

``my_items`` answers from the item store only (no Slack call), so it is instant. The App
Home is published by a job (``home_publish``) because listing the viewer's digests asks
Slack which channels the viewer is in; the buttons change the store and publish it again.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError

from bot.slack.deps import Services
from bot.slack.digests.schedule import schedule_words
from bot.slack.formats import items as item_blocks
from bot.slack.jobs.spec import HOME_DIGEST, HOME_PUBLISH, MY_ITEMS, Outcome, Payload, UseCase

logger = logging.getLogger(__name__)

MEMBERS_PAGE = 200


def _today(services: Services, user: str) -> date:
    try:
        zone = ZoneInfo(services.users.tz(user))
    except (ValueError, LookupError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


def my_items(services: Services, payload: Payload) -> Outcome:
    """The asker's open action items, soonest due first, with links to their threads.

    ``payload``: ``{"user": asker id}`` (``team_id``/``enterprise_id`` may ride along).
    """
    user = str(payload["user"])
    found = [(o.id, o.item) for o in services.store.items.open_items(user)]
    content = item_blocks.my_items_blocks(found, _today(services, user))
    return Outcome(content, item_blocks.my_items_text([item for _id, item in found]))


def _members(services: Services, channel: str) -> frozenset[str]:
    try:
        # A SlackResponse iterates over its cursor's pages.
        pages = services.client.conversations_members(channel=channel, limit=MEMBERS_PAGE)
        return frozenset(str(user) for page in pages for user in page.get("members") or [])
    except SlackApiError as exc:  # the bot left, or the channel is gone: nobody sees its digest here
        logger.info("conversations.members %s: %s", channel, exc.response.get("error"))
        return frozenset()


def _viewer_digests(services: Services, user: str) -> list[dict[str, str]]:
    """The digest status of each subscribed channel the viewer is a member of."""
    found: list[dict[str, str]] = []
    for sub in services.store.subscriptions():
        if user in _members(services, sub.channel_id):
            words = schedule_words(services.store, sub.channel_id)
            if words is not None:
                found.append(words)
    return found


def home_publish(services: Services, payload: Payload) -> None:
    """Publish the viewer's App Home: open items with "Done" buttons, their channels' digests."""
    user = str(payload["user"])
    items = [(o.id, o.item) for o in services.store.items.open_items(user)]
    view = item_blocks.home_view(items, _viewer_digests(services, user), _today(services, user))
    services.client.views_publish(user_id=user, view=view)


def home_digest(services: Services, payload: Payload) -> None:
    """A digest button of App Home: switch the channel to daily or weekly, or stop its digest.

    Only a member of the channel may (the view lists only their channels; the check is
    repeated here), then the viewer's App Home is published again.
    """
    user, channel, setting = str(payload["user"]), str(payload["channel"]), str(payload["setting"])
    sub = services.store.subscription(channel)
    if sub is not None and user in _members(services, channel):
        if setting == "off":
            services.store.forget_conversation(channel, items=False)
        elif setting in ("daily", "weekly"):
            weekday = (sub.weekday or 0) if setting == "weekly" else None
            services.store.subscribe(channel, setting, sub.hhmm, sub.tz, weekday=weekday, created_by=user)
    home_publish(services, {"user": user})


ITEM_USE_CASES: dict[str, UseCase] = {
    MY_ITEMS: UseCase(None, my_items),
    HOME_PUBLISH: UseCase(None, home_publish),
    HOME_DIGEST: UseCase(None, home_digest),
}
"""The action item jobs, by the ``kind`` stored with them."""
