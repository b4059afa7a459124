from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from railab.web.auditlog.models import AuditEvent
from railab.web.learning import courses as course_services
from railab.web.learning.courses import CODE_ALPHABET
from railab.web.learning.markdown import render_markdown
from railab.web.learning.models import Answer, Certificate, Enrollment
from tests.conftest import World
from tests.web.learning.conftest import choice_ids, make_course


def _questions(course):  # type: ignore[no-untyped-def]
    return [q for m in course.modules.order_by("position") for q in m.questions.all()]


def test_quiz_progress_and_certificate(world: World) -> None:
    course = make_course(modules=3)
    enrollment = course_services.course_enroll(course=course, user=world.viewer)
    q1, q2a, q2b = _questions(course)

    wrong = course_services.answer_submit(
        enrollment=enrollment, question=q1, choice_ids=choice_ids(q1, "Wrong")
    )
    assert not wrong.answer.correct
    assert not wrong.module_completed
    right = course_services.answer_submit(
        enrollment=enrollment, question=q1, choice_ids=choice_ids(q1, "Right")
    )
    assert right.answer.correct
    assert right.answer.attempts == 2
    assert right.module_completed

    # Multiple choice: every right answer and no wrong one.
    partial = course_services.answer_submit(
        enrollment=enrollment, question=q2b, choice_ids=choice_ids(q2b, "A")
    )
    assert not partial.answer.correct
    too_many = course_services.answer_submit(
        enrollment=enrollment, question=q2b, choice_ids=choice_ids(q2b, "A", "B", "C")
    )
    assert not too_many.answer.correct
    course_services.answer_submit(
        enrollment=enrollment, question=q2b, choice_ids=choice_ids(q2b, "A", "C")
    )
    done = course_services.answer_submit(
        enrollment=enrollment, question=q2a, choice_ids=choice_ids(q2a, "Right")
    )
    assert done.module_completed
    assert done.certificate is None  # module 3 (no quiz) still unread

    last = course.modules.get(position=3)
    certificate = course_services.module_mark_read(enrollment=enrollment, module=last)
    assert certificate is not None
    assert certificate.learner_name == world.viewer.full_name
    assert certificate.course_title == course.title
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    assert AuditEvent.objects.filter(action="certificate.issue").count() == 1
    # Issued once, whatever happens next.
    again = course_services.module_mark_read(enrollment=enrollment, module=last)
    assert again == certificate
    assert Certificate.objects.count() == 1


