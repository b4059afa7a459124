"""Files from a server directory the administrator allowed; nothing outside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from railab.web.evaluations import storage
from railab.web.evaluations.models import Dataset
from tests.conftest import World
from tests.web.evaluations.conftest import classification_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def allowed(tmp_path: Path, settings) -> Path:
    root = tmp_path / "lake"
    (root / "tool").mkdir(parents=True)
    (root / "tool" / "outputs.csv").write_text(classification_rows(40))
    (root / "readme.txt").write_text("not data")
    (tmp_path / "secret.csv").write_text("a,b\n1,2\n")
    (root / "escape.csv").symlink_to(tmp_path / "secret.csv")
    settings.RAILAB_EVALUATION_DIRS = [str(root), str(tmp_path / "missing")]
    return root


def test_disabled_by_default(settings) -> None:
    settings.RAILAB_EVALUATION_DIRS = []
    assert storage.allowed_dirs() == []
    assert storage.server_files() == []
    assert storage.resolve_server_file("0:outputs.csv") is None


def test_lists_only_data_files_inside(allowed: Path) -> None:
    assert [f.key for f in storage.server_files()] == ["0:tool/outputs.csv"]


@pytest.mark.parametrize(
    "key",
    [
        "0:../secret.csv",
        "0:tool/../../secret.csv",
        "0:escape.csv",  # a symbolic link out of the directory
        "0:/etc/passwd",
        "0:readme.txt",
        "1:tool/outputs.csv",  # the missing directory does not count
        "x:tool/outputs.csv",
        "0:",
        "tool/outputs.csv",
    ],
)
def test_traversal_and_other_tricks_are_refused(allowed: Path, key: str) -> None:
    assert storage.resolve_server_file(key) is None


def test_choose_a_server_file(world: World, as_user: Any, allowed: Path) -> None:
    client = as_user(world.contributor)
    url = reverse("evaluations:server_file", kwargs={"slug": world.agency.slug})
    assert (
        "tool/outputs.csv"
        in client.get(
            reverse("evaluations:new", kwargs={"slug": world.agency.slug})
        ).content.decode()
    )
    response = client.post(url, {"file": "0:../secret.csv"})
    assert response.status_code == 302
    assert not Dataset.objects.exists()
    response = client.post(url, {"file": "0:tool/outputs.csv"})
    dataset = Dataset.objects.get()
    assert response["Location"].endswith(f"/evaluations/data/{dataset.public_id}/map/")
    assert dataset.path == str(allowed / "tool" / "outputs.csv")
    page = client.get(response["Location"]).content.decode()
    assert "reoffended" in page
