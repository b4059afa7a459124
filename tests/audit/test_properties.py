"""Property tests: counts equal rows, order does not matter, intervals bracket estimates."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from railab.audit import CLASSIFICATION_METRICS, audit_classification

rows = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 1), st.sampled_from(["a", "b", "c"])),
    min_size=1,
    max_size=60,
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _table(data: list[tuple[int, int, str]]) -> pa.Table:
    y, p, g = zip(*data, strict=True)
    return pa.table({"y": list(y), "p": list(p), "g": list(g)})


def _row_wise(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Each metric straight from the rows, written independently of railab's counting."""

    def mean(x: np.ndarray) -> float:
        return float(x.mean()) if x.size else float("nan")

    tpr, tnr = mean(p[y == 1]), mean(1 - p[y == 0])
    precision = mean(y[p == 1])
    recall = tpr
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    if np.isnan(precision) or np.isnan(recall):
        f1 = float("nan") if not ((y == 1) | (p == 1)).any() else f1
    return {
        "base_rate": mean(y),
        "selection_rate": mean(p),
        "tpr": tpr,
        "fnr": mean(1 - p[y == 1]),
        "fpr": mean(p[y == 0]),
        "tnr": tnr,
        "ppv": precision,
        "npv": mean(1 - y[p == 0]),
        "fdr": mean(1 - y[p == 1]),
        "for": mean(y[p == 0]),
        "accuracy": mean((y == p).astype(float)),
        "balanced_accuracy": (tpr + tnr) / 2,
        "f1": f1,
    }


@SETTINGS
@given(rows)
def test_metrics_from_counts_equal_the_row_wise_computation(
    data: list[tuple[int, int, str]],
) -> None:
    result = audit_classification(
        _table(data), label="y", prediction="p", groups=["g"], bootstrap=0
    )
    arr = np.array([(y, p) for y, p, _ in data])
    groups = np.array([g for _, _, g in data])
    for group in sorted(set(groups)):
        m = groups == group
        expected = _row_wise(arr[m, 0], arr[m, 1])
        for name in CLASSIFICATION_METRICS:
            got = result.metric(name, attribute="g", group=group).value
            want = expected[name]
            if np.isnan(want):
                assert got is None, (name, group)
            else:
                assert got == pytest.approx(want, abs=1e-12), (name, group)


@SETTINGS
@given(rows, st.randoms(use_true_random=False))
def test_permuting_rows_changes_nothing(data: list[tuple[int, int, str]], rnd: object) -> None:
    shuffled = list(data)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    kwargs = {"label": "y", "prediction": "p", "groups": ["g"], "bootstrap": 50, "seed": 4}
    assert audit_classification(_table(data), **kwargs) == audit_classification(
        _table(shuffled), **kwargs
    )


@SETTINGS
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.integers(0, 1), st.sampled_from(["a", "b"])),
        min_size=30,
        max_size=200,
    ),
    st.integers(0, 2**32 - 1),
)
def test_bootstrap_interval_contains_the_point_estimate(
    data: list[tuple[int, int, str]], seed: int
) -> None:
    result = audit_classification(
        _table(data), label="y", prediction="p", groups=["g"], bootstrap=200, seed=seed
    )
    for row in result.metrics:
        if row.value is None or row.lower is None or row.upper is None:
            continue
        assert row.lower - 1e-12 <= row.value <= row.upper + 1e-12, row
