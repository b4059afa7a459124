"""Bias and accuracy audits of classifiers and risk scores, computed from counts.

Rows are counted where the data lives (DuckDB in process, or Spark); every metric,
interval, disparity and chart is computed from those counts with numpy. See
:func:`audit_classification`.
"""

from __future__ import annotations

from railab.audit._audit import audit_classification
from railab.audit._bioresult import (
    CapacityRow,
    DifferentialRow,
    EERRow,
    FindingRow,
    FMRMatrixRow,
    GroupCountRow,
    IdentificationResult,
    IdentificationSpec,
    OperatingPointRow,
    RateRow,
    TriageResult,
    TriageSpec,
    VerificationResult,
    VerificationSpec,
)
from railab.audit._counting import MISSING, Bins
from railab.audit._counttable import (
    CountTable,
    count_table,
    count_table_schema,
    read_count_table,
)
from railab.audit._errors import AuditInputError
from railab.audit._fromcounts import (
    ContributorRow,
    CountsAudit,
    HeterogeneityRow,
    audit_from_counts,
)
from railab.audit._identification import audit_identification
from railab.audit._metrics import CLASSIFICATION_METRICS, wilson_interval
from railab.audit._result import (
    AuditResult,
    AuditSpec,
    AuditWarning,
    ConfusionRow,
    CurveRow,
    DisparityRow,
    Exclusions,
    MetricRow,
    SummaryRow,
    TargetThresholdRow,
    result_schema,
)
from railab.audit._scores import SCORE_METRICS
from railab.audit._signing import generate_key_pair
from railab.audit._triage import audit_triage
from railab.audit._verification import audit_verification

__all__ = [
    "CLASSIFICATION_METRICS",
    "MISSING",
    "SCORE_METRICS",
    "AuditInputError",
    "AuditResult",
    "AuditSpec",
    "AuditWarning",
    "Bins",
    "CapacityRow",
    "ConfusionRow",
    "ContributorRow",
    "CountTable",
    "CountsAudit",
    "CurveRow",
    "DifferentialRow",
    "DisparityRow",
    "EERRow",
    "Exclusions",
    "FMRMatrixRow",
    "FindingRow",
    "GroupCountRow",
    "HeterogeneityRow",
    "IdentificationResult",
    "IdentificationSpec",
    "MetricRow",
    "OperatingPointRow",
    "RateRow",
    "SummaryRow",
    "TargetThresholdRow",
    "TriageResult",
    "TriageSpec",
    "VerificationResult",
    "VerificationSpec",
    "audit_classification",
    "audit_from_counts",
    "audit_identification",
    "audit_triage",
    "audit_verification",
    "count_table",
    "count_table_schema",
    "generate_key_pair",
    "read_count_table",
    "result_schema",
    "wilson_interval",
]
