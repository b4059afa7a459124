from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditlogConfig(AppConfig):
    name = "railab.web.auditlog"
    label = "auditlog"
    verbose_name = _("Audit log")
