"""Toolkit endpoints of the HTTP API: list, read with results, answer, export.

Scoping is the pages' own: the selectors take the user, and a token sees only its agency.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from railab.web.accounts.models import Agency, Role, User
from railab.web.accounts.selectors import agency_get_for_user
from railab.web.toolkit import selectors, services
from railab.web.toolkit.models import Assessment
from railab.web.toolkit.selectors import Scoped

router = Router(tags=["toolkit"])


class AssessmentOut(Schema):
    id: UUID
    instrument: str
    version: int
    status: str
    use_case: str | None
    created_at: datetime
    reassess_on: str | None


class AssessmentDetailOut(AssessmentOut):
    answers: dict[str, Any]
    result: dict[str, Any] | None


class AnswerIn(Schema):
    value: Any = None


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _scoped(request: HttpRequest, assessment_id: UUID) -> Scoped:
    scoped = selectors.assessment_get_for_user(user=_user(request), public_id=assessment_id)
    token_agency: Agency | None = getattr(request, "api_agency", None)
    if token_agency is not None and token_agency.pk != scoped.assessment.agency_id:
        raise Http404
    return scoped


def _out(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.public_id,
        "instrument": a.instrument,
        "version": a.instrument_version,
        "status": a.status,
        "use_case": a.use_case.name if a.use_case else None,
        "created_at": a.created_at,
        "reassess_on": a.reassess_on.isoformat() if a.reassess_on else None,
    }


@router.get("/agencies/{slug}/assessments", response=list[AssessmentOut])
def list_assessments(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    token_agency: Agency | None = getattr(request, "api_agency", None)
    if token_agency is not None and token_agency.slug != slug:
        raise Http404
    membership = agency_get_for_user(user=_user(request), slug=slug)
    return [_out(a) for a in selectors.assessments_of(agency=membership.agency)]


@router.get("/assessments/{assessment_id}", response=AssessmentDetailOut)
def get_assessment(request: HttpRequest, assessment_id: UUID) -> dict[str, Any]:
    scoped = _scoped(request, assessment_id)
    assessment = scoped.assessment
    instrument = selectors.instrument_of(assessment)
    document = selectors.answers_document(assessment)
    result = selectors.result_of(instrument, document)
    return {
        **_out(assessment),
        "answers": document["answers"],
        "result": result.to_dict() if result is not None else None,
    }


@router.put("/assessments/{assessment_id}/answers/{question}", response=AssessmentDetailOut)
def put_answer(
    request: HttpRequest, assessment_id: UUID, question: str, payload: AnswerIn
) -> dict[str, Any]:
    """Save one answer (``null`` clears it); an invalid value is a 422 with the reason."""
    scoped = _scoped(request, assessment_id)
    if not scoped.membership.has_role(Role.CONTRIBUTOR):
        raise PermissionDenied
    services.answer_save(
        assessment=scoped.assessment,
        user=_user(request),
        question=question,
        value=payload.value,
        source="api",
    )
    return get_assessment(request, assessment_id)


@router.get("/assessments/{assessment_id}/export", response=dict[str, Any])
def export_assessment(request: HttpRequest, assessment_id: UUID) -> dict[str, Any]:
    """The answers document, as the ``railab toolkit`` command and the import read it."""
    scoped = _scoped(request, assessment_id)
    return selectors.answers_document(scoped.assessment)
