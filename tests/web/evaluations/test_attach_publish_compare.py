"""Attach to a system, publish a summary in the resource bank, re-run and compare."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from railab.web.core.tenancy import Visibility
from railab.web.evaluations import results
from railab.web.evaluations.models import Run
from railab.web.resources.models import EntryStatus
from tests.conftest import World
from tests.web.evaluations.conftest import classification_rows, make_system, upload

pytestmark = pytest.mark.django_db


def test_attach_then_publish_links_the_entry_to_the_system(
    world: World, as_user: Any, finished_run: Run
) -> None:
    evaluation = finished_run.evaluation
    system = make_system(world)
    client = as_user(world.contributor)
    client.post(
        reverse("evaluations:attach", kwargs={"evaluation_id": evaluation.public_id}),
        {"system": system.pk},
    )
    evaluation.refresh_from_db()
    assert evaluation.system == system
    url = reverse("evaluations:publish", kwargs={"evaluation_id": evaluation.public_id})
    form = client.get(url).content.decode()
    assert "rows used" in form  # the summary is prepared from the results
    response = client.post(url, {"visibility": Visibility.AGENCY, "summary": "Our audit."})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    entry = evaluation.entry
    assert entry is not None
    assert entry.type == "evaluation"
    assert entry.visibility == Visibility.AGENCY
    assert entry.agency == world.agency
    assert entry.status == EntryStatus.APPROVED  # agency-only: published at once
    assert entry.details["tool"] == "Risk tool"
    assert list(system.evaluations.all()) == [entry]
    # Moving the evaluation to another system moves the entry with it.
    other = make_system(world, "Other tool")
    client.post(
        reverse("evaluations:attach", kwargs={"evaluation_id": evaluation.public_id}),
        {"system": other.pk},
    )
    assert list(system.evaluations.all()) == []
    assert list(other.evaluations.all()) == [entry]


def test_public_summary_goes_to_curation(world: World, as_user: Any, finished_run: Run) -> None:
    evaluation = finished_run.evaluation
    as_user(world.contributor).post(
        reverse("evaluations:publish", kwargs={"evaluation_id": evaluation.public_id}),
        {"visibility": Visibility.PUBLIC, "summary": "Our audit."},
    )
    evaluation.refresh_from_db()
    assert evaluation.entry is not None
    assert evaluation.entry.status == EntryStatus.SUBMITTED


def test_cannot_attach_another_agencys_system(
    world: World, as_user: Any, finished_run: Run
) -> None:
    theirs = make_system(world, "Theirs", agency=world.other_agency)
    as_user(world.contributor).post(
        reverse("evaluations:attach", kwargs={"evaluation_id": finished_run.evaluation.public_id}),
        {"system": theirs.pk},
    )
    finished_run.evaluation.refresh_from_db()
    assert finished_run.evaluation.system is None


def test_rerun_on_new_data_and_compare(
    world: World, as_user: Any, finished_run: Run, django_capture_on_commit_callbacks: Any
) -> None:
    evaluation = finished_run.evaluation
    client = as_user(world.contributor)
    # Scores pushed up: more people flagged, so a higher false positive rate.
    newer = upload(client, world.agency.slug, classification_rows(seed=2, shift=0.2).encode())
    url = reverse(
        "evaluations:rerun",
        kwargs={"evaluation_id": evaluation.public_id, "dataset_id": newer.public_id},
    )
    assert "passes the audit" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    second = evaluation.runs.get(number=2)
    assert second.status == "done"
    page = as_user(world.viewer).get(
        reverse("evaluations:compare", kwargs={"evaluation_id": evaluation.public_id})
    )
    html = page.content.decode()
    assert "Run 1" in html
    assert "Run 2" in html
    changes = {c.label: c for c in page.context["changes"]}
    fpr = changes["fpr (threshold 0.5)"]
    assert fpr.after > fpr.before
    assert fpr.verdict == "worse"


def test_compare_verdicts_follow_the_direction_of_each_measure() -> None:
    def result(fpr: float, tpr: float, base: float, ratio: float) -> dict[str, Any]:
        rows = [("fpr", fpr), ("tpr", tpr), ("base_rate", base)]
        return {
            "metrics": [
                {"attribute": "overall", "group": "all", "threshold": 0.5, "metric": m, "value": v}
                for m, v in rows
            ],
            "summaries": [
                {"attribute": "sex", "threshold": 0.5, "name": "min_max_ratio", "metric": "fpr",
                 "value": ratio},
            ],
        }  # fmt: skip

    changes = results.compare(result(0.2, 0.7, 0.4, 0.6), result(0.1, 0.6, 0.5, 0.9))
    verdicts = {c.label: c.verdict for c in changes}
    assert verdicts == {
        "fpr (threshold 0.5)": "better",
        "tpr (threshold 0.5)": "worse",
        "base_rate (threshold 0.5)": "changed",
        "sex: min_max_ratio fpr (threshold 0.5)": "better",
    }
