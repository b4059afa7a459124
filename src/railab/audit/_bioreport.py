"""Reports of the verification, identification and triage audits: terminal tables, and
self-contained HTML (inline SVG charts, matplotlib) that WeasyPrint turns into PDF."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from railab.audit._bioresult import (
    IdentificationResult,
    RateRow,
    TriageResult,
    VerificationResult,
)
from railab.audit._report import CHART_WIDTH, COLOURS, CSS, DASH, _e, _figure, _rc, _svg

__all__ = [
    "format_identification",
    "format_triage",
    "format_verification",
    "render_html",
    "render_summary_html",
]

Result = VerificationResult | IdentificationResult | TriageResult
TITLES = {
    "verification": "Verification (1:1) audit",
    "identification": "Identification (1:N) audit",
    "triage": "Triage audit",
}
MEASURES = {
    "max_min_ratio": "max / min",
    "max_geomean_ratio": "max / geometric mean",
    "gini": "Gini",
    "fdr": "fairness discrepancy rate",
}


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    if value != 0 and abs(value) < 0.01:
        return f"{value:.2e}"
    return f"{value:.3f}"


def _cell(row: RateRow | None, *, html: bool = False) -> str:
    if row is None:
        return ""
    text = _num(row.value) + ("*" if row.small else "")
    if row.lower is not None and row.upper is not None:
        interval = f"{_num(row.lower)}{DASH}{_num(row.upper)}"
        text += f"<small>{interval}</small>" if html else f" [{interval}]"
    return text


def _point_label(row: RateRow) -> str:
    parts = []
    if row.capacity is not None:
        parts.append(f"top {row.capacity:,}")
    if row.rank is not None:
        parts.append(f"rank {row.rank}")
    if row.target_fmr is not None:
        parts.append(f"FMR {row.target_fmr:g}")
    elif row.threshold is not None and row.capacity is None:
        parts.append(f"t {row.threshold:.4g}")
    return " ".join(parts) or "any"


def _columns(result: Result, metrics: Sequence[str]) -> list[tuple[str, str]]:
    """(metric, operating point label) of every column, in order."""
    return list(
        dict.fromkeys((r.metric, _point_label(r)) for r in result.rates if r.metric in metrics)
    )


def _grid(result: Result, metrics: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    columns = _columns(result, metrics)
    keyed = {(r.attribute, r.group, r.metric, _point_label(r)): r for r in result.rates}
    views = list(dict.fromkeys((r.attribute, r.group) for r in result.rates))
    head = ["attribute", "group", *(f"{m.upper()} {p}" for m, p in columns)]
    body = [[a, g, *(_cell(keyed.get((a, g, m, p))) for m, p in columns)] for a, g in views]
    return head, body


def _text_table(head: list[str], body: list[list[str]]) -> list[str]:
    rows = [head, *body]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return [
        "  ".join(
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()
        for r in rows
    ]


def _text(result: Result, metrics: Sequence[str], first: str) -> str:
    lines = [first]
    lines += _text_table(*_grid(result, metrics))
    if result.findings:
        lines.append("")
        lines += [f.text for f in result.findings]
    if any(r.small for r in result.rates):
        lines.append(f"* fewer than {result.spec.min_group_size} behind the estimate: unstable")
    return "\n".join(lines) + "\n"


def format_verification(result: VerificationResult) -> str:
    """Terminal summary of a verification audit."""
    ex = result.exclusions
    first = f"{result.spec.source}: {ex.used:,} of {ex.rows:,} comparisons audited"
    eers = ", ".join(
        f"{e.attribute}={e.group} {_num(e.eer)}" for e in result.eer if e.attribute != "overall"
    )
    text = _text(result, ("fmr", "fnmr"), first)
    return text + f"EER overall {_num(result.eer[0].eer)}" + (f"; {eers}" if eers else "") + "\n"


def format_identification(result: IdentificationResult) -> str:
    """Terminal summary of an identification audit."""
    ex = result.exclusions
    first = f"{result.spec.source}: {ex.used:,} searches audited"
    return _text(result, ("fnir", "fpir"), first)


def format_triage(result: TriageResult) -> str:
    """Terminal summary of a triage audit."""
    ex = result.exclusions
    first = f"{result.spec.source}: {ex.used:,} of {ex.rows:,} cases audited"
    return _text(result, ("precision", "recall", "alert_rate", "alert_ratio"), first)


# -- charts -----------------------------------------------------------------------------


def _log_ticks(ax: Any, axis: str) -> None:
    from matplotlib.ticker import LogLocator, NullFormatter

    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(LogLocator(base=10, numticks=12))
    target.set_minor_formatter(NullFormatter())


def _det_chart(result: VerificationResult, attribute: str) -> str:
    """DET curves of the groups of one attribute, on log axes, with operating points."""
    curves = [c for c in result.curves if c.attribute == attribute and c.kind == "det"]
    if not curves:
        return ""
    floor_x = 1.0 / max(c.negative for c in result.counts if c.negative) / 2
    floor_y = 1.0 / max(c.positive for c in result.counts if c.positive) / 2
    with _rc():
        fig = _figure(CHART_WIDTH / 2, 3.2)
        ax = fig.subplots()
        for i, curve in enumerate(curves):
            colour = COLOURS[i % len(COLOURS)]
            pts = [(x, y) for x, y, *_ in curve.points if x > 0 and y > 0]
            if not pts:
                continue
            ax.plot(
                [p[0] for p in pts], [p[1] for p in pts], color=colour, lw=1.3, label=curve.group
            )
            for r in result.rates:
                if (r.attribute, r.group, r.metric) != (attribute, curve.group, "fmr"):
                    continue
                fnmr = result.rate(
                    "fnmr", attribute=attribute, group=curve.group, threshold=r.threshold
                ).value
                if r.value and fnmr:
                    ax.plot([r.value], [fnmr], "o", ms=4, color=colour)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(left=floor_x)
        ax.set_ylim(bottom=floor_y)
        _log_ticks(ax, "x")
        _log_ticks(ax, "y")
        ax.grid(color="#e5e5e5", lw=0.6, which="major")
        ax.set(xlabel="False match rate (FMR)", ylabel="False non-match rate (FNMR)")
        ax.set_title("DET curves (dots: operating thresholds)", fontsize=9)
        ax.legend(fontsize=7, frameon=False, loc="lower left")
        return _svg(fig)


def _score_chart(result: VerificationResult, attribute: str) -> str:
    curves = [
        c
        for c in result.curves
        if c.attribute == attribute and c.kind in ("genuine_scores", "impostor_scores")
    ]
    if not curves:
        return ""
    groups = list(dict.fromkeys(c.group for c in curves))
    with _rc():
        fig = _figure(CHART_WIDTH / 2, 3.2)
        ax = fig.subplots()
        for c in curves:
            colour = COLOURS[groups.index(c.group) % len(COLOURS)]
            style = "-" if c.kind == "genuine_scores" else "--"
            label = f"{c.group} ({'genuine' if style == '-' else 'impostor'})"
            ax.plot(
                [p[0] for p in c.points],
                [p[1] for p in c.points],
                style,
                color=colour,
                lw=1.1,
                label=label,
            )
        ax.set(xlabel="Score", ylabel="Density")
        ax.set_title("Score distributions (solid: genuine, dashed: impostor)", fontsize=9)
        ax.legend(fontsize=6.5, frameon=False, ncols=2)
        return _svg(fig)


def _heatmap(result: VerificationResult, attribute: str) -> str:
    """FMR of impostor pairs by probe group x reference group at the first threshold."""
    if not result.operating_points:
        return ""
    point = result.operating_points[-1]
    cells = [
        m for m in result.fmr_matrix if m.attribute == attribute and m.threshold == point.threshold
    ]
    groups = list(
        dict.fromkeys([*(m.probe_group for m in cells), *(m.reference_group for m in cells)])
    )
    if len(groups) < 2:
        return ""
    import numpy as np
    from matplotlib.colors import LogNorm

    grid = np.full((len(groups), len(groups)), np.nan)
    for m in cells:
        grid[groups.index(m.probe_group), groups.index(m.reference_group)] = (
            m.fmr if m.fmr else np.nan
        )
    positive = grid[np.isfinite(grid)]
    where = f"FMR {point.target_fmr:g} overall" if point.target_fmr else f"{point.threshold:g}"
    with _rc():
        size = min(CHART_WIDTH * 0.62, 1.6 + 0.45 * len(groups))
        fig = _figure(size + 1.0, size)
        ax = fig.subplots()
        norm = LogNorm(vmin=positive.min(), vmax=positive.max()) if positive.size else None
        image = ax.imshow(grid, cmap="OrRd", norm=norm)
        for (i, j), value in np.ndenumerate(grid):
            text = "0" if not np.isfinite(value) else f"{value:.1e}"
            dark = (
                np.isfinite(value)
                and positive.size
                and value > math.sqrt(positive.min() * positive.max())
            )
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=6.5,
                color="white" if dark else "black",
            )
        ax.set_xticks(range(len(groups)), groups, rotation=30, ha="right")
        ax.set_yticks(range(len(groups)), groups)
        ax.set(xlabel="Reference group", ylabel="Probe group")
        ax.set_title(f"FMR matrix at the threshold for {where}", fontsize=9)
        fig.colorbar(image, ax=ax, shrink=0.8)
        return _svg(fig)


def _line_chart(result: Result, attribute: str, kind: str, xlabel: str, ylabel: str) -> str:
    curves = [c for c in result.curves if c.attribute == attribute and c.kind == kind]
    if not curves:
        return ""
    with _rc():
        fig = _figure(CHART_WIDTH * 0.55, 2.8)
        ax = fig.subplots()
        for i, c in enumerate(curves):
            style = "o-" if kind == "cmc" and len(c.points) < 30 else "-"
            ax.plot(
                [p[0] for p in c.points],
                [p[1] for p in c.points],
                style,
                ms=3,
                color=COLOURS[i % len(COLOURS)],
                lw=1.2,
                label=c.group,
            )
        if kind == "recall_effort":
            ax.plot([0, 1], [0, 1], color="#bbb", lw=0.8, ls="--")
            ax.set_xscale("symlog", linthresh=0.01)
            ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.01)
        ax.set(xlabel=xlabel, ylabel=ylabel)
        ax.grid(color="#e5e5e5", lw=0.6)
        ax.legend(fontsize=7, frameon=False, loc="lower right")
        return _svg(fig)


# -- HTML -------------------------------------------------------------------------------


def _table_html(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    th = "".join(f"<th{' class=l' if i < 2 else ''}>{h}</th>" for i, h in enumerate(head))
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=l' if i < 2 else ''}>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><tr>{th}</tr>{body}</table>"


def _metric_name(metric: str) -> str:
    return metric.upper() if len(metric) <= 4 else metric.replace("_", " ")


def _rates_html(result: Result, attribute: str, metrics: Sequence[str]) -> str:
    columns = _columns(result, metrics)
    keyed = {(r.attribute, r.group, r.metric, _point_label(r)): r for r in result.rates}
    counts = {(c.attribute, c.group): c for c in result.counts}
    groups = list(dict.fromkeys(r.group for r in result.rates if r.attribute == attribute))
    names = {"verification": ("genuine", "impostor"), "identification": ("mated", "non-mated")}
    pos, neg = names.get(result.KIND, ("positive", "negative"))
    head = ["Group", "", pos, neg, *(f"{_e(_metric_name(m))}<br>{_e(p)}" for m, p in columns)]
    rows = []
    for g in groups:
        c = counts.get((attribute, g))
        rows.append(
            [
                _e(g),
                "",
                f"{c.positive:,}" if c else "",
                f"{c.negative:,}" if c else "",
                *(_cell(keyed.get((attribute, g, m, p)), html=True) for m, p in columns),
            ]
        )
    return _table_html(head, rows)


def _differentials_html(result: Result, attribute: str) -> str:
    rows = [d for d in result.differentials if d.attribute == attribute]
    if not rows:
        return ""
    body = []
    for d in rows:
        point = (
            f"top {d.capacity:,}"
            if d.capacity is not None
            else f"rank {d.rank}"
            if d.rank is not None and d.threshold is None
            else f"FMR {d.target_fmr:g}"
            if d.target_fmr is not None
            else f"{d.threshold:.4g}"
            if d.threshold is not None
            else ""
        )
        interval = (
            f"<small>{_num(d.lower)}{DASH}{_num(d.upper)}</small>"
            if d.lower is not None and d.upper is not None
            else ""
        )
        body.append(
            [
                _e(d.metric.upper().replace(",", ", ")),
                _e(point),
                _e(MEASURES.get(d.measure, d.measure)),
                f"{_num(d.value)}{interval}",
                _e(f"{d.high_group} / {d.low_group}" if d.high_group else ""),
            ]
        )
    return _table_html(["Rate", "At", "Measure", "Value", "Highest / lowest"], body)


def _section(result: Result, attribute: str) -> str:
    parts = [f"<h2>{_e(attribute)}</h2>"]
    if isinstance(result, VerificationResult):
        det, scores = _det_chart(result, attribute), _score_chart(result, attribute)
        parts.append(
            f'<div class="pair"><div class="chart">{det}</div>'
            f'<div class="chart">{scores}</div></div>'
        )
        parts.append(_rates_html(result, attribute, ("fmr", "fnmr")))
        eers = [e for e in result.eer if e.attribute == attribute]
        parts.append(
            _table_html(
                ["Group", "", "EER", "FMR / FNMR there"],
                [[_e(e.group), "", _num(e.eer), f"{_num(e.low)} / {_num(e.high)}"] for e in eers],
            )
        )
        if attribute != "overall":
            parts.append(f'<div class="chart">{_heatmap(result, attribute)}</div>')
    elif isinstance(result, IdentificationResult):
        chart = _line_chart(result, attribute, "cmc", "Rank", "Identification rate (CMC)")
        parts.append(f'<div class="chart">{chart}</div>')
        parts.append(_rates_html(result, attribute, ("fnir", "fpir")))
    else:
        chart = _line_chart(
            result, attribute, "recall_effort", "Fraction of the group's cases reviewed", "Recall"
        )
        parts.append(f'<div class="chart">{chart}</div>')
        parts.append(_rates_html(result, attribute, ("alert_rate", "alert_ratio")))
        parts.append(_rates_html(result, attribute, ("precision", "recall")))
    if attribute != "overall":
        parts.append(_differentials_html(result, attribute))
    return "".join(parts)


def _spec_html(result: Result) -> str:
    spec = result.spec
    ex = result.exclusions
    unit = getattr(spec, "bootstrap_unit", "search" if result.KIND == "identification" else "case")
    items = [
        ("Data", _e(spec.source)),
        ("Rows", f"{ex.used:,} audited of {ex.rows:,} ({ex.rows - ex.used:,} excluded or merged)"),
        (
            "Uncertainty",
            f"{spec.confidence:.0%} intervals: bootstrap ({spec.bootstrap:,} resamples of "
            f"{_e(unit)}s, seed {spec.seed}); Wilson intervals in the JSON output",
        ),
        ("Small", f"fewer than {spec.min_group_size} in the denominator (marked *)"),
    ]
    if isinstance(result, VerificationResult):
        pairs = (
            "impostor pairs with both sides in the group (NIST IR 8280)"
            if result.spec.impostor_pairs == "same_group"
            else "every impostor comparison of the group's probes"
        )
        items.insert(2, ("FMR of a group", pairs))
        items.insert(3, ("Scores", f"{_e(result.spec.score_binning)} histogram"))
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items)
    return f'<dl class="spec">{body}</dl>'


def _findings_html(result: Result) -> str:
    if not result.findings:
        return ""
    items = "".join(f"<li>{_e(f.text)}</li>" for f in result.findings)
    return f"<h2>Findings</h2><ul class=findings>{items}</ul>"


def _warnings_html(result: Result) -> str:
    if not result.warnings:
        return ""
    items = "".join(f"<li>{_e(w.message)}</li>" for w in result.warnings)
    return f'<div class="warn"><strong>Warnings</strong><ul>{items}</ul></div>'


EXTRA_CSS = """
ul.findings li { margin: 4px 0; }
div.pair { display: flex; gap: 8px; align-items: flex-start; }
div.pair .chart { flex: 1 1 0; }
"""
NOTES = {
    "verification": (
        "FMR, FNMR, DET and EER as defined in ISO/IEC 19795-1:2021; demographic "
        "differentials per ISO/IEC 19795-10:2024 and NIST IR 8280; max/min, max/geometric-mean "
        "ratios and Gini coefficient per NIST IR 8429; fairness discrepancy rate per de Freitas "
        "Pereira &amp; Marcel (IEEE T-BIOM, 2022). Thresholds for a target FMR are set on all "
        "impostor comparisons. Intervals: subject-level bootstrap (Bolle et al., 2004)."
    ),
    "identification": (
        "FNIR, FPIR and CMC as defined in ISO/IEC 19795-1:2021 and NIST IR 8271; demographic "
        "differentials per NIST IR 8280 and 8429. Intervals: bootstrap over searches."
    ),
    "triage": (
        "Precision and recall at review capacity k (top k cases by score); the alert ratio is "
        "a group's alert rate over the overall alert rate. Computed by the classification "
        "engine at the capacity thresholds."
    ),
}


def render_html(result: Result) -> str:
    """The full report as one self-contained HTML document."""
    attributes = list(dict.fromkeys(r.attribute for r in result.rates))
    title = TITLES[result.KIND]
    sections = "".join(_section(result, a) for a in attributes)
    if isinstance(result, VerificationResult):
        ops = _table_html(
            ["Threshold", "", "target FMR", "FMR", "FNMR", "false matches", "false non-matches"],
            [
                [
                    f"{p.threshold:.6g}",
                    "",
                    f"{p.target_fmr:g}" if p.target_fmr else "given",
                    _num(p.fmr),
                    _num(p.fnmr),
                    f"{p.false_matches:,} of {p.impostors:,}",
                    f"{p.false_non_matches:,} of {p.genuines:,}",
                ]
                for p in result.operating_points
            ],
        )
        sections = f"<h2>Operating thresholds</h2>{ops}{sections}"
    note = (
        f'<p class="note">{NOTES[result.KIND]} Groups marked (missing) or with fewer than '
        f"{result.spec.min_group_size} cases are left out of the summaries and findings. "
        f"railab {_e(result.railab_version)}, {result.KIND} result schema 1.</p>"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} — {_e(result.spec.source)}</title>"
        f"<style>{CSS}{EXTRA_CSS}</style></head><body>"
        f"<h1>{title}</h1>{_spec_html(result)}{_warnings_html(result)}"
        f"{_findings_html(result)}{sections}{note}</body></html>"
    )


def render_summary_html(result: Result) -> str:
    """Compact notebook view: spec, warnings, findings."""
    return (
        f"<div><strong>{TITLES[result.KIND]}</strong>{_spec_html(result)}"
        f"{_warnings_html(result)}{_findings_html(result)}</div>"
    )
