"""Courses and resources recommended to an agency's members from the weakest dimensions
of its readiness assessment. The mapping is data (``content/recommendations.yaml``), keyed
by the section ids of the readiness instrument
(``railab/toolkit/instruments/readiness.yaml``)."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.utils.translation import get_language

from railab.web.learning.models import Course
from railab.web.resources.models import Entry, EntryStatus

if TYPE_CHECKING:
    from railab.web.accounts.models import Agency

log = logging.getLogger(__name__)

MAPPING_FILE = Path(__file__).parent / "content" / "recommendations.yaml"


@functools.cache
def dimension_map() -> dict[str, dict[str, Any]]:
    """``{dimension id: {"title": {lang: text}, "why": {...}, "courses": [...],
    "resources": [...]}}`` as written in the mapping file."""
    data = yaml.safe_load(MAPPING_FILE.read_text(encoding="utf-8"))
    return {item["dimension"]: item for item in data["dimensions"]}


def _text(value: dict[str, str] | str) -> str:
    if isinstance(value, str):
        return value
    lang = (get_language() or "en").split("-")[0]
    return value.get(lang) or value.get("en") or ""


@dataclass(frozen=True)
class DimensionRecommendation:
    dimension: str
    title: str
    why: str
    courses: list[Course] = field(default_factory=list)
    resources: list[Entry] = field(default_factory=list)


@dataclass(frozen=True)
class Recommendations:
    items: list[DimensionRecommendation]
    unknown_dimensions: list[str]

    @property
    def courses(self) -> list[Course]:
        """Every recommended course once, weakest dimension first."""
        seen: dict[int, Course] = {}
        for item in self.items:
            for course in item.courses:
                seen.setdefault(course.pk, course)
        return list(seen.values())

    def __bool__(self) -> bool:
        return bool(self.items)


def recommend_for(*, weakest_dimensions: list[str]) -> Recommendations:
    """What to study for each of ``weakest_dimensions`` (weakest first).

    Courses must be published and public or open to law enforcement; resources must be
    published and public. Unknown dimension ids are reported, not an error: an agency may
    use its own version of the instrument.
    """
    mapping = dimension_map()
    wanted = list(dict.fromkeys(weakest_dimensions))
    known = [d for d in wanted if d in mapping]
    unknown = [d for d in wanted if d not in mapping]
    slugs = {s for d in known for s in mapping[d].get("courses", [])}
    keys = {f"seed:{k}" for d in known for k in mapping[d].get("resources", [])}
    courses = {
        c.slug: c
        for c in Course.objects.filter(
            slug__in=slugs, published=True, visibility__in=["public", "law_enforcement"]
        )
    }
    entries = {
        e.source_key: e
        for e in Entry.objects.filter(
            source_key__in=keys, status=EntryStatus.APPROVED, visibility="public"
        )
    }
    items = []
    for dimension in known:
        spec = mapping[dimension]
        items.append(
            DimensionRecommendation(
                dimension=dimension,
                title=_text(spec["title"]),
                why=_text(spec.get("why", "")),
                courses=[courses[s] for s in spec.get("courses", []) if s in courses],
                resources=[
                    entries[key]
                    for key in (f"seed:{k}" for k in spec.get("resources", []))
                    if key in entries
                ],
            )
        )
    return Recommendations(items=items, unknown_dimensions=unknown)


def readiness_weakest_dimensions(agency: Agency) -> list[str]:
    """The weakest dimensions of ``agency``'s latest approved readiness assessment (the
    result frozen at approval), or ``[]`` when it has none yet."""
    from railab.web.toolkit.models import Assessment, Status

    assessment = (
        Assessment.objects.filter(agency=agency, instrument="readiness", status=Status.APPROVED)
        .exclude(result=None)
        .order_by("-reviewed_at")
        .first()
    )
    if assessment is None or not isinstance(assessment.result, dict):
        return []
    return [str(d) for d in assessment.result.get("weakest_sections") or []]
