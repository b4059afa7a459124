"""Mapping columns (validated on a sample), running the audit as a job, the results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.urls import reverse

from railab.web.auditlog.models import AuditEvent
from railab.web.evaluations.models import Run
from railab.web.jobs.models import Job
from tests.conftest import World
from tests.web.evaluations.conftest import CLASSIFICATION_FORM, upload

pytestmark = pytest.mark.django_db


def _check(client: Any, dataset: Any, **fields: Any) -> str:
    response = client.post(
        reverse("evaluations:check", kwargs={"dataset_id": dataset.public_id}),
        {**CLASSIFICATION_FORM, **fields},
    )
    assert response.status_code == 200
    return str(response.content.decode())


def test_map_page_previews_the_first_rows(world: World, as_user: Any, csv_bytes: bytes) -> None:
    client = as_user(world.contributor)
    dataset = upload(client, world.agency.slug, csv_bytes)
    page = client.get(reverse("evaluations:map", kwargs={"dataset_id": dataset.public_id}))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<th scope="col">reoffended</th>' in html
    assert "hx-post" in html


def test_check_describes_the_columns_and_passes(
    world: World, as_user: Any, csv_bytes: bytes
) -> None:
    client = as_user(world.contributor)
    dataset = upload(client, world.agency.slug, csv_bytes)
    html = _check(client, dataset)
    assert 'data-testid="check-ok"' in html
    assert "values: 0, 1" in html  # the label
    assert "2 groups" in html  # sex
    assert "from 0 to 0.95" in html or "from 0" in html  # the score range


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"label": ""}, "Choose the column for this audit."),
        ({"prediction": "flagged"}, "Choose either a decision column or a score column."),
        ({"thresholds": "half"}, "Write numbers separated by commas"),
        # The library's own check, run on the sample: three label values.
        ({"label": "case_id", "score": "risk"}, "a binary label needs two values"),
        ({"kind": "triage", "capacity": ""}, "Give at least one review capacity"),
    ],
)
def test_check_explains_what_is_wrong(
    world: World, as_user: Any, csv_bytes: bytes, fields: dict[str, Any], message: str
) -> None:
    client = as_user(world.contributor)
    dataset = upload(client, world.agency.slug, csv_bytes)
    html = _check(client, dataset, **fields)
    assert message in html


def test_map_refuses_what_the_check_refuses(world: World, as_user: Any, csv_bytes: bytes) -> None:
    client = as_user(world.contributor)
    dataset = upload(client, world.agency.slug, csv_bytes)
    response = client.post(
        reverse("evaluations:map", kwargs={"dataset_id": dataset.public_id}),
        {**CLASSIFICATION_FORM, "label": "case_id"},
    )
    assert response.status_code == 400
    assert "a binary label needs two values" in response.content.decode()
    assert not Run.objects.exists()


def test_a_file_that_is_not_a_table(world: World, as_user: Any) -> None:
    client = as_user(world.contributor)
    dataset = upload(client, world.agency.slug, b"\x00\x01PAR1 broken", name="x.parquet")
    page = client.get(reverse("evaluations:map", kwargs={"dataset_id": dataset.public_id}))
    assert "cannot be read as Parquet" in page.content.decode()


def test_run_as_a_job_then_results_report_pdf_and_json(
    world: World, as_user: Any, finished_run: Run
) -> None:
    run = finished_run
    evaluation = run.evaluation
    assert evaluation.options["label"] == "reoffended"
    job = Job.objects.get(pk=run.job_id)
    assert job.status == "succeeded"
    assert job.percent == 100
    assert run.result is not None
    assert run.result["exclusions"]["rows"] == 240
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "evaluation.create",
        "evaluation.run_start",
        "evaluation.run_done",
    }
    viewer = as_user(world.viewer)
    args = {"evaluation_id": evaluation.public_id, "number": run.number}
    page = viewer.get(reverse("evaluations:run", kwargs=args)).content.decode()
    assert "<iframe" in page
    assert "sandbox" in page
    assert "roc_auc" in page
    report = viewer.get(reverse("evaluations:report", kwargs=args))
    assert report.status_code == 200
    assert b"<svg" in report.content
    assert report["X-Frame-Options"] == "SAMEORIGIN"
    csp = report["Content-Security-Policy"]
    assert "script-src 'none'" in csp
    assert "frame-ancestors 'self'" in csp
    pdf = viewer.get(reverse("evaluations:report_pdf", kwargs=args))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    data = json.loads(viewer.get(reverse("evaluations:result_json", kwargs=args)).content)
    assert data["spec"]["label"] == "reoffended"


def test_a_parquet_file_runs(
    world: World,
    as_user: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Parquet goes through the same path as CSV."""
    table = pa.table(
        {
            "y": [0, 1] * 50,
            "s": [0.2, 0.8] * 50,
            "g": ["a"] * 60 + ["b"] * 40,
        }
    )
    pq.write_table(table, tmp_path / "out.parquet")
    client = as_user(world.contributor)
    dataset = upload(
        client, world.agency.slug, (tmp_path / "out.parquet").read_bytes(), "o.parquet"
    )
    form = {**CLASSIFICATION_FORM, "label": "y", "score": "s", "groups": ["g"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluations:map", kwargs={"dataset_id": dataset.public_id}), form
        )
    assert response.status_code == 302
    run = Run.objects.get()
    assert run.status == "done"
    assert run.result is not None
    assert run.result["exclusions"]["rows"] == 100


def test_a_run_that_fails_shows_the_librarys_message(
    world: World, as_user: Any, csv_bytes: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    from railab.web.accounts.models import Membership
    from railab.web.evaluations.services import evaluation_create

    client = as_user(world.contributor)
    dataset = upload(client, world.agency.slug, csv_bytes)
    membership = Membership.objects.get(user=world.contributor, agency=world.agency)
    with django_capture_on_commit_callbacks(execute=True):
        run = evaluation_create(
            membership=membership,
            dataset=dataset,
            title="Broken",
            kind="classification",
            options={"label": "no_such_column", "prediction": "flagged", "bootstrap": 0},
        )
    run.refresh_from_db()
    assert run.status == "failed"
    assert "no_such_column" in run.error
    assert Job.objects.get(pk=run.job_id).status == "failed"
    page = client.get(
        reverse("evaluations:run", kwargs={"evaluation_id": run.evaluation.public_id, "number": 1})
    )
    assert "no_such_column" in page.content.decode()
