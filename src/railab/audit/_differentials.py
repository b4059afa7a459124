"""Demographic differential summaries of error rates across groups, vectorised.

Every function takes error rates with groups on the last axis and broadcasts over any
leading axes (bootstrap resample, threshold), ignoring groups whose rate is undefined
(NaN). Used by the verification, identification and triage audits.
"""

from __future__ import annotations

import warnings
from typing import Final

import numpy as np
import numpy.typing as npt

from railab.audit._metrics import divide

__all__ = [
    "DIFFERENTIAL_MEASURES",
    "fairness_discrepancy_rate",
    "gini",
    "max_geomean_ratio",
    "max_min_ratio",
]

FloatArray = npt.NDArray[np.float64]

#: Summary measures reported for each error rate across the groups of an attribute.
DIFFERENTIAL_MEASURES: Final[tuple[str, ...]] = ("max_min_ratio", "max_geomean_ratio", "gini")


def max_min_ratio(rates: npt.ArrayLike) -> FloatArray:
    """Highest group error rate divided by the lowest (NaN when the lowest is zero).

    The "max/min" summary of NIST IR 8429 (Grother, *Face Recognition Vendor Test Part 8:
    Summarizing Demographic Differentials*, 2022), applied to FMR and FNMR as in NIST IR
    8280 (*FRVT Part 3: Demographic Effects*, 2019) and ISO/IEC 19795-10:2024, 7.3.

    Examples
    --------
    >>> float(max_min_ratio([0.001, 0.004, 0.002]))
    4.0
    >>> max_min_ratio([[0.1, 0.0], [0.2, 0.1]]).tolist()
    [nan, 2.0]
    """
    x = np.asarray(rates, dtype=np.float64)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return divide(np.nanmax(x, axis=-1), np.nanmin(x, axis=-1))


def max_geomean_ratio(rates: npt.ArrayLike) -> FloatArray:
    """Highest group error rate divided by the geometric mean over groups.

    NIST IR 8429 (2022) recommends it over max/min because it depends on every group,
    not only the two extremes; NaN when a rate is zero (the geometric mean is then 0).

    Examples
    --------
    >>> round(float(max_geomean_ratio([0.001, 0.004])), 6)
    2.0
    """
    x = np.asarray(rates, dtype=np.float64)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        geomean = np.exp(np.nanmean(np.log(x), axis=-1))
        return divide(np.nanmax(x, axis=-1), geomean)


def gini(rates: npt.ArrayLike) -> FloatArray:
    """Gini coefficient of the group error rates: 0 when equal, towards 1 when one group
    carries all errors. A dispersion measure of NIST IR 8429 (2022).

    ``G = sum_i sum_j |x_i - x_j| / (2 n^2 mean(x))`` over the groups with a defined rate.

    Examples
    --------
    >>> float(gini([0.1, 0.1, 0.1]))
    0.0
    >>> round(float(gini([0.0, 0.0, 0.3])), 4)
    0.6667
    """
    x = np.asarray(rates, dtype=np.float64)
    valid = ~np.isnan(x)
    n = valid.sum(axis=-1)
    filled = np.where(valid, x, 0.0)
    diffs = np.abs(filled[..., :, None] - filled[..., None, :])
    both = valid[..., :, None] & valid[..., None, :]
    total = np.where(both, diffs, 0.0).sum(axis=(-2, -1))
    mean = divide(filled.sum(axis=-1), n.astype(np.float64))
    return divide(total, 2.0 * n * n * mean)


