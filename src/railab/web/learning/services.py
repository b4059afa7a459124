"""Writes about events and registrations.

Seats are handed out under a lock on the event row (``select_for_update`` on
PostgreSQL; on SQLite every write transaction starts ``IMMEDIATE`` and already holds the
database's write lock), so two people taking the last seat at once cannot both get it.
E-mails leave after the commit.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from railab.web.auditlog.services import audit_record
from railab.web.learning import timezones
from railab.web.learning.ical import event_calendar
from railab.web.learning.models import (
    Event,
    LearnerSettings,
    Registration,
    RegistrationStatus,
)

if TYPE_CHECKING:
    from railab.web.accounts.models import Agency, User
    from railab.web.resources.models import Entry

REMINDER_WINDOW = timedelta(hours=24)


@dataclass
class EventData:
    kind: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    location: str = ""
    online_url: str = ""
    languages: list[str] = field(default_factory=list)
    capacity: int | None = None
    visibility: str = "law_enforcement"
    agency: Agency | None = None
    organisers: list[User] = field(default_factory=list)
    materials: list[Entry] = field(default_factory=list)

    FIELDS = (
        "kind",
        "title",
        "description",
        "starts_at",
        "ends_at",
        "time_zone",
        "location",
        "online_url",
        "languages",
        "capacity",
        "visibility",
        "agency",
    )


def _event_snapshot(event: Event) -> dict[str, object]:
    return {
        "title": event.title,
        "kind": event.kind,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "time_zone": event.time_zone,
        "capacity": event.capacity,
        "visibility": event.visibility,
    }


def _validate(data: EventData) -> None:
    if data.ends_at <= data.starts_at:
        raise ValidationError(_("The event must end after it starts."))
    if not timezones.is_valid_zone(data.time_zone):
        raise ValidationError(_("Unknown time zone: %(tz)s.") % {"tz": data.time_zone})
    if data.visibility == "agency" and data.agency is None:
        raise ValidationError(_("An event for one agency's members needs a host agency."))


def event_create(*, by: User, data: EventData) -> Event:
    _validate(data)
    with transaction.atomic():
        event = Event(created_by=by)
        for name in EventData.FIELDS:
            setattr(event, name, getattr(data, name))
        event.save()
        event.organisers.set(data.organisers or [by])
        event.materials.set(data.materials)
        audit_record(
            actor=by,
            action="event.create",
            obj=event,
            agency=event.agency,
            after=_event_snapshot(event),
        )
    return event


def event_update(*, event: Event, by: User, data: EventData) -> Event:
    _validate(data)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        before = _event_snapshot(locked)
        for name in EventData.FIELDS:
            setattr(locked, name, getattr(data, name))
        locked.save()
        if data.organisers:
            locked.organisers.set(data.organisers)
        locked.materials.set(data.materials)
        # A larger room serves the waiting list at once.
        promoted = _fill_seats(locked)
        audit_record(
            actor=by,
            action="event.update",
            obj=locked,
            agency=locked.agency,
            before=before,
            after=_event_snapshot(locked),
        )
        _mail_after_commit(promoted, kind="promoted")
    return locked


def _confirmed_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()


def _fill_seats(event: Event) -> list[Registration]:
    """Move people from the waiting list into free seats, first come first served.
    The caller holds the lock on ``event``."""
    waiting = Registration.objects.filter(
        event=event, status=RegistrationStatus.WAITLISTED
    ).order_by("queued_at", "id")
    if event.capacity is not None:
        free = event.capacity - _confirmed_count(event)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.select_related("user", "event"))
    if promoted:
        Registration.objects.filter(pk__in=[r.pk for r in promoted]).update(
            status=RegistrationStatus.CONFIRMED
        )
        for registration in promoted:
            registration.status = RegistrationStatus.CONFIRMED
    return promoted


def registration_register(*, event: Event, user: User) -> Registration:
    """Take a seat, or a place on the waiting list when the event is full. Registering
    again while registered changes nothing."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise ValidationError(_("This event was cancelled."))
        if locked.starts_at <= timezone.now():
            raise ValidationError(_("Registration is closed: the event has started."))
        registration = Registration.objects.filter(event=locked, user=user).first()
        if registration is not None and registration.status != RegistrationStatus.CANCELLED:
            return registration
        full = locked.capacity is not None and _confirmed_count(locked) >= locked.capacity
        status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED
        now = timezone.now()
        if registration is None:
            registration = Registration.objects.create(
                event=locked, user=user, status=status, queued_at=now
            )
        else:
            # Coming back after cancelling joins the end of the queue.
            registration.status = status
            registration.queued_at = now
            registration.reminded_at = None
            registration.save(update_fields=["status", "queued_at", "reminded_at"])
        registration.event = locked
        _mail_after_commit([registration], kind=status)
    return registration


