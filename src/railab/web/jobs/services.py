"""Starting jobs and reporting their progress from inside a task."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from railab.web.jobs.models import Job, JobStatus

if TYPE_CHECKING:
    from django_tasks.base import Task

    from railab.web.accounts.models import Agency, User

log = logging.getLogger(__name__)


def job_start(
    *,
    user: User,
    agency: Agency | None,
    kind: str,
    title: str,
    task: Task[..., Any],
    **task_kwargs: Any,
) -> Job:
    """Record a job and enqueue its task once the surrounding transaction commits."""
    with transaction.atomic():
        job = Job.objects.create(user=user, agency=agency, kind=kind, title=title)
        job_id = str(job.public_id)
        transaction.on_commit(lambda: task.enqueue(job_id=job_id, **task_kwargs))
    return job


def job_progress(job_id: str, done: int, total: int | None, message: str = "") -> None:
    Job.objects.filter(public_id=job_id).update(done=done, total=total, message=message[:300])


def job_run(job_id: str, work: Callable[[Callable[[int, int | None, str], None]], Any]) -> Any:
    """Run ``work(progress)`` as job ``job_id``, recording start, progress and outcome."""
    Job.objects.filter(public_id=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())

    def progress(done: int, total: int | None, message: str = "") -> None:
        job_progress(job_id, done, total, message)

    try:
        result = work(progress)
    except Exception as exc:
        log.exception("job %s failed", job_id)
        Job.objects.filter(public_id=job_id).update(
            status=JobStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    Job.objects.filter(public_id=job_id).update(
        status=JobStatus.SUCCEEDED, result=result, finished_at=timezone.now()
    )
    return result
