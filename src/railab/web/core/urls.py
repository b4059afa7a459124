from __future__ import annotations

from django.urls import path

from railab.web.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("agency/<slug:slug>/", views.agency_dashboard, name="agency_dashboard"),
]
