"""Turn the counts of a verification audit into the rows of a :class:`VerificationResult`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from railab.audit._biocount import Comparisons
from railab.audit._bioresult import (
    EERRow,
    FMRMatrixRow,
    GroupCountRow,
    OperatingPointRow,
    RateRow,
    VerificationResult,
    VerificationSpec,
)
from railab.audit._counting import MISSING
from railab.audit._metrics import divide, nan_percentile, wilson_interval
from railab.audit._result import AuditWarning, CurveRow, Exclusions
from railab.audit._verification_stats import OperatingPoint, score_density, summarise

if TYPE_CHECKING:
    from railab.audit._verification_views import Counted

__all__ = ["assemble"]

FloatArray = npt.NDArray[np.float64]


def _clean(value: Any) -> float | None:
    v = float(value)
    return v if np.isfinite(v) else None


def _lead(attribute: str, threshold: float, target: float | None) -> str:
    if target is None:
        return f"By {attribute}, at threshold {threshold:.6g}"
    return (
        f"By {attribute}, at the threshold set for an overall FMR of {target:g} ({threshold:.6g})"
    )


def assemble(
    *,
    spec: VerificationSpec,
    cells: Comparisons,
    attrs_names: list[str],
    attrs_levels: list[list[str]],
    views: list[tuple[str, str]],
    genuines: FloatArray,
    impostors: FloatArray,
    gen_hist: FloatArray,
    imp_hist: FloatArray,
    counted: Counted,
    eers: list[Any],
    eer_exact: bool,
    boot_fmr: FloatArray | None,
    boot_fnmr: FloatArray | None,
    railab_version: str,
) -> VerificationResult:
    conf = spec.confidence
    fmr = divide(counted.fm, impostors[:, None])
    fnmr = divide(counted.fnm, genuines[:, None])
    fmr_wl, fmr_wu = wilson_interval(counted.fm, impostors[:, None], confidence=conf)
    fnmr_wl, fnmr_wu = wilson_interval(counted.fnm, genuines[:, None], confidence=conf)
    nan = np.full(fmr.shape, np.nan)
    fmr_lo, fmr_hi = (
        nan_percentile(boot_fmr, confidence=conf) if boot_fmr is not None else (nan, nan)
    )
    fnmr_lo, fnmr_hi = (
        nan_percentile(boot_fnmr, confidence=conf) if boot_fnmr is not None else (nan, nan)
    )
    rates = []
    for v, (attribute, group) in enumerate(views):
        for j, (t, f) in enumerate(zip(counted.thresholds, counted.targets, strict=True)):
            for metric, value, lo, hi, wl, wu, num, den in (
                ("fmr", fmr, fmr_lo, fmr_hi, fmr_wl, fmr_wu, counted.fm, impostors),
                ("fnmr", fnmr, fnmr_lo, fnmr_hi, fnmr_wl, fnmr_wu, counted.fnm, genuines),
            ):
                rates.append(
                    RateRow(
                        attribute=attribute,
                        group=group,
                        metric=metric,
                        threshold=t,
                        target_fmr=f,
                        rank=None,
                        capacity=None,
                        value=_clean(value[v, j]),
                        lower=_clean(lo[v, j]),
                        upper=_clean(hi[v, j]),
                        wilson_lower=_clean(wl[v, j]),
                        wilson_upper=_clean(wu[v, j]),
                        numerator=int(num[v, j]),
                        denominator=int(den[v]),
                        small=bool(den[v] < spec.min_group_size),
                    )
                )
    operating = [
        OperatingPointRow(
            threshold=t,
            target_fmr=f,
            fmr=_clean(fmr[0, j]),
            fnmr=_clean(fnmr[0, j]),
            false_matches=int(counted.fm[0, j]),
            impostors=int(impostors[0]),
            false_non_matches=int(counted.fnm[0, j]),
            genuines=int(genuines[0]),
        )
        for j, (t, f) in enumerate(zip(counted.thresholds, counted.targets, strict=True))
    ]
    eer_rows, curves = [], []
    for v, (attribute, group) in enumerate(views):
        found, det = eers[v]
        eer, low, high, thr = found if found is not None else (None, None, None, None)
        eer_rows.append(EERRow(attribute, group, eer, low, high, thr))
        if det:
            curves.append(CurveRow(attribute, group, "det", det))
        for kind, hist in (("genuine_scores", gen_hist[v]), ("impostor_scores", imp_hist[v])):
            points = score_density(cells.values, hist, cells.lo, cells.hi)
            if points:
                curves.append(CurveRow(attribute, group, kind, points))  # type: ignore[arg-type]
    matrix = []
    for a, name in enumerate(attrs_names):
        levels = attrs_levels[a]
        for j, (t, f) in enumerate(zip(counted.thresholds, counted.targets, strict=True)):
            fm, n = counted.matrix_fm[a][:, :, j], counted.matrix_n[a]
            wl, wu = wilson_interval(fm, n, confidence=conf)
            for p, probe_group in enumerate(levels):
                for r, reference_group in enumerate(levels):
                    if n[p, r] == 0:
                        continue
                    matrix.append(
                        FMRMatrixRow(
                            attribute=name,
                            threshold=t,
                            target_fmr=f,
                            probe_group=probe_group,
                            reference_group=reference_group,
                            impostors=int(n[p, r]),
                            false_matches=int(fm[p, r]),
                            fmr=_clean(fm[p, r] / n[p, r]),
                            wilson_lower=_clean(wl[p, r]),
                            wilson_upper=_clean(wu[p, r]),
                        )
                    )
    diff_rows, findings = [], []
    start = 1
    for a, name in enumerate(attrs_names):
        levels = attrs_levels[a]
        span = slice(start, start + len(levels))
        start += len(levels)
        for j, (t, f) in enumerate(zip(counted.thresholds, counted.targets, strict=True)):
            metrics = {
                "fmr": (
                    fmr[span, j],
                    boot_fmr[:, span, j] if boot_fmr is not None else None,
                    counted.fm[span, j],
                    impostors[span],
                ),
                "fnmr": (
                    fnmr[span, j],
                    boot_fnmr[:, span, j] if boot_fnmr is not None else None,
                    counted.fnm[span, j],
                    genuines[span],
                ),
            }
            rows, found = summarise(
                attribute=name,
                groups=levels,
                metrics=metrics,
                point=OperatingPoint(threshold=t, target_fmr=f),
                lead=_lead(name, t, f),
                confidence=conf,
                min_group_size=spec.min_group_size,
                fdr_alpha=spec.fdr_alpha,
            )
            diff_rows += rows
            findings += found
    counts = [
        GroupCountRow(attribute, group, int(genuines[v]), int(impostors[v]))
        for v, (attribute, group) in enumerate(views)
    ]
    warnings = _warnings(spec, cells, views, genuines, impostors, counted, eer_exact)
    return VerificationResult(
        spec=spec,
        exclusions=Exclusions(
            rows=cells.rows,
            used=int(cells.n.sum()),
            missing_label=cells.missing_label,
            missing_prediction=0,
            missing_score=cells.missing_score,
        ),
        counts=tuple(counts),
        operating_points=tuple(operating),
        rates=tuple(rates),
        eer=tuple(eer_rows),
        fmr_matrix=tuple(matrix),
        differentials=tuple(diff_rows),
        findings=tuple(findings),
        curves=tuple(curves),
        warnings=tuple(warnings),
        railab_version=railab_version,
    )


def _warnings(
    spec: VerificationSpec,
    cells: Comparisons,
    views: list[tuple[str, str]],
    genuines: FloatArray,
    impostors: FloatArray,
    counted: Counted,
    eer_exact: bool,
) -> list[AuditWarning]:
    out = []
    excluded = cells.missing_score + cells.missing_label
    if excluded:
        what = "genuine/impostor label" if spec.mated is not None else "subject id"
        out.append(
            AuditWarning(
                "excluded_rows",
                f"{excluded:,} of {cells.rows:,} comparisons excluded: {cells.missing_score:,} "
                f"with no score and {cells.missing_label:,} with no {what}",
            )
        )
    for t in spec.thresholds:
        if t > cells.hi:
            out.append(
                AuditWarning(
                    "threshold_range",
                    f"threshold {t:g} is above every score (highest {cells.hi:.6g}): every "
                    "comparison is a non-match (FMR 0, FNMR 1); check the score scale",
                )
            )
        elif t <= cells.lo:
            out.append(
                AuditWarning(
                    "threshold_range",
                    f"threshold {t:g} is at or below every score (lowest {cells.lo:.6g}): "
                    "every comparison is a match (FMR 1, FNMR 0); check the score scale",
                )
            )
    n_imp = int(impostors[0])
    for f in spec.target_fmr:
        if f * n_imp < 1:
            out.append(
                AuditWarning(
                    "target_fmr",
                    f"target FMR {f:g} is below 1 / {n_imp:,} impostor comparisons: its "
                    "threshold is just above the highest impostor score and cannot be "
                    f"estimated; it needs at least {3 / f:,.0f} impostors (rule of three)",
                )
            )
        elif f * n_imp < 3:
            out.append(
                AuditWarning(
                    "target_fmr",
                    f"target FMR {f:g} rests on fewer than 3 false matches among {n_imp:,} "
                    f"impostor comparisons; at least {3 / f:,.0f} are needed (rule of three)",
                )
            )
    for attribute, rows in cells.one_side_missing.items():
        if rows:
            out.append(
                AuditWarning(
                    "missing_side",
                    f"{rows:,} comparisons have a `{attribute}` group on one side only; the "
                    f"other side counts as {MISSING}",
                    attribute,
                )
            )
    pairs = "with both sides in the group" if spec.impostor_pairs == "same_group" else ""
    for v, (attribute, group) in enumerate(views[1:], start=1):
        if impostors[v] == 0 and genuines[v] > 0:
            out.append(
                AuditWarning(
                    "missing_side",
                    f"{attribute}={group} has genuine comparisons but no impostor comparisons "
                    f"{pairs}; its FMR is undefined".replace("  ", " "),
                    attribute,
                    group,
                )
            )
        elif genuines[v] == 0 and impostors[v] > 0:
            out.append(
                AuditWarning(
                    "missing_side",
                    f"{attribute}={group} has impostor comparisons but no genuine ones; its "
                    "FNMR is undefined",
                    attribute,
                    group,
                )
            )
        small = [
            m
            for m, d in (("FNMR", genuines[v]), ("FMR", impostors[v]))
            if 0 < d < spec.min_group_size
        ]
        if small:
            out.append(
                AuditWarning(
                    "small_group",
                    f"{attribute}={group}: fewer than {spec.min_group_size} comparisons behind "
                    f"{' and '.join(small)}; treat them as unstable (left out of the summaries)",
                    attribute,
                    group,
                )
            )
    if spec.bootstrap_unit == "comparison":
        out.append(
            AuditWarning(
                "bootstrap",
                "no subject ids: the bootstrap resamples comparisons as if independent, so "
                "intervals are too narrow when subjects appear in several comparisons; pass "
                "--probe-subject and --reference-subject",
            )
        )
    if not eer_exact:
        out.append(
            AuditWarning(
                "bootstrap",
                "equal error rates are read at score-bin boundaries (the bins around them "
                "hold too many comparisons to refine)",
            )
        )
    del counted
    return out
