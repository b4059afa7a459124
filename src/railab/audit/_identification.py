# The SQL here is assembled from column names quoted by the source (``source.quote``),
# numbers the audit formats itself, and flag values escaped by ``_genuine_predicate``.
# ruff: noqa: S608
"""``audit_identification``: 1:N search (e.g. face identification) by demographic group."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

import railab
from railab.audit._biocount import _genuine_predicate, genuine_key
from railab.audit._bioresult import (
    GroupCountRow,
    IdentificationResult,
    IdentificationSpec,
    RateRow,
)
from railab.audit._counting import MISSING, _check_columns, _check_numeric, _display
from railab.audit._errors import AuditInputError
from railab.audit._metrics import divide, nan_percentile, wilson_interval
from railab.audit._result import AuditWarning, CurveRow, Exclusions
from railab.audit._sources import Source, open_source
from railab.audit._verification_stats import OperatingPoint, bootstrap_profiles, summarise

__all__ = ["audit_identification"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

INTERSECTION_SEP = " \N{MULTIPLICATION SIGN} "


def _flag(source: Source, table_values: list[object], column: str, alias: str) -> str:
    kind = source.columns()[column]
    key = genuine_key(table_values, column, None)
    return _genuine_predicate(kind, column, key, alias)


def _searches(
    source: Source,
    *,
    search: str,
    rank: str,
    score: str,
    mated: str,
    mate: str | None,
    search_subject: str | None,
    candidate_subject: str | None,
    groups: Sequence[str],
    progress: Callable[[float], None] | None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One row per search: mated flag, groups, rank and score of the mate, top score."""
    columns = source.columns()
    wanted = [("search", search), ("rank", rank), ("score", score), ("mated", mated)]
    wanted += [("mate", mate)] if mate is not None else []
    wanted += [("search subject", search_subject)] if search_subject is not None else []
    wanted += [("candidate subject", candidate_subject)] if candidate_subject is not None else []
    wanted += [("group", g) for g in groups]
    _check_columns(columns, wanted)
    q = source.quote
    inner = [
        f"{q(search)} AS sid",
        f"{_check_numeric(source, columns, rank, 'rank')} AS r",
        f"{_check_numeric(source, columns, score, 'score')} AS s",
        f"{q(mated)} AS m",
        *(f"{q(g)} AS g{i}" for i, g in enumerate(groups)),
    ]
    if mate is not None:
        inner.append(f"{q(mate)} AS mt")
    else:
        inner.append(f"({q(str(search_subject))} = {q(str(candidate_subject))}) AS mt")
    src = f"(SELECT {', '.join(inner)} FROM {{src}}) AS t"
    finite = f"(isnan(s) OR {source.isinf('s')})"
    prof = source.run(
        f"SELECT m, mt, count(*) AS n, count(*) FILTER (WHERE {finite}) AS bad, "
        f"min(s) FILTER (WHERE NOT {finite}) AS lo, max(s) FILTER (WHERE NOT {finite}) AS hi, "
        "max(r) AS max_rank, count(*) FILTER (WHERE sid IS NULL) AS no_id "
        f"FROM {src} GROUP BY m, mt"
    ).to_pylist()
    if not prof:
        raise AuditInputError("the data has no rows; check the file or the query")
    bad = sum(int(p["bad"]) for p in prof)
    if bad:
        raise AuditInputError(
            f"score column `{score}` has {bad} NaN or infinite values; drop or impute those "
            "rows (a search with an empty candidate list has an empty rank and score)"
        )
    m_sql = _flag(source, [p["m"] for p in prof], mated, "m")
    mt_sql = "mt" if mate is None else _flag(source, [p["mt"] for p in prof], mate, "mt")
    hits = f"CASE WHEN {mt_sql} THEN 1 ELSE 0 END"
    groups_sql = [f"min(g{i}) AS g{i}, count(DISTINCT g{i}) AS d{i}" for i in range(len(groups))]
    sql = (
        f"SELECT sid, min(CASE WHEN {m_sql} THEN 1 ELSE 0 END) AS mated_min, "
        f"max(CASE WHEN {m_sql} THEN 1 ELSE 0 END) AS mated_max, "
        + "".join(g + ", " for g in groups_sql)
        + f"min(r) FILTER (WHERE {hits} = 1) AS mate_rank, "
        f"max(s) FILTER (WHERE {hits} = 1) AS mate_score, max(s) AS top_score "
        f"FROM {src} WHERE m IS NOT NULL AND sid IS NOT NULL GROUP BY sid"
    )
    rows = source.run(sql, progress=progress).to_pylist()
    los = [p["lo"] for p in prof if p["lo"] is not None]
    his = [p["hi"] for p in prof if p["hi"] is not None]
    info = {
        "rows": sum(int(p["n"]) for p in prof),
        "missing": sum(int(p["n"]) for p in prof if p["m"] is None)
        + sum(int(p["no_id"]) for p in prof if p["m"] is not None),
        "lo": min(los) if los else 0.0,
        "hi": max(his) if his else 0.0,
        "max_rank": max((int(p["max_rank"]) for p in prof if p["max_rank"] is not None), default=0),
    }
    return info, rows


