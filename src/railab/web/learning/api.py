"""Learning endpoints of the HTTP API: events and registration, courses, certificate
verification and the expert directory. Scoping is the same as for the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from railab.web.accounts.models import User
from railab.web.learning import selectors, services
from railab.web.learning.models import Event, ExpertProfile, Registration

router = Router(tags=["learning"])


class EventOut(Schema):
    id: UUID
    kind: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    location: str
    online: bool
    languages: list[str]
    capacity: int | None
    seats_taken: int
    visibility: str
    my_status: str | None


class EventsIn(Schema):
    past: bool = False
    kind: str = ""


class RegistrationOut(Schema):
    event: UUID
    status: str
    waitlist_position: int


class CourseOut(Schema):
    slug: str
    title: str
    summary: str
    language: str
    minutes: int
    modules: int


class CertificateOut(Schema):
    valid: bool
    code: str
    learner_name: str
    course_title: str
    issued_at: datetime


class ExpertOut(Schema):
    id: UUID
    name: str
    organisation: str
    country: str
    languages: list[str]
    expertise: list[str]
    bio: str
    verified: bool
    is_demo: bool


class ExpertsIn(Schema):
    q: str = ""
    expertise: list[str] = []
    language: str = ""
    country: str = ""
    verified: bool = False


class ErrorOut(Schema):
    detail: str


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _event(event: Event) -> dict[str, Any]:
    return {
        "id": event.public_id,
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "time_zone": event.time_zone,
        "location": event.location,
        "online": bool(event.online_url),
        "languages": list(event.languages),
        "capacity": event.capacity,
        "seats_taken": getattr(event, "confirmed_count", 0),
        "visibility": event.visibility,
        "my_status": getattr(event, "my_status", None),
    }


def _registration(registration: Registration) -> dict[str, Any]:
    return {
        "event": registration.event.public_id,
        "status": registration.status,
        "waitlist_position": services.waitlist_position(registration),
    }


@router.get("/events", response=list[EventOut], summary="Events you may see")
def events_list(request: HttpRequest, params: Query[EventsIn]) -> list[dict[str, Any]]:
    items = selectors.events_list(user=_user(request), past=params.past, kind=params.kind)
    return [_event(e) for e in items[:200]]


@router.get("/events/{event_id}", response=EventOut, summary="One event")
def events_get(request: HttpRequest, event_id: UUID) -> dict[str, Any]:
    return _event(selectors.event_get_for_user(user=_user(request), public_id=event_id))


@router.post(
    "/events/{event_id}/registration",
    response={200: RegistrationOut, 422: ErrorOut},
    summary="Register (or join the waiting list)",
)
def events_register(request: HttpRequest, event_id: UUID) -> Any:
    user = _user(request)
    event = selectors.event_get_for_user(user=user, public_id=event_id)
    try:
        registration = services.registration_register(event=event, user=user)
    except ValidationError as exc:
        return Status(422, {"detail": " ".join(exc.messages)})
    return _registration(registration)


@router.delete(
    "/events/{event_id}/registration",
    response={204: None, 422: ErrorOut},
    summary="Cancel your registration",
)
def events_cancel(request: HttpRequest, event_id: UUID) -> Any:
    user = _user(request)
    event = selectors.event_get_for_user(user=user, public_id=event_id)
    try:
        services.registration_cancel(event=event, user=user)
    except ValidationError as exc:
        return Status(422, {"detail": " ".join(exc.messages)})
    return Status(204, None)


@router.get("/courses", response=list[CourseOut], summary="Courses you may follow")
def courses_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "slug": c.slug,
            "title": c.title,
            "summary": c.summary,
            "language": c.language,
            "minutes": c.minutes,
            "modules": c.module_count,  # type: ignore[attr-defined]
        }
        for c in selectors.courses_visible_to(_user(request))
    ]


@router.get(
    "/certificates/{code}",
    response={200: CertificateOut, 404: ErrorOut},
    auth=None,
    summary="Verify a certificate",
)
def certificates_verify(request: HttpRequest, code: str) -> Any:
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return Status(404, {"detail": "No certificate has this code."})
    return {
        "valid": certificate.revoked_at is None,
        "code": certificate.code,
        "learner_name": certificate.learner_name,
        "course_title": certificate.course_title,
        "issued_at": certificate.issued_at,
    }


def _expert(expert: ExpertProfile) -> dict[str, Any]:
    return {
        "id": expert.public_id,
        "name": expert.name,
        "organisation": expert.organisation,
        "country": str(expert.country),
        "languages": list(expert.languages),
        "expertise": sorted(str(t) for t in expert.expertise.all()),
        "bio": expert.bio,
        "verified": expert.verified_at is not None,
        "is_demo": expert.is_demo,
    }


@router.get("/experts", response=list[ExpertOut], summary="Search the expert directory")
def experts_search(request: HttpRequest, params: Query[ExpertsIn]) -> list[dict[str, Any]]:
    _user(request)
    items = selectors.experts_search(
        query=params.q[:200],
        expertise=params.expertise,
        language=params.language,
        country=params.country.upper()[:2],
        verified_only=params.verified,
    )
    return [_expert(e) for e in items[:200]]
