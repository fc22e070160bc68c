"""Install to any workspace: the OAuth flow, installations in the bot's database, each workspace's token.

With ``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET`` set (:attr:`bot.settings.Settings.oauth`), Bolt serves
``/slack/install`` and ``/slack/oauth_redirect`` and keeps installations with slack_sdk's SQLAlchemy
stores on the bot's own engine (:mod:`.oauth`); requests are authorised, and jobs and digests get
their Web API client, from those installations (:mod:`.tokens`), refreshing rotating tokens one at a
time. A job names its workspace (:mod:`.workspace`). Without those settings, one ``SLACK_BOT_TOKEN``
serves everything, as before.
"""
