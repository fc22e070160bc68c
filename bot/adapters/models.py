"""Builds the shared :class:`Summariser` from settings: every model loads once, here."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TypeVar

import numpy as np

from bot.adapters.embedder import MiniLMEncoder
from bot.adapters.language import FastTextLanguageIdentifier
from bot.adapters.nlp import load_nlp
from bot.core.errors import ModelError
from bot.core.pipeline import Summariser
from bot.core.scorer import SentenceScorer
from bot.core.thread.units import UnitClassifier
from bot.settings import Settings

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _resource(name: str) -> Path:
    return Path(str(resources.files("bot") / "resources" / name))


def default_scorer_path() -> Path:
    """The trained scorer weights shipped as package data (``bot/resources/scorer.npz``)."""
    return _resource("scorer.npz")


def default_units_path() -> Path:
    """The trained decision / action-item classifier (``bot/resources/units.npz``)."""
    return _resource("units.npz")


def _load(path: Path, build: Callable[[dict[str, np.ndarray]], T], what: str, without: str) -> T | None:
    """``build`` over the arrays of an ``.npz`` file; ``None`` (with a warning) when it is absent."""
    if not path.is_file():
        logger.warning("No %s at %s; %s", what, path, without)
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            return build({key: data[key] for key in data.files})
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise ModelError(f"The {what} in {path} could not be read.") from exc


def load_scorer(path: Path | None = None) -> SentenceScorer | None:
    """The learned sentence scorer, or ``None`` (unsupervised ranking) when no weights are shipped."""
    return _load(
        path or default_scorer_path(), SentenceScorer, "scorer weights", "summaries use the unsupervised ranking"
    )


def load_unit_classifier(path: Path | None = None) -> UnitClassifier | None:
    """The learned unit classifier, or ``None`` (threads then use the rules alone)."""
    return _load(
        path or default_units_path(),
        UnitClassifier,
        "unit classifier weights",
        "thread decisions and action items use the rules alone",
    )


def load_summariser(settings: Settings) -> Summariser:
    """Load the encoder, spaCy, the learned scorer, the language identifier and (if configured)
    the abstractive model."""
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
        unit_classifier=load_unit_classifier(),
        language=FastTextLanguageIdentifier.load(),
    )
