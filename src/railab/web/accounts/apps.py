from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "railab.web.accounts"
    label = "accounts"
    verbose_name = _("Agencies and people")
