"""Test harness: the bot's runtime in this process, on 127.0.0.1, against a fake Slack."""