def test_certificate_codes_are_readable_and_random() -> None:
    codes = {course_services.certificate_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        prefix, *groups = code.split("-")
        assert prefix == "RAIL"
        assert [len(g) for g in groups] == [4, 4, 4]
        assert set("".join(groups)) <= set(CODE_ALPHABET)


@pytest.mark.parametrize(
    ("texts", "message"),
    [((), "Choose an answer"), (("Wrong", "Right"), "exactly one")],
)
def test_bad_answers_are_refused(world: World, texts: tuple[str, ...], message: str) -> None:
    course = make_course(modules=1)
    enrollment = course_services.course_enroll(course=course, user=world.viewer)
    (q,) = _questions(course)
    with pytest.raises(ValidationError, match=message):
        course_services.answer_submit(
            enrollment=enrollment, question=q, choice_ids=choice_ids(q, *texts)
        )
    other = make_course(slug="other", modules=1)
    (foreign,) = _questions(other)
    with pytest.raises(ValidationError, match="does not belong"):
        course_services.answer_submit(
            enrollment=enrollment, question=q, choice_ids=choice_ids(foreign, "Right")
        )
    assert not Answer.objects.exists()


def test_module_with_quiz_cannot_be_marked_read(world: World) -> None:
    course = make_course(modules=1)
    enrollment = course_services.course_enroll(course=course, user=world.viewer)
    with pytest.raises(ValidationError, match="Answer the questions"):
        course_services.module_mark_read(enrollment=enrollment, module=course.modules.get())


def test_answer_page_shows_explanation_then_completes(world: World, as_user) -> None:
    course = make_course(modules=2)
    client = as_user(world.viewer)
    client.post(reverse("learning:course_enroll", args=[course.slug]))
    (q,) = course.modules.get(position=1).questions.all()
    url = reverse("learning:answer", args=[course.slug, "m1", q.public_id])
    field = f"q{q.pk}-choice"
    response = client.post(url, {field: choice_ids(q, "Wrong")}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not quite" in html
    assert "Because it is right." in html
    # Bad input: nothing chosen, or a choice of another question.
    response = client.post(url, {}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Choose an answer." in response.content.decode()
    response = client.post(url, {field: ["999999"]}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    # The right answer completes the module: htmx reloads the page.
    response = client.post(url, {field: choice_ids(q, "Right")}, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Refresh"] == "true"
    page = client.get(reverse("learning:module", args=[course.slug, "m1"])).content.decode()
    assert "1 of 2 modules done" in page


def test_certificate_pdf_and_public_verification(world: World, as_user) -> None:
    course = make_course(modules=1, title="Responsible AI basics")
    enrollment = course_services.course_enroll(course=course, user=world.viewer)
    (q,) = _questions(course)
    result = course_services.answer_submit(
        enrollment=enrollment, question=q, choice_ids=choice_ids(q, "Right")
    )
    certificate = result.certificate
    assert certificate is not None

    response = as_user(world.viewer).get(
        reverse("learning:certificate_download", args=[course.slug])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")

    anonymous = Client()
    page = anonymous.get(reverse("learning:certificate_verify", args=[certificate.code]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "This certificate is genuine." in html
    assert world.viewer.full_name in html
    assert "Responsible AI basics" in html
    # The code may be typed in lower case, with spaces and without dashes.
    sloppy = certificate.code.lower().replace("-", " ")
    response = anonymous.get(reverse("learning:certificate_lookup"), {"code": sloppy})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse(
        "learning:certificate_verify", args=[certificate.code]
    )
    # Unknown and malformed codes.
    unknown = anonymous.get(reverse("learning:certificate_verify", args=["RAIL-0000-0000-0000"]))
    assert unknown.status_code == 404
    assert "No certificate has this code." in unknown.content.decode()
    bad = anonymous.get(reverse("learning:certificate_lookup"), {"code": "hello"})
    assert bad.status_code == 404
    assert "A code looks like" in bad.content.decode()
    # A withdrawn certificate no longer verifies.
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=certificate.issued_at)
    page = anonymous.get(reverse("learning:certificate_verify", args=[certificate.code]))
    assert "was withdrawn" in page.content.decode()


def test_no_certificate_download_before_completion(world: World, as_user) -> None:
    course = make_course(modules=1)
    client = as_user(world.viewer)
    client.post(reverse("learning:course_enroll", args=[course.slug]))
    url = reverse("learning:certificate_download", args=[course.slug])
    assert client.get(url).status_code == 404


def test_course_list_query_count_does_not_grow(world: World, as_user) -> None:
    client = as_user(world.viewer)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("learning:courses")).status_code == 200
        return len(ctx.captured_queries)

    make_course(slug="c0")
    one = count()
    for i in range(1, 5):
        course = make_course(slug=f"c{i}")
        Enrollment.objects.create(course=course, user=world.viewer)
    assert count() == one


def test_markdown_is_sanitised() -> None:
    html = str(
        render_markdown(
            "## Title\n\n<img src=x onerror=alert(1)> [a](javascript:alert(1)) "
            '<a href="https://ok.example" onclick="x()">ok</a>\n\n| a | b |\n|---|---|\n| 1 | 2 |'
        )
    )
    assert "<h2>Title</h2>" in html
    assert "<img" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert 'href="https://ok.example"' in html
    assert "<table>" in html
