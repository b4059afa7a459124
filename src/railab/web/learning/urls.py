from __future__ import annotations

from django.urls import path

from railab.web.learning import views

app_name = "learning"

urlpatterns = [
    path("events/", views.events, name="events"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/feed.ics", views.events_feed, name="events_feed"),
    path("events/<uuid:event_id>/", views.event_detail, name="event_detail"),
    path("events/<uuid:event_id>/edit/", views.event_edit, name="event_edit"),
    path("events/<uuid:event_id>/register/", views.event_register, name="event_register"),
    path("events/<uuid:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<uuid:event_id>/event.ics", views.event_ics, name="event_ics"),
    path("events/<uuid:event_id>/attendees/", views.event_attendees, name="event_attendees"),
    path("time-zone/", views.set_timezone, name="set_timezone"),
    path("learning/", views.mine, name="mine"),
    path("courses/", views.courses, name="courses"),
    path("courses/<slug:slug>/", views.course_detail, name="course_detail"),
    path("courses/<slug:slug>/enrol/", views.course_enroll, name="course_enroll"),
    path(
        "courses/<slug:slug>/certificate.pdf",
        views.certificate_download,
        name="certificate_download",
    ),
    path("courses/<slug:slug>/<slug:module_slug>/", views.module, name="module"),
    path("courses/<slug:slug>/<slug:module_slug>/read/", views.module_read, name="module_read"),
    path(
        "courses/<slug:slug>/<slug:module_slug>/questions/<uuid:question_id>/",
        views.answer,
        name="answer",
    ),
    path("certificates/", views.certificate_lookup, name="certificate_lookup"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("experts/", views.experts, name="experts"),
    path("experts/me/", views.expert_profile_edit, name="expert_profile_edit"),
    path("experts/requests/", views.contact_requests, name="contact_requests"),
    path("experts/requests/<uuid:request_id>/", views.contact_request, name="contact_request"),
    path("experts/<uuid:expert_id>/", views.expert_detail, name="expert_detail"),
    path("experts/<uuid:expert_id>/contact/", views.expert_contact, name="expert_contact"),
    path("experts/<uuid:expert_id>/verify/", views.expert_verify, name="expert_verify"),
    path("agency/<slug:slug>/learning/", views.recommendations, name="recommendations"),
]
