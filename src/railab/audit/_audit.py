"""``audit_classification``: count, then compute metrics, intervals and disparities."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

import railab
from railab.audit._bootstrap import metric_samples, sum_columns
from railab.audit._counting import Cells, _display, count_cells
from railab.audit._errors import AuditInputError
from railab.audit._metrics import (
    CLASSIFICATION_METRICS,
    RATE_METRICS,
    classification_metrics,
    denominators,
    divide,
    nan_range,
    percentile_rows,
    rate_parts,
    wilson_interval,
)
from railab.audit._result import (
    BAND,
    AuditResult,
    AuditSpec,
    AuditWarning,
    ConfusionRow,
    CurveRow,
    DisparityRow,
    Exclusions,
    MetricRow,
    SummaryRow,
    TargetThresholdRow,
)
from railab.audit._scores import (
    SCORE_METRICS,
    Histogram,
    calibration_bins,
    reliability_points,
    roc_points,
    score_metrics,
    thresholds_for_fpr,
)
from railab.audit._sources import open_source

__all__ = ["audit_classification"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

OVERALL = "overall"
ALL = "all"
INTERSECTION_SEP = " \N{MULTIPLICATION SIGN} "
# Keep each chunk of score-histogram resamples to about this many numbers in memory.
_CHUNK_CELLS = 2_000_000


@dataclass(frozen=True)
class _Views:
    """Every group reported: overall, each attribute's groups, and intersections."""

    attribute: list[str]
    group: list[str]
    matrix: FloatArray  # (full-cross group, reported group) membership
    spans: dict[str, slice]  # attribute -> its reported groups
    full_index: IntArray  # full-cross group of each cell


def _views(cells: Cells, groups: Sequence[str], intersect: bool) -> _Views:
    if cells.codes.shape[1]:
        combos, inverse = np.unique(cells.codes, axis=0, return_inverse=True)
    else:
        combos, inverse = np.zeros((1, 0), np.int64), np.zeros(len(cells.n), np.int64)
    n_full = combos.shape[0]
    attribute = [OVERALL]
    group = [ALL]
    columns = [np.ones(n_full)]
    spans: dict[str, slice] = {}
    for j, name in enumerate(groups):
        start = len(group)
        for level_index, level in enumerate(cells.levels[j]):
            attribute.append(name)
            group.append(level)
            columns.append((combos[:, j] == level_index).astype(np.float64))
        spans[name] = slice(start, len(group))
    if intersect and len(groups) > 1:
        name = INTERSECTION_SEP.join(groups)
        start = len(group)
        for f in range(n_full):
            attribute.append(name)
            group.append(
                INTERSECTION_SEP.join(cells.levels[j][combos[f, j]] for j in range(len(groups)))
            )
            column = np.zeros(n_full)
            column[f] = 1.0
            columns.append(column)
        spans[name] = slice(start, len(group))
    return _Views(
        attribute=attribute,
        group=group,
        matrix=np.stack(columns, axis=1),
        spans=spans,
        full_index=inverse.reshape(-1).astype(np.int64),
    )


def _confusion_index(full: IntArray, y: IntArray, k: IntArray, n_thresholds: int) -> IntArray:
    """Flat (full group, threshold, class) index of each (cell, threshold): shape (cell, T)."""
    t = np.arange(n_thresholds)
    predicted = (k[:, None] > t[None, :]).astype(np.int64)
    cls = 2 * y[:, None] + predicted
    return np.asarray((full[:, None] * n_thresholds + t[None, :]) * 4 + cls, dtype=np.int64)


def _confusion(
    values: FloatArray, index: IntArray, n_full: int, n_thresholds: int, views: _Views
) -> FloatArray:
    size = n_full * n_thresholds * 4
    flat = np.bincount(index.ravel(), weights=np.repeat(values, index.shape[1]), minlength=size)
    by_full = flat.reshape(n_full, n_thresholds * 4)
    return (views.matrix.T @ by_full).reshape(-1, n_thresholds, 4)