def fairness_discrepancy_rate(
    fmr: npt.ArrayLike, fnmr: npt.ArrayLike, *, alpha: float = 0.5
) -> FloatArray:
    """Fairness discrepancy rate (FDR) of a verification system at a threshold.

    ``FDR = 1 - (alpha * A + (1 - alpha) * B)`` with ``A`` the largest difference in FMR
    and ``B`` the largest difference in FNMR between any two groups: 1 is perfectly fair,
    0 maximally unfair. T. de Freitas Pereira and S. Marcel, "Fairness in Biometrics: a
    figure of merit to assess biometric verification systems", IEEE Transactions on
    Biometrics, Behavior, and Identity Science 4(1), 2022 (online 2021), eq. 5.

    Examples
    --------
    >>> round(float(fairness_discrepancy_rate([0.01, 0.03], [0.10, 0.04], alpha=0.5)), 6)
    0.96
    """
    a = np.asarray(fmr, dtype=np.float64)
    b = np.asarray(fnmr, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        spread_a = np.nanmax(a, axis=-1) - np.nanmin(a, axis=-1)
        spread_b = np.nanmax(b, axis=-1) - np.nanmin(b, axis=-1)
    out: FloatArray = 1.0 - (alpha * spread_a + (1.0 - alpha) * spread_b)
    return out


def measure(name: str, rates: FloatArray) -> FloatArray:
    """One of :data:`DIFFERENTIAL_MEASURES` by name."""
    functions = {
        "max_min_ratio": max_min_ratio,
        "max_geomean_ratio": max_geomean_ratio,
        "gini": gini,
    }
    return functions[name](rates)


#: How each rate reads in a sentence: (who, what happens to them).
_PHRASES: Final[dict[str, tuple[str, str, str]]] = {
    "fmr": ("{g}", "is falsely matched", "false matches"),
    "fnmr": ("{g}", "is falsely rejected", "false non-matches"),
    "fnir": ("searches of {g}", "miss their mate", "misses"),
    "fpir": ("non-mated searches of {g}", "return a false candidate", "false candidates"),
    "alert_rate": ("cases of {g}", "are sent to review", "alerts"),
    "precision": ("alerts about {g}", "are correct", "correct alerts"),
    "recall": ("positive cases of {g}", "are found", "positive cases found"),
}
_NAMES: Final[dict[str, str]] = {
    "fmr": "FMR",
    "fnmr": "FNMR",
    "fnir": "FNIR",
    "fpir": "FPIR",
    "alert_rate": "alert rate",
    "precision": "precision",
    "recall": "recall",
}


def format_rate(value: float) -> str:
    """A rate for people: ``0.00063`` reads ``6.3e-04 (1 in 1,600)``.

    Examples
    --------
    >>> format_rate(0.00063), format_rate(0.25), format_rate(0.0)
    ('6.3e-04 (1 in 1,600)', '0.250', '0')
    """
    if value == 0:
        return "0"
    if value < 0.01:
        one_in = float(f"{1.0 / value:.2g}")
        return f"{value:.1e} (1 in {one_in:,.0f})"
    return f"{value:.3f}"


def describe(
    *,
    metric: str,
    lead: str,
    high: str,
    low: str,
    high_rate: float,
    low_rate: float,
    low_trials: int,
    ratio: float | None,
    lower: float | None,
    upper: float | None,
    low_upper: float | None,
    confidence: float,
) -> str:
    """One differential in plain words.

    Examples
    --------
    >>> describe(metric="fmr", lead="By race, at threshold 0.5", high="Black", low="White",
    ...          high_rate=6.3e-4, low_rate=1e-4, low_trials=90000, ratio=6.3, lower=4.1,
    ...          upper=9.8, low_upper=None, confidence=0.95)
    'By race, at threshold 0.5, Black is falsely matched 6.3 times as often as White (95 % CI 4.1–9.8): FMR 6.3e-04 (1 in 1,600) against 1.0e-04 (1 in 10,000).'
    """  # noqa: E501, RUF002
    who, verb, errors = _PHRASES[metric]
    name = _NAMES[metric]
    subject_high = who.format(g=high)
    subject_low = who.format(g=low)
    if ratio is None or low_rate == 0:
        bound = (
            f" ({confidence:.0%} upper bound {format_rate(low_upper)})".replace("%", " %")
            if low_upper is not None
            else ""
        )
        return (
            f"{lead}, {subject_high} {verb} ({name} {format_rate(high_rate)}), while "
            f"{subject_low} had no {errors} in {low_trials:,} trials{bound}; the ratio "
            "cannot be estimated."
        )
    interval = ""
    if lower is not None and upper is not None:
        interval = f" ({confidence:.0%} CI {lower:.1f}\N{EN DASH}{upper:.1f})".replace("%", " %")
    return (
        f"{lead}, {subject_high} {verb} {ratio:.1f} times as often as {subject_low}"
        f"{interval}: {name} {format_rate(high_rate)} against {format_rate(low_rate)}."
    )
