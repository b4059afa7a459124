"""Identification (1:N) audits: hand counts, pyeer's CMC, planted differentials, bad input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from railab.audit import AuditInputError, audit_identification

cmc_stats = pytest.importorskip("pyeer.cmc_stats", reason="pyeer is not installed")

LISTS = pd.DataFrame(
    {
        "search": ["s1", "s1", "s1", "s2", "s2", "s2", "s3", "s3", "s4", "s5"],
        "rank": [1, 2, 3, 1, 2, 3, 1, 2, 1, None],
        "score": [0.9, 0.5, 0.4, 0.6, 0.55, 0.3, 0.7, 0.2, 0.4, None],
        "mated": [1, 1, 1, 1, 1, 1, 0, 0, 1, 0],
        "mate": [1, 0, 0, 0, 0, 1, 0, 0, 0, None],
        "sex": ["F", "F", "F", "M", "M", "M", "F", "F", "M", "M"],
    }
)


def audit(data: pd.DataFrame, **kwargs: Any) -> Any:
    options: dict[str, Any] = {
        "search": "search",
        "rank": "rank",
        "score": "score",
        "mated": "mated",
        "mate": "mate",
        "bootstrap": 0,
    }
    return audit_identification(data, **(options | kwargs))


def test_hand_counted_fnir_fpir_and_cmc() -> None:
    r = audit(LISTS, groups=["sex"], ranks=[1, 3], thresholds=[0.5])
    # Mated searches: s1 (mate at rank 1, 0.9), s2 (rank 3, 0.3), s4 (mate not returned).
    assert r.rate("fnir", rank=1).value == pytest.approx(2 / 3)
    assert r.rate("fnir", rank=3).value == pytest.approx(1 / 3)
    assert r.rate("fnir", rank=3, threshold=0.5).value == pytest.approx(2 / 3)
    # Non-mated: s3 (top 0.7 >= 0.5: false positive), s5 (empty list).
    assert r.rate("fpir", threshold=0.5).value == 0.5
    assert r.rate("fnir", attribute="sex", group="M", rank=3).value == 0.5
    assert r.rate("fpir", attribute="sex", group="F", threshold=0.5).value == 1.0
    cmc = next(c for c in r.curves if c.group == "all").points
    assert [p[1] for p in cmc] == pytest.approx([1 / 3, 1 / 3, 2 / 3])
    assert {(c.group, c.positive, c.negative) for c in r.counts} >= {("F", 1, 1), ("M", 2, 1)}


def test_subject_ids_define_the_mate() -> None:
    data = LISTS.assign(
        probe=LISTS["search"],
        candidate=["s1", "x", "y", "x", "y", "s2", "z", "x", "z", None],
    )
    by_ids = audit(
        data.drop(columns="mate"), mate=None, search_subject="probe", candidate_subject="candidate"
    )
    assert by_ids.rates == audit(LISTS).rates


def test_cmc_equals_pyeer() -> None:
    rng = np.random.default_rng(4)
    rows, scores = [], {}
    for s in range(300):
        true = f"t{s}"
        candidates = [true] + [f"t{x}" for x in rng.choice(1000, 9, replace=False) if x != s]
        values = rng.random(len(candidates)) + np.r_[0.35, np.zeros(len(candidates) - 1)]
        ordered = sorted(zip(candidates, values, strict=True), key=lambda cv: -cv[1])[:8]
        scores[f"q{s}"] = ([true], ordered)
        for rank, (c, v) in enumerate(ordered, start=1):
            rows.append((f"q{s}", rank, v, 1, int(c == true)))
    data = pd.DataFrame(rows, columns=["search", "rank", "score", "mated", "mate"])
    r = audit(data, ranks=[1, 5])
    want = cmc_stats.get_cmc_curve(scores, 8)
    got = next(c for c in r.curves if c.attribute == "overall").points
    assert [p[1] for p in got] == pytest.approx(want)
    assert r.rate("fnir", rank=5).value == pytest.approx(1 - want[4])


def test_planted_fnir_differential_with_bootstrap() -> None:
    rng = np.random.default_rng(8)
    n = 6000
    group = np.where(np.arange(n) % 2 == 0, "A", "B")
    miss = rng.random(n) < np.where(group == "A", 0.05, 0.15)  # planted ratio 3
    data = pd.DataFrame(
        {
            "search": np.arange(n),
            "rank": np.where(miss, 5, 1),
            "score": rng.random(n),
            "mated": 1,
            "mate": 1,
            "race": group,
        }
    )
    r = audit(data, groups=["race"], ranks=[1], bootstrap=300)
    finding = next(f for f in r.findings if f.metric == "fnir")
    assert (finding.high_group, finding.low_group) == ("B", "A")
    assert finding.ratio == pytest.approx(3.0, rel=0.2)
    assert finding.lower is not None
    assert finding.upper is not None
    assert finding.lower < 3.0 < finding.upper
    assert "searches of B miss their mate" in finding.text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mated": [1, 0, 1, 1, 1, 1, 0, 0, 1, 0]}, "search s1 is marked both mated and"),
        ({"mate": [1, 0, 0, 0, 0, 1, 1, 0, 0, None]}, "search s3 is marked non-mated but"),
        ({"sex": ["F", "M", "F", "M", "M", "M", "F", "F", "M", "M"]}, "different `sex` values"),
        (
            {"score": [0.9, 0.5, np.inf, 0.6, 0.55, 0.3, 0.7, 0.2, 0.4, None]},
            "score column `score` has 1 NaN or infinite values",
        ),
    ],
)
def test_bad_input(change: dict[str, list[Any]], message: str) -> None:
    with pytest.raises(AuditInputError, match=message):
        audit(LISTS.assign(**change), groups=["sex"])


def test_mate_needed_and_ranks_beyond_the_lists_warn() -> None:
    with pytest.raises(AuditInputError, match="say which candidate is the mate"):
        audit(LISTS, mate=None)
    r = audit(LISTS, ranks=[50], thresholds=[5.0])
    codes = [w.message for w in r.warnings if w.code == "threshold_range"]
    assert codes[0].startswith("rank 50 is beyond the longest candidate list (3)")
    assert codes[1].startswith("threshold 5 is above every candidate score")
