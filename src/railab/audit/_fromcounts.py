"""``audit_from_counts``: every metric, interval and chart of an audit from count tables,
per contributor and pooled, with a test of heterogeneity between contributors."""

from __future__ import annotations

import dataclasses
import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from railab.audit._audit import _compute
from railab.audit._bioresult import TriageResult
from railab.audit._counting import MISSING, Cells
from railab.audit._counttable import CountTable, read_count_table
from railab.audit._errors import AuditInputError
from railab.audit._result import AuditResult, AuditWarning
from railab.audit._triage import _triage_result

__all__ = [
    "ContributorRow",
    "CountsAudit",
    "CountsWarning",
    "HeterogeneityRow",
    "audit_from_counts",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Rates whose heterogeneity between contributors is tested: (numerator, denominator)
#: as cells of the confusion matrix (tn, fp, fn, tp).
HETEROGENEITY_RATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "selection_rate": (("tp", "fp"), ("tp", "fp", "fn", "tn")),
    "base_rate": (("tp", "fn"), ("tp", "fp", "fn", "tn")),
    "tpr": (("tp",), ("tp", "fn")),
    "fpr": (("fp",), ("fp", "tn")),
    "ppv": (("tp",), ("tp", "fp")),
}


@dataclass(frozen=True)
class ContributorRow:
    """Who contributed a count table, what it covers and how it was protected."""

    contributor: str
    key_id: str | None
    tool: str | None
    tool_version: str | None
    period: str | None
    data_description: str | None
    rows: int
    suppressed_cells: int
    privacy: str | None


@dataclass(frozen=True)
class HeterogeneityRow:
    """Pearson's chi-square test that a rate is the same for every contributor.

    ``statistic`` is Cochran's Q for proportions weighted by their binomial variance
    (the 2 x C chi-square of homogeneity); ``i2`` is Higgins' I² = max(0, (Q - df) / Q),
    the share of the variation between contributors beyond chance.
    """

    attribute: str
    group: str
    threshold: float | None
    metric: str
    contributors: int
    statistic: float | None
    df: int
    p_value: float | None
    i2: float | None


@dataclass(frozen=True)
class CountsWarning:
    """Something to read the pooled result with: suppression, noise, heterogeneity."""

    code: Literal["suppressed_cells", "differential_privacy", "binned_scores", "heterogeneity"]
    message: str


