"""Score metrics (ROC AUC, PR AUC, Brier, calibration) from per-group score histograms.

A histogram here is three arrays over ``(..., group, label, bin)``: the weight of cases
(``w``), the sum of their scores (``s1``) and of their squared scores (``s2``), with bins
in ascending score order. With exact bins (one per distinct score) every result equals
the row-wise computation of scikit-learn; with fine fixed bins, ties inside a bin are
treated as ties.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from railab.audit._metrics import divide

__all__ = ["SCORE_METRICS", "Histogram", "calibration_bins", "score_metrics"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SCORE_METRICS: Final[tuple[str, ...]] = ("roc_auc", "pr_auc", "brier", "ece")
CALIBRATION_BINS: Final[int] = 10


@dataclass(frozen=True)
class Histogram:
    """Per-group score histogram; arrays have shape ``(..., group, 2, bin)``."""

    w: FloatArray
    s1: FloatArray
    s2: FloatArray


def calibration_bins(values: FloatArray, *, n_bins: int = CALIBRATION_BINS) -> IntArray:
    """Reliability bin of each score, as :func:`sklearn.calibration.calibration_curve`.

    Examples
    --------
    >>> calibration_bins(np.array([0.0, 0.1, 0.15, 1.0])).tolist()
    [0, 0, 1, 9]
    """
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    return np.searchsorted(edges[1:-1], values).astype(np.int64)


def _auc_ap(pos: FloatArray, neg: FloatArray) -> tuple[FloatArray, FloatArray]:
    p_total = pos.sum(axis=-1)
    n_total = neg.sum(axis=-1)
    neg_below = np.cumsum(neg, axis=-1) - neg
    # Mann-Whitney with ties counted one half: what roc_auc_score's trapezoid computes.
    auc = divide((pos * (neg_below + 0.5 * neg)).sum(axis=-1), p_total * n_total)
    # Average precision: precision at each distinct score, weighted by its positives.
    tp_at = np.cumsum(pos[..., ::-1], axis=-1)[..., ::-1]
    fp_at = np.cumsum(neg[..., ::-1], axis=-1)[..., ::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(pos > 0, tp_at / np.where(tp_at + fp_at > 0, tp_at + fp_at, 1), 0)
    ap = divide((pos * precision).sum(axis=-1), p_total)
    ap = np.where(n_total + p_total > 0, ap, np.nan)
    return auc, ap


def score_metrics(hist: Histogram, calibration_index: IntArray, *, unit_scores: bool) -> FloatArray:
    """ROC AUC, PR AUC (average precision), Brier score and ECE per group.

    Parameters
    ----------
    hist
        Histogram with arrays of shape ``(..., group, 2, bin)``.
    calibration_index
        Reliability bin (0-9) of each histogram bin, from :func:`calibration_bins`.
    unit_scores
        Whether scores are probabilities in [0, 1]; if not, Brier and ECE are NaN.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., group, len(SCORE_METRICS))``.

    Examples
    --------
    >>> w = np.array([[[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]])  # one group: negatives, positives
    >>> s = np.array([0.2, 0.6, 0.9])
    >>> h = Histogram(w=w, s1=w * s, s2=w * s * s)
    >>> score_metrics(h, calibration_bins(s), unit_scores=True).round(3).tolist()
    [[0.875, 0.833, 0.143, 0.125]]
    """
    pos = hist.w[..., 1, :]
    neg = hist.w[..., 0, :]
    auc, ap = _auc_ap(pos, neg)
    total = hist.w.sum(axis=(-2, -1))
    if unit_scores:
        squared = hist.s2.sum(axis=(-2, -1)) - 2.0 * hist.s1[..., 1, :].sum(axis=-1)
        brier = divide(squared + pos.sum(axis=-1), total)
        n_cal = CALIBRATION_BINS
        onehot = np.zeros((calibration_index.size, n_cal))
        onehot[np.arange(calibration_index.size), calibration_index] = 1.0
        count = (pos + neg) @ onehot
        mean_score = divide((hist.s1[..., 0, :] + hist.s1[..., 1, :]) @ onehot, count)
        frac_pos = divide(pos @ onehot, count)
        gap = np.where(count > 0, np.abs(mean_score - frac_pos) * count, 0.0)
        ece = divide(gap.sum(axis=-1), total)
    else:
        brier = np.full_like(auc, np.nan)
        ece = np.full_like(auc, np.nan)
    return np.stack([auc, ap, brier, ece], axis=-1)


def roc_points(pos: FloatArray, neg: FloatArray, *, max_points: int = 200) -> list[list[float]]:
    """ROC curve of one group as ``[fpr, tpr]`` pairs from (0, 0) to (1, 1)."""
    keep = (pos + neg) > 0
    p, n = pos[keep][::-1], neg[keep][::-1]
    tpr = np.concatenate([[0.0], np.cumsum(p)]) / max(p.sum(), 1e-300)
    fpr = np.concatenate([[0.0], np.cumsum(n)]) / max(n.sum(), 1e-300)
    if tpr.size > max_points:
        idx = np.unique(np.linspace(0, tpr.size - 1, max_points).round().astype(int))
        tpr, fpr = tpr[idx], fpr[idx]
    return [[float(a), float(b)] for a, b in zip(fpr, tpr, strict=True)]


def reliability_points(
    w: FloatArray, s1: FloatArray, calibration_index: IntArray
) -> list[list[float]]:
    """Reliability curve of one group as ``[mean score, fraction positive, count]`` rows."""
    n_cal = CALIBRATION_BINS
    count = np.bincount(calibration_index, weights=w[0] + w[1], minlength=n_cal)
    ssum = np.bincount(calibration_index, weights=s1[0] + s1[1], minlength=n_cal)
    pos = np.bincount(calibration_index, weights=w[1], minlength=n_cal)
    keep = count > 0
    return [
        [float(a), float(b), float(c)]
        for a, b, c in zip(
            ssum[keep] / count[keep], pos[keep] / count[keep], count[keep], strict=True
        )
    ]


def thresholds_for_fpr(
    pos: FloatArray, neg: FloatArray, values: FloatArray, target: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per group, the lowest threshold (``score >= t``) whose FPR is at most ``target``.

    ``pos`` and ``neg`` have shape ``(group, bin)``. Returns threshold (NaN when only
    "nobody positive" meets the target), FPR and TPR, each of shape ``(group,)``.
    """
    n_total = neg.sum(axis=-1, keepdims=True)
    p_total = pos.sum(axis=-1, keepdims=True)
    fp_at = np.cumsum(neg[..., ::-1], axis=-1)[..., ::-1]
    tp_at = np.cumsum(pos[..., ::-1], axis=-1)[..., ::-1]
    fpr = divide(fp_at, n_total)
    tpr = divide(tp_at, p_total)
    ok = ((pos + neg) > 0) & (fpr <= target + 1e-12)
    first = np.argmax(ok, axis=-1)
    found = ok.any(axis=-1)
    rows = np.arange(pos.shape[0])
    threshold = np.where(found, values[first], np.nan)
    return (
        threshold,
        np.where(found, fpr[rows, first], 0.0),
        np.where(found, tpr[rows, first], 0.0),
    )
