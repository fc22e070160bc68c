"""``python -m tools``: one dispatcher for every development command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tools import __main__ as dispatcher


def test_help_lists_every_dev_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert dispatcher.main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("eval", "bench", "bench-slack", "train-scorer", "train-units", "tune-units", "eval-quotes"):
        assert name in out


def test_a_script_gets_its_own_arguments(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "a1.txt").write_text("Ann said: \"We will ship.\"", encoding="utf-8")
    (tmp_path / "attributions").mkdir()
    (tmp_path / "attributions" / "a1_x.ann").write_text("T1\tSource 0 3\tAnn\nE1\tContent:T1\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "tools", "polnear-jsonl", str(tmp_path)],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert '"id": "a1"' in proc.stdout and '"text": "Ann"' in proc.stdout


def test_an_unknown_command_is_a_usage_error() -> None:
    assert dispatcher.main(["frobnicate"]) == 2


def test_a_script_is_named_as_typed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        dispatcher.main(["eval-devset", "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: python -m tools eval-devset")
    assert not sys.argv[0].startswith("python -m tools")  # put back afterwards
