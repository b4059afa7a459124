"""Readiness across agencies for Lab staff: by region and dimension, k-anonymous.

Each agency counts once, with its most recently approved readiness assessment. A mean is
shown only where at least :data:`K_MIN` agencies contribute to that very number, and no
agency is named, so no single agency's result can be read off or subtracted out.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean
from typing import Any

from django.utils.translation import gettext as _

from railab.web.toolkit.instruments import instrument_get
from railab.web.toolkit.models import Assessment, Status
from railab.web.toolkit.regions import Region, region_of

K_MIN = 5


@dataclass(frozen=True)
class Cell:
    value: float | None  # None: fewer than K_MIN agencies contribute

    @property
    def shown(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Row:
    label: str
    enough: bool  # at least K_MIN agencies in this region
    agencies: int | None  # shown only when enough
    overall: Cell
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    dimensions: list[str]
    rows: list[Row]
    k: int


def _latest_per_agency() -> list[tuple[str, dict[str, Any]]]:
    rows = (
        Assessment.objects.filter(instrument="readiness", status=Status.APPROVED)
        .exclude(result=None)
        .order_by("agency_id", "-reviewed_at", "-id")
        .values_list("agency_id", "agency__country", "result")
    )
    seen: set[int] = set()
    out = []
    for agency_id, country, result in rows:
        if agency_id in seen:
            continue
        seen.add(agency_id)
        if isinstance(result, dict):
            out.append((str(country), result))
    return out


def _cell(values: list[float], k: int) -> Cell:
    return Cell(round(mean(values), 1) if len(values) >= k else None)


def _values(results: list[dict[str, Any]], dim: str) -> list[float]:
    return [
        float(s["score"])
        for r in results
        for s in r.get("sections", [])
        if s.get("id") == dim and s.get("score") is not None
    ]


def readiness_by_region(*, lang: str, k: int = K_MIN) -> Table:
    """Mean readiness score (0 to 100) per region and dimension, hiding small groups.

    The "all regions" row pools only numbers that are themselves shown: pooling a hidden
    region too would let anyone subtract the shown rows from it and read the hidden one.
    """
    instrument = instrument_get("readiness")
    dimensions = [s.id for s in instrument.sections if any(q.scored for q in s.questions)]
    by_region: dict[str, list[dict[str, Any]]] = {}
    for country, result in _latest_per_agency():
        region = region_of(country)
        if region is not None:
            by_region.setdefault(region, []).append(result)

    rows = []
    pooled: dict[str, list[float]] = {d: [] for d in dimensions}
    pooled_overall: list[float] = []
    pooled_agencies = 0
    for region in Region:
        results = by_region.get(region.value, [])
        enough = len(results) >= k
        cells = []
        for dim in dimensions:
            values = _values(results, dim)
            cell = _cell(values, k) if enough else Cell(None)
            if cell.shown:
                pooled[dim] += values
            cells.append(cell)
        overall = [float(r["score"]) for r in results if r.get("score") is not None]
        overall_cell = _cell(overall, k) if enough else Cell(None)
        if enough:
            pooled_agencies += len(results)
            if overall_cell.shown:
                pooled_overall += overall
        rows.append(
            Row(
                label=str(region.label),
                enough=enough,
                agencies=len(results) if enough else None,
                overall=overall_cell,
                cells=cells,
            )
        )
    all_enough = pooled_agencies >= k
    rows.append(
        Row(
            label=_("All regions shown"),
            enough=all_enough,
            agencies=pooled_agencies if all_enough else None,
            overall=_cell(pooled_overall, k) if all_enough else Cell(None),
            cells=[_cell(pooled[d], k) if all_enough else Cell(None) for d in dimensions],
        )
    )
    return Table(
        dimensions=[instrument.text(f"{d}.title", lang) for d in dimensions], rows=rows, k=k
    )
