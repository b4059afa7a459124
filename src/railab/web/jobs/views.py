from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from railab.web.core.http import AuthedRequest
from railab.web.jobs.selectors import job_get_for_user


@login_required
def detail(request: AuthedRequest, job_id: str) -> HttpResponse:
    job = job_get_for_user(user=request.user, public_id=job_id)
    return render(request, "jobs/detail.html", {"job": job})


@login_required
def progress(request: AuthedRequest, job_id: str) -> HttpResponse:
    """The progress fragment that the detail page polls (htmx) until the job ends."""
    job = job_get_for_user(user=request.user, public_id=job_id)
    response = render(request, "jobs/_progress.html", {"job": job})
    if job.is_finished:
        # Stop polling and reload once, so the page shows the outcome.
        response["HX-Refresh"] = "true"
    return response
