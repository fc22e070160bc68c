"""The reimplemented AMI scorer agrees with ``score_actions.py`` (when the shared data is here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tools.ami_scoring import hits, owner_matches, score, toks

SCORER = REPO_ROOT / ".." / "shared" / "eval" / "ami_actions_decisions" / "score_actions.py"

GOLD: list[dict[str, Any]] = [
    {
        "id": "M1",
        "has_extractive_links": True,
        "speaker_roles": {"A": "Project Manager", "B": "Industrial Designer"},
        "text": "\n".join(
            [
                "Speaker A: Okay, so we decided the remote will have a rubber case.",
                "Speaker B: Yeah.",
                "Speaker A: The industrial designer will prepare the working design for next time.",
                "Speaker B: I'll look at the chips and the battery options.",
                "Speaker A: Right.",
                "Speaker B: We go with the kinetic battery then, no solar panel at all.",
            ]
        ),
        "decisions": ["The case will be rubber.", "The battery will be kinetic."],
        "decision_utterances": [[0], [5]],
        "actions": [
            {"text": "The ID will prepare the design.", "owner": "Industrial Designer", "owner_roles": ["ID"], "owner_speakers": ["B"]},
            {"text": "The team will look at chips.", "owner": "group", "owner_roles": [], "owner_speakers": ["A", "B"]},
        ],
        "action_utterances": [[2], [3]],
    },
    {
        "id": "M2",
        "has_extractive_links": True,
        "speaker_roles": {"A": "Marketing Expert"},
        "text": "Speaker A: Let's finish.\nSpeaker A: Marketing, the user requirement specification.",
        "decisions": [],
        "decision_utterances": [],
        "actions": [{"text": "The ME will do the spec.", "owner": "Marketing Expert", "owner_roles": ["ME"], "owner_speakers": ["A"]}],
        "action_utterances": [[1]],
    },
]
SYSTEM: dict[str, dict[str, Any]] = {
    "M1": {
        "decisions": ["the remote will have a rubber case", "Yeah.", "a solar panel"],
        "priorities": [
            {"text": "prepare the working design for next time", "owner": "Industrial Designer"},
            {"text": "look at the chips and the battery options", "owner": "Speaker B"},
            {"text": "Right", "owner": None},
        ],
    },
    "M2": {"decisions": [], "priorities": [{"text": "the user requirement specification", "owner": "marketing"}]},
}


def test_hits_token_f1_and_containment() -> None:
    lines = [toks("we will buy the blue remote control today"), toks("yes")]
    assert hits(toks("buy the blue remote control"), lines, containment=True) == {0}
    assert hits(toks("the blue remote control today and tomorrow and more"), lines, containment=False) == {0}
    assert hits(toks("yes please"), lines) == {1}


def test_owner_matching_roles_letters_and_groups() -> None:
    gold = {"owner": "Industrial Designer", "owner_roles": ["ID"], "owner_speakers": ["B"]}
    roles = {"B": "Industrial Designer"}
    assert owner_matches("Industrial Designer", gold, roles)
    assert owner_matches("Speaker B", gold, roles)
    assert not owner_matches("Speaker A", gold, roles)
    assert owner_matches("team", {"owner": "group"}, roles)


@pytest.mark.skipif(not SCORER.is_file(), reason="shared AMI scorer not available")
def test_agrees_with_reference_scorer(tmp_path: Path) -> None:
    gold_path, system_path, out = tmp_path / "gold.jsonl", tmp_path / "sys.jsonl", tmp_path / "out.json"
    gold_path.write_text("\n".join(json.dumps(g) for g in GOLD), encoding="utf-8")
    system_path.write_text("\n".join(json.dumps({"id": k, **v}) for k, v in SYSTEM.items()), encoding="utf-8")
    subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(gold_path), "--system", str(system_path), "--containment",
         "--json", str(out)],
        check=True, capture_output=True,
    )
    reference = json.loads(out.read_text(encoding="utf-8"))
    ours = score(GOLD, SYSTEM, containment=True)
    for kind in ("decisions", "actions"):
        counts = getattr(ours, kind)
        assert round(counts.precision, 4) == reference[kind]["utterance_P"]
        assert round(counts.recall, 4) == reference[kind]["utterance_R"]
        assert round(counts.f1, 4) == reference[kind]["utterance_F1"]
        assert counts.items == reference[kind]["system_items"]
    assert ours.owner_covered == reference["actions"]["owner_covered"]
    assert ours.owner_accuracy is not None
    assert round(ours.owner_accuracy, 4) == reference["actions"]["owner_accuracy"]
