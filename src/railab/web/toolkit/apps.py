from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToolkitConfig(AppConfig):
    name = "railab.web.toolkit"
    label = "toolkit"
    verbose_name = _("Responsible-AI toolkit")
