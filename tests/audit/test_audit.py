"""audit_classification against fairlearn, scikit-learn and tables counted by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from fairlearn import metrics as flm
from sklearn import metrics as skm

from railab.audit import MISSING, AuditInputError, audit_classification

X = " \N{MULTIPLICATION SIGN} "  # joins the groups of an intersection

# metric name in railab -> row-wise implementation (y_true, y_pred, sample_weight)
ROW_WISE = {
    "selection_rate": lambda t, p, w=None: flm.selection_rate(t, p, sample_weight=w),
    "tpr": lambda t, p, w=None: flm.true_positive_rate(t, p, sample_weight=w),
    "fpr": lambda t, p, w=None: flm.false_positive_rate(t, p, sample_weight=w),
    "tnr": lambda t, p, w=None: flm.true_negative_rate(t, p, sample_weight=w),
    "fnr": lambda t, p, w=None: flm.false_negative_rate(t, p, sample_weight=w),
    "ppv": lambda t, p, w=None: skm.precision_score(t, p, sample_weight=w, zero_division=np.nan),
    "accuracy": lambda t, p, w=None: skm.accuracy_score(t, p, sample_weight=w),
    "balanced_accuracy": lambda t, p, w=None: skm.balanced_accuracy_score(t, p, sample_weight=w),
    "f1": lambda t, p, w=None: skm.f1_score(t, p, sample_weight=w, zero_division=np.nan),
}


def test_group_metrics_equal_fairlearn_metricframe(frame: pd.DataFrame) -> None:
    result = audit_classification(
        frame, label="label", prediction="prediction", groups=["race"], bootstrap=0
    )
    mf = flm.MetricFrame(
        metrics={name: fn for name, fn in ROW_WISE.items()},
        y_true=frame["label"],
        y_pred=frame["prediction"],
        sensitive_features=frame["race"],
    )
    for group, row in mf.by_group.iterrows():
        for name in ROW_WISE:
            got = result.metric(name, attribute="race", group=str(group)).value
            assert got == pytest.approx(row[name], abs=1e-12), (group, name)
    for name in ROW_WISE:
        assert result.metric(name).value == pytest.approx(mf.overall[name], abs=1e-12)


def test_intersectional_groups_equal_metricframe_with_two_features(frame: pd.DataFrame) -> None:
    result = audit_classification(
        frame,
        label="label",
        prediction="prediction",
        groups=["race", "sex"],
        intersect=True,
        bootstrap=0,
    )
    mf = flm.MetricFrame(
        metrics=ROW_WISE["tpr"],
        y_true=frame["label"],
        y_pred=frame["prediction"],
        sensitive_features=frame[["race", "sex"]],
    )
    for (race, sex), value in mf.by_group.items():
        row = result.metric("tpr", attribute=f"race{X}sex", group=f"{race}{X}{sex}")
        assert row.value == pytest.approx(value, abs=1e-12)


def test_named_summaries_equal_fairlearn(frame: pd.DataFrame) -> None:
    result = audit_classification(
        frame, label="label", prediction="prediction", groups=["race"], bootstrap=0
    )
    summary = {row.name: row.value for row in result.summaries if row.attribute == "race"}
    kwargs = {
        "y_true": frame["label"],
        "y_pred": frame["prediction"],
        "sensitive_features": frame["race"],
    }
    assert summary["demographic_parity_difference"] == pytest.approx(
        flm.demographic_parity_difference(**kwargs)
    )
    assert summary["demographic_parity_ratio"] == pytest.approx(
        flm.demographic_parity_ratio(**kwargs)
    )
    assert summary["equalized_odds_difference"] == pytest.approx(
        flm.equalized_odds_difference(**kwargs)
    )
    assert summary["equalized_odds_ratio"] == pytest.approx(flm.equalized_odds_ratio(**kwargs))
    assert summary["equal_opportunity_difference"] == pytest.approx(
        flm.equal_opportunity_difference(**kwargs)
    )


def test_weighted_metrics_equal_sklearn_with_sample_weight(frame: pd.DataFrame) -> None:
    result = audit_classification(
        frame,
        label="label",
        prediction="prediction",
        groups=["race"],
        weight="weight",
        bootstrap=0,
    )
    for group, part in frame.groupby("race"):
        for name, fn in ROW_WISE.items():
            expected = fn(part["label"], part["prediction"], part["weight"])
            got = result.metric(name, attribute="race", group=str(group)).value
            assert got == pytest.approx(expected, abs=1e-12), (group, name)


def test_hand_counted_table() -> None:
    # Group a: tp=2 fp=1 fn=1 tn=2; group b: tp=1 fp=0 fn=1 tn=1.
    data = pa.table(
        {
            "y": [1, 1, 1, 0, 0, 0, 1, 1, 0],
            "p": [1, 1, 0, 1, 0, 0, 1, 0, 0],
            "g": ["a"] * 6 + ["b"] * 3,
        }
    )
    result = audit_classification(data, label="y", prediction="p", groups=["g"], bootstrap=0)
    counts = {(r.attribute, r.group): (r.tp, r.fp, r.fn, r.tn) for r in result.confusion}
    assert counts == {
        ("overall", "all"): (3, 1, 2, 3),
        ("g", "a"): (2, 1, 1, 2),
        ("g", "b"): (1, 0, 1, 1),
    }
    a = {r.metric: r.value for r in result.metrics if r.group == "a"}
    assert a["base_rate"] == 3 / 6
    assert a["selection_rate"] == 3 / 6
    assert a["tpr"] == 2 / 3
    assert a["fpr"] == 1 / 3
    assert a["ppv"] == 2 / 3
    assert a["npv"] == 2 / 3
    assert a["fdr"] == 1 / 3
    assert a["for"] == 1 / 3
    assert a["accuracy"] == 4 / 6
    assert a["f1"] == pytest.approx(4 / 6)
    b_ppv = result.metric("ppv", attribute="g", group="b")
    assert b_ppv.value == 1.0
    assert b_ppv.denominator == 1
    assert b_ppv.small
    # Reference is the largest group; b's ratio of selection rates is (1/3) / (3/6).
    assert result.spec.reference == {"g": "a"}
    sel = next(d for d in result.disparities if d.metric == "selection_rate")
    assert (sel.group, sel.reference) == ("b", "a")
    assert sel.ratio == pytest.approx((1 / 3) / (3 / 6))
    assert sel.difference == pytest.approx(1 / 3 - 3 / 6)
    assert sel.outside_band


def test_wilson_interval_matches_the_textbook_value() -> None:
    # 8 of 10 positives: Wilson 95 % interval (0.4902, 0.9433) (Newcombe 1998).
    data = pa.table({"y": [1] * 10, "p": [1] * 8 + [0] * 2})
    result = audit_classification(data, label="y", prediction="p", bootstrap=0)
    tpr = result.metric("tpr")
    assert tpr.value == 0.8
    assert (round(tpr.wilson_lower, 4), round(tpr.wilson_upper, 4)) == (0.4902, 0.9433)


def test_explicit_reference_group(frame: pd.DataFrame) -> None:
    result = audit_classification(
        frame,
        label="label",
        prediction="prediction",
        groups=["race"],
        reference={"race": "d"},
        bootstrap=0,
    )
    assert result.spec.reference == {"race": "d"}
    assert {d.reference for d in result.disparities} == {"d"}
    assert "d" not in {d.group for d in result.disparities}
    with pytest.raises(AuditInputError, match=r"reference group race=zz not found"):
        audit_classification(
            frame,
            label="label",
            prediction="prediction",
            groups=["race"],
            reference={"race": "zz"},
        )


def test_missing_group_values_form_their_own_group_and_missing_labels_are_excluded() -> None:
    data = pd.DataFrame(
        {
            "y": [1.0, 0.0, 1.0, np.nan, 0.0, 1.0],
            "p": [1, 0, 0, 1, 1, None],
            "g": ["a", None, "a", "a", None, "b"],
        }
    )
    result = audit_classification(data, label="y", prediction="p", groups=["g"], bootstrap=0)
    groups = {r.group: r.n for r in result.confusion if r.attribute == "g"}
    assert groups == {"a": 2, MISSING: 2}
    assert result.exclusions.rows == 6
    assert result.exclusions.used == 4
    assert result.exclusions.missing_label == 1
    assert result.exclusions.missing_prediction == 1
    assert any(w.code == "excluded_rows" for w in result.warnings)


def test_positive_maps_text_labels_and_other_values_count_as_negative() -> None:
    data = pa.table(
        {
            "outcome": ["arrest", "none", "warning", "arrest"],
            "decision": ["arrest", "arrest", "none", "none"],
        }
    )
    result = audit_classification(
        data, label="outcome", prediction="decision", positive="arrest", bootstrap=0
    )
    overall = result.confusion[0]
    assert (overall.tp, overall.fp, overall.fn, overall.tn) == (1, 1, 1, 1)
    assert result.spec.positive == "arrest"


def test_boolean_label_and_prediction_need_no_positive() -> None:
    data = pa.table({"y": [True, False, True], "p": [True, True, False]})
    result = audit_classification(data, label="y", prediction="p", bootstrap=0)
    assert result.metric("tpr").value == 0.5


def test_single_row_group_is_audited_and_warned_about() -> None:
    data = pa.table({"y": [1, 0, 1, 0, 1], "p": [1, 0, 0, 0, 1], "g": ["a"] * 4 + ["b"]})
    result = audit_classification(data, label="y", prediction="p", groups=["g"], seed=3)
    row = result.metric("accuracy", attribute="g", group="b")
    assert row.value == 1.0
    assert row.denominator == 1
    assert row.small
    assert any(w.code == "small_group" and w.group == "b" for w in result.warnings)


def test_bootstrap_is_reproducible_and_brackets_the_estimate(frame: pd.DataFrame) -> None:
    kwargs = {"label": "label", "prediction": "prediction", "groups": ["race"], "bootstrap": 300}
    first = audit_classification(frame, seed=11, **kwargs)
    again = audit_classification(frame, seed=11, **kwargs)
    other = audit_classification(frame, seed=12, **kwargs)
    assert first.metrics == again.metrics
    assert first.metrics != other.metrics
    for row in first.metrics:
        if row.value is not None and row.denominator >= 30:
            assert row.lower is not None
            assert row.upper is not None
            assert row.lower <= row.value <= row.upper, row
    for d in first.disparities:
        if d.ratio is not None and not d.small:
            assert d.ratio_lower is not None
            assert d.ratio_upper is not None
            assert d.ratio_lower <= d.ratio <= d.ratio_upper, d


def test_bootstrap_interval_width_matches_binomial_standard_error() -> None:
    rng = np.random.default_rng(0)
    n = 20_000
    data = pa.table({"y": rng.integers(0, 2, n), "p": rng.integers(0, 2, n)})
    result = audit_classification(data, label="y", prediction="p", bootstrap=2000, seed=1)
    row = result.metric("accuracy")
    se = math.sqrt(row.value * (1 - row.value) / n)
    assert (row.upper - row.lower) / (2 * 1.96 * se) == pytest.approx(1.0, abs=0.1)
    assert (row.upper - row.lower) == pytest.approx(row.wilson_upper - row.wilson_lower, rel=0.1)


def test_table_and_dict_shapes(frame: pd.DataFrame) -> None:
    result = audit_classification(
        frame, label="label", prediction="prediction", groups=["race", "sex"], bootstrap=50
    )
    table = result.table("metrics")
    assert table.num_rows == len(result.metrics)
    assert set(table.column_names) >= {"attribute", "group", "metric", "value", "lower", "upper"}
    with pytest.raises(KeyError):
        result.table("nope")
