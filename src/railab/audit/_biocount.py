# The SQL here is assembled from column names quoted by the source (``source.quote``),
# numbers the audit formats itself, and label values escaped by ``_sql_text``.
# ruff: noqa: S608
"""Step 1 of a verification audit: count comparison scores where the data lives.

Four aggregate queries, each returning a small table:

1. *profile*: rows, missing and non-finite scores, score range, distinct scores, and the
   values of the genuine/impostor column;
2. *histogram*: comparisons by (probe groups, reference groups, genuine, score bin,
   number of operating thresholds reached). Up to :data:`EXACT_SCORES` distinct scores
   each score is its own bin and everything is exact; beyond that, :data:`SCORE_BINS`
   equal-width bins;
3. *window* (binned scores only): the exact scores of the few bins where a threshold for
   a target FMR or an equal error rate falls, so that those are exact too — e.g. the top
   impostor scores that set the threshold for FMR 1e-6 over 1e8 impostors;
4. *subjects* (for the bootstrap): per subject, its comparisons and errors at each
   threshold, collapsed into identical "profiles" with a count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from railab.audit._counting import MISSING, _check_columns, _check_numeric, _display, _key
from railab.audit._errors import AuditInputError
from railab.audit._sources import Kind, Source

__all__ = ["EXACT_SCORES", "SCORE_BINS", "Comparisons", "genuine_key"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Up to this many distinct scores, every score is its own bin: all results are exact.
EXACT_SCORES: Final[int] = 4096
#: Otherwise scores fall into this many equal-width bins (refined where it matters).
SCORE_BINS: Final[int] = 4096

_GENUINE_WORDS = ("1", "true", "genuine", "mated", "match", "same", "yes")
_IMPOSTOR_WORDS = ("0", "false", "impostor", "non-mated", "nonmated", "non-match", "different")


def genuine_key(values: list[object], column: str, genuine: object | None) -> str:
    """Which value of the genuine/impostor column marks a genuine comparison.

    Examples
    --------
    >>> genuine_key([0, 1, None], "mated", None)
    '1'
    >>> genuine_key(["impostor", "genuine"], "pair", None)
    'genuine'
    """
    present = [v for v in values if v is not None]
    keys = {_key(v) for v in present}
    shown = "{" + ", ".join(sorted({_display(v) for v in present})[:6]) + "}"
    if genuine is not None:
        key = _key(genuine)
        if key not in keys:
            raise AuditInputError(
                f"genuine value {genuine!r} does not occur in column `{column}`, which has "
                f"values {shown}; pick one of them"
            )
        return key
    for word, other in zip(_GENUINE_WORDS, _IMPOSTOR_WORDS, strict=True):
        if keys <= {word, other} and keys:
            return word
    example = sorted(keys)[0] if keys else "1"
    raise AuditInputError(
        f"column `{column}` has values {shown}; say which one marks a genuine (same-person) "
        f"comparison with genuine={example!r} (--genuine {example})"
    )


def _encode(column: pa.ChunkedArray) -> tuple[list[str], IntArray]:
    """Shown values of a column's distinct values, and each row's index into them
    (empty values show as ``(missing)``): vectorised, for large count tables."""
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if pa.types.is_null(array.type):
        return [MISSING], np.zeros(len(array), dtype=np.int64)
    if not pa.types.is_dictionary(array.type):
        array = array.dictionary_encode()
    values = [_display(v) for v in array.dictionary.to_pylist()] + [MISSING]
    index = array.indices.fill_null(len(values) - 1).to_numpy(zero_copy_only=False)
    return values, np.asarray(index, dtype=np.int64)


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _genuine_predicate(kind: Kind, column: str, key: str, alias: str = "m") -> str:
    """SQL that is true for rows of ``column`` (read as ``alias``) equal to ``key``."""
    q = alias
    if kind == "boolean":
        return f"({q})" if key == "true" else f"(NOT {q})"
    if kind in ("integer", "float"):
        try:
            number = float(key)
        except ValueError:
            raise AuditInputError(
                f"column `{column}` is numeric; pass a number as its genuine value"
            ) from None
        return f"(CAST({q} AS DOUBLE) = CAST({number!r} AS DOUBLE))"
    return f"(lower(trim({q})) = {_sql_text(key)})"


@dataclass(frozen=True)
class Comparisons:
    """The counted comparisons: histogram cells, plus what was excluded and why.

    Group codes index ``levels[attribute]``, shared by probe and reference sides.
    """

    probe: IntArray  # (cell, attribute)
    reference: IntArray  # (cell, attribute)
    levels: list[list[str]]
    genuine: BoolArray
    bin: IntArray
    k: IntArray  # operating thresholds reached
    n: FloatArray
    values: FloatArray  # score of each bin (exact) or its lower edge (binned)
    binning: str  # "exact" or "binned"
    lo: float
    hi: float
    rows: int
    missing_score: int
    missing_label: int
    one_side_missing: dict[str, int]  # attribute -> rows with a group on one side only


@dataclass(frozen=True)
class Window:
    """Exact scores of the comparisons in a few bins."""

    score: FloatArray
    bin: IntArray
    genuine: BoolArray
    probe: IntArray
    reference: IntArray


class VerificationQuery:
    """The SQL of one verification audit over one source."""

    def __init__(
        self,
        source: Source,
        *,
        score: str,
        mated: str | None,
        genuine: object | None,
        probe_subject: str | None,
        reference_subject: str | None,
        groups: dict[str, tuple[str, str]],
    ) -> None:
        self.source = source
        self.groups = groups
        columns = source.columns()
        wanted = [("score", score)]
        wanted += [("genuine/impostor", mated)] if mated is not None else []
        wanted += [("probe subject", probe_subject)] if probe_subject is not None else []
        wanted += (
            [("reference subject", reference_subject)] if reference_subject is not None else []
        )
        for name, (probe, reference) in groups.items():
            wanted += [(f"group `{name}` probe", probe), (f"group `{name}` reference", reference)]
        _check_columns(columns, wanted)
        q = source.quote
        self.score_sql = _check_numeric(source, columns, score, "score")
        self.score = score
        self.mated = mated
        self.subjects = probe_subject is not None and reference_subject is not None
        inner = [f"{self.score_sql} AS s"]
        if mated is not None:
            inner.append(f"{q(mated)} AS m")
        if self.subjects:
            assert probe_subject is not None
            assert reference_subject is not None
            inner += [f"{q(probe_subject)} AS ps", f"{q(reference_subject)} AS rs"]
        for i, (probe, reference) in enumerate(groups.values()):
            inner += [f"{q(probe)} AS pg{i}", f"{q(reference)} AS rg{i}"]
        self.inner = f"(SELECT {', '.join(inner)} FROM {{src}}) AS t"
        self.mated_kind = columns[mated] if mated is not None else None
        self.genuine_sql = "(ps = rs)"
        self.genuine_value = genuine
        self.group_keys = [f"pg{i}" for i in range(len(groups))] + [
            f"rg{i}" for i in range(len(groups))
        ]

    # -- pass 1 -----------------------------------------------------------------------
    def profile(self) -> dict[str, Any]:
        finite = f"NOT (isnan(s) OR {self.source.isinf('s')})"
        aggregates = (
            "count(*) AS rows_, count(*) FILTER (WHERE s IS NULL) AS missing_score, "
            f"count(*) FILTER (WHERE isnan(s) OR {self.source.isinf('s')}) AS nonfinite, "
            f"min(s) FILTER (WHERE {finite}) AS lo, max(s) FILTER (WHERE {finite}) AS hi, "
            "approx_count_distinct(s) AS distinct_scores"
        )
        if self.subjects:
            aggregates += ", count(*) FILTER (WHERE ps IS NULL OR rs IS NULL) AS missing_subject"
        if self.mated is not None:
            table = self.source.run(f"SELECT m, {aggregates} FROM {self.inner} GROUP BY m")
        else:
            table = self.source.run(f"SELECT {aggregates} FROM {self.inner}")
        rows = table.to_pylist()
        out: dict[str, Any] = {
            "rows": sum(int(r["rows_"]) for r in rows),
            "missing_score": sum(int(r["missing_score"]) for r in rows),
            "nonfinite": sum(int(r["nonfinite"]) for r in rows),
            "distinct": sum(int(r["distinct_scores"] or 0) for r in rows),
            "missing_subject": sum(int(r.get("missing_subject") or 0) for r in rows),
        }
        los = [float(r["lo"]) for r in rows if r["lo"] is not None]
        his = [float(r["hi"]) for r in rows if r["hi"] is not None]
        out["lo"] = min(los) if los else 0.0
        out["hi"] = max(his) if his else 0.0
        if out["rows"] == 0:
            raise AuditInputError("the data has no rows; check the file or the query")
        if out["nonfinite"]:
            raise AuditInputError(
                f"score column `{self.score}` has {out['nonfinite']} NaN or infinite values; "
                "drop or impute those rows (empty cells are fine: they are excluded)"
            )
        if self.mated is not None:
            values = [r["m"] for r in rows]
            assert self.mated_kind is not None
            key = genuine_key(values, self.mated, self.genuine_value)
            self.genuine_sql = _genuine_predicate(self.mated_kind, self.mated, key)
            out["missing_label"] = sum(int(r["rows_"]) for r in rows if r["m"] is None)
        else:
            out["missing_label"] = out["missing_subject"]
        return out

    def _valid(self) -> str:
        return f"s IS NOT NULL AND {self.genuine_sql} IS NOT NULL"

    def bin_sql(self, binning: str, lo: float, hi: float) -> tuple[str, FloatArray]:
        if binning == "exact":
            return "s", np.zeros(0)
        scale = SCORE_BINS / (hi - lo) if hi > lo else 1.0
        expr = (
            f"CAST(least(greatest(floor((s - CAST({lo!r} AS DOUBLE)) * "
            f"CAST({scale!r} AS DOUBLE)), 0), {SCORE_BINS - 1}) AS INT)"
        )
        return expr, lo + np.arange(SCORE_BINS) / scale

    @staticmethod
    def _bucket(thresholds: Sequence[float]) -> str:
        terms = [
            f"(CASE WHEN s >= CAST({float(t)!r} AS DOUBLE) THEN 1 ELSE 0 END)" for t in thresholds
        ]
        return " + ".join(terms) or "0"

    # -- pass 2 -----------------------------------------------------------------------
    def histogram(
        self,
        profile: dict[str, Any],
        thresholds: Sequence[float],
        progress: Callable[[float], None] | None,
    ) -> Comparisons:
        binning = "exact" if profile["distinct"] <= EXACT_SCORES else "binned"
        self.binning = binning
        self.lo, self.hi = profile["lo"], profile["hi"]
        bin_expr, edges = self.bin_sql(binning, self.lo, self.hi)
        self.bin_expr = bin_expr
        bucket = self._bucket(thresholds)
        # A constant bucket (no thresholds) must stay out of GROUP BY: "0" is a position.
        keys = [*self.group_keys, f"{self.genuine_sql}", bin_expr]
        keys += [bucket] if thresholds else []
        select = [
            *self.group_keys,
            f"{self.genuine_sql} AS g",
            f"{bin_expr} AS b",
            f"{bucket} AS k",
        ]
        sums = ["count(*) AS n"]
        if self.subjects and self.mated is not None:
            sums.append("sum(CASE WHEN ps = rs THEN 1 ELSE 0 END) AS same_subject")
        sql = (
            f"SELECT {', '.join(select)}, {', '.join(sums)} FROM {self.inner} "
            f"WHERE {self._valid()} GROUP BY {', '.join(keys)}"
        )
        table = self._decode_groups(self.source.run(sql, progress=progress))
        n = np.asarray(table.column("n").to_numpy(zero_copy_only=False), dtype=np.float64)
        genuine = np.asarray(table.column("g").to_pylist(), dtype=bool)
        if "same_subject" in table.column_names:
            same = np.asarray(table.column("same_subject").to_numpy(zero_copy_only=False), float)
            bad = np.where(genuine, n - same, same)
            if bad.sum() > 0:
                raise AuditInputError(
                    f"{int(bad.sum())} comparisons contradict the subject ids: marked genuine in "
                    f"`{self.mated}` with different subjects, or impostor with the same subject; "
                    "fix the labels, or leave out the genuine/impostor column (--mated) to "
                    "derive it from the subject ids"
                )
        raw_bins = np.asarray(table.column("b").to_numpy(zero_copy_only=False), dtype=np.float64)
        if binning == "exact":
            values, bins = np.unique(raw_bins, return_inverse=True)
        else:
            values, bins = edges, raw_bins.astype(np.int64)
        levels, probe, reference, one_side = self._group_codes(table)
        self.levels = levels
        return Comparisons(
            probe=probe,
            reference=reference,
            levels=levels,
            genuine=genuine,
            bin=np.asarray(bins, dtype=np.int64).reshape(-1),
            k=np.asarray(table.column("k").to_numpy(zero_copy_only=False), dtype=np.int64),
            n=n,
            values=np.asarray(values, dtype=np.float64),
            binning=binning,
            lo=self.lo,
            hi=self.hi,
            rows=profile["rows"],
            missing_score=profile["missing_score"],
            missing_label=int(profile["missing_label"]),
            one_side_missing=one_side,
        )

    def _decode_groups(self, table: pa.Table) -> pa.Table:
        for i, column in enumerate(self.groups.values()):
            for side, name in (("pg", column[0]), ("rg", column[1])):
                dictionary = self.source.dictionaries.get(name)
                if dictionary is None:
                    continue
                key = f"{side}{i}"
                codes = table.column(key).to_pylist()
                values = pa.array([None if c is None else dictionary[c] for c in codes])
                table = table.set_column(table.column_names.index(key), key, values)
        return table

    def _group_codes(
        self, table: pa.Table
    ) -> tuple[list[list[str]], IntArray, IntArray, dict[str, int]]:
        rows = table.num_rows
        n = np.asarray(table.column("n").to_numpy(zero_copy_only=False), dtype=np.float64)
        levels: list[list[str]] = []
        probe = np.zeros((rows, len(self.groups)), np.int64)
        reference = np.zeros((rows, len(self.groups)), np.int64)
        one_side: dict[str, int] = {}
        for i, name in enumerate(self.groups):
            p_values, p_index = _encode(table.column(f"pg{i}"))
            r_values, r_index = _encode(table.column(f"rg{i}"))
            used = {p_values[j] for j in np.unique(p_index)} | {
                r_values[j] for j in np.unique(r_index)
            }
            level = sorted(used, key=lambda s: (s == MISSING, s))
            index = {v: j for j, v in enumerate(level)}
            p_map = np.array([index.get(v, -1) for v in p_values], np.int64)
            r_map = np.array([index.get(v, -1) for v in r_values], np.int64)
            probe[:, i] = p_map[p_index]
            reference[:, i] = r_map[r_index]
            levels.append(level)
            missing = index.get(MISSING, -2)
            one_side[name] = int(n[(probe[:, i] == missing) != (reference[:, i] == missing)].sum())
        return levels, probe, reference, one_side

    def _codes_of(self, table: pa.Table, prefix: str) -> IntArray:
        """Codes (into ``self.levels``) of the group columns ``{prefix}0...`` of a table."""
        out = np.zeros((table.num_rows, len(self.groups)), np.int64)
        for i in range(len(self.groups)):
            values, idx = _encode(table.column(f"{prefix}{i}"))
            index = {v: j for j, v in enumerate(self.levels[i])}
            mapping = np.array([index.get(v, len(self.levels[i])) for v in values], np.int64)
            out[:, i] = mapping[idx]
        return out

    # -- pass 3 -----------------------------------------------------------------------
    def window(self, bins: Sequence[int]) -> Window:
        listed = ", ".join(str(int(b)) for b in sorted(set(bins)))
        sql = (
            f"SELECT s, {self.genuine_sql} AS g, {self.bin_expr} AS b, "
            f"{', '.join(self.group_keys) or '0 AS nothing'} FROM {self.inner} "
            f"WHERE {self._valid()} AND {self.bin_expr} IN ({listed})"
        )
        table = self._decode_groups(self.source.run(sql))
        probe = self._codes_of(table, "pg")
        reference = self._codes_of(table, "rg")
        return Window(
            score=np.asarray(table.column("s").to_numpy(zero_copy_only=False), np.float64),
            bin=np.asarray(table.column("b").to_numpy(zero_copy_only=False), np.int64),
            genuine=np.asarray(table.column("g").to_pylist(), dtype=bool),
            probe=probe,
            reference=reference,
        )

    # -- pass 4 -----------------------------------------------------------------------
    def profiles(
        self, thresholds: Sequence[float], same: Sequence[Sequence[int]]
    ) -> tuple[IntArray, FloatArray, FloatArray]:
        """Subjects (or comparisons) collapsed into count profiles.

        ``thresholds`` ascending; ``same`` lists, per reported attribute, the base
        attributes whose probe and reference groups must be equal for an impostor pair
        to count (empty: every impostor pair of the probe counts).

        Returns group codes ``(profile, base attribute)``, features ``(profile, F)`` in
        the order ``genuine, fnm_j..., then per entry of same: impostors, fm_j...``, and
        the number of units with each profile.
        """
        bucket = self._bucket(thresholds)
        by_subject = self.subjects
        conditions: list[str] = ["g"] + [f"g AND k <= {j}" for j in range(len(thresholds))]
        for attrs in same:
            pair = " AND ".join(f"pg{a} IS NOT DISTINCT FROM rg{a}" for a in attrs)
            imp = f"NOT g AND {pair}" if pair else "NOT g"
            conditions += [imp] + [f"{imp} AND k > {j}" for j in range(len(thresholds))]
        if by_subject:
            features = [f"count(*) FILTER (WHERE {c}) AS f{i}" for i, c in enumerate(conditions)]
            groups = [f"min(pg{i}) AS pg{i}" for i in range(len(self.groups))]
            middle = (
                f"SELECT {', '.join([*groups, *features])} FROM "
                f"(SELECT ps, {', '.join(self.group_keys) + ', ' if self.group_keys else ''}"
                f"{self.genuine_sql} AS g, {bucket} AS k FROM {self.inner} "
                f"WHERE {self._valid()}) AS c GROUP BY ps"
            )
        else:
            features = [
                f"CASE WHEN {c} THEN 1 ELSE 0 END AS f{i}" for i, c in enumerate(conditions)
            ]
            middle = (
                f"SELECT {', '.join([*[f'pg{i}' for i in range(len(self.groups))], *features])} "
                f"FROM (SELECT {', '.join(self.group_keys) + ', ' if self.group_keys else ''}"
                f"{self.genuine_sql} AS g, {bucket} AS k FROM {self.inner} "
                f"WHERE {self._valid()}) AS c"
            )
        keys = [f"pg{i}" for i in range(len(self.groups))] + [
            f"f{i}" for i in range(len(conditions))
        ]
        table = self._decode_groups(
            self.source.run(
                f"SELECT {', '.join(keys)}, count(*) AS units FROM ({middle}) AS u "
                f"GROUP BY {', '.join(keys)}"
            )
        )
        codes = self._codes_of(table, "pg")
        feats = np.stack(
            [
                np.asarray(table.column(f"f{i}").to_numpy(zero_copy_only=False), np.float64)
                for i in range(len(conditions))
            ],
            axis=1,
        )
        units = np.asarray(table.column("units").to_numpy(zero_copy_only=False), np.float64)
        # Engines return groups in any order; sort so that a seed gives the same draws.
        order = np.lexsort(np.concatenate([codes.astype(np.float64), feats], axis=1).T[::-1])
        return codes[order], feats[order], units[order]

    # -- subject consistency --------------------------------------------------------------
    def inconsistent_subject(self) -> str | None:
        """A subject that appears with two different group values, if any."""
        if not self.subjects or not self.groups:
            return None
        sides = " UNION ALL ".join(
            f"SELECT {side}s AS subject, "
            + ", ".join(f"{side}g{i} AS g{i}" for i in range(len(self.groups)))
            + f" FROM {self.inner}"
            for side in ("p", "r")
        )
        test = " OR ".join(f"count(DISTINCT g{i}) > 1" for i in range(len(self.groups)))
        table = self.source.run(
            f"SELECT subject FROM ({sides}) AS x WHERE subject IS NOT NULL "
            f"GROUP BY subject HAVING {test} LIMIT 1"
        )
        if table.num_rows == 0:
            return None
        return _display(table.column("subject")[0].as_py())
