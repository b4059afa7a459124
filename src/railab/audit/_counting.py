# The SQL here is assembled from column names quoted by the source (``source.quote``)
# and from floats the audit formats itself, never from data values.
# ruff: noqa: S608
"""Step 1 of an audit: count where the data lives, with SQL, into a small table of cells.

A cell is one combination of (group values..., label, decision bucket[, score bin]) with
its number of rows, weight sums and score sums. Everything after this step works on the
cells, never on rows.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from railab.audit._errors import AuditInputError
from railab.audit._sources import Kind, Source

__all__ = ["MISSING", "Bins", "Cells", "count_cells", "declared_bin_sql"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: How a missing group value is shown: missing values form a group of their own.
MISSING: Final[str] = "(missing)"
#: Up to this many distinct scores, histograms are exact (one bin per score value).
EXACT_SCORE_LIMIT: Final[int] = 1000
#: Otherwise, scores fall into this many equal-width bins.
SCORE_BINS: Final[int] = 1000

_TRUE_KEYS = {"1", "true"}


@dataclass(frozen=True)
class Bins:
    """``count`` equal-width score bins declared before counting, from ``lo`` to ``hi``.

    Edge ``i`` is ``lo + ((hi - lo) * i) / count``, computed the same way in SQL and in
    numpy, so a score equal to an edge (e.g. decile scores 1-10 with ``Bins(1, 11, 10)``,
    or scores rounded to 0.01 with ``Bins(0, 1, 100)``) falls exactly in its bin.

    Examples
    --------
    >>> Bins(0.0, 1.0, 4).edges().tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """

    lo: float
    hi: float
    count: int

    def edges(self) -> FloatArray:
        i = np.arange(self.count + 1, dtype=np.float64)
        return np.asarray(self.lo + ((self.hi - self.lo) * i) / self.count, dtype=np.float64)


def declared_bin_sql(bins: Bins, s: str = "s") -> tuple[str, str]:
    """SQL for the declared bin of score ``s`` and for the lower edge of that bin.

    Bin ``b < count`` holds ``[edge_b, edge_b+1)``; bin ``count`` holds the scores equal
    to ``hi``, so that every edge, the top one included, is a bin of its own.
    """
    lo, width, count = float(bins.lo), float(bins.hi - bins.lo), int(bins.count)

    def edge(b: str) -> str:
        return f"(CAST({lo!r} AS DOUBLE) + (CAST({width!r} AS DOUBLE) * ({b})) / {count}.0)"

    def clamp(b: str, top: int = count - 1) -> str:
        return f"least(greatest({b}, 0), {top})"

    # The floor is off by one where (s - lo) / width rounds across an edge: correct it
    # against the edges themselves, so that binning agrees with the edges exactly.
    b0 = clamp(f"CAST(floor(({s} - CAST({lo!r} AS DOUBLE)) * {count}.0 / {width!r}) AS BIGINT)")
    b1 = clamp(
        f"{b0} + (CASE WHEN {s} >= {edge(f'{b0} + 1')} THEN 1 ELSE 0 END)"
        f" - (CASE WHEN {s} < {edge(b0)} THEN 1 ELSE 0 END)",
        count,
    )
    return b1, edge(b1)


_FALSE_KEYS = {"0", "false"}


@dataclass(frozen=True)
class Cells:
    """The counted input: one entry per cell, plus what was excluded and why."""

    codes: IntArray  # (cell, attribute) index into levels[attribute]
    levels: list[list[str]]  # display value of each group of each attribute
    y: IntArray  # label, 1 = positive
    k: IntArray  # decision bucket: number of thresholds reached (prediction: 0 or 1)
    bin: IntArray  # score bin (score audits), else zeros
    bin_values: FloatArray  # score of each bin (exact) or its lower edge (binned)
    n: FloatArray  # rows
    w: FloatArray  # weight sum (= n without weights)
    w2: FloatArray  # sum of squared weights (= n without weights)
    s1: FloatArray  # weighted sum of scores
    s2: FloatArray  # weighted sum of squared scores
    rows: int
    missing_label: int
    missing_decision: int
    positive: str
    score_binning: str  # "exact", "binned", "declared" or "none"
    unit_scores: bool
    #: Declared bins only: rows whose score is not the lower edge of its bin.
    off_edge: int = 0
    #: Count tables with differential privacy: variance of the noise in each cell's count.
    noise_var: FloatArray | None = None


def _key(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().lower()


def _display(value: object) -> str:
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _show_values(values: Sequence[object]) -> str:
    shown = sorted({_display(v) for v in values}, key=lambda s: (len(s), s))
    text = ", ".join(shown[:6]) + (", …" if len(shown) > 6 else "")
    return "{" + text + "}"


def _check_columns(columns: dict[str, Kind], wanted: list[tuple[str, str]]) -> None:
    for role, name in wanted:
        if name in columns:
            continue
        close = difflib.get_close_matches(name, list(columns), n=1)
        hint = (
            f"did you mean `{close[0]}`?"
            if close
            else "columns are: " + ", ".join(list(columns)[:12])
        )
        raise AuditInputError(f"{role} column `{name}` not found in the data; {hint}")


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _check_numeric(source: Source, columns: dict[str, Kind], column: str, role: str) -> str:
    """SQL expression reading ``column`` as DOUBLE, or a one-line error if it is not numbers."""
    q = source.quote(column)
    kind = columns[column]
    if kind in ("integer", "float"):
        return f"CAST({q} AS DOUBLE)"
    if kind == "string":
        bad = source.run(
            f"SELECT {q} AS v FROM {{src}} WHERE {q} IS NOT NULL "
            f"AND {source.try_double(q)} IS NULL LIMIT 1"
        )
        if bad.num_rows == 0:
            return source.try_double(q)
        example = bad.column("v")[0].as_py()
        raise AuditInputError(
            f"{role} column `{column}` mixes numbers and text such as {example!r}; "
            "a score must be numeric — clean or drop those rows"
        )
    raise AuditInputError(
        f"{role} column `{column}` has type {kind}; it must be numeric — convert it first"
    )


def _label_positive(values: list[object], column: str, positive: object | None) -> str:
    keys = {_key(v) for v in values if v is not None}
    if positive is not None:
        pos = _key(positive)
        if keys and pos not in keys:
            raise AuditInputError(
                f"positive value {positive!r} does not occur in column `{column}`, which has "
                f"values {_show_values([v for v in values if v is not None])}; pick one of them"
            )
        return pos
    if keys <= _TRUE_KEYS | _FALSE_KEYS and not (keys & {"1", "0"} and keys & {"true", "false"}):
        return "true" if keys & {"true", "false"} else "1"
    shown = _show_values([v for v in values if v is not None])
    present = sorted((v for v in values if v is not None), key=lambda v: (len(str(v)), str(v)))
    # Suggest 1 when present, else the first value: deterministic whatever the row order.
    raw = next((v for v in present if _key(v) in _TRUE_KEYS), present[0])
    example = _display(raw)
    if len(keys) > 2:
        raise AuditInputError(
            f"column `{column}` has values {shown}; a binary label needs two values — "
            f"map them with positive={raw!r} (--positive {example}), other values then "
            "count as negative"
        )
    raise AuditInputError(
        f"column `{column}` has values {shown}; say which one is positive with "
        f"positive={raw!r} (--positive {example})"
    )


def _prediction_positive(
    values: list[object], column: str, label_positive: str, positive_given: bool
) -> str:
    keys = {_key(v) for v in values if v is not None}
    shown = _show_values([v for v in values if v is not None])
    if len(keys) > 2:
        raise AuditInputError(
            f"prediction column `{column}` has values {shown}; a prediction must be binary — "
            "pass a score with --score and --threshold, or map it to two values"
        )
    if positive_given and (label_positive in keys or not keys <= _TRUE_KEYS | _FALSE_KEYS):
        return label_positive
    if keys <= _TRUE_KEYS | _FALSE_KEYS:
        return "true" if keys & {"true", "false"} else "1"
    raise AuditInputError(
        f"prediction column `{column}` has values {shown}; say which one is positive with "
        "--positive, or code predictions as 0/1"
    )


def _codes(values: list[object]) -> tuple[IntArray, list[str]]:
    shown = [_display(v) for v in values]
    levels = sorted(set(shown), key=lambda s: (s == MISSING, s))
    index = {level: i for i, level in enumerate(levels)}
    return np.fromiter((index[s] for s in shown), np.int64, len(shown)), levels


def _column(table: pa.Table, name: str) -> FloatArray:
    return np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=np.float64)


def count_cells(
    source: Source,
    *,
    label: str,
    prediction: str | None,
    score: str | None,
    thresholds: Sequence[float],
    groups: Sequence[str],
    weight: str | None,
    positive: object | None,
    allow_scores_outside_unit: bool,
    progress: Callable[[float], None] | None = None,
    bins: Bins | None = None,
) -> Cells:
    """Run the profile and count queries and decode their result into :class:`Cells`.

    With ``bins``, scores fall into those declared bins (count tables: nothing about a
    row's exact score leaves the data), and ``off_edge`` counts rows not on an edge.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from railab.audit._sources import open_source
    >>> src = open_source(pa.table({"y": [1, 0, 1], "p": [1, 1, 0], "g": ["a", "a", "b"]}))
    >>> cells = count_cells(src, label="y", prediction="p", score=None, thresholds=[],
    ...                     groups=["g"], weight=None, positive=None,
    ...                     allow_scores_outside_unit=False)
    >>> int(cells.n.sum()), cells.levels
    (3, [['a', 'b']])
    >>> src.close()
    """
    columns = source.columns()
    wanted = [("label", label)]
    wanted += [("prediction", prediction)] if prediction is not None else []
    wanted += [("score", score)] if score is not None else []
    wanted += [("group", g) for g in groups]
    wanted += [("weight", weight)] if weight is not None else []
    _check_columns(columns, wanted)
    q = source.quote

    group_select = [f"{q(g)} AS g{i}" for i, g in enumerate(groups)]
    group_keys = [f"g{i}" for i in range(len(groups))]
    inner = [*group_select, f"{q(label)} AS y"]
    sums = ["count(*) AS n"]
    if weight is not None:
        inner.append(f"{_check_numeric(source, columns, weight, 'weight')} AS w")
        sums += [
            "sum(w) AS w",
            "sum(w * w) AS w2",
            "count(*) FILTER (WHERE w IS NULL) AS w_null",
            f"count(*) FILTER (WHERE isnan(w) OR {source.isinf('w')} OR w < 0) AS w_bad",
        ]
    unit_scores = True
    binning = "none"
    bin_values = np.zeros(1)
    if score is None:
        assert prediction is not None
        inner.append(f"{q(prediction)} AS p")
        keys = [*group_keys, "y", "p"]
    else:
        s_expr = _check_numeric(source, columns, score, "score")
        profile = source.run(
            f"SELECT count(*) AS rows, "
            f"count(*) FILTER (WHERE isnan(s) OR {source.isinf('s')}) AS nonfinite, "
            f"min(s) FILTER (WHERE NOT (isnan(s) OR {source.isinf('s')})) AS lo, "
            f"max(s) FILTER (WHERE NOT (isnan(s) OR {source.isinf('s')})) AS hi, "
            f"approx_count_distinct(s) AS distinct_scores "
            f"FROM (SELECT {s_expr} AS s FROM {{src}}) AS t"
        ).to_pylist()[0]
        if profile["nonfinite"]:
            raise AuditInputError(
                f"score column `{score}` has {profile['nonfinite']} NaN or infinite values; "
                "drop or impute those rows (empty cells are fine: they are excluded)"
            )
        lo = float(profile["lo"]) if profile["lo"] is not None else 0.0
        hi = float(profile["hi"]) if profile["hi"] is not None else 1.0
        unit_scores = lo >= 0.0 and hi <= 1.0
        if bins is not None:
            if lo < bins.lo or hi > bins.hi:
                raise AuditInputError(
                    f"score column `{score}` has values outside the declared bins "
                    f"[{bins.lo:g}, {bins.hi:g}]; declare bins that cover every score, e.g. "
                    "--bins LO:HI:COUNT"
                )
            unit_scores = bins.lo >= 0.0 and bins.hi <= 1.0
        elif not unit_scores and not allow_scores_outside_unit:
            raise AuditInputError(
                f"score column `{score}` has values outside [0, 1] (from {lo:g} to {hi:g}); "
                "rescale them, or pass allow_scores_outside_unit=True "
                "(--allow-scores-outside-unit) to threshold raw scores"
            )
        inner.append(f"{s_expr} AS s")
        buckets = " + ".join(
            f"(CASE WHEN s >= CAST({float(t)!r} AS DOUBLE) THEN 1 ELSE 0 END)" for t in thresholds
        )
        if bins is not None:
            binning = "declared"
            bin_expr, edge_expr = declared_bin_sql(bins)
            bin_values = bins.edges()
            sums.append(f"count(*) FILTER (WHERE s <> {edge_expr}) AS off_edge")
        elif int(profile["distinct_scores"] or 0) <= EXACT_SCORE_LIMIT:
            binning = "exact"
            bin_expr = "s"
        else:
            binning = "binned"
            if unit_scores:
                lo, hi = 0.0, 1.0
            scale = SCORE_BINS / (hi - lo) if hi > lo else 1.0
            bin_expr = (
                f"CAST(least(greatest(floor((s - CAST({lo!r} AS DOUBLE)) * "
                f"CAST({scale!r} AS DOUBLE)), 0), {SCORE_BINS - 1}) AS INT)"
            )
            bin_values = lo + np.arange(SCORE_BINS) / scale
        sums += ["sum(s) AS s1", "sum(s * s) AS s2"]
        if weight is not None:
            sums += ["sum(w * s) AS ws1", "sum(w * s * s) AS ws2"]
        inner_sql = ", ".join(inner)
        keys = [*group_keys, "y", "b", "k"]
        outer = [*group_keys, "y", f"{bin_expr} AS b", f"({buckets or '0'}) AS k"]
        # A constant bucket (no thresholds) must stay out of GROUP BY: "0" is a position.
        by = [*group_keys, "y", bin_expr, *([buckets] if buckets else [])]
        sql = (
            f"SELECT {', '.join(outer)}, {', '.join(sums)} "
            f"FROM (SELECT {inner_sql} FROM {{src}}) AS t "
            f"GROUP BY {', '.join(by)}"
        )
    if score is None:
        sql = (
            f"SELECT {', '.join(keys)}, {', '.join(sums)} "
            f"FROM (SELECT {', '.join(inner)} FROM {{src}}) AS t GROUP BY {', '.join(keys)}"
        )
    table = source.run(sql, progress=progress)
    # Columns counted by their dictionary codes get their values back (few cells only).
    decoders = {f"g{i}": source.dictionaries.get(g) for i, g in enumerate(groups)}
    decoders |= {"y": source.dictionaries.get(label)}
    decoders |= {"p": source.dictionaries.get(prediction)} if prediction is not None else {}
    for key, dictionary in decoders.items():
        if dictionary is not None:
            codes = table.column(key).to_pylist()
            values = pa.array([None if c is None else dictionary[c] for c in codes])
            table = table.set_column(table.column_names.index(key), key, values)
    cells = _decode(
        table,
        groups=groups,
        label=label,
        prediction=prediction,
        weighted=weight is not None,
        weight=weight,
        positive=positive,
        binning=binning,
        bin_values=bin_values,
        unit_scores=unit_scores,
    )
    if "off_edge" in table.column_names:
        off = int(np.nan_to_num(_column(table, "off_edge")).sum())
        cells = dataclasses.replace(cells, off_edge=off)
    return cells


def _decode(
    table: pa.Table,
    *,
    groups: Sequence[str],
    label: str,
    prediction: str | None,
    weighted: bool,
    weight: str | None,
    positive: object | None,
    binning: str,
    bin_values: FloatArray,
    unit_scores: bool,
) -> Cells:
    n = _column(table, "n")
    rows = int(n.sum())
    if rows == 0:
        raise AuditInputError("the data has no rows; check the file or the query")
    if weighted:
        if _column(table, "w_null").sum() > 0:
            raise AuditInputError(
                f"weight column `{weight}` has empty values; fill them (e.g. with 1) or drop "
                "those rows"
            )
        if _column(table, "w_bad").sum() > 0:
            raise AuditInputError(
                f"weight column `{weight}` has negative, NaN or infinite values; weights must "
                "be finite and non-negative"
            )
    labels: list[Any] = table.column("y").to_pylist()
    label_missing = np.array([v is None for v in labels])
    positive_key = _label_positive(labels, label, positive)
    if prediction is not None:
        preds: list[Any] = table.column("p").to_pylist()
        decision_missing = np.array([v is None for v in preds])
        pred_key = _prediction_positive(preds, prediction, positive_key, positive is not None)
        k = np.array([_key(v) == pred_key for v in preds], dtype=np.int64)
        bins = np.zeros(len(preds), dtype=np.int64)
        values = np.zeros(1)
    else:
        raw_bins = table.column("b").to_pylist()
        decision_missing = np.array([v is None for v in raw_bins])
        k = np.nan_to_num(_column(table, "k")).astype(np.int64)
        filled = np.array([0.0 if v is None else float(v) for v in raw_bins])
        if binning == "exact":
            values, bins = np.unique(filled[~decision_missing], return_inverse=True)
            full = np.zeros(len(raw_bins), dtype=np.int64)
            full[~decision_missing] = bins
            bins = full
        else:
            values = bin_values
            bins = filled.astype(np.int64)
    y = np.array([_key(v) == positive_key for v in labels], dtype=np.int64)
    keep = ~label_missing & ~decision_missing
    missing_label = int(n[label_missing].sum())
    missing_decision = int(n[~label_missing & decision_missing].sum())
    if not keep.any():
        raise AuditInputError(
            f"every row has an empty `{label}` or {'prediction' if prediction else 'score'}; "
            "there is nothing to audit"
        )
    code_columns = []
    levels = []
    for i in range(len(groups)):
        codes, lv = _codes(table.column(f"g{i}").to_pylist())
        code_columns.append(codes)
        levels.append(lv)
    codes = np.stack(code_columns, axis=1) if code_columns else np.zeros((len(n), 0), np.int64)
    w = _column(table, "w") if weighted else n
    w2 = _column(table, "w2") if weighted else n
    if prediction is None:
        s1 = _column(table, "ws1" if weighted else "s1")
        s2 = _column(table, "ws2" if weighted else "s2")
    else:
        s1 = np.zeros_like(n)
        s2 = np.zeros_like(n)
    # Levels are recomputed from the rows kept, so a group made only of excluded rows
    # does not appear with zero counts.
    codes = codes[keep]
    final_levels = []
    for j, lv in enumerate(levels):
        used, inverse = np.unique(codes[:, j], return_inverse=True)
        codes[:, j] = inverse.reshape(-1)
        final_levels.append([lv[u] for u in used])
    return Cells(
        codes=codes,
        levels=final_levels,
        y=y[keep],
        k=k[keep],
        bin=bins[keep],
        bin_values=np.asarray(values, dtype=np.float64),
        n=n[keep],
        w=np.nan_to_num(w[keep]),
        w2=np.nan_to_num(w2[keep]),
        s1=np.nan_to_num(s1[keep]),
        s2=np.nan_to_num(s2[keep]),
        rows=rows,
        missing_label=missing_label,
        missing_decision=missing_decision,
        positive=positive_key,
        score_binning=binning,
        unit_scores=unit_scores,
    )
