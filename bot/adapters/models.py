"""Builds the shared :class:`Summariser` from settings: every model loads once, here."""

from __future__ import annotations

import logging
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np

from bot.adapters.embedder import MiniLMEncoder
from bot.adapters.nlp import load_nlp
from bot.core.errors import ModelError
from bot.core.pipeline import Summariser
from bot.core.scorer import SentenceScorer
from bot.core.statements import StatementClassifier
from bot.settings import Settings

logger = logging.getLogger(__name__)


def default_scorer_path() -> Path:
    """The trained scorer weights shipped as package data (``bot/resources/scorer.npz``)."""
    return Path(str(resources.files("bot") / "resources" / "scorer.npz"))


def load_scorer(path: Path | None = None) -> SentenceScorer | None:
    """The learned sentence scorer, or ``None`` (unsupervised ranking) when no weights are shipped."""
    path = path or default_scorer_path()
    if not path.is_file():
        logger.warning("No scorer weights at %s; summaries use the unsupervised ranking", path)
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            return SentenceScorer({key: data[key] for key in data.files})
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise ModelError(f"The sentence scorer weights in {path} could not be read.") from exc


def default_statements_path() -> Path:
    """The trained decision / action-item classifier (``bot/resources/statements.npz``)."""
    return Path(str(resources.files("bot") / "resources" / "statements.npz"))


def load_statement_classifier(path: Path | None = None) -> StatementClassifier | None:
    """The learned statement classifier, or ``None`` (threads then use the rules alone)."""
    path = path or default_statements_path()
    if not path.is_file():
        logger.warning("No statement classifier at %s; thread decisions and actions use the rules alone", path)
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            return StatementClassifier({key: data[key] for key in data.files})
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise ModelError(f"The statement classifier weights in {path} could not be read.") from exc


def load_summariser(settings: Settings) -> Summariser:
    """Load the encoder, spaCy, the learned scorer and (if configured) the abstractive model."""
    abstractor = None
    if settings.summary_model:
        from bot.adapters.abstractive import Seq2SeqAbstractor

        abstractor = Seq2SeqAbstractor.load(settings.summary_model)
    encoder = MiniLMEncoder()
    nlp = load_nlp()
    return Summariser(
        encoder=encoder,
        nlp=nlp,
        scorer=load_scorer(),
        abstractor=abstractor,
        statements=load_statement_classifier(),
    )
