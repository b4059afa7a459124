from __future__ import annotations

from railab.web.core.tenancy import Visibility
from railab.web.learning import courses as course_services
from railab.web.learning.models import ContactRequest
from tests.conftest import World
from tests.helpers.tenancy import Expect, check_app_access
from tests.web.learning.conftest import choice_ids, make_course, make_event, make_expert

OPEN = Expect(anonymous=200, other_agency=200, viewer=200, admin=200)
SIGNED_IN = Expect(anonymous=302, other_agency=200, viewer=200, admin=200)
# Objects of the owning agency only: anonymous and another agency get 404.
AGENCY_ONLY = Expect(anonymous=404, other_agency=404, viewer=200, admin=200)
AGENCY_POST = Expect(anonymous=302, other_agency=404, viewer=302, admin=302, method="post")
MANAGERS = Expect(anonymous=302, other_agency=404, viewer=403, admin=200)
LAB_POST = Expect(anonymous=302, other_agency=403, viewer=403, admin=403, method="post")


def test_learning_urls(world: World) -> None:
    """Event and course belong to ``world.agency`` (agency-only visibility); the expert
    profile is the viewer's own, unlisted; the contact request is from the admin to it."""
    event = make_event(visibility=Visibility.AGENCY, agency=world.agency)
    course = make_course(visibility=Visibility.AGENCY, agency=world.agency, modules=1)
    module = course.modules.get()
    question = module.questions.get()
    enrollment = course_services.course_enroll(course=course, user=world.viewer)
    result = course_services.answer_submit(
        enrollment=enrollment, question=question, choice_ids=choice_ids(question, "Right")
    )
    assert result.certificate is not None
    expert = make_expert(user=world.viewer, listed=False)
    request = ContactRequest.objects.create(
        expert=expert, requester=world.admin, subject="Help", message="A question for you."
    )
    check_app_access(
        world,
        "learning",
        url_kwargs={
            "event_id": event.public_id,
            "slug": course.slug,
            "module_slug": module.slug,
            "question_id": question.public_id,
            "code": result.certificate.code,
            "expert_id": expert.public_id,
            "request_id": request.public_id,
        },
        expectations={
            "learning:events": OPEN,
            "learning:events_feed": OPEN,
            "learning:event_create": Expect(anonymous=302, other_agency=200, viewer=403, admin=200),
            "learning:event_detail": AGENCY_ONLY,
            "learning:event_ics": AGENCY_ONLY,
            "learning:event_edit": MANAGERS,
            "learning:event_attendees": MANAGERS,
            "learning:event_register": AGENCY_POST,
            "learning:event_cancel": AGENCY_POST,
            "learning:set_timezone": Expect(
                anonymous=302,
                other_agency=302,
                viewer=302,
                admin=302,
                method="post",
                data={"tz-time_zone": "Asia/Singapore"},
                login_redirect=False,
            ),
            "learning:mine": SIGNED_IN,
            "learning:courses": OPEN,
            "learning:course_detail": AGENCY_ONLY,
            "learning:course_enroll": AGENCY_POST,
            "learning:module": AGENCY_ONLY,
            "learning:module_read": AGENCY_POST,
            "learning:answer": Expect(
                anonymous=302,
                other_agency=404,
                viewer=302,
                admin=302,
                method="post",
                data={f"q{question.pk}-choice": [str(choice_ids(question, "Wrong")[0])]},
            ),
            # Only the learner who earned it downloads it; anyone may verify it.
            "learning:certificate_download": Expect(
                anonymous=302, other_agency=404, viewer=200, admin=404
            ),
            "learning:certificate_lookup": OPEN,
            "learning:certificate_verify": OPEN,
            "learning:experts": SIGNED_IN,
            "learning:expert_profile_edit": SIGNED_IN,
            # An unlisted profile is seen by its owner only.
            "learning:expert_detail": Expect(
                anonymous=302, other_agency=404, viewer=200, admin=404
            ),
            "learning:expert_contact": Expect(
                anonymous=302, other_agency=404, viewer=200, admin=404
            ),
            "learning:expert_verify": LAB_POST,
            "learning:contact_requests": SIGNED_IN,
            # Only the person who asked and the expert asked.
            "learning:contact_request": Expect(
                anonymous=302, other_agency=404, viewer=200, admin=200
            ),
            "learning:recommendations": Expect(
                anonymous=302,
                other_agency=404,
                viewer=200,
                admin=200,
                kwargs={"slug": world.agency.slug},
            ),
        },
    )
