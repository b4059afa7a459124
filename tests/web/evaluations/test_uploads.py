"""Chunked, resumable uploads: every chunk and the whole file are checked by SHA-256."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from railab.web.evaluations import storage, uploads
from railab.web.evaluations.models import Dataset, DatasetStatus
from tests.conftest import World
from tests.web.evaluations.conftest import complete, send, sha, start, upload

pytestmark = pytest.mark.django_db


def _partial_files(data_dir: Path) -> list[Path]:
    return list((data_dir / "evaluations" / "uploads").glob("*.part"))


def test_upload_in_chunks_then_verified(world: World, as_user: Any, csv_bytes: bytes) -> None:
    dataset = upload(as_user(world.contributor), world.agency.slug, csv_bytes, chunk=777)
    assert dataset.status == DatasetStatus.READY
    assert dataset.sha256 == sha(csv_bytes)
    assert dataset.agency == world.agency
    assert Path(uploads.dataset_file(dataset)).read_bytes() == csv_bytes


def test_resume_after_interruption(
    world: World, as_user: Any, csv_bytes: bytes, data_dir: Path
) -> None:
    client = as_user(world.contributor)
    session = start(client, world.agency.slug, "outputs.csv", len(csv_bytes))
    assert send(client, session, csv_bytes[:1000], 0).status_code == 200
    # The connection dies, and this process forgets its running hash (another worker,
    # a restart): the server must catch up from the part on disk.
    uploads._hashers.clear()
    status = as_user(world.contributor).get(session["status_url"]).json()
    assert status["offset"] == 1000
    assert status["status"] == "uploading"
    rest = csv_bytes[1000:]
    assert send(client, session, rest, status["offset"]).status_code == 200
    response = complete(client, session, sha(csv_bytes))
    assert response.status_code == 200
    assert response.json()["next_url"].endswith("/map/")
    dataset = Dataset.objects.get(public_id=session["id"])
    assert Path(uploads.dataset_file(dataset)).read_bytes() == csv_bytes


def test_bytes_of_a_request_that_died_are_overwritten(
    world: World, as_user: Any, csv_bytes: bytes
) -> None:
    """A chunk written to disk whose request failed before commit leaves stray bytes; the
    database offset is the truth, and the next chunk overwrites them."""
    client = as_user(world.contributor)
    session = start(client, world.agency.slug, "outputs.csv", len(csv_bytes))
    send(client, session, csv_bytes[:500], 0)
    dataset = Dataset.objects.get(public_id=session["id"])
    with storage.upload_path(dataset.path).open("ab") as handle:
        handle.write(b"garbage that never committed")
    send(client, session, csv_bytes[500:], 500)
    assert complete(client, session, sha(csv_bytes)).status_code == 200


def test_tampered_chunk_is_refused_and_the_upload_removed(
    world: World, as_user: Any, csv_bytes: bytes, data_dir: Path
) -> None:
    client = as_user(world.contributor)
    session = start(client, world.agency.slug, "outputs.csv", len(csv_bytes))
    assert send(client, session, csv_bytes[:1000], 0).status_code == 200
    altered = b"X" + csv_bytes[1001:2000]
    response = send(client, session, altered, 1000, digest=sha(csv_bytes[1000:2000]))
    assert response.status_code == 422
    assert "does not match its SHA-256" in response.json()["error"]
    assert not Dataset.objects.exists()
    assert _partial_files(data_dir) == []


def test_truncated_upload_is_refused_at_completion(
    world: World, as_user: Any, csv_bytes: bytes, data_dir: Path
) -> None:
    client = as_user(world.contributor)
    session = start(client, world.agency.slug, "outputs.csv", len(csv_bytes))
    send(client, session, csv_bytes[:1000], 0)
    response = complete(client, session, sha(csv_bytes))
    assert response.status_code == 422
    assert f"1000 of {len(csv_bytes)} bytes arrived" in response.json()["error"]
    assert not Dataset.objects.exists()
    assert _partial_files(data_dir) == []


def test_whole_file_hash_mismatch_is_refused(
    world: World, as_user: Any, csv_bytes: bytes, data_dir: Path
) -> None:
    """Every chunk matched its own hash, but the file is not the one the client hashed."""
    client = as_user(world.contributor)
    session = start(client, world.agency.slug, "outputs.csv", len(csv_bytes))
    send(client, session, csv_bytes, 0)
    response = complete(client, session, sha(csv_bytes + b"lost tail"))
    assert response.status_code == 422
    assert "does not match its SHA-256" in response.json()["error"]
    assert not Dataset.objects.exists()
    assert list((data_dir / "evaluations" / "uploads").iterdir()) == []


def test_wrong_offset_is_a_conflict_that_tells_where_to_resume(
    world: World, as_user: Any, csv_bytes: bytes
) -> None:
    client = as_user(world.contributor)
    session = start(client, world.agency.slug, "outputs.csv", len(csv_bytes))
    send(client, session, csv_bytes[:1000], 0)
    for wrong in (0, 1500):
        response = send(client, session, csv_bytes[wrong : wrong + 100], wrong)
        assert response.status_code == 409
        assert response.json()["offset"] == 1000
    # Nothing was written: the upload goes on from 1000.
    send(client, session, csv_bytes[1000:], 1000)
    assert complete(client, session, sha(csv_bytes)).status_code == 200


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("notes.txt", 10, "Only CSV"),
        ("outputs.csv", 0, "empty"),
    ],
)
def test_refused_at_start(world: World, as_user: Any, name: str, size: int, message: str) -> None:
    response = as_user(world.contributor).post(
        reverse("evaluations:upload_start", kwargs={"slug": world.agency.slug}),
        {"name": name, "size": size},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_chunk_past_the_declared_size_and_bad_hash_format(
    world: World, as_user: Any, csv_bytes: bytes
) -> None:
    client = as_user(world.contributor)
    session = start(client, world.agency.slug, "outputs.csv", 10)
    assert send(client, session, csv_bytes[:20], 0).status_code == 400
    assert send(client, session, csv_bytes[:5], 0, digest="not-a-hash").status_code == 400
    assert Dataset.objects.get().received == 0


def test_viewers_cannot_upload(world: World, as_user: Any) -> None:
    response = as_user(world.viewer).post(
        reverse("evaluations:upload_start", kwargs={"slug": world.agency.slug}),
        {"name": "a.csv", "size": 10},
        content_type="application/json",
    )
    assert response.status_code == 403
