"""The spaCy types the core annotates with, imported for the type checker only.

The core receives parsed documents and never imports spaCy at run time (loading it is an
adapter's job), so these names exist for mypy alone; at run time they are ``Any``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token
else:
    Doc = Span = Token = Any

__all__ = ["Doc", "Span", "Token"]
