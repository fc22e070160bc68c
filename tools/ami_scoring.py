"""Utterance-level scoring of decisions and action items against the AMI gold.

A faithful reimplementation of ``../shared/eval/ami_actions_decisions/score_actions.py``
(utterance P/R/F1 and owner accuracy; ROUGE is left out), so the eval and the training
script need no subprocess. ``tests/test_ami_scoring.py`` checks that both agree.

* An item *hits* a transcript line when the token F1 of the two is at least 0.5, or, with
  ``containment``, when one is a contiguous token run of the other and the shorter has at
  least 5 tokens.
* P = share of items hitting at least one gold-linked line; R = share of gold-linked lines
  hit; both micro-averaged over meetings with extractive links.
* Owner accuracy: over covered gold actions with an owner, whether a covering item's owner
  names the role, the speaker letter, or (for group owners) a group word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
PREFIX = re.compile(r"^Speaker ([A-Za-z0-9]+): ")
ROLE_ALIASES: dict[str, list[str]] = {
    "PM": ["project manager", "pm", "project leader", "manager"],
    "ME": ["marketing expert", "marketing", "me", "marketer", "marketing manager"],
    "UI": [
        "user interface designer", "interface designer", "ui", "ui designer", "uid",
        "interface specialist", "user interface",
    ],
    "ID": ["industrial designer", "id", "industrial"],
}
NAME2CODE = {
    "Project Manager": "PM", "Marketing Expert": "ME", "User Interface Designer": "UI", "Industrial Designer": "ID",
}
GROUP_WORDS = frozenset(
    {"group", "team", "everyone", "everybody", "all", "we", "us", "the team", "the group", "all participants",
     "team members", "whole team"}
)
THRESHOLD = 0.5
MIN_CONTAINED = 5


def toks(text: str | None) -> list[str]:
    """The scorer's tokens: lowercased letters and digits, with an apostrophe suffix."""
    return TOKEN.findall((text or "").lower())


def _contains(short: list[str], long: list[str]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def hits(item: list[str], lines: Sequence[list[str]], containment: bool = True) -> set[int]:
    """Indexes of the lines an item (as tokens) hits."""
    found: set[int] = set()
    a = len(item)
    if a == 0:
        return found
    counted = Counter(item)
    for i, line in enumerate(lines):
        b = len(line)
        if b == 0:
            continue
        hit = False
        if min(a, b) >= THRESHOLD * (a + b) / 2:
            overlap = sum((counted & Counter(line)).values())
            hit = bool(overlap) and 2 * overlap / (a + b) >= THRESHOLD
        if not hit and containment:
            short, long = (item, line) if a <= b else (line, item)
            hit = len(short) >= MIN_CONTAINED and _contains(short, long)
        if hit:
            found.add(i)
    return found


def owner_matches(owner: str | None, gold: Mapping[str, Any], speaker_roles: Mapping[str, str]) -> bool:
    """Whether a system owner names the gold action's role, speaker letter or group."""
    if not owner:
        return False
    so = str(owner).strip().lower()
    if gold.get("owner") == "group":
        return so in GROUP_WORDS or any(w in so.split() for w in ("group", "team", "everyone", "all"))
    gold_codes = set(gold.get("owner_roles") or [])
    gold_letters = set(gold.get("owner_speakers") or [])
    codes: set[str] = set()
    letters: set[str] = set()
    for part in re.split(r"\s*(?:&|,|\band\b|/|;)\s*", so):
        part = part.strip()
        m = re.match(r"^(?:speaker\s+)?([a-z])$", part)
        if m:
            letters.add(m.group(1).upper())
            continue
        m = re.match(r"^speaker\s+([a-z])\b", part)
        if m:
            letters.add(m.group(1).upper())
        for code, aliases in ROLE_ALIASES.items():
            if part in aliases or any(re.search(r"\b" + re.escape(al) + r"\b", part) for al in aliases if len(al) > 3):
                codes.add(code)
    for letter in letters:
        role_code = NAME2CODE.get(speaker_roles.get(letter, ""))
        if role_code:
            codes.add(role_code)
    return bool(codes & gold_codes) or bool(letters & gold_letters)


@dataclass
class Counts:
    """Running totals for one kind of item (decisions or actions)."""

    items: int = 0
    items_hitting_gold: int = 0
    gold: int = 0
    gold_hit: int = 0

    @property
    def precision(self) -> float:
        """Share of items hitting a gold line."""
        return self.items_hitting_gold / self.items if self.items else 0.0

    @property
    def recall(self) -> float:
        """Share of gold lines hit."""
        return self.gold_hit / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    """Utterance-level scores over a set of meetings."""

    decisions: Counts = field(default_factory=Counts)
    actions: Counts = field(default_factory=Counts)
    owner_covered: int = 0
    owner_correct: int = 0
    meetings: int = 0

    @property
    def owner_accuracy(self) -> float | None:
        """Share of covered gold actions with an owner whose covering item names it."""
        return self.owner_correct / self.owner_covered if self.owner_covered else None


def _text(item: Any) -> str:
    return str(item.get("text", "")) if isinstance(item, dict) else str(item)


def _owner(item: Any) -> str | None:
    return item.get("owner") if isinstance(item, dict) else None


def score(
    gold_rows: Iterable[Mapping[str, Any]], system: Mapping[str, Mapping[str, Any]], containment: bool = True
) -> Scores:
    """Score ``system`` (id -> {"decisions": [...], "priorities": [{"text", "owner"}]}) on ``gold_rows``."""
    scores = Scores()
    for gold in gold_rows:
        if not gold.get("has_extractive_links"):
            continue
        scores.meetings += 1
        out = system.get(gold["id"], {})
        items = {
            "decisions": list(out.get("decisions") or []),
            "actions": list(out.get("priorities") or out.get("actions") or out.get("action_items") or []),
        }
        lines = [toks(PREFIX.sub("", line)) for line in gold["text"].split("\n")]
        for kind, key in (("decisions", "decision_utterances"), ("actions", "action_utterances")):
            links = gold.get(key) or []
            wanted = {x for u in links for x in u}
            counts: Counts = getattr(scores, kind)
            hit_lists = [hits(toks(_text(x)), lines, containment) for x in items[kind]]
            predicted = set().union(*hit_lists) if hit_lists else set()
            counts.items += len(hit_lists)
            counts.items_hitting_gold += sum(1 for h in hit_lists if h & wanted)
            counts.gold += len(wanted)
            counts.gold_hit += len(predicted & wanted)
            if kind != "actions":
                continue
            for action, linked in zip(gold["actions"], links, strict=False):
                if not linked or action.get("owner") is None:
                    continue
                covering = [x for x, h in zip(items[kind], hit_lists, strict=True) if h & set(linked)]
                if not covering:
                    continue
                scores.owner_covered += 1
                roles = gold.get("speaker_roles", {})
                if any(owner_matches(_owner(x), action, roles) for x in covering):
                    scores.owner_correct += 1
    return scores
