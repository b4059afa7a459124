"""Verification statistics from counts: EER, DET points, score densities, the subject
bootstrap, and the differential summaries shared with identification and triage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from railab.audit._bioresult import DifferentialRow, FindingRow
from railab.audit._counting import MISSING
from railab.audit._differentials import (
    DIFFERENTIAL_MEASURES,
    describe,
    fairness_discrepancy_rate,
    measure,
)
from railab.audit._metrics import divide, nan_percentile, wilson_interval

__all__ = [
    "OperatingPoint",
    "bootstrap_profiles",
    "det_points",
    "eer_from_counts",
    "score_density",
    "summarise",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class OperatingPoint:
    """Where a rate is read: a threshold (and the target FMR that set it), a rank, or a
    review capacity."""

    threshold: float | None = None
    target_fmr: float | None = None
    rank: int | None = None
    capacity: int | None = None


def eer_from_counts(
    thresholds: FloatArray, fm: FloatArray, fnm: FloatArray, impostors: float, genuines: float
) -> tuple[float, float, float, float] | None:
    """Equal error rate from counts at ascending candidate thresholds.

    The definition of FVC2000 (Maio et al., IEEE TPAMI 24(3), 2002), also pyeer's: at the
    first threshold ``t2`` where FMR <= FNMR and the one before it, ``t1``, take the one
    with the smaller FMR + FNMR; the EER is the mean of its FMR and FNMR, and ``low`` and
    ``high`` are the two. ISO/IEC 19795-1:2021 defines the EER as the point of the DET
    curve where FMR = FNMR; with a finite set of scores this is the nearest step.

    Returns ``(eer, low, high, threshold)`` or None when the curves do not cross.

    Examples
    --------
    >>> t = np.array([0.1, 0.2, 0.3, 0.4])
    >>> eer_from_counts(t, np.array([4.0, 2, 1, 0]), np.array([0.0, 0, 1, 3]), 4, 4)
    (0.25, 0.25, 0.25, 0.3)
    """
    if impostors == 0 or genuines == 0 or thresholds.size == 0:
        return None
    fmr, fnmr = fm / impostors, fnm / genuines
    diff = fmr - fnmr
    hits = np.flatnonzero(diff <= 0)
    if hits.size == 0:
        return None
    t2 = int(hits[0])
    t1 = t2 - 1 if diff[t2] != 0 and t2 != 0 else t2
    if fmr[t1] + fnmr[t1] <= fmr[t2] + fnmr[t2]:
        low, high, at = fnmr[t1], fmr[t1], t1
    else:
        low, high, at = fmr[t2], fnmr[t2], t2
    return float((low + high) / 2), float(low), float(high), float(thresholds[at])


def det_points(
    thresholds: FloatArray, fm: FloatArray, fnm: FloatArray, impostors: float, genuines: float
) -> tuple[tuple[float, ...], ...]:
    """DET curve as ``(fmr, fnmr, threshold)`` points, thinned to about one point per
    0.02 decade of either rate (a DET curve is read on log axes)."""
    if impostors == 0 or genuines == 0:
        return ()
    fmr, fnmr = fm / impostors, fnm / genuines
    with np.errstate(divide="ignore"):
        key_a = np.round(np.log10(np.maximum(fmr, 1e-12)) * 50)
        key_b = np.round(np.log10(np.maximum(fnmr, 1e-12)) * 50)
    change = np.ones(fmr.size, dtype=bool)
    change[1:] = (key_a[1:] != key_a[:-1]) | (key_b[1:] != key_b[:-1])
    keep = np.flatnonzero(change)
    if keep.size > 400:
        keep = keep[np.unique(np.linspace(0, keep.size - 1, 400).round().astype(int))]
    return tuple((float(fmr[i]), float(fnmr[i]), float(thresholds[i])) for i in keep.tolist())


def score_density(
    values: FloatArray, counts: FloatArray, lo: float, hi: float, *, bins: int = 50
) -> tuple[tuple[float, ...], ...]:
    """Score distribution as ``(bin centre, density)`` over ``bins`` equal bins."""
    total = counts.sum()
    if total == 0:
        return ()
    width = (hi - lo) / bins if hi > lo else 1.0
    index = np.clip(((values - lo) / width).astype(np.int64), 0, bins - 1)
    coarse = np.bincount(index, weights=counts, minlength=bins)
    centres = lo + (np.arange(bins) + 0.5) * width
    return tuple((float(c), float(d)) for c, d in zip(centres, coarse / total / width, strict=True))


def bootstrap_profiles(
    features: FloatArray,
    units: FloatArray,
    groups_of: Sequence[IntArray],
    columns: Sequence[tuple[int, list[int]]],
    n_levels: Sequence[int],
    resamples: int,
    rng: np.random.Generator,
) -> list[FloatArray]:
    """Sums of feature columns per group in each resample of units (subjects).

    Units with identical count profiles are resampled together: drawing subjects with
    replacement is a multinomial over the profiles with probabilities proportional to
    their counts. ``columns`` lists, per reported attribute (first: overall), the index
    into ``groups_of`` (-1: overall) and the feature columns to sum. Returns, per entry
    of ``columns``, an array ``(resample, group, column)``.
    """
    total = int(units.sum())
    p = units / units.sum()
    chunk = max(1, 4_000_000 // max(units.size, 1))
    outs: list[list[FloatArray]] = [[] for _ in columns]
    orders = []
    for which, _ in columns:
        if which < 0:
            orders.append((np.arange(units.size), np.array([0, units.size])))
            continue
        group = groups_of[which]
        order = np.argsort(group, kind="stable")
        bounds = np.searchsorted(group[order], np.arange(n_levels[which] + 1))
        orders.append((order, bounds))
    for start in range(0, resamples, chunk):
        b = min(chunk, resamples - start)
        draws = rng.multinomial(total, p, size=b).astype(np.float64)
        for i, (_, cols) in enumerate(columns):
            order, bounds = orders[i]
            shuffled = draws[:, order]
            feats = features[order][:, cols]
            parts = [
                shuffled[:, bounds[g] : bounds[g + 1]] @ feats[bounds[g] : bounds[g + 1]]
                for g in range(bounds.size - 1)
            ]
            outs[i].append(np.stack(parts, axis=1))
    return [np.concatenate(o, axis=0) for o in outs]


def summarise(
    *,
    attribute: str,
    groups: list[str],
    metrics: dict[str, tuple[FloatArray, FloatArray | None, FloatArray, FloatArray]],
    point: OperatingPoint,
    lead: str,
    confidence: float,
    min_group_size: int,
    fdr_alpha: float | None = None,
) -> tuple[list[DifferentialRow], list[FindingRow]]:
    """Differential summaries and findings of one attribute at one operating point.

    ``metrics`` maps a metric name to ``(rates (group,), bootstrap rates (resample,
    group) or None, errors (group,), trials (group,))``. Groups named ``(missing)`` and
    groups with fewer than ``min_group_size`` trials are left out. ``point`` gives the
    operating-point fields of the rows (threshold, target_fmr, rank, capacity).
    """
    rows: list[DifferentialRow] = []
    findings: list[FindingRow] = []
    eligible_by_metric = {}
    for metric, (rates, boot, _errors, trials) in metrics.items():
        eligible = np.array(
            [
                g != MISSING and t >= min_group_size and np.isfinite(r)
                for g, t, r in zip(groups, trials, rates, strict=True)
            ],
            dtype=bool,
        )
        eligible_by_metric[metric] = eligible
        if eligible.sum() < 2:
            continue
        x = rates[eligible]
        names = [g for g, e in zip(groups, eligible, strict=True) if e]
        hi_i, lo_i = int(np.argmax(x)), int(np.argmin(x))
        xb = boot[:, eligible] if boot is not None else None
        for name in DIFFERENTIAL_MEASURES:
            value = float(measure(name, x))
            lower = upper = None
            if xb is not None:
                lo, hi = nan_percentile(measure(name, xb), confidence=confidence)
                lower, upper = _finite(float(lo)), _finite(float(hi))
            rows.append(
                DifferentialRow(
                    attribute=attribute,
                    metric=metric,
                    measure=name,
                    value=_finite(value),
                    lower=lower,
                    upper=upper,
                    high_group=names[hi_i],
                    low_group=names[lo_i],
                    threshold=point.threshold,
                    target_fmr=point.target_fmr,
                    rank=point.rank,
                    capacity=point.capacity,
                )
            )
        ratio = float(divide(np.array(x[hi_i]), np.array(x[lo_i])))
        r_lower = r_upper = None
        if xb is not None and x[lo_i] > 0:
            lo, hi = nan_percentile(
                divide(xb[:, hi_i], xb[:, lo_i])[:, None], confidence=confidence
            )
            r_lower, r_upper = _finite(float(lo[0])), _finite(float(hi[0]))
        trials_e = trials[eligible]
        errors_e = metrics[metric][2][eligible]
        low_upper = None
        if x[lo_i] == 0:
            low_upper = float(
                wilson_interval(errors_e[lo_i], trials_e[lo_i], confidence=confidence)[1]
            )
        text = describe(
            metric=metric,
            lead=lead,
            high=names[hi_i],
            low=names[lo_i],
            high_rate=float(x[hi_i]),
            low_rate=float(x[lo_i]),
            low_trials=int(trials_e[lo_i]),
            ratio=_finite(ratio),
            lower=r_lower,
            upper=r_upper,
            low_upper=low_upper,
            confidence=confidence,
        )
        findings.append(
            FindingRow(
                attribute=attribute,
                metric=metric,
                high_group=names[hi_i],
                low_group=names[lo_i],
                ratio=_finite(ratio),
                lower=r_lower,
                upper=r_upper,
                text=text,
                threshold=point.threshold,
                target_fmr=point.target_fmr,
                rank=point.rank,
                capacity=point.capacity,
            )
        )
    if fdr_alpha is not None and {"fmr", "fnmr"} <= set(metrics):
        both = eligible_by_metric["fmr"] & eligible_by_metric["fnmr"]
        if both.sum() >= 2:
            fmr, fmr_boot = metrics["fmr"][0], metrics["fmr"][1]
            fnmr, fnmr_boot = metrics["fnmr"][0], metrics["fnmr"][1]
            value = float(fairness_discrepancy_rate(fmr[both], fnmr[both], alpha=fdr_alpha))
            lower = upper = None
            if fmr_boot is not None and fnmr_boot is not None:
                sample = fairness_discrepancy_rate(
                    fmr_boot[:, both], fnmr_boot[:, both], alpha=fdr_alpha
                )
                lo, hi = nan_percentile(sample, confidence=confidence)
                lower, upper = _finite(float(lo)), _finite(float(hi))
            rows.append(
                DifferentialRow(
                    attribute=attribute,
                    metric="fmr,fnmr",
                    measure="fdr",
                    value=_finite(value),
                    lower=lower,
                    upper=upper,
                    high_group=None,
                    low_group=None,
                    threshold=point.threshold,
                    target_fmr=point.target_fmr,
                    rank=point.rank,
                    capacity=point.capacity,
                )
            )
    return rows, findings


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None
