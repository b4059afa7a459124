"""Reading stored audit results: headline figures, a plain summary, run comparisons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

HIGHER_BETTER = {
    "tpr", "tnr", "ppv", "npv", "accuracy", "balanced_accuracy", "f1", "roc_auc", "pr_auc",
    "precision", "recall",
}  # fmt: skip
LOWER_BETTER = {"fnr", "fpr", "fdr", "for", "brier", "ece", "fmr", "fnmr", "fnir", "fpir", "eer"}
# Spread across groups: smaller is fairer, except ratios of min to max (1 is equal).
SPREAD_LOWER = {"max_min_difference", "max_min_ratio", "max_geomean_ratio", "gini"}
TINY = 1e-9


@dataclass(frozen=True)
class Figure:
    key: tuple[Any, ...]
    label: str
    value: float
    direction: int  # +1 higher is better, -1 lower is better, 0 neither


def _setting(row: dict[str, Any]) -> str:
    parts = []
    if row.get("threshold") is not None:
        parts.append(_("threshold %(t)s") % {"t": f"{row['threshold']:g}"})
    if row.get("target_fmr") is not None:
        parts.append(_("at FMR %(f)s") % {"f": f"{row['target_fmr']:g}"})
    if row.get("rank") is not None:
        parts.append(_("rank %(r)s") % {"r": row["rank"]})
    if row.get("capacity") is not None:
        parts.append(_("top %(k)s") % {"k": row["capacity"]})
    return ", ".join(parts)


def _measure_direction(measure: str) -> int:
    if measure in SPREAD_LOWER or measure.endswith("difference"):
        return -1
    if measure.endswith("ratio") or measure == "fdr":
        return 1
    return 0


def _metric_direction(metric: str) -> int:
    if metric in HIGHER_BETTER:
        return 1
    if metric in LOWER_BETTER:
        return -1
    return 0


def figures(result: dict[str, Any]) -> list[Figure]:
    """Overall metrics and spreads across groups, keyed so two runs can be matched."""
    out: list[Figure] = []
    key: tuple[Any, ...]
    overall = result.get("metrics") or result.get("rates") or []
    for row in overall:
        if row.get("attribute") != "overall" or row.get("value") is None:
            continue
        setting = _setting(row)
        key = ("metric", row["metric"], row.get("threshold"), row.get("target_fmr"),
               row.get("rank"), row.get("capacity"))  # fmt: skip
        label = row["metric"] + (f" ({setting})" if setting else "")
        out.append(Figure(key, label, float(row["value"]), _metric_direction(row["metric"])))
    for row in result.get("summaries") or []:
        if row.get("value") is None:
            continue
        key = ("summary", row["attribute"], row["name"], row["metric"], row.get("threshold"))
        label = f"{row['attribute']}: {row['name']} {row['metric']}"
        setting = _setting(row)
        label += f" ({setting})" if setting else ""
        out.append(Figure(key, label, float(row["value"]), _measure_direction(row["name"])))
    for row in result.get("differentials") or []:
        if row.get("value") is None:
            continue
        key = ("differential", row["attribute"], row["measure"], row["metric"],
               row.get("threshold"), row.get("target_fmr"), row.get("rank"),
               row.get("capacity"))  # fmt: skip
        setting = _setting(row)
        label = f"{row['attribute']}: {row['measure']} {row['metric']}"
        label += f" ({setting})" if setting else ""
        out.append(Figure(key, label, float(row["value"]), _measure_direction(row["measure"])))
    return out


PRIORITY = (
    "roc_auc", "accuracy", "tpr", "fpr", "ppv", "selection_rate", "pr_auc", "brier", "ece",
    "fnmr", "fmr", "fnir", "fpir", "eer", "precision", "recall", "alert_rate",
)  # fmt: skip


def headline(result: dict[str, Any], limit: int = 12) -> list[Figure]:
    """The overall figures a reader looks at first."""
    metrics = [f for f in figures(result) if f.key[0] == "metric"]
    rank = {name: i for i, name in enumerate(PRIORITY)}
    metrics.sort(key=lambda f: rank.get(str(f.key[1]), len(rank)))
    return metrics[:limit]


@dataclass(frozen=True)
class Change:
    label: str
    before: float
    after: float
    delta: float
    verdict: str  # "better", "worse", "same", "changed"


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Figure by figure, in the order of the newer run; figures in only one are skipped."""
    old = {f.key: f for f in figures(before)}
    changes: list[Change] = []
    for figure in figures(after):
        previous = old.get(figure.key)
        if previous is None:
            continue
        delta = figure.value - previous.value
        if abs(delta) <= TINY:
            verdict = "same"
        elif figure.direction == 0:
            verdict = "changed"
        else:
            verdict = "better" if delta * figure.direction > 0 else "worse"
        changes.append(Change(figure.label, previous.value, figure.value, delta, verdict))
    return changes


def summary_text(*, kind_label: str, dataset_name: str, result: dict[str, Any]) -> str:
    """A plain-language summary for the resource bank, prepared from the results."""
    rows = result.get("exclusions") or {}
    lines = [
        _("%(kind)s audit of %(file)s: %(used)s of %(rows)s rows used.")
        % {
            "kind": kind_label,
            "file": dataset_name,
            "used": rows.get("used", "?"),
            "rows": rows.get("rows", "?"),
        }
    ]
    figures_ = headline(result, limit=8)
    if figures_:
        lines.append(", ".join(f"{f.label} = {f.value:.3g}" for f in figures_) + ".")
    for finding in (result.get("findings") or [])[:5]:
        lines.append(str(finding.get("text", "")))
    for warning in (result.get("warnings") or [])[:3]:
        lines.append(_("Caution: %(message)s") % {"message": warning.get("message", "")})
    return "\n".join(line for line in lines if line)
