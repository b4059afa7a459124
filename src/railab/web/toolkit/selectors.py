"""Reads of the toolkit, scoped to the requesting user: another agency's object is a 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from railab.toolkit import AnswersError, Instrument, Result, score
from railab.web.accounts.models import Agency, Membership, Role, User
from railab.web.toolkit.instruments import instrument_get
from railab.web.toolkit.models import (
    Action,
    Answer,
    AnswerChange,
    Assessment,
    Comment,
    Evidence,
    Status,
    UseCase,
)


@dataclass(frozen=True)
class Scoped:
    """An assessment with the requesting user's membership of its agency."""

    assessment: Assessment
    membership: Membership

    @property
    def can_answer(self) -> bool:
        return self.assessment.editable and self.membership.has_role(Role.CONTRIBUTOR)

    @property
    def can_review(self) -> bool:
        return self.membership.has_role(Role.ASSESSOR)

    @property
    def can_edit_plan(self) -> bool:
        return self.membership.has_role(Role.CONTRIBUTOR)


def assessment_get_for_user(*, user: User, public_id: Any) -> Scoped:
    """The assessment if ``user`` is a member of its agency, else 404."""
    if not user.is_authenticated:
        raise Http404
    assessment = (
        Assessment.objects.select_related(
            "agency", "use_case", "created_by", "submitted_by", "reviewed_by"
        )
        .filter(public_id=public_id)
        .first()
    )
    if assessment is None:
        raise Http404
    membership = (
        Membership.objects.select_related("agency")
        .filter(user=user, agency_id=assessment.agency_id)
        .first()
    )
    if membership is None:
        raise Http404
    return Scoped(assessment, membership)


def assessments_of(*, agency: Agency) -> QuerySet[Assessment]:
    """An agency's assessments with everything a list shows, in a fixed number of queries."""
    return (
        Assessment.objects.filter(agency=agency)
        .select_related("agency", "use_case", "created_by")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.only("assessment_id", "question", "value"))
        )
        .order_by("-created_at")
    )


def use_cases_of(*, agency: Agency) -> QuerySet[UseCase]:
    return UseCase.objects.filter(agency=agency).order_by("name")


def answer_values(assessment: Assessment) -> dict[str, Any]:
    """The current answers, question id to value (one query, or none if prefetched)."""
    return {a.question: a.value for a in assessment.answers.all()}


def answers_document(
    assessment: Assessment, values: dict[str, Any] | None = None, *, lang: str = "en"
) -> dict[str, Any]:
    """The library's answers document for an assessment."""
    doc: dict[str, Any] = {
        "instrument": assessment.instrument,
        "version": assessment.instrument_version,
        "language": lang,
        "answers": answer_values(assessment) if values is None else values,
    }
    subject = assessment.use_case.name if assessment.use_case else assessment.agency.name
    doc["subject"] = subject
    if assessment.sources:
        doc["sources"] = assessment.sources
    return doc


def instrument_of(assessment: Assessment) -> Instrument:
    """The instrument an assessment answers (404 if the platform no longer offers it)."""
    try:
        instrument = instrument_get(assessment.instrument)
    except KeyError:
        raise Http404 from None
    return instrument


def result_of(instrument: Instrument, document: dict[str, Any]) -> Result | None:
    """The scored result, or ``None`` when the answers are for another version."""
    try:
        return score(instrument, document)
    except AnswersError:
        return None


def history_of(*, assessment: Assessment) -> QuerySet[AnswerChange]:
    return AnswerChange.objects.filter(assessment=assessment).select_related("user")


def comments_of(*, assessment: Assessment, question: str | None = None) -> QuerySet[Comment]:
    qs = Comment.objects.filter(assessment=assessment).select_related("author")
    return qs if question is None else qs.filter(question=question)


def evidence_of(*, assessment: Assessment, question: str | None = None) -> QuerySet[Evidence]:
    qs = Evidence.objects.filter(assessment=assessment).select_related("uploaded_by")
    return qs if question is None else qs.filter(question=question)


def actions_of(*, assessment: Assessment) -> QuerySet[Action]:
    return Action.objects.filter(assessment=assessment).select_related("owner")


def members_of(*, agency: Agency) -> QuerySet[User]:
    return User.objects.filter(memberships__agency=agency, is_active=True).order_by(
        "full_name", "email"
    )


def same_subject(*, assessment: Assessment) -> QuerySet[Assessment]:
    """Other assessments of the same subject with the same instrument, newest first."""
    return (
        Assessment.objects.filter(
            agency_id=assessment.agency_id,
            instrument=assessment.instrument,
            use_case_id=assessment.use_case_id,
        )
        .exclude(pk=assessment.pk)
        .order_by("-created_at")
    )


def latest_risk_assessment(*, use_case: UseCase) -> Assessment | None:
    """The risk assessment a FRIA of ``use_case`` is pre-filled from: approved first."""
    qs = Assessment.objects.filter(use_case=use_case, instrument="risk-assessment")
    return (
        qs.filter(status=Status.APPROVED).order_by("-reviewed_at").first()
        or qs.order_by("-updated_at").first()
    )
