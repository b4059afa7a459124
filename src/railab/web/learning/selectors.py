"""Reads of events, courses and experts, scoped to the requesting user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from railab.web.accounts.models import Membership, Role, User
from railab.web.core.tenancy import visible_q
from railab.web.learning.models import (
    Answer,
    Certificate,
    ContactRequest,
    Course,
    Enrollment,
    Event,
    ExpertProfile,
    Module,
    ModuleCompletion,
    Registration,
    RegistrationStatus,
)
from railab.web.resources.models import Term

AnyUser = User | AnonymousUser

# --- events ---------------------------------------------------------------------------


def events_visible_to(user: AnyUser) -> QuerySet[Event]:
    """Events this user may see, with their seat count and the user's own status."""
    qs = Event.objects.filter(visible_q(user)).annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        )
    )
    if user.is_authenticated:
        mine = Registration.objects.filter(event=OuterRef("pk"), user=user).exclude(
            status=RegistrationStatus.CANCELLED
        )
        qs = qs.annotate(my_status=Subquery(mine.values("status")[:1]))
    return qs


def events_list(*, user: AnyUser, past: bool = False, kind: str = "") -> QuerySet[Event]:
    now = timezone.now()
    qs = events_visible_to(user)
    qs = (
        qs.filter(ends_at__lte=now).order_by("-starts_at")
        if past
        else qs.filter(ends_at__gt=now).order_by("starts_at")
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def event_get_for_user(*, user: AnyUser, public_id: Any) -> Event:
    return get_object_or_404(events_visible_to(user).select_related("agency"), public_id=public_id)


def event_can_manage(*, user: AnyUser, event: Event) -> bool:
    """Organisers, Lab staff and the administrators of the host agency."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_lab_staff", False) or event.created_by_id == user.pk:
        return True
    if event.organisers.filter(pk=user.pk).exists():
        return True
    return (
        event.agency_id is not None
        and Membership.objects.filter(
            user=user, agency_id=event.agency_id, role=Role.AGENCY_ADMIN
        ).exists()
    )


def registration_of(*, event: Event, user: AnyUser) -> Registration | None:
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(event=event, user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )


def event_registrations(*, event: Event) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(event=event)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("user")
        .order_by("status", "queued_at", "id")
    )


def registrations_of_user(*, user: User) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user, event__ends_at__gt=timezone.now())
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event")
        .order_by("event__starts_at")
    )


# --- courses --------------------------------------------------------------------------


def courses_visible_to(user: AnyUser) -> QuerySet[Course]:
    qs = (
        Course.objects.filter(published=True)
        .filter(visible_q(user))
        .annotate(module_count=Count("modules", distinct=True))
    )
    if user.is_authenticated:
        qs = qs.annotate(
            done_count=Subquery(
                ModuleCompletion.objects.filter(
                    enrollment__course=OuterRef("pk"), enrollment__user=user
                )
                .values("enrollment__course")
                .annotate(n=Count("id"))
                .values("n")[:1]
            ),
            enrolled=Subquery(
                Enrollment.objects.filter(course=OuterRef("pk"), user=user).values("pk")[:1]
            ),
        )
    return qs.order_by("title")


def course_get_for_user(*, user: AnyUser, slug: str) -> Course:
    visible = Course.objects.filter(published=True).filter(visible_q(user))
    return get_object_or_404(visible, slug=slug)


def course_modules(*, course: Course) -> list[Module]:
    return list(course.modules.order_by("position"))


def module_get(*, course: Course, slug: str) -> Module:
    return get_object_or_404(
        Module.objects.filter(course=course).prefetch_related(
            "questions__choices",
            Prefetch("resources"),
        ),
        slug=slug,
    )


def enrollment_of(*, course: Course, user: AnyUser) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(course=course, user=user).first()


@dataclass(frozen=True)
class Progress:
    done: set[int]
    total: int

    @property
    def count(self) -> int:
        return len(self.done)

    @property
    def percent(self) -> int:
        return round(100 * len(self.done) / self.total) if self.total else 0


def progress_of(*, enrollment: Enrollment | None, course: Course) -> Progress:
    total = course.modules.count()
    if enrollment is None:
        return Progress(set(), total)
    done = set(enrollment.completions.values_list("module_id", flat=True))
    return Progress(done, total)


def answers_of(*, enrollment: Enrollment | None, module: Module) -> dict[int, Answer]:
    if enrollment is None:
        return {}
    return {
        a.question_id: a
        for a in Answer.objects.filter(enrollment=enrollment, question__module=module)
    }


def enrollments_of_user(*, user: User) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(user=user).select_related("course").order_by("-started_at")


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this code, however it was typed (case, spaces, dashes)."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(raw) != 16 or not raw.startswith("RAIL"):
        return None
    normal = f"RAIL-{raw[4:8]}-{raw[8:12]}-{raw[12:16]}"
    return Certificate.objects.select_related("enrollment__course").filter(code=normal).first()


def certificate_of(*, course: Course, user: User) -> Certificate:
    certificate = Certificate.objects.filter(
        enrollment__course=course, enrollment__user=user
    ).first()
    if certificate is None:
        raise Http404
    return certificate


# --- experts --------------------------------------------------------------------------


def experts_search(
    *,
    query: str = "",
    expertise: list[str] | None = None,
    language: str = "",
    country: str = "",
    verified_only: bool = False,
) -> QuerySet[ExpertProfile]:
    """Listed profiles matching every filter. ``expertise`` items are "vocabulary:code";
    a profile matches when it has any of them."""
    qs = ExpertProfile.objects.filter(listed=True)
    if query:
        for word in query.split()[:8]:
            qs = qs.filter(
                Q(name__icontains=word) | Q(organisation__icontains=word) | Q(bio__icontains=word)
            )
    if expertise:
        wanted = Q()
        for key in expertise:
            vocabulary, _, code = key.partition(":")
            wanted |= Q(vocabulary=vocabulary, code=code)
        qs = qs.filter(expertise__in=Term.objects.filter(wanted)).distinct()
    if language:
        # Language codes are stored as a JSON list; a quoted match is exact and works
        # the same on SQLite and PostgreSQL.
        qs = qs.filter(languages__icontains=f'"{language}"')
    if country:
        qs = qs.filter(country=country)
    if verified_only:
        qs = qs.exclude(verified_at=None)
    return qs.prefetch_related("expertise").order_by("name")


def expert_get_for_user(*, user: User, public_id: Any) -> ExpertProfile:
    """A listed profile, or one's own even when it is not listed."""
    return get_object_or_404(
        ExpertProfile.objects.filter(Q(listed=True) | Q(user=user)).prefetch_related("expertise"),
        public_id=public_id,
    )


def contact_requests_sent(*, user: User) -> QuerySet[ContactRequest]:
    return ContactRequest.objects.filter(requester=user).select_related("expert")


def contact_requests_received(*, user: User) -> QuerySet[ContactRequest]:
    return ContactRequest.objects.filter(expert__user=user).select_related("requester")


def contact_request_get_for_user(*, user: User, public_id: Any) -> ContactRequest:
    """Only the person who asked and the expert asked may see a request."""
    return get_object_or_404(
        ContactRequest.objects.filter(Q(requester=user) | Q(expert__user=user)).select_related(
            "expert", "requester"
        ),
        public_id=public_id,
    )
