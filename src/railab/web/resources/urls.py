from __future__ import annotations

from django.urls import path

from railab.web.resources import views

app_name = "resources"

urlpatterns = [
    path("resources/", views.search_page, name="search"),
    path("resources/new/", views.submit, name="submit"),
    path("resources/mine/", views.mine, name="mine"),
    path("resources/review/", views.review_queue, name="review_queue"),
    path("resources/import/", views.import_upload, name="import"),
    path("resources/import/<uuid:upload_id>/", views.import_preview, name="import_preview"),
    path("resources/export.<str:fmt>", views.export, name="export"),
    path("resources/feed.atom", views.LatestEntriesFeed(), name="feed"),
    path("resources/link-check/", views.link_check, name="link_check"),
    path("resources/<uuid:entry_id>/", views.detail, name="detail"),
    path("resources/<uuid:entry_id>/edit/", views.edit, name="edit"),
    path("resources/<uuid:entry_id>/versions/", views.versions, name="versions"),
    path("resources/<uuid:entry_id>/review/", views.review, name="review"),
]
