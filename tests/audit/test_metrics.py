"""The numeric building blocks against numpy and textbook values."""

from __future__ import annotations

import numpy as np
import pytest

from railab.audit._metrics import nan_percentile, wilson_interval


@pytest.mark.filterwarnings("ignore:All-NaN slice:RuntimeWarning")
@pytest.mark.parametrize("confidence", [0.5, 0.9, 0.95])
def test_nan_percentile_equals_numpy_nanquantile(confidence: float) -> None:
    rng = np.random.default_rng(1)
    x = rng.random((500, 20, 3))
    x[rng.random(x.shape) < 0.3] = np.nan
    x[:, 4, 1] = np.nan
    alpha = (1 - confidence) / 2
    want_lo, want_hi = np.nanquantile(x, [alpha, 1 - alpha], axis=0)
    got_lo, got_hi = nan_percentile(x, confidence=confidence)
    np.testing.assert_allclose(got_lo, want_lo, rtol=0, atol=1e-14)
    np.testing.assert_allclose(got_hi, want_hi, rtol=0, atol=1e-14)


@pytest.mark.parametrize(
    ("k", "n", "lower", "upper"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857, table I.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_published_values(
    k: int, n: int, lower: float, upper: float
) -> None:
    lo, hi = wilson_interval(k, n)
    assert (round(float(lo), 4), round(float(hi), 4)) == (lower, upper)


def test_wilson_interval_of_an_empty_denominator_is_nan() -> None:
    lo, hi = wilson_interval(np.array([0.0]), np.array([0.0]))
    assert np.isnan(lo).all()
    assert np.isnan(hi).all()
