from __future__ import annotations

from django.urls import path

from railab.web.toolkit import views

app_name = "toolkit"

A = "toolkit/<uuid:assessment_id>/"

urlpatterns = [
    path("agency/<slug:slug>/toolkit/", views.index, name="index"),
    path("agency/<slug:slug>/toolkit/new/", views.start, name="start"),
    path("agency/<slug:slug>/toolkit/import/", views.import_, name="import"),
    path(A, views.detail, name="detail"),
    path(A + "section/<slug:section_id>/", views.section, name="section"),
    path(A + "answer/<slug:question_id>/", views.answer, name="answer"),
    path(A + "comment/<slug:question_id>/", views.comment, name="comment"),
    path(A + "evidence/<slug:question_id>/", views.evidence_upload, name="evidence_upload"),
    path(A + "file/<uuid:evidence_id>/", views.evidence_download, name="evidence_download"),
    path(A + "file/<uuid:evidence_id>/remove/", views.evidence_remove, name="evidence_remove"),
    path(A + "history/", views.history, name="history"),
    path(A + "submit/", views.submit, name="submit"),
    path(A + "review/", views.review, name="review"),
    path(A + "reopen/", views.reopen, name="reopen"),
    path(A + "reassess/", views.reassess, name="reassess"),
    path(A + "results/", views.results, name="results"),
    path(A + "report.pdf", views.report_pdf, name="report_pdf"),
    path(A + "export.json", views.export_json, name="export_json"),
    path(A + "plan/", views.plan, name="plan"),
    path(A + "plan/generate/", views.plan_generate, name="plan_generate"),
    path(A + "plan/<uuid:action_id>/", views.action_update, name="action_update"),
    path(A + "compare/", views.compare_view, name="compare"),
    path("lab/toolkit/readiness/", views.lab_readiness, name="lab_readiness"),
]
