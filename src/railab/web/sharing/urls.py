from __future__ import annotations

from django.urls import path

from railab.web.sharing import views

app_name = "sharing"

A = "agency/<slug:slug>/"
K = "signing-keys/<uuid:key_id>/"
T = "count-tables/<uuid:table_id>/"

urlpatterns = [
    path(A + "signing-keys/", views.keys, name="keys"),
    path(A + "signing-keys/new/", views.key_create, name="key_create"),
    path(K + "revoke/", views.key_revoke, name="key_revoke"),
    path(K + "public.pem", views.key_pem, name="key_pem"),
    path(A + "count-tables/", views.tables, name="tables"),
    path(A + "count-tables/upload/", views.table_upload, name="table_upload"),
    path(T, views.table, name="table"),
    path(T + "report/", views.table_report, name="table_report"),
    path(T + "table.json", views.table_json, name="table_json"),
]
