"""Results of the verification, identification and triage audits: tidy tables and JSON.

Each result is a frozen dataclass of tuples of rows, like :class:`AuditResult`. Their JSON
Schemas are derived from the dataclasses (:func:`build_schema`) and shipped in
``railab/audit/schema``; a test keeps the shipped files equal to the derived ones.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Final, Literal

from railab.audit._result import AuditResult, AuditWarning, CurveRow, Exclusions, _clean

__all__ = [
    "CapacityRow",
    "DifferentialRow",
    "EERRow",
    "FMRMatrixRow",
    "FindingRow",
    "GroupCountRow",
    "IdentificationResult",
    "IdentificationSpec",
    "OperatingPointRow",
    "RateRow",
    "TriageResult",
    "TriageSpec",
    "VerificationResult",
    "VerificationSpec",
    "build_schema",
]

SCHEMA_VERSION: Final[str] = "1"


@dataclass(frozen=True)
class VerificationSpec:
    """What a verification (1:1) audit ran on and with which options."""

    score: str
    mated: str | None
    genuine: str | None
    probe_subject: str | None
    reference_subject: str | None
    groups: dict[str, list[str]]  # attribute -> [probe column, reference column]
    intersect: bool
    thresholds: tuple[float, ...]
    target_fmr: tuple[float, ...]
    impostor_pairs: Literal["same_group", "probe_group"]
    bootstrap: int
    bootstrap_unit: Literal["subject", "comparison", "none"]
    seed: int
    confidence: float
    min_group_size: int
    fdr_alpha: float
    source: str
    engine: Literal["duckdb", "spark"]
    score_binning: Literal["exact", "binned"]


@dataclass(frozen=True)
class IdentificationSpec:
    """What an identification (1:N) audit ran on and with which options."""

    search: str
    rank: str
    score: str
    mated: str
    mate: str | None
    search_subject: str | None
    candidate_subject: str | None
    groups: tuple[str, ...]
    intersect: bool
    ranks: tuple[int, ...]
    thresholds: tuple[float, ...]
    bootstrap: int
    seed: int
    confidence: float
    min_group_size: int
    source: str
    engine: Literal["duckdb", "spark"]


@dataclass(frozen=True)
class TriageSpec:
    """What a triage audit ran on and with which options."""

    label: str
    score: str
    positive: str
    capacities: tuple[int, ...]
    groups: tuple[str, ...]
    intersect: bool
    bootstrap: int
    seed: int
    confidence: float
    min_group_size: int
    source: str
    engine: Literal["duckdb", "spark"]


@dataclass(frozen=True)
class GroupCountRow:
    """How many comparisons, searches or cases each group has (``positive`` are genuine
    comparisons, mated searches or positive cases; ``negative`` the others)."""

    attribute: str
    group: str
    positive: int
    negative: int


@dataclass(frozen=True)
class OperatingPointRow:
    """An operating threshold of a verification audit, given or set for a target FMR on
    all impostor comparisons, with the overall error rates there."""

    threshold: float
    target_fmr: float | None
    fmr: float | None
    fnmr: float | None
    false_matches: int
    impostors: int
    false_non_matches: int
    genuines: int


@dataclass(frozen=True)
class CapacityRow:
    """A review capacity of a triage audit: the score threshold that sends the top
    ``capacity`` cases to review, and what reviewing them finds overall."""

    capacity: int
    threshold: float
    reviewed: int
    true_positives: int
    positives: int
    cases: int
    precision: float | None
    recall: float | None


@dataclass(frozen=True)
class RateRow:
    """One error rate (or precision, recall...) of one group at one operating point.

    ``numerator / denominator`` is the rate; ``lower``/``upper`` its bootstrap interval
    and ``wilson_lower``/``wilson_upper`` its Wilson interval. Fields that do not apply to
    a metric are None: ``target_fmr`` (verification thresholds set for a target FMR),
    ``rank`` (identification), ``capacity`` (triage).
    """

    attribute: str
    group: str
    metric: str
    threshold: float | None
    target_fmr: float | None
    rank: int | None
    capacity: int | None
    value: float | None
    lower: float | None
    upper: float | None
    wilson_lower: float | None
    wilson_upper: float | None
    numerator: int
    denominator: int
    small: bool


@dataclass(frozen=True)
class EERRow:
    """Equal error rate of a group (FVC2000 definition, as ISO/IEC 19795-1's EER point).

    ``low``/``high`` are the FMR and FNMR at the threshold nearest the crossing; ``eer``
    their mean. None when the FMR and FNMR curves do not cross.
    """

    attribute: str
    group: str
    eer: float | None
    low: float | None
    high: float | None
    threshold: float | None


@dataclass(frozen=True)
class FMRMatrixRow:
    """False match rate of impostor comparisons between a probe group and a reference
    group (same-group cells on the diagonal), with its Wilson interval."""

    attribute: str
    threshold: float
    target_fmr: float | None
    probe_group: str
    reference_group: str
    impostors: int
    false_matches: int
    fmr: float | None
    wilson_lower: float | None
    wilson_upper: float | None


@dataclass(frozen=True)
class DifferentialRow:
    """A summary of one rate across the groups of an attribute at one operating point.

    ``measure`` is ``max_min_ratio``, ``max_geomean_ratio``, ``gini`` or (verification)
    ``fdr``; ``high_group``/``low_group`` are the groups with the highest and lowest rate.
    """

    attribute: str
    metric: str
    threshold: float | None
    target_fmr: float | None
    rank: int | None
    capacity: int | None
    measure: str
    value: float | None
    lower: float | None
    upper: float | None
    high_group: str | None
    low_group: str | None


@dataclass(frozen=True)
class FindingRow:
    """A differential in plain words, with the numbers behind the sentence."""

    attribute: str
    metric: str
    threshold: float | None
    target_fmr: float | None
    rank: int | None
    capacity: int | None
    high_group: str
    low_group: str
    ratio: float | None
    lower: float | None
    upper: float | None
    text: str


class _Tidy:
    """Shared behaviour of the result classes: tables, JSON, HTML, PDF."""

    TABLES: ClassVar[tuple[str, ...]] = ()
    KIND: ClassVar[str] = ""

    def table(self, name: str) -> Any:
        """One tidy table as a :class:`pyarrow.Table` (``.to_pandas()`` for pandas)."""
        import pyarrow as pa

        if name not in self.TABLES:
            raise KeyError(f"no table {name!r}; tables are {', '.join(self.TABLES)}")
        rows = [dataclasses.asdict(row) for row in getattr(self, name)]
        for row in rows:
            if "points" in row:
                row["points"] = [list(p) for p in row["points"]]
        return pa.Table.from_pylist(rows)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data (NaN becomes None), per the shipped schema."""
        body: dict[str, Any] = {
            "$schema": schema_id(self.KIND),
            "schema_version": SCHEMA_VERSION,
            "railab_version": getattr(self, "railab_version", ""),
            "spec": dataclasses.asdict(getattr(self, "spec")),  # noqa: B009
            "exclusions": dataclasses.asdict(getattr(self, "exclusions")),  # noqa: B009
        }
        for name in self.TABLES:
            body[name] = [dataclasses.asdict(row) for row in getattr(self, name)]
        cleaned: dict[str, Any] = _clean(body)
        return cleaned

    def to_json(self, *, indent: int | None = 2) -> str:
        """The result as JSON text (see :meth:`to_dict`)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    def to_html(self) -> str:
        """A self-contained HTML report: findings, tables, and charts as inline SVG."""
        from railab.audit._bioreport import render_html

        html: str = render_html(self)  # type: ignore[arg-type]
        return html

    def to_pdf(self, path: str | Path | None = None) -> bytes:
        """The HTML report as PDF (WeasyPrint); also written to ``path`` when given."""
        from weasyprint import HTML

        data: bytes = HTML(string=self.to_html()).write_pdf()
        if path is not None:
            Path(path).write_bytes(data)
        return data

    def _repr_html_(self) -> str:
        from railab.audit._bioreport import render_summary_html

        html: str = render_summary_html(self)  # type: ignore[arg-type]
        return html

    def rate(
        self,
        metric: str,
        *,
        attribute: str = "overall",
        group: str = "all",
        threshold: float | None = None,
        target_fmr: float | None = None,
        rank: int | None = None,
        capacity: int | None = None,
    ) -> RateRow:
        """Look up one row of ``rates``; unspecified operating-point fields match any."""
        for row in getattr(self, "rates"):  # noqa: B009
            if (row.metric, row.attribute, row.group) != (metric, attribute, group):
                continue
            wanted = (threshold, target_fmr, rank, capacity)
            have = (row.threshold, row.target_fmr, row.rank, row.capacity)
            if all(w is None or w == h for w, h in zip(wanted, have, strict=True)):
                return typing.cast(RateRow, row)
        raise KeyError(f"no {metric!r} for {attribute}={group} at the operating point given")


@dataclass(frozen=True)
class VerificationResult(_Tidy):
    """Everything a verification (1:1) audit found, as tidy tables.

    Attributes
    ----------
    spec, exclusions
        The options the audit ran with; comparisons read and excluded.
    counts
        Genuine (``positive``) and impostor (``negative``) comparisons per group; the
        impostors of a group are those its FMR is computed on (see ``impostor_pairs``).
    operating_points
        Each threshold (given, or set for a target FMR on all impostors) with the overall
        FMR and FNMR.
    rates
        FMR and FNMR of every group at every operating point, with intervals.
    eer
        Equal error rate of every group.
    fmr_matrix
        FMR of impostor comparisons by probe group by reference group.
    differentials
        Max/min and max/geometric-mean ratios and Gini coefficient of FMR and FNMR across
        groups, and the fairness discrepancy rate.
    findings
        The largest differentials in plain words.
    curves
        DET curves (``det``: FMR, FNMR, threshold) and score distributions
        (``genuine_scores``/``impostor_scores``: score, density) per group.
    warnings
        What the reader must know.
    """

    spec: VerificationSpec
    exclusions: Exclusions
    counts: tuple[GroupCountRow, ...]
    operating_points: tuple[OperatingPointRow, ...]
    rates: tuple[RateRow, ...]
    eer: tuple[EERRow, ...]
    fmr_matrix: tuple[FMRMatrixRow, ...]
    differentials: tuple[DifferentialRow, ...]
    findings: tuple[FindingRow, ...]
    curves: tuple[CurveRow, ...]
    warnings: tuple[AuditWarning, ...]
    railab_version: str = field(default="")

    KIND: ClassVar[str] = "verification"
    TABLES: ClassVar[tuple[str, ...]] = (
        "counts",
        "operating_points",
        "rates",
        "eer",
        "fmr_matrix",
        "differentials",
        "findings",
        "curves",
        "warnings",
    )


@dataclass(frozen=True)
class IdentificationResult(_Tidy):
    """Everything an identification (1:N) audit found, as tidy tables.

    ``rates`` holds FNIR at each rank and threshold (``threshold`` None: rank only) for
    mated searches and FPIR at each threshold for non-mated searches; ``curves`` the CMC
    curve of each group (``cmc``: rank, identification rate).
    """

    spec: IdentificationSpec
    exclusions: Exclusions
    counts: tuple[GroupCountRow, ...]
    rates: tuple[RateRow, ...]
    differentials: tuple[DifferentialRow, ...]
    findings: tuple[FindingRow, ...]
    curves: tuple[CurveRow, ...]
    warnings: tuple[AuditWarning, ...]
    railab_version: str = field(default="")

    KIND: ClassVar[str] = "identification"
    TABLES: ClassVar[tuple[str, ...]] = (
        "counts",
        "rates",
        "differentials",
        "findings",
        "curves",
        "warnings",
    )


@dataclass(frozen=True)
class TriageResult(_Tidy):
    """Everything a triage audit found, as tidy tables.

    ``rates`` holds, per group and review capacity, ``precision`` (precision at k),
    ``recall``, ``alert_rate`` (share of the group's cases sent to review) and
    ``alert_ratio`` (a group's alert rate over the overall alert rate: 1 when the group
    is alerted in proportion to its size). ``curves`` holds ``recall_effort`` curves
    (fraction of the group's cases reviewed, recall). ``classification`` is the full
    classification audit at the capacity thresholds that these figures come from.
    """

    spec: TriageSpec
    exclusions: Exclusions
    counts: tuple[GroupCountRow, ...]
    operating_points: tuple[CapacityRow, ...]
    rates: tuple[RateRow, ...]
    differentials: tuple[DifferentialRow, ...]
    findings: tuple[FindingRow, ...]
    curves: tuple[CurveRow, ...]
    warnings: tuple[AuditWarning, ...]
    classification: AuditResult | None = field(default=None, compare=False, repr=False)
    railab_version: str = field(default="")

    KIND: ClassVar[str] = "triage"
    TABLES: ClassVar[tuple[str, ...]] = (
        "counts",
        "operating_points",
        "rates",
        "differentials",
        "findings",
        "curves",
        "warnings",
    )


RESULT_CLASSES: Final[dict[str, type[_Tidy]]] = {
    "verification": VerificationResult,
    "identification": IdentificationResult,
    "triage": TriageResult,
}


def schema_id(kind: str) -> str:
    return f"https://railab.org/schema/{kind}-result-{SCHEMA_VERSION}.json"


def _type_schema(hint: Any) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is str:
        return {"type": "string"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is float:
        return {"type": ["number", "null"]}  # undefined values are null
    if origin is Literal:
        return {"enum": list(args)}
    if origin in (types.UnionType, typing.Union):
        options = [a for a in args if a is not type(None)]
        inner = _type_schema(options[0]) if len(options) == 1 else {}
        if "type" in inner:
            kinds = inner["type"] if isinstance(inner["type"], list) else [inner["type"]]
            return {**inner, "type": [*dict.fromkeys([*kinds, "null"])]}
        if "enum" in inner:
            return {"enum": [*inner["enum"], None]}
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is tuple:
        item = args[0]
        if dataclasses.is_dataclass(item) and isinstance(item, type):
            return {"type": "array", "items": {"$ref": f"#/$defs/{item.__name__}"}}
        return {"type": "array", "items": _type_schema(item)}
    if origin is list:
        return {"type": "array", "items": _type_schema(args[0])}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(args[1])}
    raise TypeError(f"no JSON Schema for {hint!r}")


def _object_schema(cls: type[Any], defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties = {}
    for f in dataclasses.fields(cls):
        if not f.compare and f.name == "classification":
            continue
        hint = hints[f.name]
        origin = typing.get_origin(hint)
        target = typing.get_args(hint)[0] if origin is tuple else hint
        if dataclasses.is_dataclass(target) and isinstance(target, type):
            if target.__name__ not in defs:
                defs[target.__name__] = {}
                defs[target.__name__] = _object_schema(target, defs)
            if origin is tuple:
                properties[f.name] = {
                    "type": "array",
                    "items": {"$ref": f"#/$defs/{target.__name__}"},
                }
            else:
                properties[f.name] = {"$ref": f"#/$defs/{target.__name__}"}
        elif hint is tuple[tuple[float, ...], ...]:
            properties[f.name] = {
                "type": "array",
                "items": {"type": "array", "items": {"type": ["number", "null"]}},
            }
        else:
            properties[f.name] = _type_schema(hint)
    doc = " ".join((cls.__doc__ or "").split("\n\n")[0].split())
    return {
        "type": "object",
        "description": doc,
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }


def build_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind`` (verification, identification or triage) results.

    Examples
    --------
    >>> build_schema("verification")["properties"]["schema_version"]
    {'const': '1'}
    """
    cls = RESULT_CLASSES[kind]
    defs: dict[str, Any] = {}
    body = _object_schema(cls, defs)
    properties = {
        "$schema": {"const": schema_id(kind)},
        "schema_version": {"const": SCHEMA_VERSION},
        **body["properties"],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id(kind),
        "title": f"railab {kind} audit result, version {SCHEMA_VERSION}",
        "description": f"Output of railab.audit.audit_{kind} (to_dict). Numbers that are "
        "undefined are null.",
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
        "$defs": dict(sorted(defs.items())),
    }
