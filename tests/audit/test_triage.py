"""Triage audits: precision and recall at review capacity, alerts by group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from railab.audit import AuditInputError, audit_triage


def cases(n: int = 5000, seed: int = 1) -> pd.DataFrame:
    """Group B is alerted about 2.5 times as often as group A for the same base rate."""
    rng = np.random.default_rng(seed)
    group = rng.choice(["A", "B"], n, p=[0.7, 0.3])
    label = (rng.random(n) < 0.1).astype(int)
    score = rng.normal(0, 1, n) + 1.5 * label + np.where(group == "B", 0.8, 0.0)
    return pd.DataFrame({"label": label, "score": score, "group": group})


def test_precision_recall_and_alerts_equal_numpy() -> None:
    data = cases()
    r = audit_triage(
        data, label="label", score="score", capacity=[100, 500], groups=["group"], bootstrap=100
    )
    order = np.argsort(-data["score"].to_numpy())
    for k in (100, 500):
        top = np.zeros(len(data), dtype=bool)
        top[order[:k]] = True
        y = data["label"].to_numpy() == 1
        assert r.rate("precision", capacity=k).value == pytest.approx(y[top].mean())
        assert r.rate("recall", capacity=k).value == pytest.approx(y[top].sum() / y.sum())
        for g in ("A", "B"):
            in_g = data["group"].to_numpy() == g
            alert = top[in_g].mean()
            row = r.rate("alert_rate", attribute="group", group=g, capacity=k)
            assert row.value == pytest.approx(alert)
            ratio = r.rate("alert_ratio", attribute="group", group=g, capacity=k)
            assert ratio.value == pytest.approx(alert / (k / len(data)))
            assert ratio.lower is not None
            assert ratio.upper is not None
            assert ratio.lower <= ratio.value <= ratio.upper
            precision = r.rate("precision", attribute="group", group=g, capacity=k)
            assert precision.value == pytest.approx(y[top & in_g].mean())
    point = r.operating_points[0]
    assert (point.capacity, point.reviewed) == (100, 100)
    finding = next(f for f in r.findings if f.metric == "alert_rate" and f.capacity == 500)
    assert (finding.high_group, finding.low_group) == ("B", "A")
    assert "cases of B are sent to review" in finding.text
    assert finding.lower is not None
    assert finding.lower > 1.5
    assert {c.kind for c in r.curves} == {"recall_effort"}
    assert r.classification is not None
    effort = next(c for c in r.curves if c.group == "all").points
    assert effort[0] == (0.0, 0.0)
    assert effort[-1] == pytest.approx((1.0, 1.0))


def test_ties_at_the_cut_and_capacity_beyond_the_data_warn() -> None:
    data = pa.table({"y": [1, 0, 1, 0, 0], "s": [0.9, 0.5, 0.5, 0.5, 0.1]})
    r = audit_triage(data, label="y", score="s", capacity=[2, 10], bootstrap=0)
    messages = {w.code: w.message for w in r.warnings}
    assert messages["ties"].startswith("capacity 2: 4 cases score at least 0.5 (ties at the cut)")
    assert (
        messages["threshold_range"]
        == "capacity 10 is more than the 5 cases: every case is reviewed"
    )
    assert r.rate("recall", capacity=10).value == 1.0


def test_bad_input() -> None:
    data = pa.table({"y": [1, 0], "s": [0.9, float("nan")]})
    with pytest.raises(AuditInputError, match="NaN or infinite"):
        audit_triage(data, label="y", score="s", capacity=[1], bootstrap=0)
    with pytest.raises(AuditInputError, match="review capacities must be whole numbers"):
        audit_triage(data, label="y", score="s", capacity=[0])
    with pytest.raises(AuditInputError, match="score column `sc` not found"):
        audit_triage(data, label="y", score="sc", capacity=[1])
