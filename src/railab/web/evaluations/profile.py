"""A look at the data before an audit: the first rows, and the library's own checks run
on a sample, so the mapping form can say what is wrong while it is being filled in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
from django.utils.translation import gettext as _

from railab.audit import (
    AuditInputError,
    audit_classification,
    audit_identification,
    audit_triage,
    audit_verification,
)
from railab.web.evaluations.models import Dataset, FileFormat
from railab.web.evaluations.uploads import dataset_file

PREVIEW_ROWS = 10
SAMPLE_ROWS = 5000
AUDITS: dict[str, Any] = {
    "classification": audit_classification,
    "verification": audit_verification,
    "identification": audit_identification,
    "triage": audit_triage,
}
# Columns whose values are categories (shown as values) and numbers (shown as a range).
CATEGORY_ROLES = ("label", "prediction", "mated", "mate")
NUMBER_ROLES = ("score", "rank")


class DataError(Exception):
    """The file cannot be read as a table."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _relation(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> duckdb.DuckDBPyRelation:
    path = dataset_file(dataset)
    try:
        if dataset.format == FileFormat.PARQUET:
            return con.read_parquet(path)
        return con.read_csv(path)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(
            _("The file cannot be read as %(format)s: %(problem)s")
            % {"format": dataset.get_format_display(), "problem": first}
        ) from exc


def head(dataset: Dataset, rows: int) -> pa.Table:
    con = duckdb.connect()
    try:
        relation = _relation(con, dataset)
        try:
            return relation.limit(rows).to_arrow_table()
        except duckdb.Error as exc:
            raise DataError(str(exc).strip().splitlines()[0]) from exc
    finally:
        con.close()


@dataclass
class Preview:
    columns: list[str]
    types: list[str]
    rows: list[list[str]]


def preview(dataset: Dataset) -> Preview:
    table = head(dataset, PREVIEW_ROWS)
    columns = table.column_names
    data = table.to_pylist()
    return Preview(
        columns=columns,
        types=[str(t) for t in table.schema.types],
        rows=[["" if r[c] is None else str(r[c]) for c in columns] for r in data],
    )


@dataclass
class Fact:
    role: str
    column: str
    text: str


@dataclass
class Check:
    rows: int
    facts: list[Fact] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def _facts(table: pa.Table, options: dict[str, Any]) -> list[Fact]:
    con = duckdb.connect()
    try:
        con.register("sample", table)
        facts: list[Fact] = []
        for role in (*CATEGORY_ROLES, *NUMBER_ROLES):
            column = options.get(role)
            if not column or column not in table.column_names:
                continue
            q = _quote(column)
            if role in NUMBER_ROLES:
                low, high, missing = con.execute(
                    f"SELECT min(TRY_CAST({q} AS DOUBLE)), max(TRY_CAST({q} AS DOUBLE)), "  # noqa: S608
                    f"count(*) FILTER (WHERE {q} IS NULL) FROM sample"
                ).fetchone() or (None, None, 0)
                if low is None:
                    text = _("no numbers in the sample")
                else:
                    text = _("from %(low)s to %(high)s") % {"low": f"{low:g}", "high": f"{high:g}"}
                if missing:
                    text += " · " + _("%(n)s missing") % {"n": missing}
            else:
                values = [
                    "∅" if v is None else str(v)
                    for (v,) in con.execute(
                        f"SELECT DISTINCT {q} FROM sample ORDER BY 1 NULLS LAST LIMIT 11"  # noqa: S608
                    ).fetchall()
                ]
                shown = ", ".join(values[:10]) + (" …" if len(values) > 10 else "")
                text = _("values: %(values)s") % {"values": shown}
            facts.append(Fact(role=role, column=column, text=text))
        groups = options.get("groups") or []
        for column in groups if isinstance(groups, list) else []:
            if column not in table.column_names:
                continue
            q = _quote(column)
            (count,) = con.execute(f"SELECT count(DISTINCT {q}) FROM sample").fetchone() or (0,)  # noqa: S608
            top = [
                str(v)
                for (v,) in con.execute(
                    f"SELECT {q} FROM sample GROUP BY 1 ORDER BY count(*) DESC LIMIT 6"  # noqa: S608
                ).fetchall()
            ]
            facts.append(
                Fact(
                    role="group",
                    column=column,
                    text=_("%(n)s groups, e.g. %(values)s")
                    % {"n": count, "values": ", ".join(top)},
                )
            )
        return facts
    finally:
        con.close()


def check(dataset: Dataset, kind: str, options: dict[str, Any]) -> Check:
    """Describe the mapped columns on a sample and run the audit's own checks on it."""
    try:
        table = head(dataset, SAMPLE_ROWS)
    except DataError as exc:
        return Check(rows=0, error=str(exc))
    result = Check(rows=table.num_rows, facts=_facts(table, options))
    try:
        AUDITS[kind](table, **{**options, "bootstrap": 0})
    except AuditInputError as exc:
        result.error = str(exc)
    except (duckdb.Error, ValueError, TypeError) as exc:
        result.error = _("The audit cannot run on this data: %(problem)s") % {
            "problem": str(exc).strip().splitlines()[0] if str(exc).strip() else "?"
        }
    return result
