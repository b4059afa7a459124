# The SQL here is assembled from column names quoted by the source (``source.quote``)
# and numbers the audit formats itself.
# ruff: noqa: S608
"""``audit_triage``: detectors that rank cases for human review, by group.

Built on :func:`audit_classification`: a review capacity of k cases is the threshold at
the k-th highest score, and precision at k, recall and the alert rate are the PPV, TPR
and selection rate at that threshold, with the classification engine's counts and
intervals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

import railab
from railab.audit._audit import audit_classification
from railab.audit._bioresult import CapacityRow, GroupCountRow, RateRow, TriageResult, TriageSpec
from railab.audit._counting import _check_columns, _check_numeric
from railab.audit._errors import AuditInputError
from railab.audit._metrics import divide, nan_percentile
from railab.audit._result import AuditResult, AuditWarning, CurveRow
from railab.audit._sources import open_source
from railab.audit._verification_stats import OperatingPoint, summarise

__all__ = ["audit_triage"]

FloatArray = npt.NDArray[np.float64]

#: Triage metric -> classification metric it is.
_METRICS = {"precision": "ppv", "recall": "tpr", "alert_rate": "selection_rate"}


def _top_scores(data: object, score: str, label: str, k: int, **open_args: Any) -> FloatArray:
    source = open_source(data, **open_args)
    try:
        columns = source.columns()
        _check_columns(columns, [("label", label), ("score", score)])
        s = _check_numeric(source, columns, score, "score")
        table = source.run(
            f"SELECT s FROM (SELECT {s} AS s, {source.quote(label)} AS y FROM {{src}}) AS t "
            f"WHERE s IS NOT NULL AND y IS NOT NULL AND NOT isnan(s) ORDER BY s DESC LIMIT {int(k)}"
        )
    finally:
        source.close()
    return np.asarray(table.column("s").to_numpy(zero_copy_only=False), dtype=np.float64)


def audit_triage(
    data: object,
    *,
    label: str,
    score: str,
    capacity: Sequence[int],
    groups: Sequence[str] = (),
    intersect: bool = False,
    positive: object | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    min_group_size: int = 30,
    encoding: str | None = None,
    memory_limit: str | None = None,
    progress: Callable[[float], None] | None = None,
) -> TriageResult:
    """Audit a triage detector (deepfakes, abuse material, transaction alerts...) that
    ranks cases for human review, by group.

    For each review capacity k (the top k cases by score are reviewed): precision at k
    and recall overall and per group; the alert rate of each group (share of its cases
    sent to review) and its ratio to the overall alert rate (1: alerted in proportion to
    its size); recall as a function of review effort; differentials across groups and
    findings in plain words. The measures are those of information retrieval (precision
    and recall at k: Manning, Raghavan & Schütze, *Introduction to Information
    Retrieval*, 2008, ch. 8) broken down by group as in the classification audit.

    Intervals of each group's rates come from the classification engine (multinomial
    bootstrap of the counts); those of ratios and summaries from a multinomial bootstrap
    of each attribute's (group, label, reviewed-at-capacity) counts. The threshold of each
    capacity is held fixed.

    Parameters
    ----------
    data
        Any input :func:`audit_classification` takes; one row per case.
    label
        Column with the ground truth (e.g. the case is a deepfake).
    score
        Column with the detector's score (higher: reviewed first); any scale.
    capacity
        Review capacities: numbers of cases reviewed, e.g. ``[100, 1000]``.
    groups, intersect, positive, bootstrap, seed, confidence, min_group_size
        As for :func:`audit_classification`.
    encoding, memory_limit, progress
        As for :func:`audit_classification`.

    Returns
    -------
    TriageResult

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "fake":  [1, 1, 0, 1, 0, 0, 0, 1],
    ...     "score": [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2],
    ...     "region": ["n", "s", "n", "s", "n", "s", "n", "s"],
    ... })
    >>> r = audit_triage(cases, label="fake", score="score", capacity=[4],
    ...                  groups=["region"], bootstrap=0)
    >>> r.rate("precision", capacity=4).value, r.rate("recall", capacity=4).value
    (0.75, 0.75)
    >>> r.rate("alert_rate", attribute="region", group="n").value
    0.5
    """
    if isinstance(groups, str):
        groups = [groups]
    capacities = sorted({int(k) for k in capacity})
    if not capacities or capacities[0] < 1:
        raise AuditInputError("review capacities must be whole numbers from 1, e.g. --capacity 100")
    open_args: dict[str, Any] = {"encoding": encoding, "memory_limit": memory_limit}
    top = _top_scores(data, score, label, capacities[-1], **open_args)
    if top.size == 0:
        raise AuditInputError("the data has no case with both a score and a label")
    warnings = []
    thresholds = []
    for k in capacities:
        if k > top.size:
            warnings.append(
                AuditWarning(
                    "threshold_range",
                    f"capacity {k:,} is more than the {top.size:,} cases: every case is reviewed",
                )
            )
        thresholds.append(float(top[min(k, top.size) - 1]))
    result = audit_classification(
        data,
        label=label,
        score=score,
        thresholds=sorted(set(thresholds)),
        groups=groups,
        intersect=intersect,
        positive=positive,
        bootstrap=bootstrap,
        seed=seed,
        confidence=confidence,
        min_group_size=min_group_size,
        target_fpr=(),
        allow_scores_outside_unit=True,
        progress=progress,
        **open_args,
    )
    return _triage_result(result, capacities, thresholds, warnings)


def _triage_result(
    result: AuditResult,
    capacities: list[int],
    thresholds: list[float],
    warnings: list[AuditWarning],
) -> TriageResult:
    spec = result.spec
    conf = spec.confidence
    confusion = {(c.attribute, c.group, c.threshold): c for c in result.confusion}
    views = list(dict.fromkeys((c.attribute, c.group) for c in result.confusion))
    points = []
    for k, t in zip(capacities, thresholds, strict=True):
        c = confusion[("overall", "all", t)]
        reviewed = c.tp + c.fp
        if reviewed > k:
            warnings.append(
                AuditWarning(
                    "ties",
                    f"capacity {k:,}: {reviewed:,} cases score at least {t:.6g} (ties at the "
                    "cut); all of them count as reviewed",
                )
            )
        points.append(
            CapacityRow(
                capacity=k,
                threshold=t,
                reviewed=reviewed,
                true_positives=c.tp,
                positives=c.tp + c.fn,
                cases=c.n,
                precision=_ratio(c.tp, reviewed),
                recall=_ratio(c.tp, c.tp + c.fn),
            )
        )
    boot = _bootstrap(result, views, capacities, thresholds)
    rates = []
    for attribute, group in views:
        for k, t in zip(capacities, thresholds, strict=True):
            for name, metric in _METRICS.items():
                m = result.metric(metric, attribute=attribute, group=group, threshold=t)
                c = confusion[(attribute, group, t)]
                numerator = {"precision": c.tp, "recall": c.tp, "alert_rate": c.tp + c.fp}[name]
                rates.append(
                    RateRow(
                        attribute=attribute,
                        group=group,
                        metric=name,
                        threshold=t,
                        target_fmr=None,
                        rank=None,
                        capacity=k,
                        value=m.value,
                        lower=m.lower,
                        upper=m.upper,
                        wilson_lower=m.wilson_lower,
                        wilson_upper=m.wilson_upper,
                        numerator=numerator,
                        denominator=m.denominator,
                        small=m.small,
                    )
                )
            overall = confusion[("overall", "all", t)]
            c = confusion[(attribute, group, t)]
            ratio = _ratio((c.tp + c.fp) * overall.n, c.n * (overall.tp + overall.fp))
            lower = upper = None
            if boot is not None and attribute in boot:
                sample = boot[attribute]["alert_ratio"][:, capacities.index(k)]
                names = [g for a, g in views if a == attribute]
                lo, hi = nan_percentile(sample[:, names.index(group)], confidence=conf)
                lower, upper = _clean(float(lo)), _clean(float(hi))
            rates.append(
                RateRow(
                    attribute=attribute,
                    group=group,
                    metric="alert_ratio",
                    threshold=t,
                    target_fmr=None,
                    rank=None,
                    capacity=k,
                    value=ratio,
                    lower=lower,
                    upper=upper,
                    wilson_lower=None,
                    wilson_upper=None,
                    numerator=c.tp + c.fp,
                    denominator=c.n,
                    small=c.n < spec.min_group_size,
                )
            )
    diff_rows, findings = [], []
    for attribute in dict.fromkeys(a for a, _ in views if a != "overall"):
        names = [g for a, g in views if a == attribute]
        for i, (k, t) in enumerate(zip(capacities, thresholds, strict=True)):
            metrics: dict[str, tuple[FloatArray, FloatArray | None, FloatArray, FloatArray]] = {}
            for name, metric in _METRICS.items():
                rows = [
                    result.metric(metric, attribute=attribute, group=g, threshold=t) for g in names
                ]
                value = np.array([np.nan if r.value is None else r.value for r in rows])
                cm = [confusion[(attribute, g, t)] for g in names]
                num = np.array(
                    [x.tp if name != "alert_rate" else x.tp + x.fp for x in cm], dtype=np.float64
                )
                den = np.array([r.denominator for r in rows], dtype=np.float64)
                resampled = boot[attribute][name][:, i] if boot is not None else None
                metrics[name] = (value, resampled, num, den)
            found_rows, found = summarise(
                attribute=attribute,
                groups=names,
                metrics=metrics,
                point=OperatingPoint(threshold=t, capacity=k),
                lead=f"By {attribute}, reviewing the top {k:,} cases",
                confidence=conf,
                min_group_size=spec.min_group_size,
            )
            diff_rows += found_rows
            findings += found
    curves = []
    for attribute, group in views:
        roc = next(
            (
                c
                for c in result.curves
                if (c.attribute, c.group, c.kind) == (attribute, group, "roc")
            ),
            None,
        )
        c = confusion[(attribute, group, thresholds[0])]
        pos, neg = c.tp + c.fn, c.tn + c.fp
        if roc is None or c.n == 0:
            continue
        effort = tuple(((p[1] * pos + p[0] * neg) / c.n, p[1]) for p in roc.points)
        curves.append(CurveRow(attribute, group, "recall_effort", effort))
    counts = [
        GroupCountRow(
            a,
            g,
            confusion[(a, g, thresholds[0])].tp + confusion[(a, g, thresholds[0])].fn,
            confusion[(a, g, thresholds[0])].tn + confusion[(a, g, thresholds[0])].fp,
        )
        for a, g in views
    ]
    return TriageResult(
        spec=TriageSpec(
            label=spec.label,
            score=str(spec.score),
            positive=spec.positive,
            capacities=tuple(capacities),
            groups=spec.groups,
            intersect=spec.intersect,
            bootstrap=spec.bootstrap,
            seed=spec.seed,
            confidence=spec.confidence,
            min_group_size=spec.min_group_size,
            source=spec.source,
            engine=spec.engine,
        ),
        exclusions=result.exclusions,
        counts=tuple(counts),
        operating_points=tuple(points),
        rates=tuple(rates),
        differentials=tuple(diff_rows),
        findings=tuple(findings),
        curves=tuple(curves),
        warnings=tuple([*warnings, *result.warnings]),
        classification=result,
        railab_version=railab.__version__,
    )


def _bootstrap(
    result: AuditResult,
    views: list[tuple[str, str]],
    capacities: list[int],
    thresholds: list[float],
) -> Mapping[str, dict[str, FloatArray]] | None:
    """Per attribute, resampled precision, recall, alert rate and alert ratio:
    arrays (resample, capacity, group), from a multinomial resample of the attribute's
    (group, label, number of capacity thresholds reached) counts."""
    spec = result.spec
    if not spec.bootstrap:
        return None
    rng = np.random.default_rng(np.random.SeedSequence(spec.seed).spawn(3)[2])
    confusion = {(c.attribute, c.group, c.threshold): c for c in result.confusion}
    ascending = sorted(set(thresholds))
    out: dict[str, dict[str, FloatArray]] = {}
    for attribute in dict.fromkeys(a for a, _ in views if a != "overall"):
        names = [g for a, g in views if a == attribute]
        n_t = len(ascending)
        # Positives/negatives reaching each threshold: (group, label, threshold).
        reach = np.array(
            [
                [
                    [confusion[(attribute, g, t)].fp for t in ascending],
                    [confusion[(attribute, g, t)].tp for t in ascending],
                ]
                for g in names
            ],
            dtype=np.float64,
        )
        totals = np.array(
            [
                [
                    confusion[(attribute, g, ascending[0])].tn
                    + confusion[(attribute, g, ascending[0])].fp,
                    confusion[(attribute, g, ascending[0])].tp
                    + confusion[(attribute, g, ascending[0])].fn,
                ]
                for g in names
            ],
            dtype=np.float64,
        )
        # Cells by buckets: reached exactly b thresholds (b = 0..T).
        at_least = np.concatenate([totals[:, :, None], reach], axis=2)
        cells = at_least - np.concatenate(
            [at_least[:, :, 1:], np.zeros((*totals.shape, 1))], axis=2
        )
        flat = cells.reshape(-1)
        total = int(flat.sum())
        draws = rng.multinomial(total, flat / flat.sum(), size=spec.bootstrap).astype(np.float64)
        shaped = draws.reshape(spec.bootstrap, len(names), 2, n_t + 1)
        reached = np.cumsum(shaped[..., ::-1], axis=-1)[..., ::-1][..., 1:]  # (B, G, 2, T)
        tp, fp = reached[:, :, 1], reached[:, :, 0]
        n = shaped.sum(axis=(2, 3))[:, :, None]
        pos = shaped[:, :, 1].sum(axis=-1)[:, :, None]
        alert = divide(tp + fp, n)
        overall = divide((tp + fp).sum(axis=1), n.sum(axis=1))[:, None, :]
        by_capacity = [ascending.index(t) for t in thresholds]
        metrics = {
            "precision": divide(tp, tp + fp),
            "recall": divide(tp, pos),
            "alert_rate": alert,
            "alert_ratio": divide(alert, overall),
        }
        out[attribute] = {
            name: np.moveaxis(values[:, :, by_capacity], 2, 1) for name, values in metrics.items()
        }
    return out


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _clean(value: float) -> float | None:
    return value if np.isfinite(value) else None
