"""The API functions, called directly (the router is mounted by the platform's API)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from railab.web.core.tenancy import Visibility
from railab.web.learning import api
from railab.web.learning.models import Registration
from tests.conftest import World
from tests.web.learning.conftest import choice_ids, make_course, make_event, make_expert


def _request(user):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_events_registration_and_scoping(world: World) -> None:
    event = make_event(capacity=1, visibility=Visibility.AGENCY, agency=world.agency)
    listed = api.events_list(_request(world.viewer), api.EventsIn())
    assert [e["id"] for e in listed] == [event.public_id]
    assert api.events_list(_request(world.other_viewer), api.EventsIn()) == []
    first = api.events_register(_request(world.viewer), event.public_id)
    assert first == {"event": event.public_id, "status": "confirmed", "waitlist_position": 0}
    second = api.events_register(_request(world.admin), event.public_id)
    assert second["status"] == "waitlisted"
    assert second["waitlist_position"] == 1
    api.events_cancel(_request(world.viewer), event.public_id)
    assert Registration.objects.get(user=world.admin).status == "confirmed"
    assert api.events_get(_request(world.admin), event.public_id)["seats_taken"] == 1


def test_courses_certificates_and_experts(world: World) -> None:
    from railab.web.learning import courses

    course = make_course(modules=1)
    assert [c["slug"] for c in api.courses_list(_request(world.viewer))] == [course.slug]
    enrollment = courses.course_enroll(course=course, user=world.viewer)
    question = course.modules.get().questions.get()
    result = courses.answer_submit(
        enrollment=enrollment, question=question, choice_ids=choice_ids(question, "Right")
    )
    assert result.certificate is not None
    checked = api.certificates_verify(_request(AnonymousUser()), result.certificate.code)
    assert checked["valid"] is True
    assert checked["learner_name"] == world.viewer.full_name
    missing = api.certificates_verify(_request(AnonymousUser()), "RAIL-0000-0000-0000")
    assert missing.status_code == 404  # type: ignore[union-attr]

    make_expert(user=world.other_viewer)
    found = api.experts_search(_request(world.viewer), api.ExpertsIn(language="fr"))
    assert [e["name"] for e in found] == ["Amina Diallo"]
    assert "email" not in found[0]
