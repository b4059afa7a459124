from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "railab.web.learning"
    label = "learning"
    verbose_name = _("Learning and expert exchange")
