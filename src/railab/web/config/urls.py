from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from railab.web.api.api import api

admin.site.site_header = "railab administration"
admin.site.site_title = "railab"

urlpatterns = [
    path("", include("railab.web.core.urls")),
    path("", include("railab.web.accounts.urls")),
    path("", include("railab.web.auditlog.urls")),
    path("", include("railab.web.jobs.urls")),
    path("", include("railab.web.resources.urls")),
    path("", include("railab.web.toolkit.urls")),
    path("", include("railab.web.learning.urls")),
    path("", include("railab.web.evaluations.urls")),
    path("", include("railab.web.register.urls")),
    path("", include("railab.web.sharing.urls")),
    path("api/", api.urls),
    path("i18n/set-language/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
