from __future__ import annotations

from django.core.files.base import ContentFile

from railab.web.toolkit import services
from railab.web.toolkit.models import Action, Assessment, Evidence, Status
from tests.conftest import World
from tests.helpers.tenancy import Expect, check_app_access
from tests.web.toolkit.conftest import RISK_ANSWERS, start

READ = Expect(anonymous=302, other_agency=404, viewer=200, admin=200)
# Writes: a viewer reads only; an administrator's plain form post is redirected back.
WRITE = Expect(anonymous=302, other_agency=404, viewer=403, admin=302, method="post")
LAB = Expect(anonymous=302, other_agency=403, viewer=403, admin=403)


def test_toolkit_urls(world: World) -> None:
    """Every page about an assessment is a 404 for another agency, even its administrator."""
    assessment = start(world, answers=RISK_ANSWERS)
    other = start(world, answers={"purpose_system": "FaceFinder 2"})
    evidence = Evidence(
        assessment=assessment,
        question="evidence_report",
        name="report.pdf",
        size=9,
        media_type="application/pdf",
        uploaded_by=world.contributor,
    )
    evidence.file.save("x", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    action = Action.objects.create(assessment=assessment, recommendation="")

    def reset() -> None:
        # Keep the assessment open and the file in place, whatever the last persona did.
        Assessment.objects.filter(pk=assessment.pk).update(status=Status.IN_PROGRESS)
        if not Evidence.objects.filter(pk=evidence.pk).exists():
            evidence.pk = None
            evidence.save()

    check_app_access(
        world,
        "toolkit",
        url_kwargs={
            "slug": world.agency.slug,
            "assessment_id": assessment.public_id,
            "section_id": "purpose",
            "question_id": "purpose_aim",
            "evidence_id": evidence.public_id,
            "action_id": action.public_id,
        },
        before_each=reset,
        expectations={
            "toolkit:index": READ,
            "toolkit:start": Expect(anonymous=302, other_agency=404, viewer=403, admin=200),
            "toolkit:import": Expect(anonymous=302, other_agency=404, viewer=403, admin=200),
            "toolkit:detail": READ,
            "toolkit:section": READ,
            "toolkit:answer": Expect(
                anonymous=302,
                other_agency=404,
                viewer=403,
                admin=302,
                method="post",
                data={"value": "prevention"},
            ),
            "toolkit:comment": Expect(
                anonymous=302,
                other_agency=404,
                viewer=403,
                admin=302,
                method="post",
                data={"body": "Check this"},
            ),
            "toolkit:evidence_upload": Expect(
                anonymous=302,
                other_agency=404,
                viewer=403,
                admin=302,
                method="post",
                kwargs={"question_id": "evidence_report"},
            ),
            "toolkit:evidence_download": READ,
            "toolkit:evidence_remove": WRITE,
            "toolkit:history": READ,
            "toolkit:submit": WRITE,
            "toolkit:review": Expect(
                anonymous=302,
                other_agency=404,
                viewer=403,
                admin=302,
                method="post",
                data={"decision": "return", "note": "More detail"},
            ),
            "toolkit:reopen": WRITE,
            "toolkit:reassess": Expect(
                anonymous=302,
                other_agency=404,
                viewer=403,
                admin=302,
                method="post",
                data={"reassess_on": "2030-01-01"},
            ),
            "toolkit:results": READ,
            "toolkit:report_pdf": READ,
            "toolkit:export_json": READ,
            "toolkit:plan": READ,
            "toolkit:plan_generate": WRITE,
            "toolkit:action_update": Expect(
                anonymous=302,
                other_agency=404,
                viewer=403,
                admin=302,
                method="post",
                data={f"{action.public_id}-status": "done"},
            ),
            "toolkit:compare": Expect(
                anonymous=302,
                other_agency=404,
                viewer=200,
                admin=200,
                data={"with": str(other.public_id)},
            ),
            "toolkit:lab_readiness": LAB,
        },
    )


def test_lab_staff_are_not_members(world: World, as_user) -> None:
    """Lab staff see aggregates only: an agency's assessment is a 404 for them too."""
    assessment = start(world)
    for user in (world.curator, world.lab_admin):
        client = as_user(user)
        assert client.get(f"/toolkit/{assessment.public_id}/").status_code == 404
        assert client.get(f"/agency/{world.agency.slug}/toolkit/").status_code == 404
    services.answer_save(
        assessment=assessment, user=world.contributor, question="purpose_system", value="x"
    )
