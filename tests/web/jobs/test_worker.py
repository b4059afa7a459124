"""A job runs on the real database queue and its worker, with progress recorded."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from railab.web.auditlog.tasks import audit_log_verify_task
from railab.web.jobs.models import Job, JobStatus
from railab.web.jobs.services import job_start
from tests.conftest import World

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_QUEUE)
def test_database_queue_and_worker_run_a_job(world: World, as_user) -> None:
    job = job_start(
        user=world.lab_admin,
        agency=None,
        kind="audit_log.verify",
        title="Verify",
        task=audit_log_verify_task,
    )
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    client = as_user(world.lab_admin)
    queued = client.get(f"/jobs/{job.public_id}/progress/")
    assert b'hx-trigger="every 1s"' in queued.content  # the page keeps polling
    assert "HX-Refresh" not in queued.headers

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["ok"] is True
    assert job.started_at is not None
    assert job.finished_at is not None
    done = client.get(f"/jobs/{job.public_id}/progress/")
    assert done.headers["HX-Refresh"] == "true"  # stop polling, show the outcome
    assert b"every 1s" not in done.content


@pytest.mark.django_db
def test_a_failing_job_records_its_error(world: World) -> None:
    from railab.web.jobs.services import job_run

    job = Job.objects.create(user=world.admin, agency=world.agency, kind="k", title="t")

    def work(progress) -> None:
        progress(3, 10, "reading")
        raise ValueError("column `label` is missing")

    with pytest.raises(ValueError, match="label"):
        job_run(str(job.public_id), work)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.done == 3
    assert job.total == 10
    assert job.percent == 30
    assert "column `label` is missing" in job.error
