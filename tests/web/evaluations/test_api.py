"""The evaluations router, mounted on a throwaway API (the lead registers it in api.py)."""

from __future__ import annotations

import pytest
from ninja.testing import TestClient

from railab.web.evaluations.api import router
from railab.web.evaluations.models import Run
from tests.conftest import World

pytestmark = pytest.mark.django_db

client = TestClient(router)


def test_api_reads_are_scoped(world: World, finished_run: Run) -> None:
    evaluation = finished_run.evaluation
    mine = client.get(f"/agencies/{world.agency.slug}/evaluations", user=world.viewer)
    assert mine.status_code == 200
    assert [e["id"] for e in mine.json()] == [str(evaluation.public_id)]
    assert mine.json()[0]["runs"][0]["status"] == "done"
    result = client.get(f"/evaluations/{evaluation.public_id}/runs/1/result", user=world.viewer)
    assert result.json()["spec"]["label"] == "reoffended"
    for path in (
        f"/agencies/{world.agency.slug}/evaluations",
        f"/evaluations/{evaluation.public_id}",
        f"/evaluations/{evaluation.public_id}/runs/1/result",
    ):
        assert client.get(path, user=world.other_admin).status_code == 404
