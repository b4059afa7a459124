from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "railab.web.resources"
    label = "resources"
    verbose_name = _("Resource bank")
