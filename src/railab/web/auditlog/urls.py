from __future__ import annotations

from django.urls import path

from railab.web.auditlog import views

app_name = "auditlog"

urlpatterns = [
    path("agency/<slug:slug>/audit-log/", views.agency_log, name="agency_log"),
    path("lab/audit-log/", views.lab_log, name="lab_log"),
    path("lab/audit-log/verify/", views.lab_verify, name="lab_verify"),
]
