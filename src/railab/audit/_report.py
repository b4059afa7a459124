"""HTML and PDF reports of an audit: tables, and charts as inline SVG (matplotlib).

The report is one self-contained HTML file (no scripts, fonts or images fetched from
anywhere); the PDF is the same HTML typeset by WeasyPrint.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Sequence
from typing import Any

from railab.audit._result import BAND, AuditResult, MetricRow

__all__ = ["render_html", "render_pdf", "render_summary_html"]

DASH = "\N{EN DASH}"
CHART_METRICS = ("selection_rate", "base_rate", "tpr", "fpr", "ppv", "accuracy")
TABLE_GROUPS = (
    ("base_rate", "selection_rate", "tpr", "fnr", "fpr", "tnr"),
    ("ppv", "npv", "fdr", "for", "accuracy", "balanced_accuracy", "f1"),
)
LABELS = {
    "base_rate": "Base rate",
    "selection_rate": "Selection rate",
    "tpr": "TPR",
    "fnr": "FNR",
    "fpr": "FPR",
    "tnr": "TNR",
    "ppv": "PPV",
    "npv": "NPV",
    "fdr": "FDR",
    "for": "FOR",
    "accuracy": "Accuracy",
    "balanced_accuracy": "Balanced acc.",
    "f1": "F1",
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "brier": "Brier",
    "ece": "ECE",
}
# Inches: fits the text width of an A4 page, so the PDF shows charts at their true size.
CHART_WIDTH = 7.2
COLOURS = ("#1f5fa8", "#d9822b", "#2f8f46", "#b83b3b", "#7a4fb0", "#6b6b6b", "#1a9aa0")

CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1d1d1f; font-size: 12px;
       max-width: 1100px; margin: 0 auto; padding: 0 12px; line-height: 1.4; }
h1 { font-size: 22px; margin: 18px 0 4px; }
h2 { font-size: 17px; margin: 26px 0 6px; border-bottom: 2px solid #1f5fa8; padding-bottom: 2px;
     break-after: avoid; }
h3 { font-size: 14px; margin: 16px 0 4px; break-after: avoid; }
p.meta { color: #555; margin: 2px 0; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 10.5px; break-inside: auto; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: right; vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; }
td.l, th.l { text-align: left; }
td small { color: #666; display: block; white-space: nowrap; }
tr.small td { background: #fff8e6; }
td.flag { color: #b83b3b; font-weight: 600; }
td.flag small { font-weight: normal; }
dl.spec { display: grid; grid-template-columns: max-content auto; gap: 1px 12px; margin: 6px 0; }
dl.spec dt { font-weight: 600; } dl.spec dd { margin: 0; }
.warn { background: #fff8e6; border-left: 4px solid #d9822b; padding: 6px 10px; margin: 8px 0; }
.warn li { margin: 2px 0; }
.chart { break-inside: avoid; margin: 6px 0; }
.chart svg { max-width: 100%; height: auto; }
.note { color: #555; font-size: 10.5px; }
"""


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _interval(lower: float | None, upper: float | None) -> str:
    if lower is None or upper is None:
        return ""
    return f"<small>{lower:.3f}{DASH}{upper:.3f}</small>"