def audit_identification(
    data: object,
    *,
    search: str,
    rank: str,
    score: str,
    mated: str,
    mate: str | None = None,
    search_subject: str | None = None,
    candidate_subject: str | None = None,
    groups: Sequence[str] = (),
    intersect: bool = False,
    ranks: Sequence[int] = (1, 10),
    thresholds: Sequence[float] = (),
    bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    min_group_size: int = 30,
    encoding: str | None = None,
    memory_limit: str | None = None,
    progress: Callable[[float], None] | None = None,
) -> IdentificationResult:
    """Audit a 1:N search system (e.g. face identification) by demographic group.

    Computed from candidate lists, one row per candidate returned for a search, as in
    ISO/IEC 19795-1:2021 and NIST IR 8271 (*FRVT Part 2: Identification*) with the
    demographic breakdown of NIST IR 8280 (*FRVT Part 3*):

    - FNIR(r, T): share of *mated* searches (whose subject is enrolled) whose mate is not
      among the top ``r`` candidates with a score of at least ``T`` (``T`` None: rank
      only), per group of the searched person;
    - FPIR(T): share of *non-mated* searches that return any candidate scoring at least
      ``T``;
    - the CMC curve: share of mated searches with the mate at rank r or better;
    - differentials across groups (max/min and max/geometric-mean ratios, Gini; NIST IR
      8429) and findings in plain words.

    Searches are the resampling unit of the bootstrap (a search is one person).

    Parameters
    ----------
    data
        Any input :func:`audit_classification` takes. A search with an empty candidate
        list appears once with an empty rank and score.
    search
        Column with the search id.
    rank, score
        Columns with the candidate's rank (1 = best) and score.
    mated
        Column saying whether the searched subject is enrolled (0/1 or true/false),
        the same on every row of a search.
    mate
        Column saying whether the candidate is the searched subject; or give
        ``search_subject`` and ``candidate_subject`` ids instead.
    groups, intersect
        Group attributes of the searched person, and their combinations.
    ranks
        Ranks r for FNIR.
    thresholds
        Thresholds T for FNIR and FPIR.
    bootstrap, seed, confidence, min_group_size, encoding, memory_limit, progress
        As for :func:`audit_verification`.

    Returns
    -------
    IdentificationResult

    Examples
    --------
    >>> import pandas as pd
    >>> lists = pd.DataFrame({
    ...     "search": ["s1", "s1", "s2", "s2", "s3", "s4"],
    ...     "rank":   [1, 2, 1, 2, 1, 1],
    ...     "score":  [0.9, 0.4, 0.5, 0.3, 0.8, 0.2],
    ...     "mated":  [1, 1, 1, 1, 0, 0],
    ...     "mate":   [1, 0, 0, 1, 0, 0],
    ... })
    >>> r = audit_identification(lists, search="search", rank="rank", score="score",
    ...                          mated="mated", mate="mate", ranks=[1], thresholds=[0.6],
    ...                          bootstrap=0)
    >>> r.rate("fnir", rank=1).value, r.rate("fpir", threshold=0.6).value
    (0.5, 0.5)
    """
    if isinstance(groups, str):
        groups = [groups]
    if mate is None and (search_subject is None or candidate_subject is None):
        raise AuditInputError(
            "say which candidate is the mate: pass a mate column (--mate) or the subject ids "
            "of the search and the candidate (--search-subject, --candidate-subject)"
        )
    if not ranks or any(int(r) < 1 for r in ranks):
        raise AuditInputError("ranks must be whole numbers from 1, e.g. --rank-at 1")
    if not all(math.isfinite(t) for t in thresholds):
        raise AuditInputError("thresholds must be finite numbers")
    if bootstrap < 0:
        raise AuditInputError("bootstrap must be 0 (no resampling) or a positive number")
    rank_list = sorted({int(r) for r in ranks})
    t_list: list[float | None] = [None, *sorted({float(t) for t in thresholds})]
    source = open_source(data, encoding=encoding, memory_limit=memory_limit)
    try:
        info, rows = _searches(
            source,
            search=search,
            rank=rank,
            score=score,
            mated=mated,
            mate=mate,
            search_subject=search_subject,
            candidate_subject=candidate_subject,
            groups=groups,
            progress=progress,
        )
    finally:
        source.close()
    for row in rows:
        if row["mated_min"] != row["mated_max"]:
            raise AuditInputError(
                f"search {_display(row['sid'])} is marked both mated and non-mated in `{mated}`; "
                "a search's mated flag must be the same on all its candidate rows"
            )
        if not row["mated_max"] and row["mate_rank"] is not None:
            raise AuditInputError(
                f"search {_display(row['sid'])} is marked non-mated but a candidate is its mate; "
                "fix the mated flag or the mate/subject columns"
            )
        for i, g in enumerate(groups):
            if int(row[f"d{i}"]) > 1:
                raise AuditInputError(
                    f"search {_display(row['sid'])} has different `{g}` values on its rows; "
                    "the attributes of a search must be the same on every candidate row"
                )
    if not rows:
        raise AuditInputError("every row has an empty search id or mated flag; nothing to audit")
    mated_flag = np.array([bool(r["mated_max"]) for r in rows])
    inf = math.inf
    mate_rank = np.array([inf if r["mate_rank"] is None else r["mate_rank"] for r in rows], float)
    mate_score = np.array(
        [-inf if r["mate_score"] is None else r["mate_score"] for r in rows], float
    )
    top = np.array([-inf if r["top_score"] is None else r["top_score"] for r in rows], float)
    names = list(groups)
    levels: list[list[str]] = []
    codes = np.zeros((len(rows), 0), np.int64)
    columns = []
    for i in range(len(names)):
        shown = [_display(r[f"g{i}"]) for r in rows]
        lv = sorted(set(shown), key=lambda s: (s == MISSING, s))
        index = {v: j for j, v in enumerate(lv)}
        columns.append(np.array([index[v] for v in shown], np.int64))
        levels.append(lv)
    if columns:
        codes = np.stack(columns, axis=1)
    if intersect and len(names) > 1:
        combos, inverse = np.unique(codes, axis=0, return_inverse=True)
        levels.append(
            [INTERSECTION_SEP.join(levels[j][c] for j, c in enumerate(row)) for row in combos]
        )
        codes = np.concatenate([codes, inverse.reshape(-1, 1)], axis=1)
        names.append(INTERSECTION_SEP.join(names))
    # Indicator features per search: mated, hits at (rank, T), non-mated, hits above T.
    hit_cols = [(r, t) for r in rank_list for t in t_list]
    hits = np.stack(
        [
            mated_flag & (mate_rank <= r) & (mate_score >= (-inf if t is None else t))
            for r, t in hit_cols
        ],
        axis=1,
    )
    fps = np.zeros((len(rows), len(t_list) - 1), dtype=bool)
    for c, t in enumerate(t_list[1:]):
        fps[:, c] = ~mated_flag & (top >= t)
    features = np.concatenate(
        [mated_flag[:, None], hits, (~mated_flag)[:, None], fps], axis=1
    ).astype(np.float64)
    return _result(
        features=features,
        codes=codes,
        names=names,
        levels=levels,
        hit_cols=hit_cols,
        t_list=t_list,
        mate_rank=mate_rank,
        mated_flag=mated_flag,
        info=info,
        used=len(rows),
        spec=IdentificationSpec(
            search=search,
            rank=rank,
            score=score,
            mated=mated,
            mate=mate,
            search_subject=search_subject,
            candidate_subject=candidate_subject,
            groups=tuple(groups),
            intersect=intersect,
            ranks=tuple(rank_list),
            thresholds=tuple(t for t in t_list if t is not None),
            bootstrap=bootstrap,
            seed=seed,
            confidence=confidence,
            min_group_size=min_group_size,
            source=source.description,
            engine=source.engine,
        ),
    )


