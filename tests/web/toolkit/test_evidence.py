"""Evidence files: checked by type, content and size; served to the agency's members only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from railab.web.toolkit import selectors
from railab.web.toolkit.models import Evidence
from tests.conftest import World
from tests.web.toolkit.conftest import start

PDF = b"%PDF-1.4\n% tiny\n"


def upload(client, assessment, name: str, content: bytes, **headers: str):
    return client.post(
        f"/toolkit/{assessment.public_id}/evidence/evidence_report/",
        {"file": SimpleUploadedFile(name, content)},
        **headers,
    )


def test_upload_download_remove(world: World, as_user) -> None:
    a = start(world)
    client = as_user(world.contributor)
    response = upload(client, a, "bias audit.pdf", PDF, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "bias audit.pdf" in response.content.decode()
    evidence = Evidence.objects.get()
    assert selectors.answer_values(a)["evidence_report"] == [evidence.describe()]
    got = as_user(world.viewer).get(f"/toolkit/{a.public_id}/file/{evidence.public_id}/")
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
    assert 'filename="bias audit.pdf"' in got["Content-Disposition"]
    other = as_user(world.other_admin).get(f"/toolkit/{a.public_id}/file/{evidence.public_id}/")
    assert other.status_code == 404
    client.post(f"/toolkit/{a.public_id}/file/{evidence.public_id}/remove/")
    assert not Evidence.objects.exists()
    assert "evidence_report" not in selectors.answer_values(a)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("tool.exe", b"MZ\x90\x00", "; allowed: application/pdf, image/png"),
        ("renamed.pdf", b"MZ\x90\x00 not a pdf", "does not match its type"),
        ("big.pdf", PDF + b"0" * 20_000_001, "MB; the limit is 20 MB"),
    ],
)
def test_forbidden_or_too_large_files_are_refused(
    world: World, as_user, name: str, content: bytes, reason: str
) -> None:
    a = start(world)
    response = upload(as_user(world.contributor), a, name, content, HTTP_HX_REQUEST="true")
    assert reason in response.content.decode()
    assert not Evidence.objects.exists()
    assert "evidence_report" not in selectors.answer_values(a)


def test_evidence_cannot_be_typed_in(world: World, as_user) -> None:
    a = start(world)
    client = as_user(world.contributor)
    client.post(
        f"/toolkit/{a.public_id}/answer/evidence_report/",
        {"value": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert "evidence_report" not in selectors.answer_values(a)
