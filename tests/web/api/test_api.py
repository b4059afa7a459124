from __future__ import annotations

import json

import pytest
from django.test import Client

from railab.web.accounts.models import ApiToken, Invitation
from railab.web.accounts.services import api_token_create
from railab.web.jobs.models import Job
from tests.conftest import World


def _bearer(world: World, user=None, agency=None) -> dict[str, str]:
    issued = api_token_create(
        user=user or world.admin, agency=agency or world.agency, name="test script"
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}


def test_openapi_schema_and_docs_are_served(db: None) -> None:
    client = Client()
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/me" in paths
    assert "/api/agencies/{slug}/members" in paths
    assert client.get("/api/docs").status_code == 200


def test_anonymous_is_refused(db: None) -> None:
    assert Client().get("/api/me").status_code == 401
    assert Client().get("/api/me", HTTP_AUTHORIZATION="Bearer rlb_nope_nope").status_code == 401


def test_countries_lists_the_195_members(db: None) -> None:
    countries = Client().get("/api/countries").json()
    assert len(countries) == 195
    assert {"code": "FR", "name": "France"} in countries


def test_token_sees_only_its_agency(world: World) -> None:
    headers = _bearer(world)
    client = Client()
    me = client.get("/api/me", **headers).json()
    assert me["email"] == world.admin.email
    assert [a["slug"] for a in me["agencies"]] == [world.agency.slug]
    members = client.get(f"/api/agencies/{world.agency.slug}/members", **headers).json()
    assert members["count"] == 4
    assert client.get(f"/api/agencies/{world.other_agency.slug}", **headers).status_code == 404
    other = client.get(f"/api/agencies/{world.other_agency.slug}/members", **headers)
    assert other.status_code == 404


def test_token_of_a_user_in_two_agencies_is_still_scoped_to_one(world: World) -> None:
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.admin, agency=world.other_agency, role="viewer")
    headers = _bearer(world)
    client = Client()
    assert client.get(f"/api/agencies/{world.other_agency.slug}", **headers).status_code == 404
    assert len(client.get("/api/agencies", **headers).json()) == 1


def test_revoked_token_and_removed_member_lose_access(world: World) -> None:
    headers = _bearer(world, user=world.viewer)
    client = Client()
    assert client.get("/api/me", **headers).status_code == 200
    ApiToken.objects.filter(user=world.viewer).update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get("/api/me", **headers).status_code == 401


def test_tokens_are_stored_hashed(world: World) -> None:
    issued = api_token_create(user=world.viewer, agency=world.agency, name="x")
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret not in (stored.token_hash, stored.prefix)
    assert len(stored.token_hash) == 64


def test_invite_through_the_api(world: World) -> None:
    client = Client()
    response = client.post(
        f"/api/agencies/{world.agency.slug}/invitations",
        data=json.dumps({"email": "api.invitee@fr.example", "role": "assessor"}),
        content_type="application/json",
        **_bearer(world),
    )
    assert response.status_code == 201, response.content
    assert Invitation.objects.filter(email="api.invitee@fr.example", role="assessor").exists()


@pytest.mark.parametrize(
    "payload",
    [{"email": "not-an-address", "role": "viewer"}, {"email": "a@b.example", "role": "emperor"}],
)
def test_invite_validates(world: World, payload: dict[str, str]) -> None:
    response = Client().post(
        f"/api/agencies/{world.agency.slug}/invitations",
        data=json.dumps(payload),
        content_type="application/json",
        **_bearer(world),
    )
    assert response.status_code == 422
    assert "detail" in response.json()
    assert not Invitation.objects.exists()


def test_malformed_json_is_a_client_error(world: World) -> None:
    response = Client().post(
        f"/api/agencies/{world.agency.slug}/invitations",
        data="{not json",
        content_type="application/json",
        **_bearer(world),
    )
    assert 400 <= response.status_code < 500


def test_viewer_cannot_invite_and_other_agency_gets_404(world: World) -> None:
    body = json.dumps({"email": "z@fr.example", "role": "viewer"})
    url = f"/api/agencies/{world.agency.slug}/invitations"
    viewer = Client().post(
        url, data=body, content_type="application/json", **_bearer(world, user=world.viewer)
    )
    assert viewer.status_code == 403
    other = Client().post(
        url,
        data=body,
        content_type="application/json",
        **_bearer(world, user=world.other_admin, agency=world.other_agency),
    )
    assert other.status_code == 404


def test_audit_log_is_for_admins_of_the_agency(world: World) -> None:
    client = Client()
    assert (
        client.get(f"/api/agencies/{world.agency.slug}/audit-log", **_bearer(world)).status_code
        == 200
    )
    viewer = client.get(
        f"/api/agencies/{world.agency.slug}/audit-log", **_bearer(world, user=world.viewer)
    )
    assert viewer.status_code == 403


def test_job_progress_is_scoped(world: World) -> None:
    job = Job.objects.create(user=world.admin, agency=world.agency, kind="k", title="t", total=10)
    client = Client()
    mine = client.get(f"/api/jobs/{job.public_id}", **_bearer(world, user=world.viewer))
    assert mine.status_code == 200
    assert mine.json()["total"] == 10
    theirs = client.get(
        f"/api/jobs/{job.public_id}",
        **_bearer(world, user=world.other_admin, agency=world.other_agency),
    )
    assert theirs.status_code == 404
    assert client.get("/api/jobs/not-a-uuid", **_bearer(world)).status_code in {404, 422}


def test_session_auth_needs_csrf_for_writes_and_2fa_for_admins(world: World, as_user) -> None:
    client = as_user(world.viewer)
    assert client.get("/api/me").status_code == 200
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.viewer)
    response = csrf_client.post(
        "/api/tokens",
        data=json.dumps({"name": "x", "agency": world.agency.slug}),
        content_type="application/json",
    )
    assert response.status_code == 403
    unverified = Client()
    unverified.force_login(world.admin)
    assert unverified.get("/api/me").status_code == 401


def test_tokens_are_managed_with_the_session(world: World, as_user) -> None:
    client = as_user(world.viewer)
    created = client.post(
        "/api/tokens",
        data=json.dumps({"name": "export", "agency": world.agency.slug}),
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("rlb_")
    assert [t["name"] for t in client.get("/api/tokens").json()] == ["export"]
    assert client.delete(f"/api/tokens/{body['id']}").status_code == 204
    headers = {"HTTP_AUTHORIZATION": f"Bearer {body['token']}"}
    assert Client().get("/api/me", **headers).status_code == 401
    # Not for an agency the user is not in.
    foreign = client.post(
        "/api/tokens",
        data=json.dumps({"name": "x", "agency": world.other_agency.slug}),
        content_type="application/json",
    )
    assert foreign.status_code == 404
