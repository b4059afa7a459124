"""Services on hand-made answers: each change and its audit row, in one transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from railab.web.accounts.models import Role
from railab.web.auditlog.models import AuditEvent
from railab.web.toolkit import selectors, services
from railab.web.toolkit.models import Action, Answer, AnswerChange, Assessment, Status
from tests.conftest import World, membership_of
from tests.factories import MembershipFactory
from tests.web.toolkit.conftest import RISK_ANSWERS, approve, start


def actions_logged(assessment: Assessment) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(assessment.public_id))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_answers_are_saved_with_history_and_audit(world: World) -> None:
    a = start(world, answers={"purpose_system": "FaceFinder 3"})
    services.answer_save(
        assessment=a, user=world.assessor, question="purpose_system", value="FaceFinder 4"
    )
    services.answer_save(assessment=a, user=world.assessor, question="purpose_system", value="")
    assert not Answer.objects.filter(assessment=a).exists()
    history = list(AnswerChange.objects.filter(assessment=a).order_by("id"))
    assert [(c.value, c.user) for c in history] == [
        ("FaceFinder 3", world.contributor),
        ("FaceFinder 4", world.assessor),
        (None, world.assessor),
    ]
    assert actions_logged(a) == ["toolkit.assessment.start"] + ["toolkit.answer.save"] * 3


@pytest.mark.parametrize(
    ("question", "value", "reason"),
    [
        ("purpose_function", "crystal_ball", "must be one of"),
        ("risk_privacy", {"likelihood": 9, "impact": 1}, "likelihood must be a whole number"),
        ("purpose_start", "next spring", "YYYY-MM-DD"),
        ("no_such_question", "x", "There is no question"),
    ],
)
def test_invalid_answers_are_refused_with_the_reason(
    world: World, question: str, value: object, reason: str
) -> None:
    a = start(world)
    with pytest.raises(ValidationError, match=reason):
        services.answer_save(assessment=a, user=world.contributor, question=question, value=value)
    assert not Answer.objects.filter(assessment=a).exists()
    assert actions_logged(a) == ["toolkit.assessment.start"]


def test_answers_to_hidden_questions_are_kept_but_not_scored(world: World) -> None:
    """purpose_realtime shows only for biometric functions."""
    a = start(world, answers={"purpose_function": "face_recognition", "purpose_realtime": "yes"})
    instrument = selectors.instrument_of(a)
    escalated = selectors.result_of(instrument, selectors.answers_document(a))
    assert escalated is not None
    assert escalated.escalations
    services.answer_save(
        assessment=a, user=world.contributor, question="purpose_function", value="place_prediction"
    )
    assert Answer.objects.get(assessment=a, question="purpose_realtime").value == "yes"
    result = selectors.result_of(instrument, selectors.answers_document(a))
    assert result is not None
    assert result.hidden_answers == ("purpose_realtime",)
    assert not result.escalations


def test_submit_review_approve_each_step_audited(world: World) -> None:
    a = start(world, answers=RISK_ANSWERS)
    services.assessment_submit(
        assessment=a, membership=membership_of(world.contributor, world.agency)
    )
    with pytest.raises(ValidationError, match="Say what needs to change"):
        services.assessment_review(
            assessment=a, membership=membership_of(world.assessor, world.agency), approve=False
        )
    services.assessment_review(
        assessment=a,
        membership=membership_of(world.assessor, world.agency),
        approve=False,
        note="Rate the other risks.",
    )
    a.refresh_from_db()
    assert (a.status, a.review_note) == (Status.RETURNED, "Rate the other risks.")
    services.answer_save(
        assessment=a,
        user=world.contributor,
        question="risk_discrimination",
        value={"likelihood": 2, "impact": 3},
    )
    approve(world, a)
    assert a.status == Status.APPROVED
    assert a.result is not None
    assert a.result["level"] == "high"
    assert actions_logged(a)[-5:] == [
        "toolkit.assessment.submit",
        "toolkit.assessment.return",
        "toolkit.answer.save",
        "toolkit.assessment.submit",
        "toolkit.assessment.approve",
    ]
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.answer_save(
            assessment=a, user=world.contributor, question="purpose_system", value="x"
        )


def test_reviewers_and_the_four_eyes_rule(world: World) -> None:
    """Viewers and contributors never review; the submitter reviews only when alone."""
    a = start(world, user=world.assessor)
    services.assessment_submit(assessment=a, membership=membership_of(world.assessor, world.agency))
    for user in (world.viewer, world.contributor, world.assessor):
        with pytest.raises(PermissionDenied):
            services.assessment_review(
                assessment=a, membership=membership_of(user, world.agency), approve=True
            )
    services.assessment_review(
        assessment=a, membership=membership_of(world.admin, world.agency), approve=True
    )
    # In an agency where the submitter is the only assessor, they may approve.
    assessor = MembershipFactory(role=Role.ASSESSOR)
    MembershipFactory(agency=assessor.agency, role=Role.CONTRIBUTOR)
    b = services.assessment_start(membership=assessor, instrument_id="readiness")
    services.assessment_submit(assessment=b, membership=assessor)
    services.assessment_review(assessment=b, membership=assessor, approve=True)
    b.refresh_from_db()
    assert b.status == Status.APPROVED


def test_action_plan_generated_once_from_the_recommendations(world: World) -> None:
    a = approve(world, start(world, answers=RISK_ANSWERS))
    created = services.action_plan_generate(assessment=a, user=world.contributor)
    assert [x.recommendation for x in created] == a.result["recommendations"]
    assert services.action_plan_generate(assessment=a, user=world.contributor) == []
    action = Action.objects.filter(assessment=a).first()
    assert action is not None
    services.action_update(
        action=action,
        user=world.contributor,
        owner=world.viewer,
        due_on=dt.date(2031, 1, 31),
        status="in_progress",
        note="Ask the vendor.",
    )
    with pytest.raises(ValidationError, match="member of the agency"):
        services.action_update(
            action=action,
            user=world.contributor,
            owner=world.other_admin,
            due_on=None,
            status="open",
            note="",
        )
    assert actions_logged(a)[-2:] == ["toolkit.plan.generate", "toolkit.plan.update"]


def test_fria_is_prefilled_from_the_risk_assessment_of_the_same_use_case(world: World) -> None:
    risk = start(world, answers=RISK_ANSWERS | {"purpose_description": "Find suspects in CCTV"})
    fria = start(world, "fria")
    assert fria.prefilled_from == risk
    values = selectors.answer_values(fria)
    assert values["a_purpose"] == "Find suspects in CCTV"
    assert fria.sources["a_purpose"]["question"] == "purpose_description"
    # Another use case gets nothing pre-filled.
    other = start(world, "fria", use_case="Drone patrols")
    assert other.prefilled_from is None
    assert not selectors.answer_values(other)


def test_reminders_are_sent_once_per_date(world: World, django_capture_on_commit_callbacks) -> None:
    a = start(world)
    services.reassessment_set(assessment=a, user=world.assessor, date=dt.date(2030, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due(today=dt.date(2030, 4, 30)) == 0
        assert services.reminders_send_due(today=dt.date(2030, 5, 1)) == 1
        assert services.reminders_send_due(today=dt.date(2030, 5, 2)) == 0
        call_command("toolkit_reminders", today="2030-05-03")
    assert len(mail.outbox) == 1
    assert "Re-assessment due" in mail.outbox[0].subject
    assert set(mail.outbox[0].to) == {
        world.admin.email,
        world.assessor.email,
        world.contributor.email,
    }
    # A new date means a new reminder.
    services.reassessment_set(assessment=a, user=world.assessor, date=dt.date(2031, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due(today=dt.date(2031, 5, 1)) == 1
    assert len(mail.outbox) == 2
