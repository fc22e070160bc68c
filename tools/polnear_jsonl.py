"""Convert a PolNeAR split (brat standoff) to the JSONL read by ``tools.eval_quotes``.

PolNeAR (networkdynamics/PolNeAR) states no licence, so the output goes to a scratch folder
(e.g. ``/tmp``), never into this repository. Use it to build development sets from the
``train`` and ``dev`` splits; the ``test`` split is the evaluation set and is not for tuning.

    git --git-dir REPO.git archive HEAD data/dev | tar -x -C /tmp/polnear
    python -m tools polnear-jsonl /tmp/polnear/data/dev > /tmp/polnear_dev.jsonl

Each line: ``{"id", "annotator", "text", "attributions": [{"source", "cue", "content",
"direct_quote"}]}`` where each part is ``{"text", "spans": [[start, end], ...]}`` (or null)
and ``direct_quote`` is true when the content starts with a double quotation mark. Articles
annotated more than once keep the first annotator in sorted order.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

_DOUBLE_OPENERS = ('"', "\u201c")
_TEXT_BOUND = re.compile(r"^(T\d+)\t\w+ ([\d ;]+)\t")
_EVENT = re.compile(r"^E\d+\t(.*)$")
_ROLES = ("Source", "Cue", "Content")


def _span_part(text: str, spans: list[list[int]]) -> dict[str, Any]:
    return {"text": " ... ".join(text[a:b] for a, b in spans), "spans": spans}


def read_ann(ann: str, text: str) -> list[dict[str, Any]]:
    """The attributions of one brat ``.ann`` file, with spans checked against ``text``."""
    spans: dict[str, list[list[int]]] = {}
    events: list[dict[str, str]] = []
    for line in ann.splitlines():
        # A span's text may hold line breaks, so only lines shaped like records count.
        bound = _TEXT_BOUND.match(line)
        event = _EVENT.match(line)
        if bound is not None:
            offsets = bound.group(2)
            spans[bound.group(1)] = [[int(x) for x in part.split()] for part in offsets.split(";")]
        elif event is not None:
            events.append(dict(arg.split(":", 1) for arg in event.group(1).split()))
    out: list[dict[str, Any]] = []
    for roles in events:
        parts = {
            role.lower(): _span_part(text, spans[roles[role]]) if role in roles else None
            for role in _ROLES
        }
        if parts["content"] is None:
            continue
        parts["direct_quote"] = parts["content"]["text"].startswith(_DOUBLE_OPENERS)
        out.append(parts)
    return out


def convert(split_dir: Path) -> list[dict[str, Any]]:
    """Rows for every article of ``split_dir`` (holding ``text/`` and ``attributions/``)."""
    rows: list[dict[str, Any]] = []
    for text_path in sorted((split_dir / "text").glob("*.txt")):
        article = text_path.stem
        anns = sorted((split_dir / "attributions").glob(f"{article}_*.ann"))
        if not anns:
            continue
        text = text_path.read_text(encoding="utf-8")
        annotator = anns[0].stem.rsplit("_", 1)[1]
        attributions = read_ann(anns[0].read_text(encoding="utf-8"), text)
        rows.append({"id": article, "annotator": annotator, "text": text, "attributions": attributions})
    return rows


def main(argv: list[str] | None = None) -> int:
    """Write the JSONL rows of one split to stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split_dir", type=Path, help="e.g. data/dev of a PolNeAR checkout")
    args = parser.parse_args(argv)
    for row in convert(args.split_dir):
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
