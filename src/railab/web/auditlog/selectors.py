from __future__ import annotations

from django.db.models import QuerySet

from railab.web.accounts.models import Agency
from railab.web.auditlog.models import AuditEvent


def audit_events_for_agency(*, agency: Agency) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(agency_id=agency.pk).order_by("-seq")


def audit_events_all() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.order_by("-seq")
