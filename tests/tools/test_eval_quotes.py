"""The PolNeAR quote scorer and the PolNeAR-to-JSONL converter, on invented rows."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from tools import eval_quotes


def _row(text: str, quote: str, source: str) -> dict[str, Any]:
    """One article with one gold direct quotation (its marks included) and its source span."""
    start, at = text.index(quote) - 1, text.index(source)
    return {
        "text": text,
        "attributions": [
            {
                "source": {"text": source, "spans": [[at, at + len(source)]]},
                "content": {"text": text[start : start + len(quote) + 2], "spans": [[start, start + len(quote) + 2]]},
                "direct_quote": True,
            }
        ],
    }


def _score(nlp: Any, tmp_path: Path, rows: list[dict[str, Any]]) -> dict[str, float]:
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return eval_quotes.evaluate_polnear(path, SimpleNamespace(nlp=nlp))


def test_a_named_source_is_matched_by_name(nlp: Any, tmp_path: Path) -> None:
    text = 'Officials met on Monday. "We will rebuild the bridge by spring," Mayor Ann Lee said.'
    scores = _score(nlp, tmp_path, [_row(text, "We will rebuild the bridge by spring,", "Mayor Ann Lee")])
    assert scores["precision"] == scores["recall"] == 1.0
    assert scores["speaker_accuracy"] == scores["speaker_accuracy_text"] == 1.0
    assert scores["verbatim_rate"] == 1.0


def test_a_pronoun_source_is_matched_by_the_words_the_speaker_was_read_from(nlp: Any, tmp_path: Path) -> None:
    text = 'Ann Lee opened the hall on Monday. "We will rebuild the bridge by spring," she said.'
    scores = _score(nlp, tmp_path, [_row(text, "We will rebuild the bridge by spring,", "she")])
    # "Ann Lee" can never equal the text "she", but it was resolved from that very word.
    assert scores["speaker_accuracy"] == 1.0
    assert scores["speaker_accuracy_text"] == 0.0


def test_a_wrong_speaker_is_wrong_under_both_definitions(nlp: Any, tmp_path: Path) -> None:
    text = 'Ann Lee opened the hall. "We will rebuild the bridge by spring," Tom Hale said.'
    row = _row(text, "We will rebuild the bridge by spring,", "Ann Lee")
    scores = _score(nlp, tmp_path, [row])
    assert scores["speaker_accuracy"] == scores["speaker_accuracy_text"] == 0.0


def test_speaker_matches() -> None:
    assert eval_quotes.speaker_matches("Ann Lee", "Mayor Ann Lee")
    assert eval_quotes.speaker_matches("The Post", "the Washington Post")
    assert not eval_quotes.speaker_matches("Bob", "Mayor Ann Lee")
    assert not eval_quotes.speaker_matches(None, "Ann Lee")


def test_main_scores_a_quotes_file(nlp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    import bot.adapters.nlp

    text = 'Officials met on Monday. "We will rebuild the bridge by spring," Mayor Ann Lee said.'
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps(_row(text, "We will rebuild the bridge by spring,", "Mayor Ann Lee")) + "\n")
    monkeypatch.setattr(bot.adapters.nlp, "load_nlp", lambda: nlp)
    assert eval_quotes.main(["--quotes-file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Quote extraction on dev.jsonl" in out
    assert "speaker_accuracy" in [line.split()[0] for line in out.splitlines()[1:]]
    assert eval_quotes.main(["--quotes-file", str(tmp_path / "missing.jsonl")]) == 1


def _converter() -> ModuleType:
    return importlib.import_module("tools.polnear_jsonl")


def test_polnear_converter_reads_brat_attributions(tmp_path: Path) -> None:
    text = '"We will win," she said.\nThe team\nlost.'
    ann = (
        "T1\tContent 0 14\t\"We will win,\"\n"
        "T2\tSource 15 18\tshe\n"
        "T3\tCue 19 23\tsaid\n"
        "T4\tAttribution 19 23\tsaid\n"
        "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2\n"
        "T5\tContent 25 33;34 39\tThe team\n"  # a span across a line break: its text holds one too
        "lost\n"
        "T6\tAttribution 25 29\tThe\n"
        "E2\tAttribution:T6 Content:T5\n"
    )
    split = tmp_path / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    (split / "text" / "a1.txt").write_text(text, encoding="utf-8")
    (split / "attributions" / "a1_ef2d.ann").write_text(ann, encoding="utf-8")
    (split / "attributions" / "a1_4b22.ann").write_text("", encoding="utf-8")
    rows = _converter().convert(split)
    assert [r["annotator"] for r in rows] == ["4b22"]  # the first annotator in sorted order
    first = _converter().read_ann(ann, text)
    assert first[0] == {
        "source": {"text": "she", "spans": [[15, 18]]},
        "cue": {"text": "said", "spans": [[19, 23]]},
        "content": {"text": '"We will win,"', "spans": [[0, 14]]},
        "direct_quote": True,
    }
    assert first[1]["content"] == {"text": "The team ... lost.", "spans": [[25, 33], [34, 39]]}
    assert first[1]["source"] is None and not first[1]["direct_quote"]
