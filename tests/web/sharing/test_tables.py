"""Uploading a signed count table: verified against the agency's keys, or refused with
one line and nothing stored."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from railab.audit import audit_classification
from railab.web.auditlog.models import AuditEvent
from railab.web.sharing import services
from railab.web.sharing.models import SharedCountTable
from tests.conftest import World, verified_client
from tests.web.sharing.conftest import Signer, as_bytes, cases, signed_table

pytestmark = pytest.mark.django_db


def upload(
    client: Client, world: World, data: bytes, name: str = "fr-2025.json", **extra: Any
) -> Any:
    url = reverse("sharing:table_upload", kwargs={"slug": world.agency.slug})
    return client.post(url, {"file": SimpleUploadedFile(name, data), **extra})


def refused(response: Any, *fragments: str) -> str:
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors() or response.context["form"].errors
    text = " ".join(str(e) for e in errors) if not isinstance(errors, dict) else str(errors)
    for fragment in fragments:
        assert fragment in text, text
    assert not SharedCountTable.objects.exists()
    assert not AuditEvent.objects.filter(action="count_table.share").exists()
    return text


def test_a_signed_table_is_verified_stored_and_audited(world: World, signer: Signer) -> None:
    client = verified_client(world.contributor)
    response = upload(client, world, as_bytes(signer.sign()))
    shared = SharedCountTable.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sharing:table", kwargs={"table_id": shared.public_id})
    assert shared.agency == world.agency
    assert shared.key == signer.key
    assert (shared.tool, shared.period, shared.contributor) == ("RiskTool", "2025", "Police FR")
    assert shared.rows == 12
    assert shared.uploaded_by == world.contributor
    assert AuditEvent.objects.filter(action="count_table.share", agency_id=world.agency.pk).count()

    page = client.get(response["Location"]).content.decode()
    assert "Signature verified" in page
    assert signer.key.key_id in page
    assert "RiskTool" in page
    assert "2025" in page
    assert "sex" in page
    assert reverse("sharing:table_report", kwargs={"table_id": shared.public_id}) in page


def test_the_report_is_the_audit_of_the_data_in_a_locked_frame(
    world: World, signer: Signer
) -> None:
    client = verified_client(world.viewer)
    shared = services.count_table_share(
        membership=world.contributor.memberships.get(),
        data=as_bytes(signer.sign()),
        file_name="fr.json",
    )
    response = client.get(reverse("sharing:table_report", kwargs={"table_id": shared.public_id}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    csp = response["Content-Security-Policy"]
    assert "script-src 'none'" in csp
    assert "frame-ancestors 'self'" in csp
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # Independent check: the direct audit of the rows gives the same TPR per group.
    direct = audit_classification(
        cases(), label="y", score="risk", thresholds=[0.5], groups=["sex"], bootstrap=0
    )
    from railab.audit import audit_from_counts, read_count_table

    from_counts = audit_from_counts([read_count_table(shared.document)], bootstrap=0)
    for group in ("F", "M"):
        assert (
            from_counts.pooled.metric("tpr", attribute="sex", group=group).value  # type: ignore[union-attr]
            == direct.metric("tpr", attribute="sex", group=group).value
        )
    assert "<html" in response.content.decode().lower()


def test_a_tampered_table_is_refused(world: World, signer: Signer) -> None:
    document = signer.sign()
    tampered = copy.deepcopy(document)
    tampered["cells"][0][-1] += 5
    text = refused(upload(verified_client(world.contributor), world, as_bytes(tampered)))
    assert "signature" in text
    assert signer.key.key_id in text
    assert "altered" in text
    assert "\n" not in text


def test_changed_metadata_is_refused_too(world: World, signer: Signer) -> None:
    document = signer.sign()
    document["metadata"]["tool"] = "OtherTool"
    refused(upload(verified_client(world.contributor), world, as_bytes(document)), "altered")


def test_a_revoked_key_is_refused(world: World, signer: Signer) -> None:
    services.agency_key_revoke(key=signer.key, by=world.admin)
    refused(
        upload(verified_client(world.contributor), world, as_bytes(signer.sign())),
        "revoked",
        signer.key.key_id,
    )


def test_an_unknown_key_is_refused(world: World) -> None:
    document = signed_table(Ed25519PrivateKey.generate())
    kid = document["signature"]["key_id"]
    refused(
        upload(verified_client(world.contributor), world, as_bytes(document)),
        kid,
        "not one of Police FR's registered signing keys",
    )


def test_another_agencys_key_does_not_sign_for_us(
    world: World, make_signer: Callable[..., Signer]
) -> None:
    theirs = make_signer("ke", agency=world.other_agency)
    refused(
        upload(verified_client(world.contributor), world, as_bytes(theirs.sign())),
        "not one of Police FR's",
    )


def test_a_forged_key_id_does_not_pass(world: World, signer: Signer) -> None:
    """The key id only chooses the key: a table signed by another key fails the check."""
    document = signed_table(Ed25519PrivateKey.generate())
    document["signature"]["key_id"] = signer.key.key_id
    refused(upload(verified_client(world.contributor), world, as_bytes(document)), "Police FR")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"{not json", "is not valid JSON"),
        (b"\xff\xfe", "is not valid JSON"),
        (b"[" * 100_000, "is not valid JSON"),
        (b"[1, 2]", "not a railab count table"),
        (json.dumps({"$schema": "x"}).encode(), "is not signed"),
    ],
)
def test_malformed_files_are_refused(world: World, data: bytes, fragment: str) -> None:
    refused(upload(verified_client(world.contributor), world, data), fragment)


def test_an_unsigned_table_is_refused(world: World, signer: Signer) -> None:
    document = signer.sign()
    del document["signature"]
    refused(upload(verified_client(world.contributor), world, as_bytes(document)), "not signed")


def test_a_file_over_5_mb_is_refused(world: World, signer: Signer) -> None:
    data = as_bytes(signer.sign()) + b" " * (5 * 1024 * 1024)
    response = upload(verified_client(world.contributor), world, data)
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert not SharedCountTable.objects.exists()


def test_the_service_checks_the_size_as_well(world: World, signer: Signer) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="larger than 5 MB"):
        services.count_table_share(
            membership=world.contributor.memberships.get(),
            data=b" " * (services.MAX_TABLE_BYTES + 1),
            file_name="big.json",
        )


def test_the_same_file_twice_is_refused(world: World, signer: Signer) -> None:
    client = verified_client(world.contributor)
    data = as_bytes(signer.sign())
    assert upload(client, world, data).status_code == 302
    response = upload(client, world, data)
    assert response.status_code == 400
    assert "already shared" in response.content.decode()
    assert SharedCountTable.objects.count() == 1


def test_a_triage_table_needs_a_capacity(world: World, signer: Signer) -> None:
    client = verified_client(world.contributor)
    data = as_bytes(signer.sign(kind="triage"))
    refused(upload(client, world, data), "review capacity")
    assert upload(client, world, data, capacity="3").status_code == 302
    assert SharedCountTable.objects.get().capacity == 3


def test_viewers_cannot_upload(world: World, signer: Signer) -> None:
    response = upload(verified_client(world.viewer), world, as_bytes(signer.sign()))
    assert response.status_code == 403
    assert not SharedCountTable.objects.exists()


def test_the_signed_file_downloads_as_uploaded(world: World, signer: Signer) -> None:
    document = signer.sign()
    shared = services.count_table_share(
        membership=world.contributor.memberships.get(), data=as_bytes(document), file_name="a.json"
    )
    response = verified_client(world.viewer).get(
        reverse("sharing:table_json", kwargs={"table_id": shared.public_id})
    )
    assert json.loads(response.content) == document


def test_tables_list_query_count_does_not_grow(world: World, signer: Signer) -> None:
    client = verified_client(world.viewer)
    url = reverse("sharing:tables", kwargs={"slug": world.agency.slug})
    membership = world.contributor.memberships.get()

    def share(period: str) -> None:
        data = as_bytes(signer.sign(period=period))
        services.count_table_share(membership=membership, data=data, file_name=f"{period}.json")

    share("2024")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    share("2025")
    share("2026")
    with CaptureQueriesContext(connection) as three:
        page = client.get(url)
    assert len(three) == len(one)
    assert page.content.decode().count("RiskTool") == 3