def _result(
    *,
    features: FloatArray,
    codes: IntArray,
    names: list[str],
    levels: list[list[str]],
    hit_cols: list[tuple[int, float | None]],
    t_list: list[float | None],
    mate_rank: FloatArray,
    mated_flag: npt.NDArray[np.bool_],
    info: dict[str, Any],
    used: int,
    spec: IdentificationSpec,
) -> IdentificationResult:
    conf = spec.confidence
    # Views: overall, then each attribute's groups; sums of the features per view.
    view_names = [("overall", "all")] + [
        (n, g) for n, lv in zip(names, levels, strict=True) for g in lv
    ]
    member = [np.zeros(len(features), np.int64)]
    offset = 1
    for a, lv in enumerate(levels):
        member.append(offset + codes[:, a])
        offset += len(lv)
    sums = np.zeros((len(view_names), features.shape[1]))
    for idx in member:
        np.add.at(sums, idx, features)
    n_h = len(hit_cols)
    mated_n, nonmated_n = sums[:, 0], sums[:, 1 + n_h]
    found, false_pos = sums[:, 1 : 1 + n_h], sums[:, 2 + n_h :]
    fnir = 1.0 - divide(found, mated_n[:, None])
    fpir = divide(false_pos, nonmated_n[:, None])
    boot_fnir = boot_fpir = None
    if spec.bootstrap:
        unique, counts = np.unique(
            np.concatenate([codes.astype(np.float64), features], axis=1), axis=0, return_counts=True
        )
        k = codes.shape[1]
        blocks = bootstrap_profiles(
            unique[:, k:],
            counts.astype(np.float64),
            [unique[:, a].astype(np.int64) for a in range(k)],
            [(-1, list(range(features.shape[1])))]
            + [(a, list(range(features.shape[1]))) for a in range(k)],
            [len(lv) for lv in levels],
            spec.bootstrap,
            np.random.default_rng(spec.seed),
        )
        boot = np.concatenate(blocks, axis=1)
        boot_fnir = 1.0 - divide(boot[:, :, 1 : 1 + n_h], boot[:, :, :1])
        boot_fpir = divide(boot[:, :, 2 + n_h :], boot[:, :, 1 + n_h : 2 + n_h])
    rates: list[RateRow] = []
    fpir_cols: list[tuple[int | None, float | None]] = [(None, t) for t in t_list[1:]]
    blocks_out: list[tuple[str, FloatArray, FloatArray | None, FloatArray, FloatArray, Any]] = [
        ("fnir", fnir, boot_fnir, found, mated_n, hit_cols),
        ("fpir", fpir, boot_fpir, false_pos, nonmated_n, fpir_cols),
    ]
    for metric, value, boot_v, num, den, cols in blocks_out:
        lo, hi = (
            nan_percentile(boot_v, confidence=conf)
            if boot_v is not None
            else (np.full(value.shape, np.nan),) * 2
        )
        errors = den[:, None] - num if metric == "fnir" else num
        wl, wu = wilson_interval(errors, den[:, None], confidence=conf)
        for v, (attribute, group) in enumerate(view_names):
            for c, (r, t) in enumerate(cols):
                rates.append(
                    RateRow(
                        attribute=attribute,
                        group=group,
                        metric=metric,
                        threshold=t,
                        target_fmr=None,
                        rank=r,
                        capacity=None,
                        value=_clean(value[v, c]),
                        lower=_clean(lo[v, c]),
                        upper=_clean(hi[v, c]),
                        wilson_lower=_clean(wl[v, c]),
                        wilson_upper=_clean(wu[v, c]),
                        numerator=int(errors[v, c]),
                        denominator=int(den[v]),
                        small=bool(den[v] < spec.min_group_size),
                    )
                )
    diff_rows, findings = [], []
    start = 1
    for a, name in enumerate(names):
        span = slice(start, start + len(levels[a]))
        start += len(levels[a])
        for metric, value, boot_v, num, den, cols in (
            ("fnir", fnir, boot_fnir, mated_n[:, None] - found, mated_n, hit_cols),
            ("fpir", fpir, boot_fpir, false_pos, nonmated_n, fpir_cols),
        ):
            for c, (r, t) in enumerate(cols):
                where = [f"rank {r}"] if r is not None else []
                where += [f"threshold {t:g}"] if t is not None else []
                rows, found_rows = summarise(
                    attribute=name,
                    groups=levels[a],
                    metrics={
                        metric: (
                            value[span, c],
                            boot_v[:, span, c] if boot_v is not None else None,
                            num[span, c],
                            den[span],
                        )
                    },
                    point=OperatingPoint(threshold=t, rank=r),
                    lead=f"By {name}, at {' and '.join(where)}",
                    confidence=conf,
                    min_group_size=spec.min_group_size,
                )
                diff_rows += rows
                findings += found_rows
    max_rank = int(max(info["max_rank"], max(spec.ranks)))
    curves = []
    for v, (attribute, group) in enumerate(view_names):
        idx = np.zeros(len(features), bool)
        for m in member:
            idx |= m == v
        ranks_v = mate_rank[idx & mated_flag]
        if ranks_v.size:
            grid = np.arange(1, max_rank + 1)
            cmc = np.searchsorted(np.sort(ranks_v), grid, side="right") / ranks_v.size
            points = tuple((float(g), float(c)) for g, c in zip(grid, cmc, strict=True))
            curves.append(CurveRow(attribute, group, "cmc", points))
    warnings = _warnings(spec, info, used, view_names, mated_n, nonmated_n)
    return IdentificationResult(
        spec=spec,
        exclusions=Exclusions(
            rows=info["rows"],
            used=used,
            missing_label=info["missing"],
            missing_prediction=0,
            missing_score=0,
        ),
        counts=tuple(
            GroupCountRow(a, g, int(mated_n[v]), int(nonmated_n[v]))
            for v, (a, g) in enumerate(view_names)
        ),
        rates=tuple(rates),
        differentials=tuple(diff_rows),
        findings=tuple(findings),
        curves=tuple(curves),
        warnings=tuple(warnings),
        railab_version=railab.__version__,
    )


