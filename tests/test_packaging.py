"""The product ships alone: the wheel holds ``bot`` and its resources, never the dev tools or tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO_ROOT

DEV_MODULES = ("fakeslack", "slackclient", "bench", "train", "eval", "tune", "polnear", "ami_scoring")


def test_the_wheel_ships_no_dev_module(tmp_path: Path) -> None:
    src = tmp_path / "src"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for folder in ("bot", "tools", "tests"):
        shutil.copytree(REPO_ROOT / folder, src / folder, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, src / name)
    code = "from setuptools import build_meta; print(build_meta.build_wheel('dist'))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=src, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = src / "dist" / proc.stdout.strip().splitlines()[-1]
    names = zipfile.ZipFile(wheel).namelist()
    modules = [n for n in names if n.endswith(".py")]
    assert "bot/cli.py" in modules and "bot/resources/scorer.npz" in names
    assert all(n.startswith("bot/") for n in modules), [n for n in modules if not n.startswith("bot/")]
    shipped_dev = [n for n in modules if Path(n).stem.startswith(DEV_MODULES)]
    assert shipped_dev == []