def _collapse(keys: IntArray, *columns: FloatArray) -> tuple[IntArray, list[FloatArray]]:
    unique, inverse = np.unique(keys, return_inverse=True)
    inverse = inverse.reshape(-1)
    sums = [
        np.asarray(np.bincount(inverse, weights=c, minlength=unique.size), dtype=np.float64)
        for c in columns
    ]
    return unique, sums


def _bootstrap_confusion(
    cells: Cells,
    views: _Views,
    n_thresholds: int,
    resamples: int,
    rng: np.random.Generator,
) -> FloatArray:
    """Confusion arrays of ``resamples`` multinomial resamples: (resample, group, T, 4)."""
    n_full = views.matrix.shape[0]
    k_levels = int(cells.k.max()) + 1
    key = (views.full_index * 2 + cells.y) * k_levels + cells.k
    noise = cells.noise_var if cells.noise_var is not None else np.zeros_like(cells.n)
    unique, (n, w, var) = _collapse(key, cells.n, cells.w, noise)
    k = unique % k_levels
    y = (unique // k_levels) % 2
    full = unique // (2 * k_levels)
    draws = _draws(n, var, resamples, rng)
    weighted = draws * divide(w, n)[None, :]
    index = _confusion_index(full, y, k, n_thresholds)
    # Each collapsed cell adds to T (group, threshold, class) entries: a 0/1 matrix product,
    # done as indexed sums where that is exact (BLAS threads cost more than the product).
    size = n_full * n_thresholds * 4
    whole = bool(np.array_equal(w, n) and not var.any())  # weighted draws are whole numbers
    finite = bool(np.isfinite(weighted).all())
    flat = sum_columns(weighted, index, size, exact_any_order=whole) if finite else None
    if flat is None:
        member = np.zeros((unique.size, size))
        np.put_along_axis(member, index, 1.0, axis=1)
        flat = weighted @ member
    by_full = flat.reshape(resamples, n_full, n_thresholds * 4)
    by_view = np.matmul(views.matrix.T, by_full)
    return np.asarray(by_view.reshape(resamples, -1, n_thresholds, 4), dtype=np.float64)


def _draws(
    n: FloatArray, noise_var: FloatArray, resamples: int, rng: np.random.Generator
) -> FloatArray:
    """Multinomial resamples of the cell counts; with differentially private counts, each
    resample also gets fresh noise of the mechanism's variance (a parametric bootstrap of
    the noise, so that intervals cover sampling and privacy noise together)."""
    total = round(n.sum())
    draws = rng.multinomial(total, n / n.sum(), size=resamples).astype(np.float64)
    if noise_var.any():
        draws = np.maximum(draws + rng.normal(0.0, np.sqrt(noise_var), size=draws.shape), 0.0)
    return draws


def _histogram_cells(cells: Cells, views: _Views) -> tuple[IntArray, list[FloatArray]]:
    n_bins = cells.bin_values.size
    key = (views.full_index * 2 + cells.y) * n_bins + cells.bin
    noise = cells.noise_var if cells.noise_var is not None else np.zeros_like(cells.n)
    return _collapse(key, cells.n, cells.w, cells.s1, cells.s2, noise)


def _to_views(flat: FloatArray, n_full: int, n_bins: int, views: _Views) -> FloatArray:
    lead = flat.shape[:-1]
    shaped = flat.reshape(*lead, n_full, 2 * n_bins)
    # (group, rest) -> (reported group, rest) as one BLAS product over the group axis.
    out = np.matmul(views.matrix.T, shaped)
    return np.asarray(out.reshape(*lead, -1, 2, n_bins), dtype=np.float64)


def _histogram(
    unique: IntArray, columns: list[FloatArray], n_full: int, n_bins: int, views: _Views
) -> Histogram:
    size = n_full * 2 * n_bins
    arrays = []
    for column in columns[1:4]:
        flat = np.zeros(size)
        flat[unique] = column
        arrays.append(_to_views(flat, n_full, n_bins, views))
    return Histogram(w=arrays[0], s1=arrays[1], s2=arrays[2])


def _bootstrap_scores(
    unique: IntArray,
    columns: list[FloatArray],
    n_full: int,
    n_bins: int,
    views: _Views,
    calibration: IntArray,
    unit_scores: bool,
    resamples: int,
    rng: np.random.Generator,
) -> FloatArray:
    n, w, s1, s2, noise = columns
    per_row = [divide(c, n) for c in (w, s1, s2)]
    size = n_full * 2 * n_bins
    chunk = max(1, _CHUNK_CELLS // max(len(views.group) * 2 * n_bins, 1))
    out = []
    for start in range(0, resamples, chunk):
        b = min(chunk, resamples - start)
        draws = _draws(n, noise, b, rng)
        parts = []
        for scale in per_row:
            flat = np.zeros((b, size))
            flat[:, unique] = draws * scale[None, :]
            parts.append(_to_views(flat, n_full, n_bins, views))
        hist = Histogram(w=parts[0], s1=parts[1], s2=parts[2])
        out.append(score_metrics(hist, calibration, unit_scores=unit_scores))
    return np.concatenate(out, axis=0)


def _reference_indices(
    views: _Views, counts: FloatArray, reference: Mapping[str, object] | None
) -> dict[str, int]:
    wanted = {str(k): _display(v) for k, v in (reference or {}).items()}
    unknown = set(wanted) - set(views.spans)
    if unknown:
        name = sorted(unknown)[0]
        raise AuditInputError(
            f"reference names attribute `{name}`, which is not audited; use one of: "
            + ", ".join(views.spans)
        )
    chosen = {}
    for attribute, span in views.spans.items():
        names = views.group[span]
        if attribute in wanted:
            if wanted[attribute] not in names:
                raise AuditInputError(
                    f"reference group {attribute}={wanted[attribute]} not found; groups of "
                    f"`{attribute}` are: " + ", ".join(names[:12])
                )
            chosen[attribute] = span.start + names.index(wanted[attribute])
        else:
            chosen[attribute] = span.start + int(np.argmax(counts[span]))
    return chosen


def _clean(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _validate_options(
    prediction: str | None,
    score: str | None,
    thresholds: Sequence[float],
    groups: Sequence[str],
    bootstrap: int,
    confidence: float,
    min_group_size: int,
    target_fpr: Sequence[float],
) -> tuple[float, ...]:
    if (prediction is None) == (score is None):
        raise AuditInputError(
            "pass either a prediction column (--prediction) or a score column (--score), "
            "not both or neither"
        )
    if len(set(groups)) != len(groups):
        raise AuditInputError("a group column is named twice; name each group column once")
    if bootstrap < 0:
        raise AuditInputError("bootstrap must be 0 (no resampling) or a positive number")
    if not 0.0 < confidence < 1.0:
        raise AuditInputError("confidence must be between 0 and 1, e.g. 0.95")
    if min_group_size < 1:
        raise AuditInputError("min_group_size must be at least 1")
    if any(not 0.0 <= t <= 1.0 for t in target_fpr):
        raise AuditInputError("target FPR values must be between 0 and 1")
    if score is None:
        return ()
    values = sorted({float(t) for t in thresholds})
    if not values:
        raise AuditInputError("a score audit needs at least one threshold (--threshold 0.5)")
    if not all(np.isfinite(values)):
        raise AuditInputError("thresholds must be finite numbers")
    return tuple(values)


def audit_classification(
    data: object,
    *,
    label: str,
    prediction: str | None = None,
    score: str | None = None,
    thresholds: Sequence[float] = (0.5,),
    groups: Sequence[str] = (),
    intersect: bool = False,
    reference: Mapping[str, object] | None = None,
    positive: object | None = None,
    weight: str | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    min_group_size: int = 30,
    target_fpr: Sequence[float] = (0.05, 0.1),
    allow_scores_outside_unit: bool = False,
    encoding: str | None = None,
    memory_limit: str | None = None,
    progress: Callable[[float], None] | None = None,
) -> AuditResult:
    """Audit a classifier or risk score for accuracy and disparities between groups.

    Rows are counted where the data lives (DuckDB, or Spark for a PySpark DataFrame);
    every metric, interval and disparity is then computed from the counts.

    Parameters
    ----------
    data
        A CSV or Parquet path (file, glob or directory), SQL text, a DuckDB relation, a
        pyarrow Table, a pandas or polars DataFrame, or a PySpark DataFrame.
    label
        Column with the ground truth.
    prediction
        Column with a binary decision. Give this or ``score``.
    score
        Column with a risk score; decisions are ``score >= threshold``.
    thresholds
        Thresholds for ``score`` (each gets its own metrics).
    groups
        Columns with group attributes (e.g. ``["race", "sex"]``); missing values form a
        group ``"(missing)"``.
    intersect
        Also audit every combination of the group attributes (e.g. race and sex).
    reference
        Reference group per attribute, e.g. ``{"race": "White"}``; default the largest.
    positive
        Label value that counts as positive when labels are not 0/1 or true/false; other
        values count as negative.
    weight
        Column of non-negative case weights.
    bootstrap
        Number of multinomial resamples of the counts for percentile intervals (0: none).
    seed
        Seed of the resampling, for reproducible intervals.
    confidence
        Coverage of the intervals.
    min_group_size
        Estimates with fewer cases than this in their denominator are marked small.
    target_fpr
        False positive rates for which each group's threshold is reported (scores only).
    allow_scores_outside_unit
        Accept scores outside [0, 1] (Brier score and calibration are then omitted).
    encoding
        Encoding of a CSV file that is not UTF-8, e.g. ``"latin-1"``.
    memory_limit
        DuckDB memory limit, e.g. ``"2GB"``; larger data spills to disk.
    progress
        Called with the fraction of the data read, from 0 to 1.

    Returns
    -------
    AuditResult
        Tidy tables of counts, metrics, disparities and summaries, with intervals.

    Raises
    ------
    AuditInputError
        For bad input, with a one-line message naming the problem and the fix.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "reoffended": [1, 0, 1, 1, 0, 0, 1, 0],
    ...     "flagged":    [1, 0, 1, 0, 1, 0, 1, 1],
    ...     "sex":        ["F", "F", "F", "F", "M", "M", "M", "M"],
    ... })
    >>> r = audit_classification(df, label="reoffended", prediction="flagged",
    ...                          groups=["sex"], bootstrap=200, seed=1)
    >>> round(r.metric("selection_rate", attribute="sex", group="M").value, 2)
    0.75
    >>> r.spec.reference
    {'sex': 'F'}
    """
    if isinstance(groups, str):  # groups="race" means one group column, not four
        groups = [groups]
    threshold_values = _validate_options(
        prediction, score, thresholds, groups, bootstrap, confidence, min_group_size, target_fpr
    )
    code_columns = {*groups, label, *([prediction] if prediction is not None else [])}
    source = open_source(
        data, encoding=encoding, memory_limit=memory_limit, code_columns=code_columns
    )
    try:
        cells = count_cells(
            source,
            label=label,
            prediction=prediction,
            score=score,
            thresholds=threshold_values,
            groups=list(groups),
            weight=weight,
            positive=positive,
            allow_scores_outside_unit=allow_scores_outside_unit,
            progress=progress,
        )
    finally:
        source.close()
    return _compute(
        cells,
        groups=list(groups),
        prediction=prediction,
        score=score,
        label=label,
        thresholds=threshold_values,
        intersect=intersect,
        reference=reference,
        weight=weight,
        bootstrap=bootstrap,
        seed=seed,
        confidence=confidence,
        min_group_size=min_group_size,
        target_fpr=tuple(float(t) for t in target_fpr),
        source=source.description,
        engine=source.engine,
    )


def _compute(
    cells: Cells,
    *,
    groups: list[str],
    prediction: str | None,
    score: str | None,
    label: str,
    thresholds: tuple[float, ...],
    intersect: bool,
    reference: Mapping[str, object] | None,
    weight: str | None,
    bootstrap: int,
    seed: int,
    confidence: float,
    min_group_size: int,
    target_fpr: tuple[float, ...],
    source: str,
    engine: str,
) -> AuditResult:
    views = _views(cells, groups, intersect)
    n_full = views.matrix.shape[0]
    n_t = max(len(thresholds), 1)
    n_views = len(views.group)
    index = _confusion_index(views.full_index, cells.y, cells.k, n_t)
    conf_n = _confusion(cells.n, index, n_full, n_t, views)
    conf_w = _confusion(cells.w, index, n_full, n_t, views)
    conf_w2 = _confusion(cells.w2, index, n_full, n_t, views)
    confusion_seed, score_seed = np.random.SeedSequence(seed).spawn(2)

    # Columns of the metric block: each classification metric at each threshold, then the
    # score metrics (no threshold).
    threshold_of: list[float | None] = list(thresholds) if thresholds else [None]
    names = [(m, t) for t in threshold_of for m in CLASSIFICATION_METRICS]
    values = classification_metrics(conf_w).reshape(n_views, -1)
    dens = denominators(conf_n).reshape(n_views, -1)
    num_w, den_w = rate_parts(conf_w)
    if weight is None:
        successes, trials = num_w, den_w
    else:
        # Kish's effective sample size stands in for the number of trials.
        den_w2 = rate_parts(conf_w2)[1]
        trials = divide(den_w * den_w, den_w2)
        successes = divide(num_w, den_w) * trials
    wl, wu = wilson_interval(successes, trials, confidence=confidence)
    extra = len(CLASSIFICATION_METRICS) - len(RATE_METRICS)
    pad = np.full((*wl.shape[:-1], extra), np.nan)
    wilson_lo = np.concatenate([wl, pad], axis=-1).reshape(n_views, -1)
    wilson_hi = np.concatenate([wu, pad], axis=-1).reshape(n_views, -1)
    # Bootstrap statistics have shape (group, column, resample): resamples last, where the
    # percentile sort wants them.
    boot = (
        metric_samples(
            _bootstrap_confusion(
                cells, views, n_t, bootstrap, np.random.default_rng(confusion_seed)
            )
        )
        if bootstrap
        else None
    )

    curves: list[CurveRow] = []
    target_rows: list[TargetThresholdRow] = []
    if score is not None:
        n_bins = cells.bin_values.size
        unique, columns = _histogram_cells(cells, views)
        hist = _histogram(unique, columns, n_full, n_bins, views)
        calibration = calibration_bins(cells.bin_values)
        if cells.score_binning == "binned":
            # Calibration bin of a fine bin from its middle, not its lower edge.
            width = cells.bin_values[1] - cells.bin_values[0] if n_bins > 1 else 1.0
            calibration = calibration_bins(cells.bin_values + width / 2)
        s_values = score_metrics(hist, calibration, unit_scores=cells.unit_scores)
        positives = conf_n[:, 0, 2] + conf_n[:, 0, 3]
        negatives = conf_n[:, 0, 0] + conf_n[:, 0, 1]
        total = positives + negatives
        s_dens = np.stack([np.minimum(positives, negatives)] * 2 + [total] * 2, axis=-1)
        names += [(m, None) for m in SCORE_METRICS]
        values = np.concatenate([values, s_values], axis=1)
        dens = np.concatenate([dens, s_dens], axis=1)
        nan_block = np.full(s_values.shape, np.nan)
        wilson_lo = np.concatenate([wilson_lo, nan_block], axis=1)
        wilson_hi = np.concatenate([wilson_hi, nan_block], axis=1)
        if boot is not None:
            s_boot = _bootstrap_scores(
                unique,
                columns,
                n_full,
                n_bins,
                views,
                calibration,
                cells.unit_scores,
                bootstrap,
                np.random.default_rng(score_seed),
            )
            boot = np.concatenate([boot, s_boot.transpose(1, 2, 0)], axis=1)
        for v in range(n_views):
            a, g = views.attribute[v], views.group[v]
            roc = roc_points(hist.w[v, 1], hist.w[v, 0])
            curves.append(CurveRow(a, g, "roc", tuple(tuple(p) for p in roc)))
            if cells.unit_scores:
                rel = reliability_points(hist.w[v], hist.s1[v], calibration)
                curves.append(CurveRow(a, g, "reliability", tuple(tuple(p) for p in rel)))
        for target in target_fpr:
            thr, fpr, tpr = thresholds_for_fpr(hist.w[:, 1], hist.w[:, 0], cells.bin_values, target)
            for v in range(n_views):
                target_rows.append(
                    TargetThresholdRow(
                        views.attribute[v],
                        views.group[v],
                        target,
                        _clean(thr[v]),
                        float(fpr[v]),
                        float(tpr[v]),
                    )
                )

    small = dens < min_group_size
    counts = conf_n[:, 0].sum(axis=-1)
    refs = _reference_indices(views, counts, reference)
    disparity_bounds: list[Bounds] | None = None
    summary_bounds: list[Bounds] | None = None
    if boot is not None:
        # Every interval from one sort of every statistic's resamples.
        disparity_blocks = _disparity_samples(views, refs, boot)
        summary_blocks = _summary_samples(views, names, boot)
        bounds = _percentile_blocks([boot, *disparity_blocks, *summary_blocks], confidence)
        lower, upper = bounds[0]
        disparity_bounds = bounds[1 : 1 + len(disparity_blocks)]
        summary_bounds = bounds[1 + len(disparity_blocks) :]
    else:
        lower = upper = np.full(values.shape, np.nan)

    metric_rows = [
        MetricRow(
            attribute=views.attribute[v],
            group=views.group[v],
            threshold=names[x][1],
            metric=names[x][0],
            value=_clean(values[v, x]),
            lower=_clean(lower[v, x]),
            upper=_clean(upper[v, x]),
            wilson_lower=_clean(wilson_lo[v, x]),
            wilson_upper=_clean(wilson_hi[v, x]),
            denominator=int(dens[v, x]),
            small=bool(small[v, x]),
        )
        for v in range(n_views)
        for x in range(len(names))
    ]
    confusion_rows = [
        ConfusionRow(
            attribute=views.attribute[v],
            group=views.group[v],
            threshold=threshold_of[t],
            n=int(conf_n[v, t].sum()),
            tp=int(conf_n[v, t, 3]),
            fp=int(conf_n[v, t, 1]),
            fn=int(conf_n[v, t, 2]),
            tn=int(conf_n[v, t, 0]),
            weight=float(conf_w[v, t].sum()),
        )
        for v in range(n_views)
        for t in range(n_t)
    ]
    disparity_rows = _disparities(views, refs, names, values, disparity_bounds, small)
    summary_rows = _summaries(views, names, values, summary_bounds)
    warnings = _warnings(views, names, dens, small, min_group_size, cells, score)
    used = int(cells.n.sum())
    exclusions = Exclusions(
        rows=cells.rows,
        used=used,
        missing_label=cells.missing_label,
        missing_prediction=cells.missing_decision if prediction is not None else 0,
        missing_score=cells.missing_decision if score is not None else 0,
    )
    spec = AuditSpec(
        label=label,
        prediction=prediction,
        score=score,
        thresholds=thresholds,
        groups=tuple(groups),
        intersect=intersect,
        reference={a: views.group[i] for a, i in refs.items()},
        positive=cells.positive,
        weight=weight,
        bootstrap=bootstrap,
        seed=seed,
        confidence=confidence,
        min_group_size=min_group_size,
        target_fpr=target_fpr if score is not None else (),
        source=source,
        engine="spark" if engine == "spark" else "duckdb",
        score_binning=cells.score_binning,
    )
    return AuditResult(
        spec=spec,
        exclusions=exclusions,
        confusion=tuple(confusion_rows),
        metrics=tuple(metric_rows),
        disparities=tuple(disparity_rows),
        summaries=tuple(summary_rows),
        curves=tuple(curves),
        target_thresholds=tuple(target_rows),
        warnings=tuple(warnings),
        railab_version=railab.__version__,
    )


Bounds = tuple[FloatArray, FloatArray]


def _percentile_blocks(blocks: list[FloatArray], confidence: float) -> list[Bounds]:
    """Percentile interval of every statistic in ``blocks`` (each ``(..., resample)``),
    with one sort of all of them; the bounds of each block have its leading shape."""
    resamples = blocks[0].shape[-1]
    rows = np.concatenate([b.reshape(-1, resamples) for b in blocks])
    lower, upper = percentile_rows(rows, confidence)
    out = []
    start = 0
    for block in blocks:
        stop = start + block.size // resamples
        shape = block.shape[:-1]
        out.append((lower[start:stop].reshape(shape), upper[start:stop].reshape(shape)))
        start = stop
    return out


def _others(span: slice, r: int) -> list[int]:
    return [v for v in range(span.start, span.stop) if v != r]


def _disparity_samples(views: _Views, refs: dict[str, int], boot: FloatArray) -> list[FloatArray]:
    """Per attribute: differences and ratios to the reference of each other group's
    resamples, ``(group, column, resample)``; ``boot`` is ``(group, column, resample)``."""
    blocks = []
    for attribute, span in views.spans.items():
        r = refs[attribute]
        others = boot[_others(span, r)]
        blocks.append(others - boot[r])
        blocks.append(divide(others, boot[r]))
    return blocks


def _disparities(
    views: _Views,
    refs: dict[str, int],
    names: list[tuple[str, float | None]],
    values: FloatArray,
    bounds: list[Bounds] | None,
    small: npt.NDArray[np.bool_],
) -> list[DisparityRow]:
    rows = []
    for a, (attribute, span) in enumerate(views.spans.items()):
        r = refs[attribute]
        others = _others(span, r)
        diff = values[others] - values[r]
        ratio = divide(values[others], values[r][None, :])
        if bounds is not None:
            (d_lo, d_hi), (r_lo, r_hi) = bounds[2 * a], bounds[2 * a + 1]
        else:
            d_lo = d_hi = r_lo = r_hi = np.full(diff.shape, np.nan)
        for i, v in enumerate(others):
            for x, (metric, threshold) in enumerate(names):
                rt = ratio[i, x]
                rows.append(
                    DisparityRow(
                        attribute=attribute,
                        group=views.group[v],
                        reference=views.group[r],
                        threshold=threshold,
                        metric=metric,
                        difference=_clean(diff[i, x]),
                        difference_lower=_clean(d_lo[i, x]),
                        difference_upper=_clean(d_hi[i, x]),
                        ratio=_clean(rt),
                        ratio_lower=_clean(r_lo[i, x]),
                        ratio_upper=_clean(r_hi[i, x]),
                        outside_band=bool(np.isfinite(rt) and not BAND[0] <= rt <= BAND[1]),
                        small=bool(small[v, x] or small[r, x]),
                    )
                )
    return rows


_NAMED = (
    ("demographic_parity_difference", "difference", ("selection_rate",)),
    ("demographic_parity_ratio", "ratio", ("selection_rate",)),
    ("equalized_odds_difference", "difference", ("tpr", "fpr")),
    ("equalized_odds_ratio", "ratio", ("tpr", "fpr")),
    ("equal_opportunity_difference", "difference", ("tpr",)),
    ("equal_opportunity_ratio", "ratio", ("tpr",)),
    ("predictive_parity_difference", "difference", ("ppv",)),
    ("predictive_parity_ratio", "ratio", ("ppv",)),
)


def _spread(block: FloatArray, axis: int) -> tuple[FloatArray, FloatArray]:
    """Max-min difference and min/max ratio over the group axis."""
    lo, hi = nan_range(block, axis=axis)
    return hi - lo, divide(lo, hi)


_Named = tuple[float | None, str, str, tuple[str, ...], list[int]]


def _named(names: list[tuple[str, float | None]]) -> list[_Named]:
    """The named summaries to report: (threshold, name, kind, metrics, their columns)."""
    column = {name: x for x, name in enumerate(names)}
    out: list[_Named] = []
    for threshold in dict.fromkeys(t for _, t in names):
        if (CLASSIFICATION_METRICS[0], threshold) not in column:
            continue
        for name, kind, metrics in _NAMED:
            cols = [column[(m, threshold)] for m in metrics]
            out.append((threshold, name, kind, metrics, cols))
    return out


def _combine(kind: str) -> Callable[..., FloatArray]:
    return np.max if kind == "difference" else np.min


def _summary_samples(
    views: _Views, names: list[tuple[str, float | None]], boot: FloatArray
) -> list[FloatArray]:
    """Per attribute: the resamples of the spread difference and ratio, ``(column,
    resample)``, then of each named summary, ``(resample,)``."""
    blocks = []
    named = _named(names)
    for span in views.spans.values():
        b_diff, b_ratio = _spread(boot[span], axis=0)
        samples = {"difference": b_diff, "ratio": b_ratio}
        blocks += [b_diff, b_ratio]
        blocks += [_combine(kind)(samples[kind][cols], axis=0) for _, _, kind, _, cols in named]
    return blocks


def _summaries(
    views: _Views,
    names: list[tuple[str, float | None]],
    values: FloatArray,
    bounds: list[Bounds] | None,
) -> list[SummaryRow]:
    rows = []
    named = _named(names)
    per_attribute = 2 + len(named)
    for a, (attribute, span) in enumerate(views.spans.items()):
        diff, ratio = _spread(values[span], axis=-2)
        if bounds is not None:
            mine = bounds[a * per_attribute : (a + 1) * per_attribute]
        else:
            nan = np.full(diff.shape, np.nan)
            mine = [(nan, nan)] * 2 + [(np.full((), np.nan),) * 2] * len(named)
        intervals = {"difference": mine[0], "ratio": mine[1]}
        point = {"difference": diff, "ratio": ratio}
        for x, (metric, threshold) in enumerate(names):
            for kind, label in (("difference", "max_min_difference"), ("ratio", "min_max_ratio")):
                lo, hi = intervals[kind]
                rows.append(
                    SummaryRow(
                        attribute,
                        threshold,
                        label,
                        metric,
                        _clean(point[kind][x]),
                        _clean(lo[x]),
                        _clean(hi[x]),
                        False,
                    )
                )
        for (threshold, name, kind, metrics, cols), (lo, hi) in zip(named, mine[2:], strict=True):
            value = float(_combine(kind)(point[kind][cols]))
            flag = name == "demographic_parity_ratio" and bool(value < BAND[0])
            rows.append(
                SummaryRow(
                    attribute,
                    threshold,
                    name,
                    ",".join(metrics),
                    _clean(value),
                    _clean(float(lo)),
                    _clean(float(hi)),
                    flag,
                )
            )
    return rows


def _warnings(
    views: _Views,
    names: list[tuple[str, float | None]],
    dens: FloatArray,
    small: npt.NDArray[np.bool_],
    min_group_size: int,
    cells: Cells,
    score: str | None,
) -> list[AuditWarning]:
    out = []
    excluded = cells.missing_label + cells.missing_decision
    if excluded:
        what = "score" if score is not None else "prediction"
        out.append(
            AuditWarning(
                "excluded_rows",
                f"{excluded} of {cells.rows} rows excluded: {cells.missing_label} with no label "
                f"and {cells.missing_decision} with no {what}",
            )
        )
    for v in range(len(views.group)):
        flagged = [names[x][0] for x in np.flatnonzero(small[v])]
        if not flagged:
            continue
        metrics = ", ".join(dict.fromkeys(flagged))
        smallest = int(dens[v][small[v]].min())
        out.append(
            AuditWarning(
                "small_group",
                f"{views.attribute[v]}={views.group[v]}: fewer than {min_group_size} cases "
                f"behind {metrics} (as few as {smallest}); treat them as unstable",
                views.attribute[v],
                views.group[v],
            )
        )
    return out
