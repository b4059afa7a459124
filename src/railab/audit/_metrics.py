"""Classification metrics, intervals and disparities computed from counts, in numpy.

Every function here takes arrays of confusion counts with the four classes on the last
axis, in the order ``(tn, fp, fn, tp)``, and broadcasts over any leading axes (bootstrap
resample, group, threshold). Nothing loops over groups in Python.
"""

from __future__ import annotations

import warnings
from statistics import NormalDist
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = [
    "CLASSIFICATION_METRICS",
    "RATE_METRICS",
    "classification_metrics",
    "denominators",
    "nan_percentile",
    "percentile_rows",
    "wilson_interval",
]

FloatArray = npt.NDArray[np.float64]

# Index of each class on the last axis of a confusion array.
TN, FP, FN, TP = 0, 1, 2, 3

# Rates k/m: (numerator classes, denominator classes). These get Wilson intervals.
RATE_METRICS: Final[dict[str, tuple[tuple[int, ...], tuple[int, ...]]]] = {
    "base_rate": ((FN, TP), (TN, FP, FN, TP)),
    "selection_rate": ((FP, TP), (TN, FP, FN, TP)),
    "tpr": ((TP,), (FN, TP)),
    "fnr": ((FN,), (FN, TP)),
    "fpr": ((FP,), (TN, FP)),
    "tnr": ((TN,), (TN, FP)),
    "ppv": ((TP,), (FP, TP)),
    "npv": ((TN,), (TN, FN)),
    "fdr": ((FP,), (FP, TP)),
    "for": ((FN,), (TN, FN)),
    "accuracy": ((TN, TP), (TN, FP, FN, TP)),
}

CLASSIFICATION_METRICS: Final[tuple[str, ...]] = (
    *RATE_METRICS,
    "balanced_accuracy",
    "f1",
)


def _mask(classes: tuple[int, ...]) -> FloatArray:
    out = np.zeros(4)
    out[list(classes)] = 1.0
    return out


_NUM = np.stack([_mask(num) for num, _ in RATE_METRICS.values()], axis=-1)
_DEN = np.stack([_mask(den) for _, den in RATE_METRICS.values()], axis=-1)


