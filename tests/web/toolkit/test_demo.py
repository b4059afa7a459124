from __future__ import annotations

from railab.web.accounts.models import Role
from railab.web.toolkit.demo import toolkit_demo_seed
from railab.web.toolkit.models import Action, Assessment, Status
from tests.factories import AgencyFactory, MembershipFactory


def test_demo_seed_is_idempotent(db: None) -> None:
    for slug in ("demo-police-fr", "demo-police-ke"):
        agency = AgencyFactory(slug=slug)
        MembershipFactory(agency=agency, role=Role.ASSESSOR)
        MembershipFactory(agency=agency, role=Role.AGENCY_ADMIN)
    toolkit_demo_seed()
    toolkit_demo_seed()
    rows = sorted(Assessment.objects.values_list("agency__slug", "instrument", "status"))
    assert rows == [
        ("demo-police-fr", "readiness", Status.APPROVED),
        ("demo-police-fr", "risk-assessment", Status.IN_PROGRESS),
        ("demo-police-ke", "readiness", Status.APPROVED),
    ]
    scores = {
        s["id"]: s["score"]
        for s in Assessment.objects.get(
            agency__slug="demo-police-fr", instrument="readiness"
        ).result["sections"]
    }
    assert len({v for v in scores.values() if v is not None}) > 2  # dimensions differ
    assert Action.objects.exists()
