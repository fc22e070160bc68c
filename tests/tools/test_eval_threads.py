"""The in-process work-thread scorer on tiny threads written for these tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.core.errors import EmptyInputError
from bot.core.types import Document, Priority, SummaryResult
from tools import eval_threads
from tools.datasets import REPO_ROOT

SHARED_SCORER = REPO_ROOT.parent / "shared" / "eval" / "work_threads" / "score.py"

PRINTER = """[10:00] Olu Bassey: The third-floor printer jams on every duplex job. Replace the fuser or lease a new one?
[10:02] Ines Moreau: The fuser is 90 euros, a lease is 40 a month. Fuser first.
[10:03] Olu Bassey: Agreed: we replace the fuser.
[10:04] Olu Bassey: Ines, can you order the fuser by Friday?
[10:05] Ines Moreau: will do
"""
GOLD = {
    "printer.txt": {
        "kind": "thread",
        "reference": "The third-floor printer jams on duplex jobs; the team replaces the fuser. Ines orders it by Friday.",
        "summary_mentions": ["printer", "fuser"],
        "off_topic": ["cake"],
        "quotes": [],
        "wrong_speakers": [],
        "priorities": [{"owner": "Ines", "keys": ["fuser"], "due": "by Friday"}],
        "not_priorities": [],
        "decisions": [["fuser"]],
        "not_decisions": [["lease"]],
    },
    "empty.txt": {"kind": "thread", "reference": "", "summary_mentions": ["x"], "off_topic": [], "quotes": [],
                  "wrong_speakers": [], "priorities": [], "not_priorities": [], "decisions": [], "not_decisions": []},
}


class CannedSummariser:
    """The first message as the summary, the decision and the item a careful reader would list;
    an input without a message fails as the real summariser does."""

    def __init__(self) -> None:
        self.sources: list[str] = []

    def summarise(self, doc: Document) -> SummaryResult:
        self.sources.append(doc.source)
        if not doc.messages:
            raise EmptyInputError(f"{doc.source} has no words to summarise.")
        first = doc.messages[0]
        return SummaryResult(
            source=doc.source, kind="thread", title=None, summary=[f"{first.author}: {first.text}"],
            priorities=[Priority("order the fuser", "Ines Moreau", "by Friday")],
            decisions=["we replace the fuser"],
        )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    part = tmp_path / "dev"
    part.mkdir()
    (part / "printer.txt").write_text(PRINTER, encoding="utf-8")
    (part / "empty.txt").write_text("\n", encoding="utf-8")
    (part / "gold.json").write_text(json.dumps(GOLD), encoding="utf-8")
    return part


def test_texts_are_summarised_in_gold_order_and_failures_give_their_error(folder: Path) -> None:
    seen: list[Any] = []

    def score(gold: dict[str, Any], outputs: list[dict[str, Any]], paths: list[str]) -> tuple[dict[str, Any], list[str]]:
        seen.extend([gold, outputs, paths])
        return {"threads": len(outputs)}, []

    summariser = CannedSummariser()
    figures, _ = eval_threads.evaluate_folder(folder, summariser, score)  # type: ignore[arg-type]
    gold, outputs, paths = seen
    assert sorted(gold) == ["empty.txt", "printer.txt"]
    assert figures == {"threads": 2}
    assert paths == [str(folder / "empty.txt"), str(folder / "printer.txt")]
    assert outputs[0]["source"] == str(folder / "empty.txt") and "error" in outputs[0]
    assert outputs[1]["summary"] == ["Olu Bassey: The third-floor printer jams on every duplex job. "
                                     "Replace the fuser or lease a new one?"]
    assert summariser.sources == [str(folder / "printer.txt")]  # the empty file never reached it


def test_score_is_imported_from_the_eval_folder(tmp_path: Path) -> None:
    (tmp_path / "work_threads").mkdir()
    (tmp_path / "work_threads" / "score.py").write_text(
        "def score(gold, outputs, paths):\n    return {'n': len(paths)}, ['a miss']\n", encoding="utf-8"
    )
    score = eval_threads.load_score(tmp_path)
    assert score({}, [], ["a", "b"]) == ({"n": 2}, ["a miss"])


def test_dev_folders_are_the_parts_with_a_gold_file(tmp_path: Path) -> None:
    for name, gold in (("b_part", True), ("a_part", True), ("notes", False)):
        (tmp_path / name).mkdir()
        if gold:
            (tmp_path / name / "gold.json").write_text("{}", encoding="utf-8")
    assert [p.name for p in eval_threads.dev_folders(tmp_path)] == ["a_part", "b_part"]
    assert eval_threads.dev_folders(tmp_path / "absent") == []


@pytest.mark.skipif(not SHARED_SCORER.is_file(), reason="../shared/eval/work_threads/score.py not present")
def test_figures_are_the_shared_scorers(folder: Path) -> None:
    score = eval_threads.load_score(SHARED_SCORER.parent.parent)
    figures, misses = eval_threads.evaluate_folder(folder, CannedSummariser(), score)  # type: ignore[arg-type]
    assert figures["threads"] == 2
    assert figures["topic"] == (2, 3)  # printer and fuser found; the empty text's stem missed
    assert figures["actions"] == (1, 1) and figures["dues"] == (1, 1)
    assert figures["decisions"] == (1, 1) and figures["false_decisions"] == 0
    assert figures["chatter"] == 0 and figures["extra"] == 0
    assert any("empty.txt: summary lacks 'x'" in m for m in misses)


def test_eval_section_prints_one_line_per_part(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "work_threads").mkdir()
    (tmp_path / "work_threads" / "score.py").write_text(
        "def score(gold, outputs, paths):\n    return {'texts': len(paths)}, []\n", encoding="utf-8"
    )
    monkeypatch.setattr(eval_threads, "DEV_ROOT", folder.parent)
    out = eval_threads.work_threads_section(tmp_path, CannedSummariser())  # type: ignore[arg-type]
    assert out.splitlines()[1:] == ['  dev: {"texts": 2}']
    assert "not found" in eval_threads.work_threads_section(tmp_path / "absent", CannedSummariser())  # type: ignore[arg-type]
