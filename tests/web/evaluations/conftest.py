"""Small files, a chunked-upload client and an evaluation that has run."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from railab.web.evaluations.models import Dataset, Evaluation, Run
from railab.web.register.models import AISystem
from railab.web.resources.taxonomy import PolicingFunction, Technology
from tests.conftest import World


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """Uploads and reports go to a fresh directory for each test."""
    settings.DATA_DIR = tmp_path / "data"
    return Path(settings.DATA_DIR)


def classification_rows(n: int = 240, seed: int = 1, shift: float = 0.0) -> str:
    """A CSV of risk scores: label 0/1, score in [0, 1], two groups (hand-made, seeded)."""
    rng = random.Random(seed)
    lines = ["case_id,reoffended,risk,flagged,sex"]
    for i in range(n):
        sex = "F" if i % 3 == 0 else "M"
        label = 1 if rng.random() < 0.4 else 0
        risk = min(1.0, max(0.0, 0.25 + 0.4 * label + rng.uniform(-0.3, 0.3) + shift))
        lines.append(f"{i},{label},{risk:.3f},{int(risk >= 0.5)},{sex}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def csv_bytes() -> bytes:
    return classification_rows().encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def start(client: Client, slug: str, name: str, size: int) -> dict[str, Any]:
    response = client.post(
        reverse("evaluations:upload_start", kwargs={"slug": slug}),
        {"name": name, "size": size},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def send(
    client: Client, session: dict[str, Any], data: bytes, offset: int, digest: str = ""
) -> Any:
    return client.post(
        session["chunk_url"],
        data,
        content_type="application/octet-stream",
        headers={"X-Upload-Offset": str(offset), "X-Chunk-SHA256": digest or sha(data)},
    )


def complete(client: Client, session: dict[str, Any], digest: str) -> Any:
    return client.post(session["complete_url"], {"sha256": digest}, content_type="application/json")


def upload(
    client: Client, slug: str, content: bytes, name: str = "outputs.csv", chunk: int = 1000
) -> Dataset:
    session = start(client, slug, name, len(content))
    for offset in range(0, len(content), chunk):
        response = send(client, session, content[offset : offset + chunk], offset)
        assert response.status_code == 200, response.content
    response = complete(client, session, sha(content))
    assert response.status_code == 200, response.content
    return Dataset.objects.get(public_id=session["id"])


def make_system(world: World, name: str = "Risk tool", agency: Any = None) -> AISystem:
    return AISystem.objects.create(
        agency=agency or world.agency,
        name=name,
        purpose="Prioritise cases for review.",
        policing_function=PolicingFunction.values[0],
        technology=Technology.values[0],
    )


CLASSIFICATION_FORM = {
    "title": "Risk tool audit",
    "kind": "classification",
    "label": "reoffended",
    "score": "risk",
    "thresholds": "0.5",
    "groups": ["sex"],
    "bootstrap": "20",
}


@pytest.fixture
def finished_run(
    world: World, as_user: Any, csv_bytes: bytes, django_capture_on_commit_callbacks: Any
) -> Run:
    client = as_user(world.contributor)
    dataset = upload(client, world.agency.slug, csv_bytes)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluations:map", kwargs={"dataset_id": dataset.public_id}),
            CLASSIFICATION_FORM,
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    run = Evaluation.objects.get().runs.get()
    assert run.status == "done", run.error
    return run
