"""The eval command on tiny invented JSONL sets (never the licensed data)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from bot.core.types import Document, SummaryResult
from tools import eval as eval_tool

ARTICLES = [
    {
        "id": "a1",
        "text": "The river flooded the old town on Sunday. Hundreds of homes lost power. "
        "Volunteers filled sandbags all night. The mayor thanked them on Monday.",
        "reference": "The river flooded the old town.\nVolunteers filled sandbags.",
    },
    {
        "id": "a2",
        "text": "A new library opened in the village. It has ten thousand books. Children love the reading room.",
        "reference": "A new library with ten thousand books opened in the village.",
    },
]
DIALOGUES: list[dict[str, Any]] = [
    {
        "id": "d1",
        "text": "Ann: Are you coming to the concert tonight?\nBob: Yes, I bought two tickets yesterday.\nAnn: Great!",
        "reference": "Bob bought two tickets for the concert tonight.",
    },
]


class FirstSentenceSummariser:
    """Stands in for the real summariser: the first line or sentence of the input."""

    model_name = "first-sentence"

    def __init__(self) -> None:
        self.kinds: list[str] = []

    def summarise(self, doc: Document) -> SummaryResult:
        self.kinds.append(doc.kind)
        if doc.kind == "thread":
            first = f"{doc.messages[0].author}: {doc.messages[0].text}"
        else:
            first = doc.text.split(". ")[0] + "."
        return SummaryResult(source=doc.source, kind=doc.kind, title=None, summary=[first])


def _write(folder: Path, name: str, rows: list[dict[str, Any]]) -> None:
    (folder / name).mkdir(parents=True)
    (folder / name / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def eval_dir(tmp_path: Path) -> Path:
    _write(tmp_path, "cnndm_test_frank", ARTICLES)
    _write(tmp_path, "samsum_test", DIALOGUES)
    return tmp_path


def _run(eval_dir: Path, *extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    eval_tool.add_arguments(parser)
    return parser.parse_args(["--data", str(eval_dir), *extra])


def test_table_has_ours_and_baselines_for_both_sets(eval_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summariser = FirstSentenceSummariser()
    assert eval_tool.run(_run(eval_dir), summariser) == 0  # type: ignore[arg-type]
    out = capsys.readouterr().out
    lines = out.splitlines()
    for dataset, system in [
        ("cnndm_test_frank", "ours (first-sentence)"),
        ("cnndm_test_frank", "Lead-3"),
        ("samsum_test", "ours (first-sentence)"),
        ("samsum_test", "Longest-3 utterances"),
    ]:
        assert any(line.startswith(dataset) and system in line for line in lines), (dataset, system)
    assert "R1" in lines[0] and "RLsum" in lines[0]
    assert "polnear_test_attribution" in out  # the quote section says why it has no scores
    assert summariser.kinds[:3] == ["article", "article", "thread"]  # then the extraction dev set's texts
    assert "Extraction dev set" in out and "AMI" in out


def test_limit_and_scores(eval_dir: Path) -> None:
    rows = eval_tool.evaluate_rouge(eval_dir, FirstSentenceSummariser(), limit=1)  # type: ignore[arg-type]
    assert [r.docs for r in rows] == [1] * 6  # ours, the baseline, the baseline at our length; two sets
    lead = rows[1]
    assert lead.system == "Lead-3"
    assert 0 < lead.rouge1 <= 100 and lead.rouge2 <= lead.rouge1
    assert lead.words == 18  # three sentences: 8 + 5 + 5 words
    assert rows[2].system == "Lead-3 cut to our length" and rows[2].words == rows[0].words == 8


def test_confidence_interval_section_and_dialogsum_references(
    eval_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = ["Ann asks Bob about the concert.", "Bob bought two tickets.", "Bob bought two concert tickets yesterday."]
    _write(eval_dir, "dialogsum_test", [{**DIALOGUES[0], "reference": refs[0], "references": refs}])
    assert eval_tool.run(_run(eval_dir), FirstSentenceSummariser()) == 0  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert "paired-bootstrap" in out
    ci_lines = [line for line in out.splitlines() if "cut to our length" in line and "[" in line]
    assert len(ci_lines) == 3 and any(line.strip().startswith("dialogsum_test") for line in ci_lines)
    dialogsum = next(line for line in out.splitlines() if line.startswith("dialogsum_test") and "ours" in line)
    single = eval_tool.score_system([["Ann: Are you coming to the concert tonight?"]], [[r] for r in refs][:1])
    mean = eval_tool.score_system([["Ann: Are you coming to the concert tonight?"]], [refs])
    assert mean.rouge1[0] != single.rouge1[0]
    assert f"{mean.rouge1[0]:6.2f}" in dialogsum  # scored against all three references, averaged


@pytest.mark.parametrize(
    ("sentences", "words", "expected"),
    [
        (["one two three.", "four five."], 4, ["one two three.", "four"]),
        (["one two three.", "four five."], 3, ["one two three."]),
        (["one two three.", "four five."], 9, ["one two three.", "four five."]),
        (["one two three."], 0, []),
    ],
)
def test_cut_to_words(sentences: list[str], words: int, expected: list[str]) -> None:
    assert eval_tool.cut_to_words(sentences, words) == expected


def test_paired_bootstrap() -> None:
    same = eval_tool.paired_bootstrap([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert (same.mean, same.low, same.high) == (0.0, 0.0, 0.0)
    better = eval_tool.paired_bootstrap([5.0 + i % 3 for i in range(50)], [4.0] * 50)
    assert 0 < better.low < better.mean < better.high
    mixed = eval_tool.paired_bootstrap([1.0, -1.0] * 25, [0.0] * 50)
    assert mixed.low < 0 < mixed.high


def test_sections_are_a_list_others_can_extend(
    eval_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(eval_tool, "SECTIONS", [*eval_tool.SECTIONS, lambda _d, _s, _n: "extra section"])
    assert eval_tool.run(_run(eval_dir), FirstSentenceSummariser()) == 0  # type: ignore[arg-type]
    assert capsys.readouterr().out.rstrip().endswith("extra section")


def test_missing_data_dir_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert eval_tool.run(_run(tmp_path / "absent"), FirstSentenceSummariser()) == 1  # type: ignore[arg-type]
    assert "not found" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three? Four.", ["One.", "Two!", "Three?"]),
        ("No full stop here", ["No full stop here"]),
        ("Dr.Who stays. Next one.", ["Dr.Who stays.", "Next one."]),
    ],
)
def test_lead3(text: str, expected: list[str]) -> None:
    assert eval_tool.lead3(text) == expected


def test_longest3_utterances_keeps_dialogue_order() -> None:
    dialogue = "A: hi\nB: a much longer line here\nA: ok\nB: the longest line of them all\nA: medium line"
    assert eval_tool.longest3_utterances(dialogue) == [
        "B: a much longer line here",
        "B: the longest line of them all",
        "A: medium line",
    ]


def test_thread_document_has_authors() -> None:
    doc = eval_tool.thread_document(DIALOGUES[0]["text"], "d1")
    assert doc.kind == "thread"
    assert [m.author for m in doc.messages] == ["Ann", "Bob", "Ann"]
