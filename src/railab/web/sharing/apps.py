from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "railab.web.sharing"
    label = "sharing"
    verbose_name = _("Evaluating without sharing data")
