"""Agency signing keys: generated in the platform, public half kept, private half handed
over once; revocation; who may read public keys."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from railab.audit._signing import key_id as library_key_id
from railab.web.auditlog.models import AuditEvent
from railab.web.sharing.models import AgencyKey
from tests.conftest import World, verified_client
from tests.factories import AgencyFactory, MembershipFactory
from tests.web.sharing.conftest import Signer

pytestmark = pytest.mark.django_db


def _raw_private(pem: bytes) -> bytes:
    key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def test_admin_generates_a_key_and_downloads_the_private_half_once(world: World) -> None:
    client = verified_client(world.admin)
    url = reverse("sharing:key_create", kwargs={"slug": world.agency.slug})
    response = client.post(url, {"name": "statistics unit"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    pem = response.content
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")

    key = AgencyKey.objects.get(agency=world.agency)
    private = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(private, Ed25519PrivateKey)
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert key.public_raw == public
    assert key.key_id == library_key_id(public)
    assert key.name == "statistics unit"
    assert key.created_by == world.admin
    assert key.key_id in response["Content-Disposition"]

    event = AuditEvent.objects.get(action="agency_key.create")
    assert event.object_id == str(key.public_id)
    assert event.actor_id == world.admin.pk


def test_the_private_key_is_never_stored(world: World) -> None:
    client = verified_client(world.admin)
    url = reverse("sharing:key_create", kwargs={"slug": world.agency.slug})
    pem = client.post(url, {"name": "k"}).content
    secret = _raw_private(pem)
    body = b"".join(pem.splitlines()[1:-1]).decode()
    needles = [body, base64.b64encode(secret).decode(), secret.hex()]
    key = AgencyKey.objects.get()
    stored = [repr(getattr(key, f.attname)) for f in AgencyKey._meta.concrete_fields]
    stored += [bytes(key.public_key).hex()]
    stored += [repr(e.before) + repr(e.after) for e in AuditEvent.objects.all()]
    for needle in needles:
        assert not any(needle in text for text in stored)
    assert secret not in bytes(key.public_key)


def test_a_name_is_required(world: World) -> None:
    client = verified_client(world.admin)
    url = reverse("sharing:key_create", kwargs={"slug": world.agency.slug})
    response = client.post(url, {"name": ""})
    assert response.status_code == 400
    assert not AgencyKey.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "contributor", "assessor"])
def test_only_agency_admins_generate_and_revoke(world: World, signer: Signer, who: str) -> None:
    client = verified_client(getattr(world, who))
    create = reverse("sharing:key_create", kwargs={"slug": world.agency.slug})
    assert client.post(create, {"name": "x"}).status_code == 403
    revoke = reverse("sharing:key_revoke", kwargs={"key_id": signer.key.public_id})
    assert client.post(revoke).status_code == 403
    assert AgencyKey.objects.count() == 1
    assert AgencyKey.objects.get().revoked_at is None


def test_revoking_a_key_is_logged(world: World, signer: Signer) -> None:
    client = verified_client(world.admin)
    url = reverse("sharing:key_revoke", kwargs={"key_id": signer.key.public_id})
    response = client.post(url)
    assert response.status_code == 302
    signer.key.refresh_from_db()
    assert signer.key.revoked_at is not None
    event = AuditEvent.objects.get(action="agency_key.revoke")
    assert event.object_id == str(signer.key.public_id)
    assert event.before == {"name": signer.key.name, "key_id": signer.key.key_id}
    page = client.get(reverse("sharing:keys", kwargs={"slug": world.agency.slug}))
    assert "Revoked on" in page.content.decode()


def test_keys_page_lists_keys_for_members(world: World, signer: Signer) -> None:
    page = verified_client(world.viewer).get(
        reverse("sharing:keys", kwargs={"slug": world.agency.slug})
    )
    text = page.content.decode()
    assert signer.key.key_id in text
    assert "Generate a key pair" not in text  # viewers do not manage keys
    admin_page = verified_client(world.admin).get(
        reverse("sharing:keys", kwargs={"slug": world.agency.slug})
    )
    assert "Generate a key pair" in admin_page.content.decode()


def test_members_of_other_verified_agencies_read_public_keys(world: World, signer: Signer) -> None:
    client = verified_client(world.other_viewer)
    page = client.get(reverse("sharing:keys", kwargs={"slug": world.agency.slug}))
    assert page.status_code == 200
    text = page.content.decode()
    assert signer.key.key_id in text
    assert "Revoke" not in text
    assert "Generate a key pair" not in text
    pem = client.get(reverse("sharing:key_pem", kwargs={"key_id": signer.key.public_id}))
    assert pem.status_code == 200
    public = serialization.load_pem_public_key(pem.content)
    assert (
        public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        == signer.key.public_raw
    )


def test_members_of_unverified_agencies_do_not(world: World, signer: Signer) -> None:
    unverified = AgencyFactory(verified=False)
    user = MembershipFactory(agency=unverified).user
    client = verified_client(user)
    assert client.get(reverse("sharing:keys", kwargs={"slug": world.agency.slug})).status_code == (
        404
    )
    pem = reverse("sharing:key_pem", kwargs={"key_id": signer.key.public_id})
    assert client.get(pem).status_code == 404


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_keys_list_query_count_does_not_grow_with_keys(
    world: World, make_signer: Callable[..., Signer]
) -> None:
    client = verified_client(world.admin)
    url = reverse("sharing:keys", kwargs={"slug": world.agency.slug})
    make_signer("first")
    one = _queries(client, url)
    for i in range(5):
        make_signer(f"key {i}")
    assert _queries(client, url) == one
