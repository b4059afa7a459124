from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_tasks import task

from railab.web.auditlog.services import audit_log_verify
from railab.web.jobs.services import job_run


@task()
def audit_log_verify_task(job_id: str) -> dict[str, Any]:
    def work(progress: Callable[[int, int | None, str], None]) -> dict[str, Any]:
        result = audit_log_verify(progress=lambda done, total: progress(done, total, ""))
        return {
            "ok": result.ok,
            "checked": result.checked,
            "first_broken_seq": result.first_broken_seq,
            "problem": result.problem,
        }

    outcome: dict[str, Any] = job_run(job_id, work)
    return outcome
