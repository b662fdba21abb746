"""The labelled conflict pairs load and score through a real store; the tuned dev split stays exact."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

SCORE = Path(__file__).parent.parent / "evals" / "conflicts" / "score.py"


def _module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("conflict_score", SCORE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pairs_are_well_formed() -> None:
    pairs = [
        json.loads(line) for line in SCORE.with_name("pairs.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len({p["id"] for p in pairs}) == len(pairs) >= 36
    for p in pairs:
        assert p["split"] in ("dev", "test") and p["label"] in ("quantity", "denial", "stance", "none")
        for side in (p["a"], p["b"]):
            assert len(side) == 5 and side[2] and side[4]


def test_dev_split_scores_and_stays_exact() -> None:
    dev = _module().score("dev")
    assert {rule: (row["correct"], row["flagged"], row["positives"]) for rule, row in dev.items()} == {
        "quantity": (3, 3, 3),
        "denial": (3, 3, 3),
        "stance": (3, 3, 3),
    }
