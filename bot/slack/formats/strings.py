"""Every user-facing sentence of the Slack layer, in one place.

Constants are plain text or mrkdwn written by us (``&lt;``/``&gt;`` where a reader should
see angle brackets: a bare ``<link>`` is Slack markup); helpers that interpolate values
take already-escaped or trusted values only (channel ids, times, counts).
"""

from __future__ import annotations

from collections.abc import Mapping

COMMAND = "/summarise"

HELP_TITLE = "Summariser: what I can do"
HELP_LINES: tuple[str, ...] = (
    f"`{COMMAND} &lt;link&gt;` summarise an article (summary, key quotes, priorities).",
    f"`{COMMAND} &lt;pasted text&gt;` summarise text you paste.",
    f"`{COMMAND} channel [24h|7d]` recap of this channel's recent discussion, "
    "thread replies included (default 24h), shown only to you.",
    f"`{COMMAND} digest daily [HH:MM]` post a digest here every day (default 09:00, your time zone).",
    f"`{COMMAND} digest weekly [mon..sun] [HH:MM]` post a digest here once a week (default Monday).",
    f"`{COMMAND} digest now` post a digest of what was shared since the last one.",
    f"`{COMMAND} digest status` show this channel's digest schedule.",
    f"`{COMMAND} digest off` stop this channel's digest.",
    "Mention me in a thread (`@Summariser`) to summarise the thread, "
    "or use the message shortcut *Summarise this* on any message.",
)
HELP_FALLBACK = HELP_TITLE + "\n" + "\n".join(HELP_LINES)

PROGRESS = "Summarising {what}…"
PROGRESS_ARTICLE = "the article"
PROGRESS_TEXT = "your text"
PROGRESS_THREAD = "this thread"
PROGRESS_CHANNEL = "this channel's recent discussion"
PROGRESS_DIGEST = "the digest"
PROGRESS_SUBSCRIBE = "this channel's recent messages for its first digest"

THREAD_TITLE = "Thread summary"
ARTICLE_TITLE = "Article summary"
MESSAGE_TITLE = "Message summary"
BOT_MESSAGE_TITLE = "Message from {name}"
CHANNEL_TITLE = "Channel recap (last {period})"
DIGEST_TITLE = "Digest: what was shared here"

SECTION_QUOTES = "*Key quotes*"
SECTION_PRIORITIES = "*Priorities*"
SECTION_DECISIONS = "*Decisions*"
NO_SUMMARY = "_No summary could be written for this input._"
TRIMMED = "_(trimmed to fit Slack's message limits)_"
MORE_ITEMS = "_…and {count} more not shown (Slack's message limits)._"
CONTEXT = "{source}Model: {model} · {seconds:.1f}s"
DIGEST_CONTEXT = "{count} item(s) shared since {since}"
DUE = "due {due}"

QUIET_DAY = "Quiet day: nothing was shared in this channel since the last digest."
DIGEST_NOTHING = "Nothing was shared in this channel since the last digest, so there is no digest to post."
DIGEST_ONLY_FAILURES = "There is no digest to post: {failures}"
FAILURE_WORDS = {
    "article": ("link could not be fetched", "links could not be fetched"),
    "thread": ("thread could not be summarised", "threads could not be summarised"),
    "message": ("message could not be summarised", "messages could not be summarised"),
}
DIGEST_POSTED = "Digest posted."
DIGEST_ALREADY_RUNNING = "A digest of this channel is being posted right now, so I did not start another."

DIGEST_SUBSCRIBED = (
    "Subscribed: I'll post a {cadence} digest in <#{channel}> {when} ({tz}). Next one: {next_run}."
)
DIGEST_UNSUBSCRIBED = "Digest stopped for <#{channel}>."
DIGEST_NOT_SUBSCRIBED = (
    f"<#{{channel}}> has no digest. Start one with `{COMMAND} digest daily` "
    f"or `{COMMAND} digest weekly`."
)
DIGEST_STATUS = "<#{channel}> gets a {cadence} digest {when} ({tz}). Next one: {next_run}."
DIGEST_UNKNOWN_NEXT = "not scheduled yet"
DIGEST_WHEN_DAILY = "every day at {hhmm}"
DIGEST_WHEN_WEEKLY = "every {weekday} at {hhmm}"
DIGEST_NO_SCHEDULER = "Digests are not available on this server (no scheduler is running)."

