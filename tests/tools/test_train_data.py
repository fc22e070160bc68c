"""Training readers: they refuse evaluation data, and split PTB text the way training needs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tools import train_data
from tools.train_data import EvalDataError, check_training_path, ptb_sentences, read_training_rows

ROW = {"id": "1", "text": "a: hi\nb: hello", "reference": "a greets b."}


def _jsonl(path: Path, gz: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(ROW) + "\n"
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "relative",
    [
        "eval/samsum_test/samsum_test.jsonl",
        "eval/anything.jsonl",
        "train/samsum_test.jsonl",
        "train/cnndm_test_frank.jsonl",
        "train/cnndm_test_see2017_sample500_seed0.jsonl",
        "elsewhere/dialogsum_test.jsonl.gz",
        "elsewhere/polnear_test_attribution.jsonl",
    ],
)
def test_training_reader_refuses_evaluation_files(tmp_path: Path, relative: str) -> None:
    path = _jsonl(tmp_path / relative, gz=relative.endswith(".gz"))
    with pytest.raises(EvalDataError):
        list(read_training_rows(path))


@pytest.mark.parametrize("name", ["samsum_train.jsonl", "dialogsum_validation.jsonl", "cnndm_lc_train.jsonl.gz"])
def test_training_reader_reads_training_files(tmp_path: Path, name: str) -> None:
    path = _jsonl(tmp_path / "train" / name, gz=name.endswith(".gz"))
    assert list(read_training_rows(path)) == [ROW]


def test_every_known_training_file_passes_the_guard(tmp_path: Path) -> None:
    for name in train_data.TRAINING_FILES:
        assert train_data.training_file(tmp_path, name).name == train_data.TRAINING_FILES[name]


def test_an_eval_folder_is_refused_as_the_training_folder(tmp_path: Path) -> None:
    (tmp_path / "eval").mkdir()
    with pytest.raises(EvalDataError):
        train_data.resolve_train_dir(str(tmp_path / "eval"))
    with pytest.raises(EvalDataError):
        check_training_path(Path("../shared/eval/samsum_test/samsum_test.jsonl"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("he left . she stayed .", ["he left .", "she stayed ."]),
        ("`` go ! '' he said . ok", ["`` go ! ''", "he said .", "ok"]),
        ("what ? -lrb- no -rrb- fine .", ["what ?", "-lrb- no -rrb- fine ."]),
        ("", []),
    ],
)
def test_ptb_sentences(text: str, expected: list[str]) -> None:
    assert ptb_sentences(text) == expected
