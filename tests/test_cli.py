"""The CLI end to end: formats, several inputs, exit codes and bad inputs."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import cli
from bot.core.pipeline import Summariser
from bot.settings import Settings
from tests.conftest import REPO_ROOT, SEED_ARTICLE

RunCli = Callable[..., tuple[int, str, str]]
"""Runs the CLI in-process: ``run_cli(*argv, stdin=None) -> (code, stdout, stderr)``."""

SAMPLE_THREAD = REPO_ROOT / "seeds" / "sample-thread.txt"


@pytest.fixture
def run_cli(summariser: Summariser, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run ``main`` in-process with the session's models; returns (code, stdout, stderr)."""
    import bot.adapters.models as models

    monkeypatch.setattr(models, "load_summariser", lambda _settings: summariser)
    monkeypatch.chdir(REPO_ROOT)

    def _run(*argv: str, stdin: bytes | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_seed_article_as_json(run_cli: RunCli) -> None:
    code, out, err = run_cli("summarise", str(SEED_ARTICLE), "--format", "json")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) >= {"source", "kind", "title", "summary", "quotes", "priorities", "decisions", "model", "elapsed_ms"}
    assert data["kind"] == "article"
    assert data["title"].startswith("Vice Premier Zhang Guoqing Emphasizes")
    assert 1 <= len(data["summary"]) <= 3
    assert sum(len(s.split()) for s in data["summary"]) <= 90
    seed = SEED_ARTICLE.read_text(encoding="utf-8")
    for sentence in data["summary"]:
        assert " ".join(sentence.split()) in " ".join(seed.split())
    assert 2 <= len(data["quotes"]) <= 5
    assert data["quotes"][0]["text"] == "smart transformation and digitalization"
    assert len(data["priorities"]) >= 5


def test_text_and_markdown_formats(run_cli: RunCli) -> None:
    code, out, _ = run_cli("summarise", str(SEED_ARTICLE))
    assert code == 0 and "Summary" in out and "Priorities" in out and "1. " in out
    code, out, _ = run_cli("summarise", str(SEED_ARTICLE), "--format", "markdown")
    assert code == 0 and out.startswith("## Vice Premier") and "**Priorities**" in out


def test_thread_transcript_from_stdin(run_cli: RunCli) -> None:
    code, out, err = run_cli("summarise", "-", "--format", "json", stdin=SAMPLE_THREAD.read_bytes())
    assert code == 0, err
    data = json.loads(out)
    assert data["kind"] == "thread" and data["source"] == "stdin"
    assert 2 <= len(data["summary"]) <= 4 and data["summary"][-1].startswith("Decided: ")  # topic ... outcome
    assert any(p["owner"] for p in data["priorities"])


