"""Demo assessments for the two demo agencies (idempotent; every name marked as demo)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from railab.web.accounts.models import Agency, Membership, Role
from railab.web.toolkit import services
from railab.web.toolkit.instruments import instrument_get
from railab.web.toolkit.models import Assessment, UseCase

# Answer patterns per demo agency: the option chosen for each readiness question, cycling,
# so that the two agencies differ and each has strong and weak dimensions.
PATTERNS = {"demo-police-fr": (3, 2, 4, 3, 1), "demo-police-ke": (2, 1, 3, 2, 4)}

RISK_USE_CASE = (
    "Facial image search in investigations (demo)",
    "Investigators compare a probe image from a case file with the custody-image database; "
    "a trained examiner reviews every candidate before any action.",
)
RISK_ANSWERS: dict[str, Any] = {
    "purpose_system": "FaceSearch (demo vendor)",
    "purpose_description": "Identify suspects of serious crimes from CCTV stills in case files.",
    "purpose_function": "face_recognition",
    "purpose_realtime": "no",
    "purpose_aim": "investigation",
    "risk_privacy": {"likelihood": 3, "impact": 4, "mitigations": ["m_minimisation"]},
}


def _member(agency: Agency, role: str) -> Membership | None:
    return (
        Membership.objects.select_related("user", "agency").filter(agency=agency, role=role).first()
    )


def _readiness_answers(pattern: tuple[int, ...]) -> dict[str, Any]:
    instrument = instrument_get("readiness")
    answers: dict[str, Any] = {}
    for s, section in enumerate(instrument.sections):
        for n, q in enumerate(section.questions):
            if q.type != "single_choice" or not q.scored:
                continue
            scored = [o.value for o in q.options if o.score is not None]
            # A bias per section, so that dimensions differ (weakest ones get next steps).
            pick = pattern[(s + n) % len(pattern)] + (s * 7) % 3 - 1
            answers[q.id] = scored[max(0, min(pick, len(scored) - 1))]
    return answers


def _answer_all(assessment: Assessment, membership: Membership, answers: dict[str, Any]) -> None:
    for question, value in answers.items():
        services.answer_save(
            assessment=assessment, user=membership.user, question=question, value=value
        )


@transaction.atomic
def toolkit_demo_seed() -> None:
    """One approved readiness assessment per demo agency; one risk assessment in progress."""
    for slug, pattern in PATTERNS.items():
        agency = Agency.objects.filter(slug=slug).first()
        if agency is None:
            continue
        assessor = _member(agency, Role.ASSESSOR)
        admin = _member(agency, Role.AGENCY_ADMIN)
        if assessor is None or admin is None:
            continue
        if not Assessment.objects.filter(agency=agency, instrument="readiness").exists():
            readiness = services.assessment_start(membership=assessor, instrument_id="readiness")
            _answer_all(readiness, assessor, _readiness_answers(pattern))
            services.assessment_submit(assessment=readiness, membership=assessor)
            services.assessment_review(assessment=readiness, membership=admin, approve=True)
            services.action_plan_generate(assessment=readiness, user=assessor.user)
        if (
            slug == "demo-police-fr"
            and not Assessment.objects.filter(agency=agency, instrument="risk-assessment").exists()
        ):
            name, description = RISK_USE_CASE
            use_case = UseCase.objects.filter(agency=agency, name=name).first()
            if use_case is None:
                use_case = services.use_case_create(
                    agency=agency, user=assessor.user, name=name, description=description
                )
            risk = services.assessment_start(
                membership=assessor, instrument_id="risk-assessment", use_case=use_case
            )
            _answer_all(risk, assessor, RISK_ANSWERS)
