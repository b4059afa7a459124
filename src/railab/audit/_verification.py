"""``audit_verification``: face (or other biometric) verification, 1:1, by group."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

import railab
from railab.audit._biocount import Comparisons, VerificationQuery, Window
from railab.audit._bioresult import VerificationResult, VerificationSpec
from railab.audit._errors import AuditInputError
from railab.audit._metrics import divide
from railab.audit._sources import open_source
from railab.audit._verification_stats import bootstrap_profiles
from railab.audit._verification_views import (
    Attributes,
    at_thresholds,
    attributes,
    eers,
    histograms,
    slots,
    view_attribute,
)

__all__ = ["audit_verification"]

# _verification_rows imports Counted from here for typing only.
from railab.audit._verification_rows import assemble

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Fetch at most this many exact scores to refine equal error rates.
WINDOW_LIMIT = 20_000_000


def _normalise_groups(
    groups: Mapping[str, str | Sequence[str]] | Sequence[str],
) -> dict[str, tuple[str, str]]:
    if isinstance(groups, str):
        groups = [groups]
    items = groups.items() if isinstance(groups, Mapping) else ((g, g) for g in groups)
    out: dict[str, tuple[str, str]] = {}
    for name, columns in items:
        if isinstance(columns, str):
            out[str(name)] = (columns, columns)
        else:
            pair = tuple(columns)
            if len(pair) != 2:
                raise AuditInputError(
                    f"group `{name}` needs a probe and a reference column, e.g. "
                    f"{{'{name}': ('{name}_probe', '{name}_reference')}}"
                )
            out[str(name)] = (str(pair[0]), str(pair[1]))
    return out


def _validate(
    *,
    mated: str | None,
    probe_subject: str | None,
    reference_subject: str | None,
    thresholds: Sequence[float],
    target_fmr: Sequence[float],
    bootstrap: int,
    confidence: float,
    min_group_size: int,
    fdr_alpha: float,
    impostor_pairs: str,
) -> None:
    if (probe_subject is None) != (reference_subject is None):
        raise AuditInputError(
            "subject ids need both sides: pass --probe-subject and --reference-subject"
        )
    if mated is None and probe_subject is None:
        raise AuditInputError(
            "say which comparisons are genuine: pass a genuine/impostor column (--mated) "
            "or the subject ids of both sides (--probe-subject, --reference-subject)"
        )
    if not thresholds and not target_fmr:
        raise AuditInputError(
            "give at least one operating threshold (--threshold) or target FMR (--target-fmr)"
        )
    if not all(math.isfinite(t) for t in thresholds):
        raise AuditInputError("thresholds must be finite numbers")
    if any(not 0.0 < f < 1.0 for f in target_fmr):
        raise AuditInputError("target FMR values must be between 0 and 1, e.g. 1e-4")
    if bootstrap < 0:
        raise AuditInputError("bootstrap must be 0 (no resampling) or a positive number")
    if not 0.0 < confidence < 1.0:
        raise AuditInputError("confidence must be between 0 and 1, e.g. 0.95")
    if min_group_size < 1:
        raise AuditInputError("min_group_size must be at least 1")
    if not 0.0 <= fdr_alpha <= 1.0:
        raise AuditInputError("fdr_alpha must be between 0 and 1")
    if impostor_pairs not in ("same_group", "probe_group"):
        raise AuditInputError("impostor_pairs must be 'same_group' or 'probe_group'")


def audit_verification(
    data: object,
    *,
    score: str,
    mated: str | None = None,
    genuine: object | None = None,
    probe_subject: str | None = None,
    reference_subject: str | None = None,
    groups: Mapping[str, str | Sequence[str]] | Sequence[str] = (),
    intersect: bool = False,
    thresholds: Sequence[float] = (),
    target_fmr: Sequence[float] = (1e-3, 1e-4),
    impostor_pairs: Literal["same_group", "probe_group"] = "same_group",
    bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    min_group_size: int = 30,
    fdr_alpha: float = 0.5,
    encoding: str | None = None,
    memory_limit: str | None = None,
    progress: Callable[[float], None] | None = None,
) -> VerificationResult:
    """Audit a 1:1 biometric comparator (e.g. face verification) by demographic group.

    Computed from comparison scores (higher = more similar; a comparison is a match when
    ``score >= threshold``), as in ISO/IEC 19795-1:2021 (FMR, FNMR, DET, EER), ISO/IEC
    19795-10:2024 (demographic differentials) and NIST IR 8280, *FRVT Part 3: Demographic
    Effects* (2019): FMR and FNMR of every group at each operating threshold and at the
    threshold set for each target FMR on *all* impostor comparisons; DET curves and EER
    per group; the FMR matrix of probe group by reference group; max/min and
    max/geometric-mean ratios and the Gini coefficient of FMR and FNMR across groups
    (NIST IR 8429, 2022); the fairness discrepancy rate of de Freitas Pereira & Marcel
    (IEEE T-BIOM, 2022); and findings in plain words.

    FNMR of a group counts its genuine comparisons (by the probe's group). FMR of a group
    counts, by default, impostor comparisons whose two sides are both in the group
    (``impostor_pairs="same_group"``, NIST's convention: impostors of the same
    demographic are the ones that matter in practice); ``"probe_group"`` counts every
    impostor comparison of the group's probes.

    Intervals for FMR and FNMR come from a *subject-level* bootstrap, because the
    comparisons of one person are correlated (Bolle, Ratha & Pankanti, "Error analysis
    of pattern recognition systems — the subsets bootstrap", CVIU 93, 2004; ISO/IEC
    19795-1:2021, Annex B): each resample draws probe subjects with replacement and keeps
    all of their comparisons (an impostor comparison goes with its probe subject), as a
    multinomial over subjects with identical count profiles. Thresholds stay fixed at
    their estimates. Without subject ids, comparisons are resampled (too narrow when
    subjects repeat; a warning says so).

    Parameters
    ----------
    data
        A CSV or Parquet path, SQL text, a DuckDB relation, an Arrow table, a pandas or
        polars DataFrame, or a PySpark DataFrame; one row per comparison.
    score
        Column with the comparison score (similarity).
    mated
        Column saying whether a comparison is genuine (same person) or impostor.
    genuine
        Value of ``mated`` that marks a genuine comparison when it is not 1/true.
    probe_subject, reference_subject
        Columns with the subject id of each side: genuine when equal. Needed for the
        subject-level bootstrap and the consistency checks.
    groups
        Group attributes: ``{"race": ("race_probe", "race_reference")}``, or column
        names used for both sides.
    intersect
        Also audit every combination of the attributes.
    thresholds
        Operating thresholds.
    target_fmr
        Target false match rates (e.g. 1e-3 ... 1e-6): the threshold reaching each on all
        impostors is found exactly, and every group's FMR and FNMR reported there.
    impostor_pairs
        Which impostor comparisons count for a group's FMR (see above).
    bootstrap
        Number of resamples for percentile intervals (0: none).
    seed, confidence, min_group_size
        Seed and coverage of the intervals; estimates resting on fewer comparisons than
        ``min_group_size`` are marked small and left out of the differential summaries.
    fdr_alpha
        Weight of the FMR term in the fairness discrepancy rate.
    encoding, memory_limit, progress
        As for :func:`audit_classification`.

    Returns
    -------
    VerificationResult

    Raises
    ------
    AuditInputError
        For bad input, with a one-line message naming the problem and the fix.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "score": [0.9, 0.8, 0.4, 0.3, 0.2, 0.6, 0.1, 0.7],
    ...     "mated": [1, 1, 1, 0, 0, 0, 0, 1],
    ...     "sex":   ["F", "F", "M", "F", "F", "M", "M", "M"],
    ... })
    >>> r = audit_verification(df, score="score", mated="mated", groups=["sex"],
    ...                        thresholds=[0.5], target_fmr=[], bootstrap=0)
    >>> r.rate("fnmr", attribute="sex", group="M").value
    0.5
    >>> r.rate("fmr", attribute="sex", group="M").value
    0.5
    """
    group_columns = _normalise_groups(groups)
    _validate(
        mated=mated,
        probe_subject=probe_subject,
        reference_subject=reference_subject,
        thresholds=thresholds,
        target_fmr=target_fmr,
        bootstrap=bootstrap,
        confidence=confidence,
        min_group_size=min_group_size,
        fdr_alpha=fdr_alpha,
        impostor_pairs=impostor_pairs,
    )
    operating = sorted({float(t) for t in thresholds})
    targets = sorted({float(f) for f in target_fmr}, reverse=True)
    source = open_source(data, encoding=encoding, memory_limit=memory_limit)
    try:
        query = VerificationQuery(
            source,
            score=score,
            mated=mated,
            genuine=genuine,
            probe_subject=probe_subject,
            reference_subject=reference_subject,
            groups=group_columns,
        )
        profile = query.profile()
        cells = query.histogram(profile, operating, progress)
        subject = query.inconsistent_subject()
        if subject is not None:
            raise AuditInputError(
                f"subject {subject} appears with different group values on different rows; "
                "a subject's demographic attributes must be the same in every comparison — "
                "fix the data or the subject ids"
            )
        return _compute(
            query,
            cells,
            group_columns=group_columns,
            intersect=intersect,
            operating=operating,
            targets=targets,
            pairs=impostor_pairs,
            bootstrap=bootstrap,
            seed=seed,
            confidence=confidence,
            min_group_size=min_group_size,
            fdr_alpha=fdr_alpha,
            spec_args={
                "score": score,
                "mated": mated,
                "genuine": None if genuine is None else str(genuine),
                "probe_subject": probe_subject,
                "reference_subject": reference_subject,
            },
        )
    finally:
        source.close()


def _target_pivots(imp_all: FloatArray, targets: list[float]) -> list[tuple[int, int]]:
    """For each target FMR f: the bin holding the (m+1)-th highest impostor score, with
    m = floor(f * impostors), and that score's rank from the top within the bin."""
    total = imp_all.sum()
    above = np.concatenate([np.cumsum(imp_all[::-1])[::-1], [0.0]])
    out = []
    for f in targets:
        m = math.floor(round(f * total, 6))
        p = int(np.flatnonzero(above[:-1] >= m + 1)[-1])
        out.append((p, int(m + 1 - above[p + 1])))
    return out