CATCHUP_TITLE = "Your catch-up"
CATCHUP_CONTEXT = "Since {since} · {count} channel(s) you and I are both in"
CATCHUP_NEEDS_YOU = ":bell: *Needs you:* {gist}"
CATCHUP_ITEM = ":ballot_box_with_check: *Your item:* {text}"
CATCHUP_DECISION = ":white_check_mark: *Decided:* {text}"
CATCHUP_THREAD = ":speech_balloon: {gist}"
CATCHUP_REPLIES = ("(1 new reply)", "({count} new replies)")
"""One reply, several."""
CATCHUP_OPENING = "“{words}”"
"""A thread not summarised in time, shown by its first message's words."""
CATCHUP_MORE_CHANNELS = "Also news in {channels}."
CATCHUP_ACTIVE = "People also talked in {channels}."
CATCHUP_UNREAD = (
    "{count} conversation(s) were not summarised in time (those in quotes show their first message): "
    "the ones that need you went first."
)
CATCHUP_CLAMPED = "I keep messages for {days} day(s), so this starts {since}."
CATCHUP_NOTHING = "Nothing new since {since} in the {count} channel(s) you and I are both in."
CATCHUP_NO_CHANNELS = (
    "I'm not in any channel you're in, so there is nothing I can catch you up on. Invite me to a "
    "channel with `/invite @Summariser`: from then on I keep what's said there."
)
CATCHUP_SKIPPED = "I left out {count} channel(s) you asked for: you or I are not in them."

BAD_COMMAND = "I didn't understand `{text}`. " + f"Try `{COMMAND} help`."
BAD_PERIOD = "I can recap the last `24h` or `7d` only (you wrote `{text}`)."
BAD_TIME = "`{text}` isn't a time; use 24-hour HH:MM, e.g. `08:30`."
BAD_WEEKDAY = "`{text}` isn't a weekday; use mon, tue, wed, thu, fri, sat or sun."
TOO_LONG = (
    "That text is too long to summarise here ({size:,} characters; the limit is {limit:,}). "
    "Share it as a link instead, or paste a shorter part."
)
BINARY = "That looks like binary data, not text. Paste the text itself, or share a link to the page."
NOTHING_IN_CHANNEL = "Nothing was said in this channel in the last {period}."
THREAD_PARTLY_READ = (
    "This thread has {total:,} messages; I read its first message and the newest {newest:,} replies."
)
CHANNEL_PARTLY_READ = (
    "This channel had more to read in the last {period} than I read; I read the newest {count:,} messages."
)
EMPTY_THREAD = "There is nothing in this thread to summarise yet."
NOTHING_TO_SUMMARISE = "That message has no text or link I can summarise."
MENTION_HINT = (
    "Mention me inside a thread to summarise it, or include a link to an article. "
    f"`{COMMAND} help` lists everything I can do."
)

NOT_IN_CHANNEL = (
    "I'm not a member of this channel, so I can't read or post here. "
    "Invite me with `/invite @Summariser` and try again."
)
MISSING_SCOPE = (
    "I'm missing a Slack permission for that ({needed}). The app's manifest.json asks for it, "
    "so this install predates it: ask a workspace admin to reinstall the app."
)
SCOPE_NOT_GRANTED = (
    "Slack doesn't let me do that here: it needs the {needed} permission, which this app "
    "does not ask for. Paste the text into `/summarise` instead."
)
CHANNEL_NOT_FOUND = (
    "I can't see that conversation. In a private channel, invite me with `/invite @Summariser` "
    "first; direct messages and group DMs that don't include me are closed to me, so paste the "
    "text into `/summarise` instead."
)
SLACK_ERROR = "Slack refused the request ({error}). Please try again in a minute."
GAVE_UP = (
    "Sorry, I could not finish this after several tries. The error was logged; please try again later."
)
SLACK_UNREACHABLE = "I could not reach Slack to deliver this. Please try again in a minute."
UNEXPECTED = "Sorry, something went wrong while summarising. The error was logged; please try again."


