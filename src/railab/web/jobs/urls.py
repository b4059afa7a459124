from __future__ import annotations

from django.urls import path

from railab.web.jobs import views

app_name = "jobs"

urlpatterns = [
    path("jobs/<uuid:job_id>/", views.detail, name="detail"),
    path("jobs/<uuid:job_id>/progress/", views.progress, name="progress"),
]
