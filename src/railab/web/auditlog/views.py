from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from railab.web.accounts.models import LabRole, Role
from railab.web.accounts.selectors import agency_get_for_user
from railab.web.auditlog.selectors import audit_events_all, audit_events_for_agency
from railab.web.auditlog.tasks import audit_log_verify_task
from railab.web.core.decorators import lab_role_required
from railab.web.core.http import AuthedRequest
from railab.web.jobs.models import Job
from railab.web.jobs.services import job_start

PAGE_SIZE = 50


@login_required
def agency_log(request: AuthedRequest, slug: str) -> HttpResponse:
    membership = agency_get_for_user(user=request.user, slug=slug, role=Role.AGENCY_ADMIN)
    page = Paginator(audit_events_for_agency(agency=membership.agency), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "auditlog/agency_log.html", {"agency": membership.agency, "page": page})


@lab_role_required(LabRole.LAB_ADMIN)
def lab_log(request: AuthedRequest) -> HttpResponse:
    page = Paginator(audit_events_all(), PAGE_SIZE).get_page(request.GET.get("page"))
    last_check = Job.objects.filter(kind="audit_log.verify").first()
    return render(request, "auditlog/lab_log.html", {"page": page, "last_check": last_check})


@lab_role_required(LabRole.LAB_ADMIN)
@require_POST
def lab_verify(request: AuthedRequest) -> HttpResponse:
    job = job_start(
        user=request.user,
        agency=None,
        kind="audit_log.verify",
        title=_("Verify the audit log's hash chain"),
        task=audit_log_verify_task,
    )
    return redirect("jobs:detail", job_id=job.public_id)
