"""Threads: one analysis per thread (decisions, action items, owners, due phrases)."""
