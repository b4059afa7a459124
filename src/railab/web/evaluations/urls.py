from __future__ import annotations

from django.urls import path

from railab.web.evaluations import views

app_name = "evaluations"

E = "evaluations/<uuid:evaluation_id>/"
R = E + "runs/<int:number>/"
U = "evaluations/uploads/<uuid:dataset_id>/"

urlpatterns = [
    path("agency/<slug:slug>/evaluations/", views.index, name="index"),
    path("agency/<slug:slug>/evaluations/new/", views.new, name="new"),
    path("agency/<slug:slug>/evaluations/uploads/", views.upload_start, name="upload_start"),
    path("agency/<slug:slug>/evaluations/server-file/", views.server_file, name="server_file"),
    path(U, views.upload_status, name="upload"),
    path(U + "chunk/", views.upload_chunk, name="upload_chunk"),
    path(U + "complete/", views.upload_complete, name="upload_complete"),
    path("evaluations/data/<uuid:dataset_id>/map/", views.map_columns, name="map"),
    path("evaluations/data/<uuid:dataset_id>/check/", views.check, name="check"),
    path(E, views.detail, name="detail"),
    path(E + "attach/", views.attach, name="attach"),
    path(E + "publish/", views.publish, name="publish"),
    path(E + "compare/", views.compare, name="compare"),
    path(E + "rerun/<uuid:dataset_id>/", views.rerun, name="rerun"),
    path(R, views.run_page, name="run"),
    path(R + "report/", views.report, name="report"),
    path(R + "report.pdf", views.report_pdf, name="report_pdf"),
    path(R + "result.json", views.result_json, name="result_json"),
]
