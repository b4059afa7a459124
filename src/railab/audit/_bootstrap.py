"""Fast paths of the classification bootstrap, each equal bit for bit to the plain version.

The bootstrap resamples the counts, not the rows, so its cost is fixed per audit; these
helpers keep it small: no threaded BLAS call on a tiny product, the metrics computed with
resamples on the last axis (where the percentile sort wants them), one division per
distinct denominator.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from railab.audit._metrics import CLASSIFICATION_METRICS, RATE_METRICS

__all__ = ["metric_samples", "sum_columns"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def sum_columns(
    values: FloatArray, index: IntArray, size: int, *, exact_any_order: bool
) -> FloatArray | None:
    """``values @ member`` for the 0/1 matrix with ``member[c, index[c, t]] = 1``.

    Returns None (use the matrix product) when the result could differ from BLAS's in the
    last bit: BLAS sums a column's terms in an order of its own, so the sums here (in cell
    order) are only guaranteed equal when no column has more than two terms or when every
    value is a whole number (then every order gives the exact sum).
    """
    cols = index.ravel()
    cell = np.repeat(np.arange(index.shape[0]), index.shape[1])
    order = np.argsort(cols, kind="stable")
    cols, cell = cols[order], cell[order]
    if not cols.size:
        return np.zeros((values.shape[0], size))
    starts = np.flatnonzero(np.r_[True, cols[1:] != cols[:-1]])
    rank = np.arange(cols.size) - np.repeat(starts, np.diff(np.r_[starts, cols.size]))
    passes = int(rank.max()) + 1
    if passes > 2 and not exact_any_order:
        return None
    out = np.zeros((values.shape[0], size))
    for p in range(passes):
        pick = rank == p
        out[:, cols[pick]] += values[:, cell[pick]]
    return out


_RATE_INDEX = {name: i for i, name in enumerate(RATE_METRICS)}


def metric_samples(confusion: FloatArray) -> FloatArray:
    """``classification_metrics`` of bootstrap confusion arrays, resamples moved last.

    ``confusion`` has shape ``(resample, group, threshold, 4)``; the result has shape
    ``(group, threshold * len(CLASSIFICATION_METRICS), resample)``, each value equal to
    ``classification_metrics(confusion)`` (the class sums are added in class order, as
    the 0/1 matrix product there adds them).
    """
    r, v, t, _ = confusion.shape
    tn, fp, fn, tp = np.ascontiguousarray(confusion.transpose(3, 1, 2, 0))
    total = tn + fp + fn + tp
    positives = fn + tp
    negatives = tn + fp
    flagged = fp + tp
    cleared = tn + fn
    parts = {
        "base_rate": (positives, total),
        "selection_rate": (flagged, total),
        "tpr": (tp, positives),
        "fnr": (fn, positives),
        "fpr": (fp, negatives),
        "tnr": (tn, negatives),
        "ppv": (tp, flagged),
        "npv": (tn, cleared),
        "fdr": (fp, flagged),
        "for": (fn, cleared),
        "accuracy": (tn + tp, total),
    }
    if list(parts) != list(RATE_METRICS):  # pragma: no cover - guards a metric added later
        raise AssertionError("metric_samples is out of step with RATE_METRICS")
    out = np.full((v, t, len(CLASSIFICATION_METRICS), r), np.nan)
    for name, (num, den) in parts.items():
        np.divide(num, den, out=out[:, :, _RATE_INDEX[name]], where=den > 0)
    balanced = len(RATE_METRICS)
    np.add(out[:, :, _RATE_INDEX["tpr"]], out[:, :, _RATE_INDEX["tnr"]], out=out[:, :, balanced])
    out[:, :, balanced] /= 2.0
    f1_den = 2.0 * tp + fp + fn
    np.divide(2.0 * tp, f1_den, out=out[:, :, balanced + 1], where=f1_den > 0)
    return out.reshape(v, -1, r)
