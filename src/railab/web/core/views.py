from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from railab.web.accounts import selectors as account_selectors
from railab.web.accounts.models import Role
from railab.web.auditlog.selectors import audit_events_for_agency
from railab.web.core.http import AuthedRequest
from railab.web.jobs.models import Job


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    agencies = list(account_selectors.agencies_for_user(user=request.user))
    if len(agencies) == 1 and not request.user.is_lab_staff:
        return redirect("core:agency_dashboard", slug=agencies[0].slug)
    return render(request, "core/dashboard.html", {"agencies": agencies})


@login_required
def agency_dashboard(request: AuthedRequest, slug: str) -> HttpResponse:
    membership = account_selectors.agency_get_for_user(user=request.user, slug=slug)
    agency = membership.agency
    is_admin = membership.has_role(Role.AGENCY_ADMIN)
    stats = account_selectors.agency_stats(agency=agency)
    context = {
        "agency": agency,
        "membership": membership,
        "is_admin": is_admin,
        "role_counts": [(label, stats[value]) for value, label in Role.choices],
        "pending_invitations": (
            account_selectors.pending_invitations(agency=agency).count() if is_admin else 0
        ),
        "recent_events": list(audit_events_for_agency(agency=agency)[:8]) if is_admin else [],
        "recent_jobs": list(Job.objects.filter(agency=agency, user=request.user)[:5]),
    }
    return render(request, "core/agency_dashboard.html", context)
