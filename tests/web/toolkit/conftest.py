"""Helpers for the toolkit's platform tests: assessments made through the services."""

from __future__ import annotations

from typing import Any

from railab.web.accounts.models import Agency, User
from railab.web.toolkit import services
from railab.web.toolkit.models import Assessment, UseCase
from tests.conftest import World, membership_of


def start(
    world: World,
    instrument: str = "risk-assessment",
    *,
    user: User | None = None,
    agency: Agency | None = None,
    use_case: str = "Face search in CCTV footage",
    answers: dict[str, Any] | None = None,
) -> Assessment:
    user = user or world.contributor
    agency = agency or world.agency
    membership = membership_of(user, agency)
    uc = None
    if instrument != "readiness":
        uc = UseCase.objects.filter(agency=agency, name=use_case).first()
        if uc is None:
            uc = services.use_case_create(agency=agency, user=user, name=use_case)
    assessment = services.assessment_start(
        membership=membership, instrument_id=instrument, use_case=uc
    )
    for question, value in (answers or {}).items():
        services.answer_save(assessment=assessment, user=user, question=question, value=value)
    return assessment


def approve(world: World, assessment: Assessment) -> Assessment:
    services.assessment_submit(
        assessment=assessment, membership=membership_of(world.contributor, assessment.agency)
    )
    services.assessment_review(
        assessment=assessment,
        membership=membership_of(world.assessor, assessment.agency),
        approve=True,
    )
    assessment.refresh_from_db()
    return assessment


RISK_ANSWERS: dict[str, Any] = {
    "purpose_system": "FaceFinder 3",
    "purpose_function": "face_recognition",
    "purpose_realtime": "no",
    "risk_privacy": {"likelihood": 4, "impact": 4, "mitigations": ["m_minimisation"]},
}
