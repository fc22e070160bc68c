"""Exceptions whose message is safe and useful to show a user as is."""

from __future__ import annotations


class SummariserError(Exception):
    """Base class: ``str(exc)`` is a complete user-facing sentence."""


class InputError(SummariserError):
    """The input cannot be summarised (empty, binary, unreadable...)."""


class EmptyInputError(InputError):
    """Nothing to summarise after extraction."""


class BinaryInputError(InputError):
    """The input is not text."""


class FetchError(InputError):
    """A URL could not be fetched or did not hold an article."""


class BlockedURLError(FetchError):
    """A URL points at a private, loopback or link-local address that is not allowed."""


class ModelError(SummariserError):
    """A configured model could not be loaded."""