def _e(text: object) -> str:
    return html.escape(str(text))


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _rc() -> Any:
    import matplotlib

    return matplotlib.rc_context(
        {
            "svg.fonttype": "none",  # text stays text: small, searchable, selectable
            "svg.hashsalt": "railab-audit",  # identical input, identical SVG
            "font.size": 9,
            "font.family": "DejaVu Sans",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def _forest_chart(
    rows: Sequence[MetricRow], groups: Sequence[str], metrics: Sequence[str], title: str
) -> str:
    """Each metric by group, with its interval; small groups drawn hollow and starred."""
    keyed = {(r.group, r.metric): r for r in rows}
    with _rc():
        fig = _figure(CHART_WIDTH, max(1.3, 0.7 + 0.26 * len(groups)))
        axes = fig.subplots(1, len(metrics), sharey=True, squeeze=False)[0]
        ys = list(range(len(groups)))[::-1]
        for ax, metric in zip(axes, metrics, strict=True):
            for y, group in zip(ys, groups, strict=True):
                row = keyed.get((group, metric))
                if row is None or row.value is None:
                    continue
                lo = row.lower if row.lower is not None else row.wilson_lower
                hi = row.upper if row.upper is not None else row.wilson_upper
                if lo is not None and hi is not None:
                    ax.plot([lo, hi], [y, y], color="#1f5fa8", lw=1.6)
                ax.plot(
                    [row.value],
                    [y],
                    "o",
                    ms=5,
                    color="#1f5fa8",
                    mfc="white" if row.small else "#1f5fa8",
                )
            ax.set_title(LABELS.get(metric, metric), fontsize=9)
            ax.set_xlim(-0.02, 1.02)
            ax.set_xticks([0.0, 0.5, 1.0], ["0", "0.5", "1"])
            ax.grid(axis="x", color="#e5e5e5", lw=0.6)
            ax.tick_params(axis="x", labelsize=7)
        small = {r.group for r in rows if r.small and r.metric in metrics}
        axes[0].set_yticks(ys, [g + (" *" if g in small else "") for g in groups])
        fig.suptitle(title, fontsize=9, x=0.01, ha="left")
        return _svg(fig)


def _disparity_chart(result: AuditResult, attribute: str, threshold: float | None) -> str:
    """Ratio of each metric to the reference group, log scale, with the 0.8-1.25 band."""
    rows = [
        d
        for d in result.disparities
        if d.attribute == attribute and d.threshold == threshold and d.metric in CHART_METRICS
    ]
    groups = list(dict.fromkeys(d.group for d in rows))
    if not groups:
        return ""
    with _rc():
        fig = _figure(CHART_WIDTH, max(1.3, 0.8 + 0.26 * len(groups)))
        axes = fig.subplots(1, len(CHART_METRICS), sharey=True, squeeze=False)[0]
        ys = list(range(len(groups)))[::-1]
        keyed = {(d.group, d.metric): d for d in rows}
        for ax, metric in zip(axes, CHART_METRICS, strict=True):
            ax.axvspan(BAND[0], BAND[1], color="#2f8f46", alpha=0.12, lw=0)
            ax.axvline(1.0, color="#2f8f46", lw=0.8)
            finite = []
            for y, group in zip(ys, groups, strict=True):
                d = keyed.get((group, metric))
                if d is None or d.ratio is None or d.ratio <= 0:
                    continue
                colour = "#b83b3b" if d.outside_band else "#1f5fa8"
                if d.ratio_lower and d.ratio_upper and d.ratio_lower > 0:
                    ax.plot([d.ratio_lower, d.ratio_upper], [y, y], color=colour, lw=1.6)
                    finite += [d.ratio_lower, d.ratio_upper]
                ax.plot([d.ratio], [y], "o", ms=5, color=colour, mfc="white" if d.small else colour)
                finite.append(d.ratio)
            ax.set_xscale("log")
            low = min([0.5, *finite]) * 0.9
            high = max([2.0, *finite]) * 1.1
            ax.set_xlim(low, high)
            candidates = (0.8, 1.0, 1.25) if high / low < 4 else (0.25, 0.5, 1.0, 2.0, 4.0)
            ticks = [t for t in candidates if low <= t <= high]
            ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
            ax.xaxis.set_minor_locator(_null_locator())
            ax.tick_params(axis="x", labelsize=7)
            ax.set_title(LABELS.get(metric, metric), fontsize=9)
        ref = result.spec.reference.get(attribute, "")
        small = {d.group for d in rows if d.small}
        axes[0].set_yticks(ys, [g + (" *" if g in small else "") for g in groups])
        fig.suptitle(
            f"Ratio to the reference group {ref} (band 0.8{DASH}1.25; red: outside)",
            fontsize=9,
            x=0.01,
            ha="left",
        )
        return _svg(fig)


def _null_locator() -> Any:
    from matplotlib.ticker import NullLocator

    return NullLocator()


def _curve_chart(result: AuditResult, attribute: str) -> str:
    """ROC and reliability curves of the groups of one attribute, side by side."""
    curves = [c for c in result.curves if c.attribute == attribute]
    if not curves:
        return ""
    groups = list(dict.fromkeys(c.group for c in curves))
    has_reliability = any(c.kind == "reliability" for c in curves)
    with _rc():
        fig = _figure(CHART_WIDTH if has_reliability else CHART_WIDTH / 2, 3.0)
        axes = fig.subplots(1, 2 if has_reliability else 1, squeeze=False)[0]
        roc_ax = axes[0]
        roc_ax.plot([0, 1], [0, 1], color="#bbb", lw=0.8, ls="--")
        for i, group in enumerate(groups):
            colour = COLOURS[i % len(COLOURS)]
            for c in curves:
                if c.group != group:
                    continue
                xs = [p[0] for p in c.points]
                ys = [p[1] for p in c.points]
                if c.kind == "roc":
                    auc = result.metric("roc_auc", attribute=attribute, group=group).value
                    roc_ax.plot(xs, ys, color=colour, lw=1.3, label=f"{group} ({_fmt(auc)})")
                else:
                    axes[1].plot(xs, ys, "o-", color=colour, lw=1.1, ms=3, label=group)
        roc_ax.set(xlabel="False positive rate", ylabel="True positive rate", title="ROC")
        roc_ax.set_xlim(0, 1)
        roc_ax.set_ylim(0, 1.01)
        roc_ax.legend(fontsize=7, frameon=False, loc="lower right")
        if has_reliability:
            axes[1].plot([0, 1], [0, 1], color="#bbb", lw=0.8, ls="--")
            axes[1].set(
                xlabel="Mean score", ylabel="Fraction positive", title="Calibration (10 bins)"
            )
            axes[1].set_xlim(0, 1)
            axes[1].set_ylim(0, 1.01)
            axes[1].legend(fontsize=7, frameon=False, loc="upper left")
        return _svg(fig)


def _spec_html(result: AuditResult) -> str:
    spec, ex = result.spec, result.exclusions
    decision = (
        f"prediction <code>{_e(spec.prediction)}</code>"
        if spec.prediction
        else f"score <code>{_e(spec.score)}</code> ≥ "
        + ", ".join(f"{t:g}" for t in spec.thresholds)
    )
    items = [
        ("Data", _e(spec.source)),
        (
            "Rows",
            f"{ex.used:,} audited of {ex.rows:,} ({ex.missing_label:,} without label, "
            f"{ex.missing_prediction + ex.missing_score:,} without decision)",
        ),
        ("Label", f"<code>{_e(spec.label)}</code>, positive = {_e(spec.positive)}"),
        ("Decision", decision),
        ("Groups", ", ".join(f"<code>{_e(g)}</code>" for g in spec.groups) or "—"),
        ("Reference", ", ".join(f"{_e(a)} = {_e(v)}" for a, v in spec.reference.items()) or "—"),
        ("Weights", f"<code>{_e(spec.weight)}</code>" if spec.weight else "none"),
        (
            "Uncertainty",
            f"{spec.confidence:.0%} intervals: bootstrap ({spec.bootstrap:,} multinomial "
            f"resamples of the counts, seed {spec.seed}); Wilson for rates",
        ),
        ("Small", f"fewer than {spec.min_group_size} cases in the denominator (marked *)"),
    ]
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items)
    return f'<dl class="spec">{body}</dl>'


def _warnings_html(result: AuditResult) -> str:
    if not result.warnings:
        return ""
    items = "".join(f"<li>{_e(w.message)}</li>" for w in result.warnings)
    return f'<div class="warn"><strong>Warnings</strong><ul>{items}</ul></div>'


def _metric_table(rows: Sequence[MetricRow], groups: Sequence[str], metrics: Iterable[str]) -> str:
    keyed = {(r.group, r.metric): r for r in rows}
    metrics = list(metrics)
    head = "".join(f"<th>{_e(LABELS.get(m, m))}</th>" for m in metrics)
    body = []
    for group in groups:
        cells = []
        any_small = False
        for m in metrics:
            r = keyed.get((group, m))
            if r is None:
                cells.append("<td></td>")
                continue
            any_small |= r.small
            star = "*" if r.small else ""
            cells.append(f"<td>{_fmt(r.value)}{star}{_interval(r.lower, r.upper)}</td>")
        cls = ' class="small"' if any_small else ""
        body.append(f'<tr{cls}><td class="l">{_e(group)}</td>{"".join(cells)}</tr>')
    return f'<table><tr><th class="l">Group</th>{head}</tr>{"".join(body)}</table>'


def _counts_table(result: AuditResult, attribute: str, threshold: float | None) -> str:
    rows = [c for c in result.confusion if c.attribute == attribute and c.threshold == threshold]
    weighted = result.spec.weight is not None
    head = "<th>n</th><th>TP</th><th>FP</th><th>FN</th><th>TN</th>"
    head += "<th>Weight</th>" if weighted else ""
    body = "".join(
        f'<tr><td class="l">{_e(c.group)}</td><td>{c.n:,}</td><td>{c.tp:,}</td>'
        f"<td>{c.fp:,}</td><td>{c.fn:,}</td><td>{c.tn:,}</td>"
        + (f"<td>{c.weight:,.1f}</td>" if weighted else "")
        + "</tr>"
        for c in rows
    )
    return f'<table><tr><th class="l">Group</th>{head}</tr>{body}</table>'


def _summary_table(result: AuditResult, attribute: str, threshold: float | None) -> str:
    rows = [
        s
        for s in result.summaries
        if s.attribute == attribute
        and s.threshold == threshold
        and not s.name.startswith(("max_min", "min_max"))
    ]
    body = "".join(
        f'<tr><td class="l">{_e(s.name.replace("_", " "))}</td>'
        f"<td{' class=flag' if s.flag else ''}>{_fmt(s.value)}"
        f"{' (four-fifths rule broken)' if s.flag else ''}</td>"
        f"<td>{_interval(s.lower, s.upper)}</td></tr>"
        for s in rows
    )
    return (
        f'<table><tr><th class="l">Summary</th><th>Value</th><th>Interval</th></tr>{body}</table>'
    )


def _disparity_table(result: AuditResult, attribute: str, threshold: float | None) -> str:
    rows = [
        d
        for d in result.disparities
        if d.attribute == attribute and d.threshold == threshold and d.metric in CHART_METRICS
    ]
    groups = list(dict.fromkeys(d.group for d in rows))
    keyed = {(d.group, d.metric): d for d in rows}
    head = "".join(f"<th>{_e(LABELS[m])}</th>" for m in CHART_METRICS)
    body = []
    for group in groups:
        cells = []
        for m in CHART_METRICS:
            d = keyed.get((group, m))
            if d is None:
                cells.append("<td></td>")
                continue
            cls = ' class="flag"' if d.outside_band else ""
            star = "*" if d.small else ""
            cells.append(
                f"<td{cls}>{_fmt(d.ratio, 2)}{star}{_interval(d.ratio_lower, d.ratio_upper)}</td>"
            )
        body.append(f'<tr><td class="l">{_e(group)}</td>{"".join(cells)}</tr>')
    return f'<table><tr><th class="l">Ratio to reference</th>{head}</tr>{"".join(body)}</table>'


def _attribute_section(result: AuditResult, attribute: str) -> str:
    spec = result.spec
    groups = list(dict.fromkeys(r.group for r in result.metrics if r.attribute == attribute))
    parts = [f"<h2>{_e(attribute)}</h2>"]
    if attribute != "overall":
        parts.append(
            f'<p class="meta">Reference group: {_e(spec.reference.get(attribute, ""))}</p>'
        )
    thresholds: list[float | None] = list(spec.thresholds) or [None]
    for i, threshold in enumerate(thresholds):
        rows = [r for r in result.metrics if r.attribute == attribute and r.threshold == threshold]
        if threshold is not None:
            parts.append(f"<h3>Threshold {threshold:g}</h3>")
        if i == 0:
            title = "Metrics by group with intervals (hollow, *: small)"
            parts.append(
                f'<div class="chart">{_forest_chart(rows, groups, CHART_METRICS, title)}</div>'
            )
        parts.append(_counts_table(result, attribute, threshold))
        for metrics in TABLE_GROUPS:
            parts.append(_metric_table(rows, groups, metrics))
        if attribute != "overall":
            if i == 0:
                chart = _disparity_chart(result, attribute, threshold)
                parts.append(f'<div class="chart">{chart}</div>')
            parts.append(_disparity_table(result, attribute, threshold))
            parts.append(_summary_table(result, attribute, threshold))
    if spec.score is not None:
        rows = [r for r in result.metrics if r.attribute == attribute and r.threshold is None]
        parts.append("<h3>Score metrics</h3>")
        parts.append(_metric_table(rows, groups, ("roc_auc", "pr_auc", "brier", "ece")))
        parts.append(f'<div class="chart">{_curve_chart(result, attribute)}</div>')
        targets = [t for t in result.target_thresholds if t.attribute == attribute]
        if targets:
            body = "".join(
                f'<tr><td class="l">{_e(t.group)}</td><td>{t.target_fpr:g}</td>'
                f"<td>{_fmt(t.threshold)}</td><td>{_fmt(t.fpr)}</td><td>{_fmt(t.tpr)}</td></tr>"
                for t in targets
            )
            parts.append(
                '<table><tr><th class="l">Group</th><th>Target FPR</th><th>Threshold</th>'
                f"<th>FPR</th><th>TPR</th></tr>{body}</table>"
            )
    return "".join(parts)


def render_html(result: AuditResult) -> str:
    """The full report as one self-contained HTML document."""
    attributes = list(dict.fromkeys(r.attribute for r in result.metrics))
    sections = "".join(_attribute_section(result, a) for a in attributes)
    note = (
        '<p class="note">Intervals under each value are bootstrap percentile intervals; '
        "rates also carry Wilson intervals in the JSON output. Ratios outside 0.8&ndash;1.25 are "
        "red. Estimates marked * rest on fewer than "
        f"{result.spec.min_group_size} cases. railab {_e(result.railab_version)}, result "
        "schema 1.</p>"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Classification audit — {_e(result.spec.source)}</title>"
        f"<style>{CSS}</style></head><body>"
        "<h1>Classification audit</h1>"
        f"{_spec_html(result)}{_warnings_html(result)}{sections}{note}</body></html>"
    )


def render_summary_html(result: AuditResult) -> str:
    """Compact notebook view: the spec, warnings and the key metrics by group."""
    parts = [f"<div><strong>Classification audit</strong>{_spec_html(result)}"]
    parts.append(_warnings_html(result))
    threshold = result.spec.thresholds[0] if result.spec.thresholds else None
    for attribute in dict.fromkeys(r.attribute for r in result.metrics):
        rows = [r for r in result.metrics if r.attribute == attribute and r.threshold == threshold]
        groups = list(dict.fromkeys(r.group for r in rows))
        parts.append(f"<h4>{_e(attribute)}</h4>{_metric_table(rows, groups, CHART_METRICS)}")
        if attribute != "overall":
            parts.append(_summary_table(result, attribute, threshold))
    parts.append("</div>")
    return "".join(parts)


def render_pdf(result: AuditResult) -> bytes:
    """The HTML report typeset as PDF by WeasyPrint."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(result)).write_pdf()
    return pdf
