"""The unit classifier's features and inference, and its training script's guard rails."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from bot.core.thread.units import (
    CONTEXT_NAMES,
    HASH_DIM,
    LABELS,
    NEIGHBOUR_FEATURES,
    Unit,
    UnitClassifier,
    context_features,
    hashed_ngrams,
)


def _trainer() -> ModuleType:
    return importlib.import_module("tools.train_units")


def _rows(tmp_path: Path) -> Path:
    rows = []
    for split in ("train", "validation", "test"):
        rows.append(
            {
                "id": f"M-{split}",
                "split": split,
                "has_extractive_links": True,
                "text": "Speaker A: We will use a rubber case.\nSpeaker B: Yeah.\nSpeaker A: You prepare the design.",
                "decision_utterances": [[0]],
                "action_utterances": [[2]],
                "decisions": ["The case is rubber."],
                "actions": [{"text": "B will prepare the design.", "owner": "Industrial Designer"}],
            }
        )
    path = tmp_path / "ami.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def test_reader_refuses_non_train_rows_for_fitting(tmp_path: Path) -> None:
    trainer = _trainer()
    path = _rows(tmp_path)
    train = trainer.read_meetings(path, ["train"])
    assert [m.split for m in train] == ["train"]
    assert train[0].labels.tolist() == [[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]]
    trainer.require_train(train)
    for split in ("validation", "test"):
        held_out = trainer.read_meetings(path, [split])
        with pytest.raises(ValueError, match="non-train"):
            trainer.require_train(held_out)
        with pytest.raises(ValueError, match="non-train"):
            trainer.fit_screen(train + held_out, 1.0)


def test_context_features_read_turns_questions_and_persons() -> None:
    units = [
        Unit("Should we ship on Friday?", "Ann", 0),
        Unit("Yes, I'll cut the release by Thursday.", "Bob", 1),
        Unit("Great.", "Ann", 2),
    ]
    rows = context_features(units)
    col = {name: k for k, name in enumerate(CONTEXT_NAMES)}
    assert rows.shape == (3, len(CONTEXT_NAMES))
    assert rows[0, col["question"]] == 1.0
    assert rows[1, col["answers_question"]] == 1.0
    assert rows[1, col["first_singular"]] == 1.0
    assert rows[1, col["due_phrase"]] == 1.0
    assert rows[1, col["agreed_after"]] == 1.0
    assert rows[2, col["speaker_change_before"]] == 1.0


def test_hashed_ngrams_are_stable_buckets() -> None:
    columns = hashed_ngrams("We will go with B")
    assert columns == hashed_ngrams("we WILL go with b")
    assert all(0 <= c < HASH_DIM for c in columns)
    assert len(columns) <= 9


class _FakeEncoder:
    name = "fake"

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        vectors: np.ndarray = np.ones((len(texts), self.dim), dtype=np.float32) / np.sqrt(self.dim)
        return vectors


def _weights(dim: int) -> dict[str, np.ndarray]:
    width = dim + len(CONTEXT_NAMES) + len(LABELS) + NEIGHBOUR_FEATURES
    linear = np.zeros((width, len(LABELS)), dtype=np.float32)
    linear[dim + CONTEXT_NAMES.index("first_singular"), 1] = 3.0  # "I'll ..." looks like an action
    return {
        "screen_lexical": np.zeros((HASH_DIM, 2), dtype=np.float32),
        "screen_context": np.zeros((len(CONTEXT_NAMES), 2), dtype=np.float32),
        "screen_bias": np.zeros(2, dtype=np.float32),
        "mean": np.zeros(width, dtype=np.float32),
        "scale": np.ones(width, dtype=np.float32),
        "w": linear,
        "b": np.array([-2.0, -1.0], dtype=np.float32),
        "thresholds": np.array([0.5, 0.5], dtype=np.float32),
    }


def test_classifier_probabilities_in_numpy() -> None:
    classifier = UnitClassifier(_weights(4))
    units = [Unit("I'll write the doc.", "Ann", 0), Unit("Nice weather.", "Bob", 1)]
    encoder = _FakeEncoder(4)
    probs = classifier.probabilities(units, encoder)
    assert probs.shape == (2, 2)
    assert probs[0, 1] > 0.8 > probs[1, 1]
    assert encoder.calls == [2]
    assert classifier.thresholds == {"decision": 0.5, "action": 0.5}
    assert not classifier.probabilities(units, None).any()  # no encoder: the rules decide alone


def test_classifier_ignores_an_encoder_of_another_width() -> None:
    classifier = UnitClassifier(_weights(4))
    assert not classifier.probabilities([Unit("I'll write the doc.", "Ann", 0)], _FakeEncoder(8)).any()
