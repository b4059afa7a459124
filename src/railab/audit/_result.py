"""The result of an audit: tidy tables as tuples of frozen dataclasses, and JSON."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Final, Literal

__all__ = [
    "SCHEMA_VERSION",
    "AuditResult",
    "AuditSpec",
    "AuditWarning",
    "ConfusionRow",
    "CurveRow",
    "DisparityRow",
    "Exclusions",
    "MetricRow",
    "SummaryRow",
    "TargetThresholdRow",
    "result_schema",
]

SCHEMA_VERSION: Final[str] = "1"
SCHEMA_ID: Final[str] = "https://railab.org/schema/audit-result-1.json"

#: The lower and upper bound of a disparity ratio considered acceptable (four-fifths rule).
BAND: Final[tuple[float, float]] = (0.8, 1.25)


@dataclass(frozen=True)
class AuditSpec:
    """What was audited and how: the options the audit ran with."""

    label: str
    prediction: str | None
    score: str | None
    thresholds: tuple[float, ...]
    groups: tuple[str, ...]
    intersect: bool
    reference: dict[str, str]
    positive: str
    weight: str | None
    bootstrap: int
    seed: int
    confidence: float
    min_group_size: int
    target_fpr: tuple[float, ...]
    source: str
    engine: Literal["duckdb", "spark"]
    score_binning: str


@dataclass(frozen=True)
class Exclusions:
    """Rows read, rows used, and rows excluded for a missing label or decision."""

    rows: int
    used: int
    missing_label: int
    missing_prediction: int
    missing_score: int


@dataclass(frozen=True)
class ConfusionRow:
    """Counts of one group at one threshold (``threshold`` is None for predictions)."""

    attribute: str
    group: str
    threshold: float | None
    n: int
    tp: int
    fp: int
    fn: int
    tn: int
    weight: float


@dataclass(frozen=True)
class MetricRow:
    """One metric of one group, with its bootstrap and (for rates) Wilson intervals."""

    attribute: str
    group: str
    threshold: float | None
    metric: str
    value: float | None
    lower: float | None
    upper: float | None
    wilson_lower: float | None
    wilson_upper: float | None
    denominator: int
    small: bool


@dataclass(frozen=True)
class DisparityRow:
    """A group's metric against the reference group's: difference and ratio."""

    attribute: str
    group: str
    reference: str
    threshold: float | None
    metric: str
    difference: float | None
    difference_lower: float | None
    difference_upper: float | None
    ratio: float | None
    ratio_lower: float | None
    ratio_upper: float | None
    outside_band: bool
    small: bool


@dataclass(frozen=True)
class SummaryRow:
    """A disparity summary across the groups of an attribute.

    ``name`` is ``max_min_difference`` or ``min_max_ratio`` for every metric, or one of the
    named summaries (``demographic_parity_difference`` ...). ``flag`` is True when the
    four-fifths rule is broken (``demographic_parity_ratio`` below 0.8).
    """

    attribute: str
    threshold: float | None
    name: str
    metric: str
    value: float | None
    lower: float | None
    upper: float | None
    flag: bool


@dataclass(frozen=True)
class CurveRow:
    """A curve of one group: ``roc`` points are ``[fpr, tpr]``; ``reliability`` points are
    ``[mean score, fraction positive, cases]``. The biometric audits add ``det``
    (``[fmr, fnmr, threshold]``), ``genuine_scores``/``impostor_scores`` (``[score,
    density]``), ``cmc`` (``[rank, identification rate]``) and ``recall_effort``
    (``[fraction reviewed, recall]``)."""

    attribute: str
    group: str
    kind: Literal[
        "roc",
        "reliability",
        "det",
        "genuine_scores",
        "impostor_scores",
        "cmc",
        "recall_effort",
    ]
    points: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class TargetThresholdRow:
    """The lowest threshold at which a group's false positive rate is at most the target.

    ``threshold`` is None when only flagging nobody meets the target.
    """

    attribute: str
    group: str
    target_fpr: float
    threshold: float | None
    fpr: float
    tpr: float


@dataclass(frozen=True)
class AuditWarning:
    """Something the reader of the audit must know, e.g. a group too small for stability."""

    code: Literal[
        "small_group",
        "excluded_rows",
        "weights",
        "threshold_range",
        "target_fmr",
        "missing_side",
        "no_errors",
        "bootstrap",
        "ties",
    ]
    message: str
    attribute: str | None = None
    group: str | None = None


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def result_schema(
    kind: Literal["classification", "verification", "identification", "triage"] = "classification",
) -> dict[str, Any]:
    """The JSON Schema that ``to_dict()`` output of an audit of ``kind`` conforms to.

    Examples
    --------
    >>> result_schema()["properties"]["schema_version"]["const"]
    '1'
    >>> result_schema("verification")["$id"]
    'https://railab.org/schema/verification-result-1.json'
    """
    name = "audit-result-1.json" if kind == "classification" else f"{kind}-result-1.json"
    text = resources.files("railab.audit.schema").joinpath(name).read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


@dataclass(frozen=True)
class AuditResult:
    """Everything an audit found, as tidy tables.

    Attributes
    ----------
    spec
        The options the audit ran with (including the reference group chosen).
    exclusions
        Rows read and excluded.
    confusion, metrics, disparities, summaries, curves, target_thresholds
        Tidy tables: tuples of rows, one dataclass per table.
    warnings
        Small groups and excluded rows, in words.
    railab_version
        Version of railab that computed the result.
    """

    spec: AuditSpec
    exclusions: Exclusions
    confusion: tuple[ConfusionRow, ...]
    metrics: tuple[MetricRow, ...]
    disparities: tuple[DisparityRow, ...]
    summaries: tuple[SummaryRow, ...]
    curves: tuple[CurveRow, ...] = ()
    target_thresholds: tuple[TargetThresholdRow, ...] = ()
    warnings: tuple[AuditWarning, ...] = ()
    railab_version: str = field(default="")

    TABLES: ClassVar[tuple[str, ...]] = (
        "confusion",
        "metrics",
        "disparities",
        "summaries",
        "curves",
        "target_thresholds",
        "warnings",
    )

    def metric(
        self,
        metric: str,
        *,
        attribute: str = "overall",
        group: str = "all",
        threshold: float | None = None,
    ) -> MetricRow:
        """Look up one row of :attr:`metrics`.

        ``threshold`` defaults to the first threshold of a score audit (score metrics such
        as ``roc_auc`` have no threshold).

        Examples
        --------
        >>> import pyarrow as pa
        >>> from railab.audit import audit_classification
        >>> data = pa.table({"y": [1, 0, 1, 0], "p": [1, 0, 0, 0], "g": ["a", "a", "b", "b"]})
        >>> r = audit_classification(data, label="y", prediction="p", groups=["g"], bootstrap=0)
        >>> r.metric("tpr", attribute="g", group="a").value
        1.0
        """
        from railab.audit._scores import SCORE_METRICS

        if threshold is None and self.spec.score is not None and metric not in SCORE_METRICS:
            threshold = self.spec.thresholds[0]
        for row in self.metrics:
            if (row.metric, row.attribute, row.group, row.threshold) == (
                metric,
                attribute,
                group,
                threshold,
            ):
                return row
        raise KeyError(f"no metric {metric!r} for {attribute}={group} at threshold {threshold}")

    def table(self, name: str) -> Any:
        """One tidy table as a :class:`pyarrow.Table` (``.to_pandas()`` for pandas).

        Examples
        --------
        >>> import pyarrow as pa
        >>> from railab.audit import audit_classification
        >>> data = pa.table({"y": [1, 0, 1, 0], "p": [1, 0, 0, 0], "g": ["a", "a", "b", "b"]})
        >>> r = audit_classification(data, label="y", prediction="p", groups=["g"], bootstrap=0)
        >>> r.table("metrics").num_rows
        39
        """
        import pyarrow as pa

        if name not in self.TABLES:
            raise KeyError(f"no table {name!r}; tables are {', '.join(self.TABLES)}")
        rows = [dataclasses.asdict(row) for row in getattr(self, name)]
        if name == "curves":
            for row in rows:
                row["points"] = [list(p) for p in row["points"]]
        return pa.Table.from_pylist(rows)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data (NaN becomes None), per the shipped schema.

        Examples
        --------
        >>> import pyarrow as pa
        >>> from railab.audit import audit_classification
        >>> data = pa.table({"y": [1, 0], "p": [1, 0], "g": ["a", "b"]})
        >>> d = audit_classification(data, label="y", prediction="p", groups=["g"]).to_dict()
        >>> d["schema_version"], d["exclusions"]["used"]
        ('1', 2)
        """
        body: dict[str, Any] = {
            "$schema": SCHEMA_ID,
            "schema_version": SCHEMA_VERSION,
            "railab_version": self.railab_version,
            "spec": dataclasses.asdict(self.spec),
            "exclusions": dataclasses.asdict(self.exclusions),
        }
        for name in self.TABLES:
            body[name] = [dataclasses.asdict(row) for row in getattr(self, name)]
        cleaned: dict[str, Any] = _clean(body)
        return cleaned

    def to_json(self, *, indent: int | None = 2) -> str:
        """The result as JSON text (see :meth:`to_dict`).

        Examples
        --------
        >>> import pyarrow as pa
        >>> from railab.audit import audit_classification
        >>> data = pa.table({"y": [1, 0], "p": [1, 1]})
        >>> text = audit_classification(data, label="y", prediction="p").to_json(indent=None)
        >>> text[:42]
        '{"$schema": "https://railab.org/schema/aud'
        """
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    def to_html(self) -> str:
        """A self-contained HTML report: tables, and charts as inline SVG.

        Examples
        --------
        >>> import pyarrow as pa
        >>> from railab.audit import audit_classification
        >>> data = pa.table({"y": [1, 0, 1], "p": [1, 1, 0], "g": ["a", "b", "b"]})
        >>> page = audit_classification(data, label="y", prediction="p", groups=["g"]).to_html()
        >>> page.startswith("<!DOCTYPE html>"), "<svg" in page
        (True, True)
        """
        from railab.audit._report import render_html

        html: str = render_html(self)
        return html

    def to_pdf(self, path: str | Path | None = None) -> bytes:
        """The HTML report as PDF (WeasyPrint); also written to ``path`` when given.

        Examples
        --------
        >>> import pyarrow as pa
        >>> from railab.audit import audit_classification
        >>> data = pa.table({"y": [1, 0], "p": [1, 0]})
        >>> audit_classification(data, label="y", prediction="p", bootstrap=0).to_pdf()[:5]
        b'%PDF-'
        """
        from railab.audit._report import render_pdf

        data: bytes = render_pdf(self)
        if path is not None:
            Path(path).write_bytes(data)
        return data

    def _repr_html_(self) -> str:
        from railab.audit._report import render_summary_html

        html: str = render_summary_html(self)
        return html