def progress(what: str) -> str:
    """The short "Summarising…" line posted before a slow job."""
    return PROGRESS.format(what=what)


def failures(counts: Mapping[str, int]) -> str:
    """What could not go into a digest, e.g. "2 links could not be fetched."."""
    parts = [
        f"{n} {FAILURE_WORDS.get(kind, FAILURE_WORDS['message'])[n != 1]}"
        for kind, n in counts.items() if n
    ]
    return "; ".join(parts) + "." if parts else ""


# -- the agent view and direct messages ---------------------------------------------------

AGENT_DESCRIPTION = (
    "Catches you up on your channels, lists your action items, and summarises a channel or a "
    "link, with a local model. Ask in plain words: \"catch me up since Monday\"."
)
AGENT_PROMPTS: tuple[tuple[str, str], ...] = (
    ("Catch me up", "Catch me up since yesterday"),
    ("My action items", "My action items"),
    ("Summarise a channel", "Summarise a channel"),
    ("Summarise a link", "Summarise a link"),
)
"""The suggested prompts of the agent view: (title, the message it sends)."""
AGENT_PROMPTS_TITLE = "Try one of these:"
AGENT_STATUS = "is working on it…"
PROGRESS_CATCHUP = "what you missed"
PROGRESS_CHANNEL_NAMED = "the channel's recent discussion"
PROGRESS_MY_ITEMS = "your action items"
AGENT_HELP_LINES: tuple[str, ...] = (
    "*catch me up* [since yesterday | since Monday | last 3 days] [#channel …]: "
    "what happened in your channels, what needs you, and your new action items.",
    "*my action items*: the open items you own, soonest due first.",
    "*summarise #channel* [last 3 days]: a recap of a channel you are in.",
    "*summarise* &lt;link&gt;: an article's summary, key quotes and priorities.",
)
AGENT_HELP = "Here is what I can do in this conversation:\n" + "\n".join(f"• {line}" for line in AGENT_HELP_LINES)
AGENT_UNCLEAR = "I'm not sure what you'd like. " + AGENT_HELP
AGENT_WHICH = (
    "What should I summarise? Name a channel (`summarise #channel last 3 days`) "
    "or paste a link (`summarise https://…`)."
)
AGENT_NOT_READY = "That isn't available on this server yet."
AGENT_NOT_A_MEMBER = "You're not a member of <#{channel}>, so I can't summarise it for you."
FEEDBACK_GOOD = "Good answer"
FEEDBACK_BAD = "Bad answer"
FEEDBACK_THANKS = "Thanks for the feedback."
MY_ITEMS_TITLE = "Your action items"
MY_ITEMS_NONE = "You have no open action items. Items I find in threads and channels I summarise appear here."
MY_ITEMS_MORE = "_…and {count} more: the Home tab lists them all._"
MY_ITEMS_HINT = "Press Done here or in my Home tab, or reply `done` in the item's thread."
ITEM_LINE = "{text}{due} · {where}"
ITEM_IN = "in <#{channel}>"
ITEM_THREAD = "thread"
ITEM_OVERDUE = " *overdue*"
ITEM_DONE_BUTTON = "Done"
HOME_DIGESTS_TITLE = "Digests in your channels"
HOME_DIGESTS_NONE = f"None of your channels has a digest. Start one in a channel with `{COMMAND} digest daily`."
HOME_DIGEST_DAILY = "Daily"
HOME_DIGEST_WEEKLY = "Weekly"
HOME_DIGEST_STOP = "Stop"
HOME_DIGEST_STOP_CONFIRM = "Stop the digest of this channel for everyone in it?"