def registration_cancel(*, event: Event, user: User) -> Registration | None:
    """Give up a seat (or a place on the waiting list); a freed seat goes to the first
    person waiting."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        registration = (
            Registration.objects.filter(event=locked, user=user)
            .exclude(status=RegistrationStatus.CANCELLED)
            .first()
        )
        if registration is None:
            return None
        if locked.starts_at <= timezone.now():
            raise ValidationError(_("The event has started; it can no longer be cancelled."))
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status"])
        promoted = _fill_seats(locked) if was_confirmed else []
        _mail_after_commit(promoted, kind="promoted")
    return registration


def waitlist_position(registration: Registration) -> int:
    """1 for the first person waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return 0
    waiting = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED
    )
    ahead = waiting.filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, id__lt=registration.pk)
    ).count()
    return ahead + 1


def attendance_record(*, event: Event, by: User, attended: dict[int, bool | None]) -> int:
    """Record who came; ``attended`` maps registration ids of ``event`` to yes/no/unknown."""
    with transaction.atomic():
        changed = 0
        registrations = Registration.objects.filter(
            event=event, pk__in=list(attended), status=RegistrationStatus.CONFIRMED
        )
        for registration in registrations:
            value = attended[registration.pk]
            if registration.attended != value:
                registration.attended = value
                registration.save(update_fields=["attended"])
                changed += 1
        if changed:
            audit_record(
                actor=by,
                action="event.attendance",
                obj=event,
                agency=event.agency,
                after={"changed": changed},
            )
    return changed


def time_zone_choose(*, user: User, name: str) -> None:
    if not timezones.is_valid_zone(name):
        raise ValidationError(_("Unknown time zone: %(tz)s.") % {"tz": name})
    LearnerSettings.objects.update_or_create(user=user, defaults={"time_zone": name})


# --- e-mail ---------------------------------------------------------------------------


def _mail_after_commit(registrations: list[Registration], *, kind: str) -> None:
    ids = [r.pk for r in registrations]
    if ids:
        language = translation.get_language()
        transaction.on_commit(lambda: _send_registration_mails(ids, kind, language))


def _send_registration_mails(ids: list[int], kind: str, language: str | None) -> None:
    regs = Registration.objects.filter(pk__in=ids).select_related("event", "user")
    with translation.override(language):
        for registration in regs:
            registration_mail(registration, kind=kind).send()


def registration_mail(registration: Registration, *, kind: str) -> EmailMessage:
    """The message for a registration: ``confirmed``, ``waitlisted``, ``promoted`` (a seat
    freed up) or ``reminder``. Times are given in the person's chosen zone, if any, and
    in the event's own zone."""
    event, user = registration.event, registration.user
    subjects = {
        RegistrationStatus.CONFIRMED: _("You are registered: %(title)s"),
        RegistrationStatus.WAITLISTED: _("You are on the waiting list: %(title)s"),
        "promoted": _("A seat is yours: %(title)s"),
        "reminder": _("Reminder: %(title)s starts soon"),
    }
    zone = timezones.zone_or_utc(timezones.stored_zone_name(user) or event.time_zone)
    body = render_to_string(
        "learning/email/registration.txt",
        {
            "kind": kind,
            "event": event,
            "user": user,
            "local_start": event.starts_at.astimezone(zone),
            "local_end": event.ends_at.astimezone(zone),
            "zone": str(zone),
            "event_start": event.starts_at.astimezone(event.zone),
            "url": settings.BASE_URL + reverse("learning:event_detail", args=[event.public_id]),
            "position": waitlist_position(registration),
        },
    )
    message = EmailMessage(subjects[kind] % {"title": event.title}, body, None, [user.email])
    if kind != RegistrationStatus.WAITLISTED:
        message.attach("event.ics", event_calendar([event]), "text/calendar")
    return message


def reminders_send(*, now: datetime | None = None, window: timedelta = REMINDER_WINDOW) -> int:
    """Remind everyone with a seat at an event starting within ``window``. Idempotent:
    each registration is claimed by a conditional update before its e-mail leaves, so
    running it twice (or in two workers) sends each reminder once."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminded_at=None,
        event__cancelled_at=None,
        event__starts_at__gt=now,
        event__starts_at__lte=now + window,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=pk, reminded_at=None).update(reminded_at=now)
            if claimed:
                sent += 1
                transaction.on_commit(
                    functools.partial(_send_registration_mails, [pk], "reminder", None)
                )
    return sent
