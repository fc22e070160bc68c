"""Development commands, outside the product: ``python -m tools eval|bench|bench-slack|train-…``.

Evaluation, benchmarks, training scripts and the fakes they share (a fake Slack API and a
signed client). Nothing under ``bot/`` imports this package, and the wheel leaves it out.
"""
