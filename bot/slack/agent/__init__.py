"""The agent view and direct messages: what a DM asks for becomes a job answered in that DM.

``usecases.py`` holds the agent's jobs (suggested prompts, a member's channel recap) and the
registry entries of the kinds other features fill in (:data:`~bot.slack.jobs.spec.CATCHUP`,
:data:`~bot.slack.jobs.spec.MY_ITEMS`). The parser of a DM's words is
:mod:`bot.slack.formats.intents`; its listener is :mod:`bot.slack.listeners.agent`.
"""