def _eer_pivot(gen: FloatArray, imp: FloatArray, occupied: IntArray) -> int | None:
    """The occupied bin just below the first bin boundary where FMR <= FNMR, if any."""
    g_total, i_total = gen.sum(), imp.sum()
    if g_total == 0 or i_total == 0:
        return None
    fm = np.cumsum(imp[::-1])[::-1][occupied]
    fnm = (np.cumsum(gen) - gen)[occupied]
    hit = np.flatnonzero(fm / i_total - fnm / g_total <= 0)
    if hit.size == 0 or hit[0] == 0:
        return None
    return int(occupied[hit[0] - 1])


def _compute(
    query: VerificationQuery,
    cells: Comparisons,
    *,
    group_columns: dict[str, tuple[str, str]],
    intersect: bool,
    operating: list[float],
    targets: list[float],
    pairs: str,
    bootstrap: int,
    seed: int,
    confidence: float,
    min_group_size: int,
    fdr_alpha: float,
    spec_args: dict[str, str | None],
) -> VerificationResult:
    attrs = attributes(cells, list(group_columns), intersect)
    n_views = attrs.n_views
    probe, reference = attrs.codes(cells.probe), attrs.codes(cells.reference)
    gen_slots, imp_slots = slots(attrs, probe, reference, cells.genuine, pairs)
    n_bins = cells.values.size
    gen_hist = histograms(gen_slots, cells.bin, cells.n, n_views, n_bins)
    imp_hist = histograms(imp_slots, cells.bin, cells.n, n_views, n_bins)
    genuines, impostors = gen_hist.sum(axis=1), imp_hist.sum(axis=1)
    used = int(cells.n.sum())
    if impostors[0] == 0:
        raise AuditInputError(
            f"the data has no impostor comparisons (all {used:,} are genuine); FMR needs "
            "comparisons of different people — add impostor pairs"
        )
    if genuines[0] == 0:
        raise AuditInputError(
            f"the data has no genuine comparisons (all {used:,} are impostors); FNMR needs "
            "comparisons of the same person — add genuine pairs"
        )
    occupied = np.flatnonzero(gen_hist[0] + imp_hist[0] > 0)
    pivots = _target_pivots(imp_hist[0], targets)
    window: Window | None = None
    eer_pivots: list[int | None] = [None] * n_views
    eer_exact = True
    if cells.binning == "binned":
        eer_pivots = [_eer_pivot(gen_hist[v], imp_hist[v], occupied) for v in range(n_views)]
        wanted = {p for p, _ in pivots}
        eer_bins = {p for p in eer_pivots if p is not None}
        overall = gen_hist[0] + imp_hist[0]
        if overall[sorted(wanted | eer_bins)].sum() > WINDOW_LIMIT:
            eer_pivots, eer_exact = [None] * n_views, False
        else:
            wanted |= eer_bins
        if wanted:
            window = query.window(sorted(wanted))
    target_rows = []
    for f, (p, r) in zip(targets, pivots, strict=True):
        if cells.binning == "exact" or window is None:
            x = float(cells.values[p])
        else:
            inside = np.sort(window.score[(window.bin == p) & ~window.genuine])[::-1]
            x = float(inside[r - 1])
        # Just above the (m+1)-th highest impostor: at most m impostors reach it.
        target_rows.append((f, float(np.nextafter(x, np.inf)), p))
    counted = at_thresholds(cells, attrs, probe, reference, window, operating, target_rows, pairs)
    eer_points = eers(cells, attrs, gen_hist, imp_hist, occupied, eer_pivots, window, pairs)
    boot_fmr = boot_fnmr = None
    unit: Literal["subject", "comparison", "none"] = "none"
    if bootstrap:
        unit = "subject" if query.subjects else "comparison"
        boot_fmr, boot_fnmr = _bootstrap(
            query, attrs, counted.thresholds, pairs, bootstrap, np.random.default_rng(seed)
        )
    spec = VerificationSpec(
        score=str(spec_args["score"]),
        mated=spec_args["mated"],
        genuine=spec_args["genuine"],
        probe_subject=spec_args["probe_subject"],
        reference_subject=spec_args["reference_subject"],
        groups={name: list(cols) for name, cols in group_columns.items()},
        intersect=intersect,
        thresholds=tuple(operating),
        target_fmr=tuple(targets),
        impostor_pairs="probe_group" if pairs == "probe_group" else "same_group",
        bootstrap=bootstrap,
        bootstrap_unit=unit,
        seed=seed,
        confidence=confidence,
        min_group_size=min_group_size,
        fdr_alpha=fdr_alpha,
        source=query.source.description,
        engine=query.source.engine,
        score_binning="exact" if cells.binning == "exact" else "binned",
    )
    return assemble(
        spec=spec,
        cells=cells,
        attrs_names=attrs.names,
        attrs_levels=attrs.levels,
        views=[view_attribute(attrs, v)[1:] for v in range(n_views)],
        genuines=genuines,
        impostors=impostors,
        gen_hist=gen_hist,
        imp_hist=imp_hist,
        counted=counted,
        eers=eer_points,
        eer_exact=eer_exact,
        boot_fmr=boot_fmr,
        boot_fnmr=boot_fnmr,
        railab_version=railab.__version__,
    )


