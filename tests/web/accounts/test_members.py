from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from railab.web.accounts.models import Membership, Role
from railab.web.auditlog.models import AuditEvent
from tests.conftest import World, membership_of
from tests.factories import MembershipFactory


def test_admin_changes_a_role_and_it_is_audited(world: World, as_user) -> None:
    target = membership_of(world.viewer, world.agency)
    as_user(world.admin).post(
        f"/agency/{world.agency.slug}/members/{target.public_id}/role/", {"role": Role.ASSESSOR}
    )
    target.refresh_from_db()
    assert target.role == Role.ASSESSOR
    event = AuditEvent.objects.get(action="membership.change_role")
    assert event.before == {"role": "viewer"}
    assert event.after == {"role": "assessor", "user": world.viewer.email}
    assert event.actor_label == world.admin.email


def test_last_admin_cannot_step_down_or_be_removed(world: World, as_user) -> None:
    me = membership_of(world.admin, world.agency)
    client = as_user(world.admin)
    client.post(f"/agency/{world.agency.slug}/members/{me.public_id}/role/", {"role": "viewer"})
    client.post(f"/agency/{world.agency.slug}/members/{me.public_id}/remove/")
    me.refresh_from_db()
    assert me.role == Role.AGENCY_ADMIN
    assert not AuditEvent.objects.filter(action__startswith="membership.").exists()


def test_admin_removes_a_member(world: World, as_user) -> None:
    target = membership_of(world.contributor, world.agency)
    as_user(world.admin).post(f"/agency/{world.agency.slug}/members/{target.public_id}/remove/")
    assert not Membership.objects.filter(pk=target.pk).exists()
    assert AuditEvent.objects.filter(action="membership.remove").count() == 1


def test_admin_cannot_touch_another_agencys_member(world: World, as_user) -> None:
    foreign = membership_of(world.other_viewer, world.other_agency)
    client = as_user(world.admin)
    response = client.post(
        f"/agency/{world.agency.slug}/members/{foreign.public_id}/role/", {"role": "agency_admin"}
    )
    assert response.status_code == 404
    response = client.post(f"/agency/{world.other_agency.slug}/members/{foreign.public_id}/remove/")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.VIEWER


def test_member_list_query_count_does_not_grow_with_members(world: World, as_user) -> None:
    client = as_user(world.viewer)
    url = f"/agency/{world.agency.slug}/members/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    MembershipFactory.create_batch(15, agency=world.agency)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
    assert len(response.context["members"]) == 19
