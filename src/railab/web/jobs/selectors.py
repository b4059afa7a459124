from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404

from railab.web.accounts.models import User
from railab.web.jobs.models import Job


def job_get_for_user(*, user: User, public_id: str) -> Job:
    """A job the user started, or one of an agency they belong to; otherwise 404."""
    agency_ids = user.memberships.values("agency_id")
    return get_object_or_404(
        Job.objects.filter(Q(user=user) | Q(agency_id__in=agency_ids)), public_id=public_id
    )