def _bootstrap(
    query: VerificationQuery,
    attrs: Attributes,
    thresholds: list[float],
    pairs: str,
    resamples: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """FMR and FNMR of every view at every threshold in each resample: (B, view, J)."""
    ordered = sorted(set(thresholds))
    position = [ordered.index(t) for t in thresholds]
    same: list[list[int]] = [[]] + [
        [] if pairs == "probe_group" else members for members in attrs.base
    ]
    codes, features, units = query.profiles(ordered, same)
    n_t = len(ordered)
    groups_of = list(attrs.codes(codes).T)
    columns: list[tuple[int, list[int]]] = []
    for e in range(len(same)):
        start = 1 + n_t + e * (1 + n_t)
        columns.append((e - 1, [0, *range(1, 1 + n_t), start, *range(start + 1, start + 1 + n_t)]))
    sums = bootstrap_profiles(
        features, units, groups_of, columns, [len(lv) for lv in attrs.levels], resamples, rng
    )
    fmr = np.full((resamples, attrs.n_views, len(thresholds)), np.nan)
    fnmr = np.full_like(fmr, np.nan)
    pos = np.array(position)
    for e, block in enumerate(sums):
        start = 0 if e == 0 else attrs.offsets[e - 1]
        stop = start + block.shape[1]
        gen = block[:, :, :1]
        fnm = block[:, :, 1 : 1 + n_t][:, :, pos]
        imp = block[:, :, 1 + n_t : 2 + n_t]
        fm = block[:, :, 2 + n_t :][:, :, pos]
        fnmr[:, start:stop] = divide(fnm, gen)
        fmr[:, start:stop] = divide(fm, imp)
    return fmr, fnmr
