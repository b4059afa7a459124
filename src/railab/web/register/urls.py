from __future__ import annotations

from django.urls import path

from railab.web.register import views

app_name = "register"

urlpatterns = [
    path("register/", views.index, name="index"),
    path("register/new/", views.create, name="create"),
    path("register/open-data.<str:fmt>", views.open_data, name="open_data"),
    path("register/<uuid:system_id>/", views.detail, name="detail"),
    path("register/<uuid:system_id>/edit/", views.edit, name="edit"),
    path("register/<uuid:system_id>/visibility/", views.visibility, name="visibility"),
    path("register/<uuid:system_id>/transition/", views.transition, name="transition"),
    path("register/<uuid:system_id>/waiver/", views.waiver, name="waiver"),
    path(
        "register/<uuid:system_id>/risk-assessment/",
        views.link_assessment,
        name="link_assessment",
    ),
    path("register/<uuid:system_id>/versions/", views.versions, name="versions"),
    path("register/<uuid:system_id>/export/<str:fmt>.json", views.export, name="export"),
    path("register/<uuid:system_id>/feedback/", views.feedback, name="feedback"),
    path(
        "register/<uuid:system_id>/feedback/<uuid:feedback_id>/moderate/",
        views.moderate,
        name="moderate",
    ),
]
