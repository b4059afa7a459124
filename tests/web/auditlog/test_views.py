from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from railab.web.accounts.models import Role
from railab.web.accounts.services import membership_change_role
from railab.web.jobs.models import Job, JobStatus
from tests.conftest import World, membership_of


def test_agency_log_shows_only_own_agency_events(world: World, as_user) -> None:
    membership_change_role(
        membership=membership_of(world.viewer, world.agency), role=Role.ASSESSOR, by=world.admin
    )
    membership_change_role(
        membership=membership_of(world.other_viewer, world.other_agency),
        role=Role.ASSESSOR,
        by=world.other_admin,
    )
    response = as_user(world.admin).get(f"/agency/{world.agency.slug}/audit-log/")
    events = list(response.context["page"].object_list)
    assert [e.actor_label for e in events] == [world.admin.email]


def test_agency_log_query_count_is_constant(world: World, as_user) -> None:
    client = as_user(world.admin)
    url = f"/agency/{world.agency.slug}/audit-log/"
    target = membership_of(world.viewer, world.agency)
    membership_change_role(membership=target, role=Role.ASSESSOR, by=world.admin)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for role in [Role.VIEWER, Role.CONTRIBUTOR, Role.ASSESSOR] * 5:
        membership_change_role(membership=target, role=role, by=world.admin)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_lab_admin_verifies_the_chain_in_the_background(
    world: World, as_user, django_capture_on_commit_callbacks
) -> None:
    membership_change_role(
        membership=membership_of(world.viewer, world.agency), role=Role.ASSESSOR, by=world.admin
    )
    client = as_user(world.lab_admin)
    assert client.get("/lab/audit-log/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/lab/audit-log/verify/")
    assert response.status_code == 302
    job = Job.objects.get(kind="audit_log.verify")
    assert response["Location"] == f"/jobs/{job.public_id}/"
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"ok": True, "checked": 1, "first_broken_seq": None, "problem": ""}
    page = client.get(response["Location"])
    assert b"The chain is intact" in page.content
    # Another Lab admin's job is not visible to an agency member.
    assert as_user(world.admin).get(response["Location"]).status_code == 404
