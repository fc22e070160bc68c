"""Catch me up: what happened in a person's channels since a time, from the bot's store.

``build.py`` turns stored messages into a :class:`~bot.slack.catchup.build.CatchUp` (data
only: which threads need the person, their new action items, decisions, busy threads);
``usecases.py`` is the ``catchup`` job: it checks membership, reads the store (never
Slack's history) and answers with the blocks of :mod:`bot.slack.formats.catchup`.
"""
