"""Results, PDF report, comparison over time, the Lab's k-anonymous aggregate, the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.test import RequestFactory
from django.utils import translation

from railab.web.toolkit import api, services
from railab.web.toolkit.aggregate import readiness_by_region
from railab.web.toolkit.charts import radar_svg
from tests.conftest import World
from tests.factories import AgencyFactory, MembershipFactory
from tests.web.toolkit.conftest import RISK_ANSWERS, approve, start

READINESS_STRONG = {"lead_strategy": "5", "lead_accountable": "5", "legal_review": "4"}


def test_results_show_levels_chart_table_and_matrix(world: World, as_user) -> None:
    a = start(world, answers=RISK_ANSWERS)
    html = as_user(world.viewer).get(f"/toolkit/{a.public_id}/results/").content.decode()
    assert 'class="matrix"' in html
    assert 'role="img"' in html
    assert 'data-testid="risk-register"' in html
    # Privacy: 4 x 4 inherent; data minimisation lowers likelihood by one: 3 x 4 residual.
    assert "4 \N{MULTIPLICATION SIGN} 4 = 16" in html
    assert "3 \N{MULTIPLICATION SIGN} 4 = 12" in html
    assert "Provisional" in html
    assert "style=" not in html.split("<main", 1)[1]  # the CSP allows no inline style


def test_readiness_radar_beside_its_table(world: World, as_user) -> None:
    a = start(world, "readiness", answers=READINESS_STRONG)
    for q in ("data_quality", "people_users", "tech_security"):
        services.answer_save(assessment=a, user=world.contributor, question=q, value="2")
    html = as_user(world.viewer).get(f"/toolkit/{a.public_id}/results/").content.decode()
    assert html.count('class="radar"') == 2  # sections and principles
    assert "<caption" in html  # the same numbers as a table


def test_radar_geometry() -> None:
    svg = str(radar_svg(["1", "2", "3", "4"], [100.0, 50.0, 0.0, None], title="T <x>"))
    assert 'aria-label="T &lt;x&gt;"' in svg
    # size 420: centre 210, radius 170; axis 1 points up, axis 2 right (half way).
    assert 'points="210.0,40.0 295.0,210.0 210.0,210.0 210.0,210.0"' in svg


def test_pdf_report_in_the_users_language(world: World, as_user) -> None:
    a = start(world, answers=RISK_ANSWERS)
    client = as_user(world.viewer)
    response = client.get(f"/toolkit/{a.public_id}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5000
    with translation.override("ar"):
        arabic = client.get(f"/toolkit/{a.public_id}/report.pdf", HTTP_ACCEPT_LANGUAGE="ar")
    assert arabic.content.startswith(b"%PDF")


def test_compare_two_assessments_of_the_same_use_case(world: World, as_user) -> None:
    before = approve(world, start(world, answers=RISK_ANSWERS))
    after = start(
        world,
        answers=RISK_ANSWERS
        | {"risk_privacy": {"likelihood": 2, "impact": 2, "mitigations": ["m_minimisation"]}},
    )
    html = (
        as_user(world.viewer)
        .get(f"/toolkit/{after.public_id}/compare/", {"with": str(before.public_id)})
        .content.decode()
    )
    assert 'data-testid="comparison"' in html
    assert "▲ better" in html  # residual privacy risk went from high to low
    start(world, answers={}, use_case="Other use case")
    assert (
        as_user(world.viewer)
        .get(
            f"/toolkit/{after.public_id}/compare/", {"with": "00000000-0000-0000-0000-000000000000"}
        )
        .status_code
        == 404
    )


def _approved_readiness(country: str, answer: str) -> None:
    membership = MembershipFactory(agency=AgencyFactory(country=country), role="assessor")
    other = MembershipFactory(agency=membership.agency, role="agency_admin")
    a = services.assessment_start(membership=membership, instrument_id="readiness")
    for q in ("lead_strategy", "lead_accountable"):
        services.answer_save(assessment=a, user=membership.user, question=q, value=answer)
    services.assessment_submit(assessment=a, membership=membership)
    services.assessment_review(assessment=a, membership=other, approve=True)


def test_lab_aggregate_hides_groups_under_five(world: World, as_user) -> None:
    for country, answer in [("FR", "5"), ("DE", "3"), ("IT", "3"), ("ES", "1"), ("PT", "3")]:
        _approved_readiness(country, answer)
    for country in ("KE", "NG", "GH"):  # three in Africa: never shown
        _approved_readiness(country, "5")
    table = readiness_by_region(lang="en")
    rows = {r.label: r for r in table.rows}
    europe, africa, everyone = rows["Europe"], rows["Africa"], rows["All regions shown"]
    assert europe.agencies == 5
    # Leadership: scores 100, 50, 50, 0, 50 (options 1..5 map to 0..100): mean 50.
    assert europe.cells[table.dimensions.index("Leadership and strategy")].value == 50.0
    assert not africa.enough
    assert not any(c.shown for c in africa.cells)
    assert africa.agencies is None
    # Africa's three are not pooled into the total, or they could be subtracted out.
    assert everyone.agencies == 5
    assert everyone.overall == europe.overall
    html = as_user(world.curator).get("/lab/toolkit/readiness/").content.decode()
    assert "fewer than 5" in html
    for agency_name in ("Test Police",):
        assert agency_name not in html


def _request(user: object, agency: object = None) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user  # type: ignore[assignment]
    request.api_agency = agency  # type: ignore[attr-defined]
    return request


def test_api_reads_and_answers(world: World) -> None:
    """The router's functions, called as ninja calls them (the lead mounts the router)."""
    a = start(world, answers={"purpose_aim": "investigation"})
    listed = api.list_assessments(_request(world.contributor), world.agency.slug)
    assert [x["id"] for x in listed] == [a.public_id]
    got = api.put_answer(
        _request(world.contributor), a.public_id, "purpose_system", api.AnswerIn(value="FF3")
    )
    assert got["answers"] == {"purpose_aim": "investigation", "purpose_system": "FF3"}
    assert got["result"]["instrument"] == "risk-assessment"
    with pytest.raises(ValidationError, match="must be one of"):
        api.put_answer(
            _request(world.contributor), a.public_id, "purpose_aim", api.AnswerIn(value="x")
        )
    with pytest.raises(PermissionDenied):
        api.put_answer(_request(world.viewer), a.public_id, "purpose_aim", api.AnswerIn())
    with pytest.raises(Http404):
        api.get_assessment(_request(world.other_admin), a.public_id)
    with pytest.raises(Http404):  # a token of another agency, even for a member
        api.get_assessment(_request(world.contributor, world.other_agency), a.public_id)
    assert api.export_assessment(_request(world.viewer), a.public_id)["instrument"] == (
        "risk-assessment"
    )
