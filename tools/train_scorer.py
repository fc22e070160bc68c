"""Train the sentence-selection model shipped as ``bot/resources/scorer.npz``.

A thin entry point: the training code lives in :mod:`bot.tools.train_scorer` (run it as
``python tools/train_scorer.py`` or ``python -m bot.tools.train_scorer``). It reads only the
training and validation splits in ``../shared/train``; evaluation sets are refused.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.tools.train_scorer import main

if __name__ == "__main__":
    raise SystemExit(main())
