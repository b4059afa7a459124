"""Answering through the pages: autosave with htmx, conditions, progress, comments."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from railab.web.toolkit import selectors
from railab.web.toolkit.models import Answer, Comment
from tests.conftest import World
from tests.web.toolkit.conftest import start

HX = {"HTTP_HX_REQUEST": "true"}


def oob_ids(html: str) -> list[str]:
    return re.findall(r'id="([^"]+)"[^>]*hx-swap-oob="true"', html)


def test_start_a_risk_assessment_for_a_new_use_case(world: World, as_user) -> None:
    client = as_user(world.contributor)
    response = client.post(
        f"/agency/{world.agency.slug}/toolkit/new/",
        {"instrument": "risk-assessment", "new_name": "Number-plate readers"},
    )
    assessment = world.agency and selectors.assessments_of(agency=world.agency).get()
    assert response.status_code == 302
    assert response["Location"] == f"/toolkit/{assessment.public_id}/"
    assert assessment.use_case is not None
    assert assessment.use_case.name == "Number-plate readers"
    page = client.get(response["Location"])
    assert "Number-plate readers" in page.content.decode()


def test_autosave_shows_and_hides_dependent_questions(world: World, as_user) -> None:
    """purpose_realtime appears for face recognition, disappears for place prediction,
    and keeps its answer meanwhile."""
    a = start(world)
    client = as_user(world.contributor)
    url = f"/toolkit/{a.public_id}/answer/"
    page = client.get(f"/toolkit/{a.public_id}/section/purpose/").content.decode()
    assert '<div id="q-purpose_realtime" class="tk-slot" hidden' in page

    shown = client.post(url + "purpose_function/", {"value": "face_recognition"}, **HX)
    html = shown.content.decode()
    assert html.lstrip().startswith('<div id="q-purpose_function"')
    assert oob_ids(html) == ["q-purpose_realtime", "tk-progress"]
    assert "Will identification be carried out in real time" in html

    client.post(url + "purpose_realtime/", {"value": "no"}, **HX)
    hidden = client.post(url + "purpose_function/", {"value": "place_prediction"}, **HX)
    html = hidden.content.decode()
    assert oob_ids(html) == ["q-purpose_realtime", "tk-progress"]
    assert '<div id="q-purpose_realtime" class="tk-slot" hidden hx-swap-oob="true">' in html
    assert Answer.objects.get(assessment=a, question="purpose_realtime").value == "no"
    # Unrelated answers change nothing else on the page.
    html = client.post(url + "purpose_aim/", {"value": "investigation"}, **HX).content.decode()
    assert oob_ids(html) == ["tk-progress"]


def test_progress_counts_only_shown_questions(world: World, as_user) -> None:
    a = start(world)
    client = as_user(world.contributor)
    url = f"/toolkit/{a.public_id}/answer/"
    html = client.post(url + "purpose_aim/", {"value": "investigation"}, **HX).content.decode()
    assert 'data-testid="section-progress-purpose">1/9<' in html
    html = client.post(
        url + "purpose_function/", {"value": "face_recognition"}, **HX
    ).content.decode()
    assert 'data-testid="section-progress-purpose">2/10<' in html


def test_an_invalid_answer_is_shown_and_not_saved(world: World, as_user) -> None:
    a = start(world)
    html = (
        as_user(world.contributor)
        .post(f"/toolkit/{a.public_id}/answer/purpose_start/", {"value": "soon"}, **HX)
        .content.decode()
    )
    assert "must be a date as YYYY-MM-DD" in html
    assert not Answer.objects.filter(assessment=a).exists()


def test_risk_and_multiple_choice_answers(world: World, as_user) -> None:
    a = start(world)
    client = as_user(world.contributor)
    url = f"/toolkit/{a.public_id}/answer/"
    client.post(
        url + "risk_privacy/",
        {"likelihood": "4", "impact": "3", "mitigations": ["m_retention"], "note": "CCTV"},
        **HX,
    )
    client.post(url + "rights_persons/", {"value": ["children", "migrants"]}, **HX)
    values = selectors.answer_values(a)
    assert values["risk_privacy"] == {
        "likelihood": 4,
        "impact": 3,
        "mitigations": ["m_retention"],
        "note": "CCTV",
    }
    assert values["rights_persons"] == ["children", "migrants"]
    # A half-rated risk is kept while the impact is still to be chosen.
    client.post(url + "risk_breach/", {"likelihood": "2"}, **HX)
    assert selectors.answer_values(a)["risk_breach"] == {"likelihood": 2}


def test_without_javascript_the_form_posts_and_returns(world: World, as_user) -> None:
    a = start(world)
    response = as_user(world.contributor).post(
        f"/toolkit/{a.public_id}/answer/purpose_aim/", {"value": "investigation"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/toolkit/{a.public_id}/section/purpose/#q-purpose_aim"


def test_viewers_read_without_inputs(world: World, as_user) -> None:
    a = start(world, answers={"purpose_aim": "investigation"})
    html = as_user(world.viewer).get(f"/toolkit/{a.public_id}/section/purpose/").content.decode()
    assert "hx-post" not in html
    assert 'value="investigation" checked disabled' in html


def test_comments_per_question(world: World, as_user) -> None:
    a = start(world)
    html = (
        as_user(world.assessor)
        .post(
            f"/toolkit/{a.public_id}/comment/purpose_aim/",
            {"body": "Is prevention the aim too?"},
            **HX,
        )
        .content.decode()
    )
    assert html.startswith('<details class="tk-comments" id="comments-purpose_aim" open>')
    assert "Is prevention the aim too?" in html
    assert Comment.objects.get().author == world.assessor
    page = as_user(world.viewer).get(f"/toolkit/{a.public_id}/section/purpose/").content.decode()
    assert "Is prevention the aim too?" in page
    assert (
        as_user(world.viewer)
        .post(f"/toolkit/{a.public_id}/comment/purpose_aim/", {"body": "x"})
        .status_code
        == 403
    )


def test_history_lists_who_answered_what(world: World, as_user) -> None:
    a = start(world, answers={"purpose_aim": "investigation"})
    start(world, user=world.assessor, answers={})
    html = as_user(world.viewer).get(f"/toolkit/{a.public_id}/history/").content.decode()
    assert "Which legitimate aim does the use pursue?" in html
    assert "Investigation of specific offences" in html
    assert str(world.contributor) in html


def test_lists_do_not_query_per_row(world: World, as_user) -> None:
    client = as_user(world.viewer)
    a = start(world, answers={"purpose_aim": "investigation"})
    index = f"/agency/{world.agency.slug}/toolkit/"
    history = f"/toolkit/{a.public_id}/history/"
    client.get(index)
    with CaptureQueriesContext(connection) as few_index:
        client.get(index)
    with CaptureQueriesContext(connection) as few_history:
        client.get(history)
    for n in range(4):
        start(world, "readiness" if n % 2 else "fria", use_case=f"Case {n}")
        start(world, answers={"purpose_aim": "serious_crime", "purpose_system": f"S{n}"})
    with CaptureQueriesContext(connection) as many_index:
        response = client.get(index)
    with CaptureQueriesContext(connection) as many_history:
        client.get(history)
    assert len(response.context["rows"]) == 9
    assert len(many_index) == len(few_index)
    assert len(many_history) == len(few_history)