def test_one_bad_input_does_not_stop_the_others(run_cli: RunCli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n\n")
    code, out, err = run_cli("summarise", str(empty), str(SEED_ARTICLE), str(tmp_path / "missing.txt"), "--format", "json")
    assert code == 1
    rows = [json.loads(line) for line in out.strip().splitlines()]
    assert [("error" in r) for r in rows] == [True, False, True]
    assert rows[1]["kind"] == "article"
    assert str(empty) in err and "missing.txt" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "no text"),
        (b"\x00\x01\x02\x89PNG\r\n\x1a\n" * 200, "binary"),
    ],
)
def test_bad_files_exit_1_with_a_message(run_cli: RunCli, tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    code, out, err = run_cli("summarise", str(path))
    assert code == 1
    assert expected in err.lower() and "Traceback" not in err
    assert out == ""


def test_forced_kind(run_cli: RunCli) -> None:
    code, out, _ = run_cli("summarise", str(SEED_ARTICLE), "--kind", "thread", "--format", "json")
    assert code == 0 and json.loads(out)["kind"] == "thread"


def test_usage_errors_exit_2(run_cli: RunCli) -> None:
    assert run_cli("summarise")[0] == 2
    assert run_cli("summarise", "x", "--format", "yaml")[0] == 2
    assert run_cli("frobnicate")[0] == 2


def test_real_cold_cli_on_the_seed() -> None:
    """The README's main job, as a separate process with no Slack tokens."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "summarise", str(SEED_ARTICLE)],
        capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=180, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Priorities" in proc.stdout and "Key quotes" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert " INFO " not in proc.stderr and " DEBUG " not in proc.stderr  # warnings only without -v


def test_input_with_no_words_exits_1(run_cli: RunCli, tmp_path: Path) -> None:
    emoji = tmp_path / "emoji.txt"
    emoji.write_text("😀😀😀 🎉🎉\n", encoding="utf-8")
    code, out, err = run_cli("summarise", str(emoji))
    assert code == 1 and "has no words to summarise" in err and out == ""


@pytest.mark.parametrize("text", ["\U0001f600" * 50_000 + "\n" + "!" * 40_000, "___ ### *** ---"])
def test_input_with_no_words_is_refused_before_the_models_load(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str) -> None:
    import bot.adapters.models as models

    def must_not_load(_settings: Settings) -> None:
        raise AssertionError("models loaded for an input with no words")

    monkeypatch.setattr(models, "load_summariser", must_not_load)
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(text, encoding="utf-8")
    assert cli.main(["summarise", str(hostile)]) == 1
    assert "has no words to summarise" in capsys.readouterr().err


def test_deeply_nested_json_is_an_input_error_and_the_next_input_still_runs(run_cli: RunCli, tmp_path: Path) -> None:
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 50_000)
    code, out, err = run_cli("summarise", str(nested), str(SEED_ARTICLE), "--format", "json")
    assert code == 1 and "nested too deeply" in err and "Traceback" not in err
    rows = [json.loads(line) for line in out.strip().splitlines()]
    assert "error" in rows[0] and rows[1]["kind"] == "article"


def test_unloadable_summary_model_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.setenv("SUMMARY_MODEL", str(tmp_path / "no-such-model"))
    monkeypatch.chdir(REPO_ROOT)
    code = cli.main(["summarise", str(SEED_ARTICLE), str(SEED_ARTICLE)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("configuration error") == 1 and "does not exist" in err


@pytest.mark.parametrize(
    ("command", "verbose", "level"),
    [("summarise", 0, "WARNING"), ("summarise", 1, "INFO"), ("summarise", 2, "DEBUG"), ("eval", 0, "WARNING"),
     ("serve", 0, "INFO")],
)
def test_log_levels(command: str, verbose: int, level: str) -> None:
    import logging

    from bot.settings import Settings

    assert cli._log_level(Settings(log_level="INFO"), command, verbose) == getattr(logging, level)


def test_encoding_option_and_pdf_refusal(run_cli: RunCli, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_bytes("Spotkanie przełożono na czwartek. Proszę potwierdzić obecność do piątku.".encode("cp1250"))
    code, out, err = run_cli("summarise", str(note), "--encoding", "cp1250", "--format", "json")
    assert code == 0, err
    assert "potwierdzić obecność" in " ".join(json.loads(out)["summary"])
    assert run_cli("summarise", str(note), "--encoding", "klingon")[0] == 2
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    code, out, err = run_cli("summarise", str(pdf))
    assert code == 1 and "is a PDF" in err and out == ""


def test_the_product_cli_lists_only_product_commands_and_loads_no_dev_code() -> None:
    code = (
        "import sys\n"
        "from bot import cli\n"
        "try:\n"
        "    cli.main(['--help'])\n"
        "finally:\n"
        "    dev = [m for m in sys.modules if m == 'tools' or m.startswith(('tools.', 'rouge_score'))]\n"
        "    print('DEV', dev)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "DEV []" in proc.stdout
    commands = proc.stdout.split("COMMAND", 2)[-1]
    for name in ("summarise", "serve", "worker"):
        assert name in commands
    for name in ("eval", "bench", "bench-slack", "train"):
        assert f"    {name} " not in commands and f"{{{name}," not in proc.stdout


def test_the_models_stay_offline_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    for flag in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(flag, raising=False)
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "0")
    cli.use_bundled_models()
    assert os.environ["HF_HUB_OFFLINE"] == os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == "0"  # a caller's own choice stands
