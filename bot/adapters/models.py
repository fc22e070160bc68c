"""Builds the shared :class:`Summariser` from settings: every model loads once, here."""

from __future__ import annotations

import logging

from bot.adapters.embedder import MiniLMEncoder
from bot.adapters.nlp import load_nlp
from bot.core.pipeline import Summariser
from bot.settings import Settings

logger = logging.getLogger(__name__)


def load_summariser(settings: Settings) -> Summariser:
    """Load the encoder, spaCy, the learned scorer and (if configured) the abstractive model."""
    abstractor = None
    if settings.summary_model:
        from bot.adapters.abstractive import Seq2SeqAbstractor

        abstractor = Seq2SeqAbstractor.load(settings.summary_model)
    encoder = MiniLMEncoder()
    nlp = load_nlp()
    return Summariser(encoder=encoder, nlp=nlp, scorer=None, abstractor=abstractor)