@dataclass(frozen=True)
class CountsAudit:
    """An audit computed from count tables: pooled, per contributor, and heterogeneity."""

    kind: str
    pooled: AuditResult | TriageResult
    per_contributor: tuple[AuditResult | TriageResult, ...]
    contributors: tuple[ContributorRow, ...]
    heterogeneity: tuple[HeterogeneityRow, ...]
    warnings: tuple[CountsWarning, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the pooled result in its audit's schema, and the rest beside it."""
        return {
            "kind": self.kind,
            "pooled": self.pooled.to_dict(),
            "contributors": [dataclasses.asdict(c) for c in self.contributors],
            "per_contributor": [r.to_dict() for r in self.per_contributor],
            "heterogeneity": [
                {k: _finite(v) for k, v in dataclasses.asdict(h).items()}
                for h in self.heterogeneity
            ],
            "warnings": [dataclasses.asdict(w) for w in self.warnings],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    def to_html(self) -> str:
        """The pooled audit's report, with contributors and heterogeneity added."""
        page = self.pooled.to_html()
        section = _section_html(self)
        at = page.rfind("</body>")
        return page[:at] + section + page[at:] if at >= 0 else page + section

    def to_pdf(self, path: str | Path | None = None) -> bytes:
        from weasyprint import HTML

        data: bytes = HTML(string=self.to_html()).write_pdf()
        if path is not None:
            Path(path).write_bytes(data)
        return data


def _finite(value: object) -> object:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _e(value: object) -> str:
    return html.escape("—" if value is None else str(value))


def _section_html(audit: CountsAudit) -> str:
    rows = "".join(
        f"<tr><td>{_e(c.contributor)}</td><td>{_e(c.key_id)}</td><td>{_e(c.tool)} "
        f"{_e(c.tool_version)}</td><td>{_e(c.period)}</td><td>{c.rows:,}</td>"
        f"<td>{c.suppressed_cells}</td><td>{_e(c.privacy)}</td></tr>"
        for c in audit.contributors
    )
    parts = [
        "<section><h2>Contributors</h2><p>Computed from signed count tables; no row-level "
        "data was shared.</p><table><thead><tr><th>contributor</th><th>key</th><th>tool</th>"
        "<th>period</th><th>rows</th><th>suppressed cells</th><th>differential privacy</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    ]
    flagged = [h for h in audit.heterogeneity if h.p_value is not None and h.p_value < 0.05]
    if audit.heterogeneity:
        body = "".join(
            f"<tr><td>{_e(h.attribute)}</td><td>{_e(h.group)}</td><td>{_e(h.threshold)}</td>"
            f"<td>{_e(h.metric)}</td><td>{h.statistic:.2f}</td><td>{h.df}</td>"
            f"<td>{h.p_value:.3g}</td><td>{h.i2:.2f}</td></tr>"
            for h in flagged
            if h.statistic is not None and h.p_value is not None and h.i2 is not None
        )
        parts.append(
            "<h2>Heterogeneity between contributors</h2><p>Chi-square test of homogeneity "
            f"(Cochran's Q) of each rate across contributors: {len(flagged)} of "
            f"{len(audit.heterogeneity)} tests with p &lt; 0.05 (listed below); pooled "
            "estimates of those rates average over contributors that differ.</p>"
            "<table><thead><tr><th>attribute</th><th>group</th><th>threshold</th>"
            "<th>rate</th><th>Q</th><th>df</th><th>p</th><th>I²</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
    parts.append("</section>")
    return "".join(parts)


def chi2_sf(x: float, df: int) -> float:
    """Upper tail of the chi-square distribution (regularised upper incomplete gamma).

    Examples
    --------
    >>> round(chi2_sf(3.841458820694124, 1), 6)
    0.05
    """
    if x <= 0:
        return 1.0
    a, z = df / 2.0, x / 2.0
    if z < a + 1:  # series for the lower tail
        term = total = 1.0 / a
        k = a
        while abs(term) > abs(total) * 1e-15:
            k += 1
            term *= z / k
            total += term
        return max(0.0, 1.0 - total * math.exp(-z + a * math.log(z) - math.lgamma(a)))
    # Continued fraction for the upper tail (modified Lentz).
    b = z + 1 - a
    c, d = 1.0 / 1e-300, 1.0 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1e-300 if abs(d) < 1e-300 else d
        c = b + an / c
        c = 1e-300 if abs(c) < 1e-300 else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return min(1.0, math.exp(-z + a * math.log(z) - math.lgamma(a)) * h)


def homogeneity(successes: FloatArray, trials: FloatArray) -> tuple[float, int, float, float]:
    """Pearson chi-square of a 2 x C table (successes and failures of C contributors):
    statistic, degrees of freedom, p-value and I².

    Examples
    --------
    >>> q, df, p, i2 = homogeneity(np.array([10.0, 30.0]), np.array([100.0, 100.0]))
    >>> round(q, 3), df, round(p, 5)
    (12.5, 1, 0.00041)
    """
    keep = trials > 0
    s, n = successes[keep], trials[keep]
    df = int(keep.sum()) - 1
    pooled = s.sum() / n.sum() if n.sum() else float("nan")
    if df < 1 or not 0.0 < pooled < 1.0:
        return float("nan"), max(df, 0), float("nan"), float("nan")
    expected = n * pooled
    q = float((((s - expected) ** 2) / (expected * (1 - pooled))).sum())
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    return q, df, chi2_sf(q, df), i2


def _check_compatible(tables: Sequence[CountTable]) -> None:
    first = tables[0]
    for t in tables[1:]:
        for key in ("kind", "groups", "thresholds", "bins", "prediction", "positive"):
            a = first.kind if key == "kind" else first.spec.get(key)
            b = t.kind if key == "kind" else t.spec.get(key)
            if key == "prediction":
                a, b = a is None, b is None
            if a != b:
                raise AuditInputError(
                    f"count tables of {_name(first)} and {_name(t)} differ in {key} "
                    f"({a!r} and {b!r}); only tables counted the same way can be pooled"
                )


def _name(table: CountTable) -> str:
    return table.metadata.get("contributor") or "an unnamed contributor"


def cells_from_tables(tables: Sequence[CountTable]) -> Cells:
    """The :class:`Cells` of one or several count tables (summed: pooled).

    This is the seam between count tables and the audit engine: ``_compute`` turns
    these cells into a result exactly as it does the cells counted from data.
    """
    first = tables[0]
    groups = first.groups
    levels: list[list[str]] = []
    for j in range(len(groups)):
        seen = {v for t in tables for v in t.levels[j]}
        levels.append(sorted(seen, key=lambda s: (s == MISSING, s)))
    blocks, noise = [], []
    for t in tables:
        block = t.cells.copy()
        for j in range(len(groups)):
            index = {v: i for i, v in enumerate(levels[j])}
            mapping = np.array([index[v] for v in t.levels[j]] or [0], dtype=np.int64)
            block[:, j] = mapping[block[:, j]]
        blocks.append(block)
        var = float(t.privacy["noise_variance"]) if t.privacy else 0.0
        noise.append(np.full(len(block), var))
    cells = np.concatenate(blocks) if blocks else np.zeros((0, len(groups) + 4), np.int64)
    variance = np.concatenate(noise)
    # Noisy counts below zero count as zero: the estimate is post-processing of the noise.
    n = np.maximum(cells[:, -1], 0).astype(np.float64)
    keep = n > 0
    if not keep.any():
        raise AuditInputError(
            "the count tables have no cells with counts; there is nothing to audit"
        )
    cells, n, variance = cells[keep], n[keep], variance[keep]
    codes = cells[:, : len(groups)]
    final_levels = []
    for j, lv in enumerate(levels):
        used, inverse = np.unique(codes[:, j], return_inverse=True)
        codes[:, j] = inverse.reshape(-1)
        final_levels.append([lv[u] for u in used])
    bins = first.bins
    raw_bin = cells[:, -2]
    if bins is None:
        values, bin_index, binning = np.zeros(1), np.zeros(len(n), np.int64), "none"
        represent = np.zeros(len(n))
    elif all(t.spec["score_values"] == "edges" for t in tables):
        # Every score is an edge: one bin per occupied edge, as the exact histogram.
        occupied, bin_index = np.unique(raw_bin, return_inverse=True)
        values, binning = bins.edges()[occupied], "exact"
        represent = values[bin_index]
    else:
        edges = bins.edges()
        values, bin_index, binning = edges, raw_bin, "binned"
        middle = np.append((edges[:-1] + edges[1:]) / 2, edges[-1])
        represent = middle[raw_bin]
    privacy = any(t.privacy for t in tables)
    return Cells(
        codes=codes.astype(np.int64),
        levels=final_levels,
        y=cells[:, len(groups)].astype(np.int64),
        k=cells[:, len(groups) + 1].astype(np.int64),
        bin=np.asarray(bin_index, dtype=np.int64).reshape(-1),
        bin_values=np.asarray(values, dtype=np.float64),
        n=n,
        w=n,
        w2=n,
        s1=n * represent,
        s2=n * represent * represent,
        rows=sum(int(t.exclusions["rows"]) for t in tables),
        missing_label=sum(max(int(t.exclusions["missing_label"]), 0) for t in tables),
        missing_decision=sum(max(int(t.exclusions["missing_decision"]), 0) for t in tables),
        positive=str(first.spec["positive"]),
        score_binning=binning,
        unit_scores=bins is None or (bins.lo >= 0.0 and bins.hi <= 1.0),
        noise_var=variance if privacy else None,
    )


def _capacity_thresholds(
    cells: Cells, capacities: list[int]
) -> tuple[list[float], list[AuditWarning]]:
    per_bin = np.bincount(cells.bin, weights=cells.n, minlength=cells.bin_values.size)
    from_top = np.cumsum(per_bin[::-1])[::-1]
    total = int(per_bin.sum())
    thresholds, warnings = [], []
    for k in capacities:
        if k > total:
            warnings.append(
                AuditWarning(
                    "threshold_range",
                    f"capacity {k:,} is more than the {total:,} cases: every case is reviewed",
                )
            )
        b = int(np.flatnonzero(from_top >= min(k, total))[-1])
        thresholds.append(float(cells.bin_values[b]))
    return thresholds, warnings


def _run(
    cells: Cells,
    table: CountTable,
    *,
    source: str,
    capacities: list[int] | None,
    options: dict[str, Any],
    thresholds: tuple[float, ...] | None = None,
) -> AuditResult | TriageResult:
    spec = table.spec
    common = {
        "groups": table.groups,
        "prediction": spec["prediction"],
        "score": spec["score"],
        "label": spec["label"],
        "weight": None,
        "source": source,
        "engine": "duckdb",
    }
    if table.kind == "classification" or thresholds is not None:
        t = thresholds if thresholds is not None else tuple(spec["thresholds"])
        return _compute(cells, thresholds=t, **common, **options)
    assert capacities is not None
    cut, warnings = _capacity_thresholds(cells, capacities)
    ordered = sorted(set(cut))
    k = np.searchsorted(np.asarray(ordered), cells.bin_values[cells.bin], side="right")
    cells = dataclasses.replace(cells, k=k.astype(np.int64))
    result = _compute(cells, thresholds=tuple(ordered), **common, **{**options, "target_fpr": ()})
    return _triage_result(result, capacities, cut, warnings)


def _heterogeneity(
    per: Sequence[AuditResult], thresholds: Sequence[float | None]
) -> list[HeterogeneityRow]:
    confusion = [{(c.attribute, c.group, c.threshold): c for c in r.confusion} for r in per]
    views = list(dict.fromkeys((c.attribute, c.group) for r in per for c in r.confusion))
    rows = []
    for attribute, group in views:
        for t in thresholds:
            found = [c.get((attribute, group, t)) for c in confusion]
            for metric, (num, den) in HETEROGENEITY_RATES.items():
                s = np.array([sum(getattr(c, f) for f in num) if c else 0 for c in found], float)
                n = np.array([sum(getattr(c, f) for f in den) if c else 0 for c in found], float)
                q, df, p, i2 = homogeneity(s, n)
                rows.append(
                    HeterogeneityRow(
                        attribute=attribute,
                        group=group,
                        threshold=t,
                        metric=metric,
                        contributors=int((n > 0).sum()),
                        statistic=_clean(q),
                        df=df,
                        p_value=_clean(p),
                        i2=_clean(i2),
                    )
                )
    return rows


def _clean(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def audit_from_counts(
    tables: Sequence[CountTable | str | Path],
    *,
    public_keys: Sequence[bytes] = (),
    capacity: Sequence[int] = (),
    intersect: bool = False,
    reference: Mapping[str, object] | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    min_group_size: int = 30,
    target_fpr: Sequence[float] = (0.05, 0.1),
) -> CountsAudit:
    """Compute an audit from one or several count tables: pooled and per contributor.

    Each file's signature is verified first (a table altered after signing is rejected
    with a message naming the file). Results from one table equal the direct audit of the
    data it was counted from; pooling tables is counting their data together. Pooling is
    not done blindly: each key rate of each group is tested for heterogeneity between
    contributors (chi-square test of homogeneity, Cochran's Q, with I²).

    With differentially private tables, the estimates use the noisy counts (negative
    ones as zero) and the bootstrap adds fresh noise of the mechanism's variance to each
    resample, so percentile intervals cover both sampling and privacy noise (a parametric
    bootstrap of the noise; Wilson intervals do not include the noise).

    Parameters
    ----------
    tables
        Count tables or paths of count-table JSON files (see :func:`count_table`).
    public_keys
        Raw Ed25519 public keys: when given, each table must be signed by one of them.
    capacity
        Review capacities, for triage tables (applied to the pooled data and to each
        contributor's).
    intersect, reference, bootstrap, seed, confidence, min_group_size, target_fpr
        As for :func:`railab.audit.audit_classification`.

    Examples
    --------
    >>> import pandas as pd
    >>> from railab.audit import count_table
    >>> df = pd.DataFrame({"y": [1, 0, 1, 1], "p": [1, 0, 0, 1], "g": ["a", "a", "b", "b"]})
    >>> a = count_table(df, label="y", prediction="p", groups=["g"])
    >>> r = audit_from_counts([a, a], bootstrap=0)
    >>> r.pooled.metric("tpr", attribute="g", group="b").value
    0.5
    """
    loaded = [
        t if isinstance(t, CountTable) else read_count_table(t, public_keys=public_keys)
        for t in tables
    ]
    if not loaded:
        raise AuditInputError("give at least one count table")
    _check_compatible(loaded)
    first = loaded[0]
    capacities = sorted({int(k) for k in capacity})
    if first.kind == "triage" and (not capacities or capacities[0] < 1):
        raise AuditInputError(
            "triage count tables need review capacities: pass --capacity 100 (repeatable)"
        )
    options: dict[str, Any] = {
        "intersect": intersect,
        "reference": reference,
        "bootstrap": bootstrap,
        "seed": seed,
        "confidence": confidence,
        "min_group_size": min_group_size,
        "target_fpr": tuple(float(t) for t in target_fpr) if first.spec["score"] else (),
    }
    names = [_name(t) for t in loaded]
    pooled_cells = cells_from_tables(loaded)
    pooled = _run(
        pooled_cells,
        first,
        source="count tables of " + ", ".join(names),
        capacities=capacities,
        options=options,
    )
    per: list[AuditResult | TriageResult] = []
    heterogeneity: list[HeterogeneityRow] = []
    if len(loaded) > 1:
        classification = pooled if isinstance(pooled, AuditResult) else pooled.classification
        assert classification is not None
        thresholds = classification.spec.thresholds
        quick = {**options, "bootstrap": 0, "intersect": intersect, "reference": None}
        tests = []
        for t, name in zip(loaded, names, strict=True):
            cells = cells_from_tables([t])
            per.append(
                _run(
                    cells,
                    t,
                    source=f"count table of {name}",
                    capacities=capacities,
                    options=options,
                )
            )
            # At the pooled thresholds, so that every contributor is compared at one cut.
            tested = _run(
                cells, t, source=name, capacities=None, options=quick, thresholds=thresholds
            )
            assert isinstance(tested, AuditResult)
            tests.append(tested)
        heterogeneity = _heterogeneity(tests, list(thresholds) or [None])
    contributors = tuple(
        ContributorRow(
            contributor=name,
            key_id=(t.signature or {}).get("key_id"),
            tool=t.metadata.get("tool"),
            tool_version=t.metadata.get("tool_version"),
            period=t.metadata.get("period"),
            data_description=t.metadata.get("data_description"),
            rows=int(t.exclusions["rows"]),
            suppressed_cells=int((t.suppression or {}).get("cells", 0)),
            privacy=_privacy_text(t.privacy),
        )
        for t, name in zip(loaded, names, strict=True)
    )
    warnings = _warnings(loaded, heterogeneity)
    return CountsAudit(
        kind=first.kind,
        pooled=pooled,
        per_contributor=tuple(per),
        contributors=contributors,
        heterogeneity=tuple(heterogeneity),
        warnings=tuple(warnings),
    )


def _privacy_text(privacy: Mapping[str, Any] | None) -> str | None:
    if not privacy:
        return None
    budget = f"ε = {privacy['epsilon']:g}"
    if privacy.get("delta") is not None:
        budget += f", δ = {privacy['delta']:g}"
    return f"{privacy['mechanism']} noise, {budget}: protects {privacy['protects']}"


def _warnings(
    tables: Sequence[CountTable], rows: Sequence[HeterogeneityRow]
) -> list[CountsWarning]:
    out = []
    for t in tables:
        if t.suppression and t.suppression["cells"]:
            out.append(
                CountsWarning(
                    "suppressed_cells",
                    f"{_name(t)}: {t.suppression['cells']} cells with fewer than "
                    f"{t.suppression['below']} rows were suppressed; results undercount them",
                )
            )
        if t.privacy:
            out.append(
                CountsWarning("differential_privacy", f"{_name(t)}: {_privacy_text(t.privacy)}")
            )
    if any(t.spec.get("score_values") == "midpoints" for t in tables):
        out.append(
            CountsWarning(
                "binned_scores",
                "scores are not all on the declared bin edges: each counts as its bin's "
                "midpoint (Brier score and calibration) and thresholds move to bin edges",
            )
        )
    flagged = [r for r in rows if r.p_value is not None and r.p_value < 0.05]
    if flagged:
        shown = ", ".join(f"{r.metric} of {r.attribute}={r.group}" for r in flagged[:3]) + (
            ", …" if len(flagged) > 3 else ""
        )
        out.append(
            CountsWarning(
                "heterogeneity",
                f"contributors differ (chi-square p < 0.05) in {len(flagged)} rates, e.g. "
                f"{shown}; read the pooled estimate together with each contributor's",
            )
        )
    return out