def _divide(num: FloatArray, den: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def classification_metrics(confusion: npt.ArrayLike) -> FloatArray:
    """Every classification metric from confusion counts.

    Parameters
    ----------
    confusion
        Counts (or weight sums) with shape ``(..., 4)`` in the order ``(tn, fp, fn, tp)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., len(CLASSIFICATION_METRICS))``; NaN where a denominator is zero.

    Examples
    --------
    >>> m = classification_metrics([[5, 1, 2, 2]])
    >>> dict(zip(CLASSIFICATION_METRICS, m[0].round(3).tolist()))["tpr"]
    0.5
    """
    conf = np.asarray(confusion, dtype=np.float64)
    rates = _divide(conf @ _NUM, conf @ _DEN)
    names = list(RATE_METRICS)
    tpr = rates[..., names.index("tpr")]
    tnr = rates[..., names.index("tnr")]
    balanced = (tpr + tnr) / 2.0
    f1 = _divide(2.0 * conf[..., TP], 2.0 * conf[..., TP] + conf[..., FP] + conf[..., FN])
    return np.concatenate([rates, balanced[..., None], f1[..., None]], axis=-1)


def denominators(confusion: npt.ArrayLike) -> FloatArray:
    """Number of cases in each metric's denominator (what "too small" is judged on).

    Examples
    --------
    >>> denominators([[5, 1, 2, 2]])[0, :3].tolist()
    [10.0, 10.0, 4.0]
    """
    conf = np.asarray(confusion, dtype=np.float64)
    rates = conf @ _DEN
    positives = conf[..., FN] + conf[..., TP]
    negatives = conf[..., TN] + conf[..., FP]
    balanced = np.minimum(positives, negatives)
    f1 = conf[..., TP] + conf[..., FP] + conf[..., FN]
    return np.concatenate([rates, balanced[..., None], f1[..., None]], axis=-1)


def rate_parts(confusion: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Numerators and denominators of the rate metrics, shape ``(..., len(RATE_METRICS))``."""
    conf = np.asarray(confusion, dtype=np.float64)
    return conf @ _NUM, conf @ _DEN


def wilson_interval(
    successes: npt.ArrayLike, trials: npt.ArrayLike, *, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for a binomial proportion, vectorised.

    ``trials`` may be an effective sample size (not an integer) for weighted data.

    Examples
    --------
    >>> lo, hi = wilson_interval(8, 10)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.4902, 0.9433)
    """
    k = np.asarray(successes, dtype=np.float64)
    m = np.asarray(trials, dtype=np.float64)
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / m
        denom = 1.0 + z * z / m
        centre = (p + z * z / (2.0 * m)) / denom
        half = z * np.sqrt(np.maximum(p * (1.0 - p), 0.0) / m + z * z / (4.0 * m * m)) / denom
    ok = m > 0
    lower = np.where(ok, np.clip(centre - half, 0.0, 1.0), np.nan)
    upper = np.where(ok, np.clip(centre + half, 0.0, 1.0), np.nan)
    return lower, upper


def nan_percentile(
    samples: FloatArray, *, confidence: float, axis: int = 0
) -> tuple[FloatArray, FloatArray]:
    """Percentile interval over resamples, ignoring resamples where a metric is undefined.

    Same as ``numpy.nanquantile`` with linear interpolation, but vectorised: numpy's
    version loops in Python over every column that holds a NaN, which made percentiles
    the slowest step of an audit.

    Examples
    --------
    >>> lo, hi = nan_percentile(np.arange(101.0), confidence=0.9)
    >>> round(float(lo), 6), round(float(hi), 6)
    (5.0, 95.0)
    >>> x = np.array([[1.0, np.nan], [np.nan, np.nan], [3.0, np.nan]])
    >>> nan_percentile(x, confidence=0.5)[0].tolist()
    [1.5, nan]
    """
    data = np.moveaxis(np.asarray(samples, dtype=np.float64), axis, -1)
    shape = data.shape[:-1]
    # One row per statistic with its resamples contiguous: numpy's vectorised sort of
    # short contiguous rows beats partitioning (NaN sorts last).
    lower, upper = percentile_rows(np.array(data.reshape(-1, data.shape[-1])), confidence)
    return lower.reshape(shape), upper.reshape(shape)


def percentile_rows(rows: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """``nan_percentile`` of each row of a 2-d array, sorting ``rows`` in place."""
    alpha = (1.0 - confidence) / 2.0
    rows.sort(axis=1)
    ordered = rows
    width = ordered.shape[1]
    # NaN sorts last: a row whose last value is a number has no NaN at all.
    count = np.full(ordered.shape[0], width, dtype=np.int64)
    if width:
        partial = np.flatnonzero(np.isnan(ordered[:, -1]))
        count[partial] = np.sum(~np.isnan(ordered[partial]), axis=1)
    last = np.maximum(count - 1, 0)
    out = []
    for q in (alpha, 1.0 - alpha):
        position = q * last
        below = np.floor(position).astype(np.int64)
        above = np.minimum(below + 1, last)
        low = np.take_along_axis(ordered, below[:, None], axis=1)[:, 0]
        high = np.take_along_axis(ordered, above[:, None], axis=1)[:, 0]
        with np.errstate(invalid="ignore"):
            value = np.where(high == low, low, low + (high - low) * (position - below))
        out.append(np.where(count > 0, value, np.nan))
    return out[0], out[1]


def nan_range(values: FloatArray, *, axis: int) -> tuple[FloatArray, FloatArray]:
    """``(min, max)`` over ``axis`` ignoring NaN; NaN where every value is NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmin(values, axis=axis), np.nanmax(values, axis=axis)


def divide(num: FloatArray, den: FloatArray) -> FloatArray:
    """``num / den`` with NaN where ``den`` is zero or NaN."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(num / den, dtype=np.float64)
    return np.where(np.isfinite(out), out, np.nan)
