"""Score metrics against scikit-learn, row by row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score, roc_curve

from railab.audit import audit_classification


def _ece(y: np.ndarray, s: np.ndarray, w: np.ndarray | None = None) -> float:
    w = np.ones_like(s) if w is None else w
    bins = np.searchsorted(np.linspace(0, 1, 11)[1:-1], s)
    total = 0.0
    for b in np.unique(bins):
        m = bins == b
        total += abs(np.average(s[m], weights=w[m]) - np.average(y[m], weights=w[m])) * w[m].sum()
    return total / w.sum()


@pytest.mark.parametrize("weighted", [False, True])
def test_exact_score_metrics_equal_sklearn(frame: pd.DataFrame, weighted: bool) -> None:
    result = audit_classification(
        frame,
        label="label",
        score="score",
        thresholds=[0.4, 0.6],
        groups=["race"],
        weight="weight" if weighted else None,
        bootstrap=0,
    )
    assert result.spec.score_binning == "exact"
    for group, part in [("all", frame), *frame.groupby("race")]:
        attribute = "overall" if group == "all" else "race"
        y, s = part["label"].to_numpy(), part["score"].to_numpy()
        w = part["weight"].to_numpy() if weighted else None

        def got(name: str, attribute: str = attribute, group: object = group) -> float | None:
            return result.metric(name, attribute=attribute, group=str(group)).value

        assert got("roc_auc") == pytest.approx(roc_auc_score(y, s, sample_weight=w))
        assert got("pr_auc") == pytest.approx(average_precision_score(y, s, sample_weight=w))
        assert got("brier") == pytest.approx(brier_score_loss(y, s, sample_weight=w))
        assert got("ece") == pytest.approx(_ece(y, s, w))
        for t in (0.4, 0.6):
            p = (s >= t).astype(int)
            row = result.metric("tpr", attribute=attribute, group=str(group), threshold=t)
            positives = y == 1
            expected = np.average(p[positives], weights=None if w is None else w[positives])
            assert row.value == pytest.approx(expected)


def test_reliability_curve_equals_sklearn_calibration_curve(frame: pd.DataFrame) -> None:
    result = audit_classification(frame, label="label", score="score", bootstrap=0)
    curve = next(c for c in result.curves if c.kind == "reliability" and c.group == "all")
    frac_pos, mean_pred = calibration_curve(frame["label"], frame["score"], n_bins=10)
    assert [p[0] for p in curve.points] == pytest.approx(list(mean_pred))
    assert [p[1] for p in curve.points] == pytest.approx(list(frac_pos))


def test_roc_curve_ends_and_target_fpr_threshold(frame: pd.DataFrame) -> None:
    result = audit_classification(
        frame, label="label", score="score", groups=["race"], target_fpr=[0.1], bootstrap=0
    )
    roc = next(c for c in result.curves if c.kind == "roc" and c.group == "a")
    assert roc.points[0] == (0.0, 0.0)
    assert roc.points[-1] == pytest.approx((1.0, 1.0))
    part = frame[frame["race"] == "a"]
    fpr, tpr, thresholds = roc_curve(part["label"], part["score"])
    ok = fpr <= 0.1
    row = next(r for r in result.target_thresholds if r.group == "a")
    # The lowest threshold still within the target is sklearn's last one with fpr <= 0.1.
    assert row.threshold == pytest.approx(thresholds[ok][-1])
    assert row.fpr == pytest.approx(fpr[ok][-1])
    assert row.tpr == pytest.approx(tpr[ok][-1])


def test_binned_scores_stay_close_to_exact_values() -> None:
    rng = np.random.default_rng(5)
    n = 30_000
    y = rng.integers(0, 2, n)
    s = np.clip(rng.normal(0.4 + 0.2 * y, 0.2), 0, 1)
    df = pd.DataFrame({"y": y, "s": s})
    result = audit_classification(df, label="y", score="s", bootstrap=100, seed=2)
    assert result.spec.score_binning == "binned"
    assert result.metric("roc_auc").value == pytest.approx(roc_auc_score(y, s), abs=1e-3)
    assert result.metric("pr_auc").value == pytest.approx(average_precision_score(y, s), abs=2e-3)
    assert result.metric("brier").value == pytest.approx(brier_score_loss(y, s), abs=1e-12)
    assert result.metric("tpr").value == pytest.approx(np.mean(s[y == 1] >= 0.5))
    auc = result.metric("roc_auc")
    assert auc.lower is not None
    assert auc.upper is not None
    assert auc.lower < auc.value < auc.upper


def test_scores_outside_unit_interval_allowed_with_flag() -> None:
    df = pd.DataFrame({"y": [0, 1, 0, 1], "s": [-2.0, 3.0, 0.5, 1.5]})
    result = audit_classification(
        df, label="y", score="s", thresholds=[1.0], allow_scores_outside_unit=True, bootstrap=0
    )
    assert result.metric("roc_auc").value == 1.0
    assert result.metric("brier").value is None
    assert result.metric("tpr").value == 1.0
    assert not [c for c in result.curves if c.kind == "reliability"]
