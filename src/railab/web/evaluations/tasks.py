"""Background work: running an audit on a dataset."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_tasks import task

from railab.web.jobs.services import job_run


@task()
def run_evaluation_task(job_id: str, run_id: int) -> dict[str, Any]:
    from railab.web.evaluations.services import run_execute

    def work(progress: Callable[[int, int | None, str], None]) -> dict[str, Any]:
        return run_execute(run_id=run_id, progress=progress)

    result: dict[str, Any] = job_run(job_id, work)
    return result
