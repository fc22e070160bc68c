"""Developer commands: evaluation and benchmarks (wired into ``python -m bot``)."""
