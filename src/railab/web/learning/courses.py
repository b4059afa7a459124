"""Writes about courses: enrolment, answers to quizzes, progress and the certificate.

A module is complete when every question of its quiz has been answered correctly (an
attempt may be repeated; the explanation is shown after each answer) or, for a module
without a quiz, when the learner marks it as read. When every module is complete the
certificate is issued in the same transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from railab.web.auditlog.services import audit_record
from railab.web.learning.models import (
    Answer,
    Certificate,
    Course,
    Enrollment,
    Module,
    ModuleCompletion,
    Question,
    QuestionKind,
)

if TYPE_CHECKING:
    from railab.web.accounts.models import User

# Crockford's base-32 alphabet: no I, L, O or U to misread on paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def certificate_code() -> str:
    """``RAIL-XXXX-XXXX-XXXX``: 60 random bits, easy to read out and type."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"RAIL-{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def course_enroll(*, course: Course, user: User) -> Enrollment:
    enrollment, _ = Enrollment.objects.get_or_create(course=course, user=user)
    return enrollment


@dataclass(frozen=True)
class AnswerResult:
    answer: Answer
    correct_choice_ids: set[int]
    module_completed: bool
    certificate: Certificate | None


def answer_submit(
    *, enrollment: Enrollment, question: Question, choice_ids: list[int]
) -> AnswerResult:
    """Record an answer and what it completes."""
    choices = {c.pk: c for c in question.choices.all()}
    chosen = sorted(set(choice_ids))
    if not chosen:
        raise ValidationError(_("Choose an answer."))
    if any(pk not in choices for pk in chosen):
        raise ValidationError(_("That answer does not belong to this question."))
    if question.kind == QuestionKind.SINGLE and len(chosen) != 1:
        raise ValidationError(_("Choose exactly one answer."))
    correct_ids = {pk for pk, c in choices.items() if c.correct}
    correct = set(chosen) == correct_ids
    with transaction.atomic():
        answer, created = Answer.objects.select_for_update().get_or_create(
            enrollment=enrollment,
            question=question,
            defaults={"choices": chosen, "correct": correct},
        )
        if not created:
            answer.choices = chosen
            answer.correct = correct
            answer.attempts += 1
            answer.answered_at = timezone.now()
            answer.save(update_fields=["choices", "correct", "attempts", "answered_at"])
        module = question.module
        completed = False
        certificate = None
        if correct and _quiz_passed(enrollment, module):
            completed = _complete(enrollment, module)
            certificate = _maybe_certify(enrollment)
    return AnswerResult(answer, correct_ids, completed, certificate)


def module_mark_read(*, enrollment: Enrollment, module: Module) -> Certificate | None:
    """Complete a module without a quiz."""
    if module.questions.exists():
        raise ValidationError(_("Answer the questions of this module to complete it."))
    with transaction.atomic():
        _complete(enrollment, module)
        return _maybe_certify(enrollment)


def _quiz_passed(enrollment: Enrollment, module: Module) -> bool:
    total = module.questions.count()
    right = Answer.objects.filter(
        enrollment=enrollment, question__module=module, correct=True
    ).count()
    return right == total


def _complete(enrollment: Enrollment, module: Module) -> bool:
    _, created = ModuleCompletion.objects.get_or_create(enrollment=enrollment, module=module)
    return created


def _maybe_certify(enrollment: Enrollment) -> Certificate | None:
    """Issue the certificate once every module is complete (at most once)."""
    course = enrollment.course
    total = course.modules.count()
    done = enrollment.completions.count()
    if total == 0 or done < total:
        return None
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing
    now = timezone.now()
    Enrollment.objects.filter(pk=enrollment.pk, completed_at=None).update(completed_at=now)
    enrollment.completed_at = enrollment.completed_at or now
    user = enrollment.user
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    enrollment=enrollment,
                    code=certificate_code(),
                    learner_name=user.full_name or user.email,
                    course_title=course.title,
                    issued_at=now,
                )
        except IntegrityError:  # a code already in use (60 random bits: vanishingly rare)
            continue
        audit_record(
            actor=user,
            action="certificate.issue",
            obj=certificate,
            object_id=certificate.code,
            after={"course": course.slug, "learner": user.email},
        )
        return certificate
    raise RuntimeError("could not draw a unique certificate code")
