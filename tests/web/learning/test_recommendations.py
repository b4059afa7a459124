from __future__ import annotations

import yaml

from railab.toolkit.instruments import __path__ as instrument_dirs
from railab.web.learning.recommendations import (
    dimension_map,
    readiness_weakest_dimensions,
    recommend_for,
)
from railab.web.resources.seed import seed_records
from tests.conftest import World
from tests.web.learning.conftest import make_course
from tests.web.resources.conftest import make_entry


def _readiness_dimensions() -> list[str]:
    path = f"{next(iter(instrument_dirs))}/readiness.yaml"
    with open(path, encoding="utf-8") as handle:
        instrument = yaml.safe_load(handle)
    return [s["id"] for s in instrument["sections"] if s.get("weight", 1) != 0]


def test_every_readiness_dimension_is_mapped_to_existing_content() -> None:
    mapping = dimension_map()
    assert sorted(mapping) == sorted(_readiness_dimensions())
    seed_keys = {r["key"] for r in seed_records()}
    for dimension, spec in mapping.items():
        assert spec["courses"], dimension
        assert set(spec["resources"]) <= seed_keys, dimension
        assert set(spec["title"]) == {"en", "fr", "es", "ar"}


def test_recommend_for_weakest_dimensions_in_order(world: World) -> None:
    foundations = make_course(slug="responsible-ai-foundations")
    face = make_course(slug="face-recognition-demographic-differentials")
    make_course(slug="unrelated")
    williams = make_entry(
        "williams", source_key="seed:robert-williams-detroit-wrongful-arrest-2020"
    )
    result = recommend_for(weakest_dimensions=["monitoring", "legal", "no-such-dimension"])
    assert [item.dimension for item in result.items] == ["monitoring", "legal"]
    assert result.unknown_dimensions == ["no-such-dimension"]
    assert result.items[0].courses == [face, foundations]
    assert result.items[0].resources == [williams]
    assert result.items[1].courses == [foundations]
    assert result.courses == [face, foundations]


def test_unpublished_or_restricted_courses_are_not_recommended(world: World) -> None:
    make_course(slug="responsible-ai-foundations", published=False)
    make_course(
        slug="face-recognition-demographic-differentials",
        visibility="agency",
        agency=world.agency,
    )
    result = recommend_for(weakest_dimensions=["people"])
    assert result.items[0].courses == []
    assert recommend_for(weakest_dimensions=[]).items == []


def test_weakest_dimensions_without_a_toolkit_model(world: World, as_user) -> None:
    assert readiness_weakest_dimensions(world.agency) == []
    response = as_user(world.viewer).get(f"/agency/{world.agency.slug}/learning/")
    assert "completed a readiness assessment" in response.content.decode()


def test_weakest_dimensions_come_from_the_approved_readiness_assessment(
    world: World, as_user
) -> None:
    from django.utils import timezone

    from railab.web.toolkit.models import Assessment

    Assessment.objects.create(
        agency=world.agency,
        instrument="readiness",
        instrument_version=1,
        status="approved",
        created_by=world.admin,
        reviewed_at=timezone.now(),
        result={"weakest_sections": ["monitoring", "legal"]},
    )
    Assessment.objects.create(  # in progress: not used
        agency=world.agency,
        instrument="readiness",
        instrument_version=1,
        status="in_progress",
        created_by=world.admin,
        result={"weakest_sections": ["people"]},
    )
    assert readiness_weakest_dimensions(world.agency) == ["monitoring", "legal"]
    assert readiness_weakest_dimensions(world.other_agency) == []
    page = as_user(world.viewer).get(f"/agency/{world.agency.slug}/learning/")
    assert page.status_code == 200