def _clean(value: Any) -> float | None:
    v = float(value)
    return v if np.isfinite(v) else None


def _warnings(
    spec: IdentificationSpec,
    info: dict[str, Any],
    used: int,
    views: list[tuple[str, str]],
    mated_n: FloatArray,
    nonmated_n: FloatArray,
) -> list[AuditWarning]:
    out = []
    if info["missing"]:
        out.append(
            AuditWarning(
                "excluded_rows",
                f"{info['missing']:,} of {info['rows']:,} candidate rows excluded: no search id "
                "or mated flag",
            )
        )
    if mated_n[0] == 0:
        out.append(AuditWarning("missing_side", "no mated searches: FNIR and CMC are undefined"))
    if nonmated_n[0] == 0 and spec.thresholds:
        out.append(AuditWarning("missing_side", "no non-mated searches: FPIR is undefined"))
    for r in spec.ranks:
        if r > info["max_rank"]:
            out.append(
                AuditWarning(
                    "threshold_range",
                    f"rank {r} is beyond the longest candidate list ({info['max_rank']}); "
                    "FNIR there equals FNIR at the last rank",
                )
            )
    for t in spec.thresholds:
        if t > info["hi"] or t <= info["lo"]:
            side = "above every" if t > info["hi"] else "at or below every"
            out.append(
                AuditWarning(
                    "threshold_range",
                    f"threshold {t:g} is {side} candidate score ({info['lo']:.6g} to "
                    f"{info['hi']:.6g}); check the score scale",
                )
            )
    for v, (attribute, group) in enumerate(views[1:], start=1):
        small = [
            m
            for m, d in (("FNIR", mated_n[v]), ("FPIR", nonmated_n[v]))
            if 0 < d < spec.min_group_size
        ]
        if small:
            out.append(
                AuditWarning(
                    "small_group",
                    f"{attribute}={group}: fewer than {spec.min_group_size} searches behind "
                    f"{' and '.join(small)}; treat them as unstable (left out of the summaries)",
                    attribute,
                    group,
                )
            )
    del used
    return out
