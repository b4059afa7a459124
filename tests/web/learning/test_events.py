from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from railab.web.auditlog.models import AuditEvent
from railab.web.learning import services
from railab.web.learning.models import Event, Registration, RegistrationStatus
from railab.web.learning.timezones import CHOSEN_COOKIE, COOKIE
from tests.conftest import World
from tests.factories import UserFactory
from tests.web.learning.conftest import make_event, paris
from tests.web.resources.conftest import make_entry

DASH = "\N{EN DASH}"

# --- time zones -----------------------------------------------------------------------


def test_paris_ten_is_five_pm_in_singapore_in_winter(world: World) -> None:
    event = make_event(starts_at=paris(2037, 1, 15, 10), ends_at=paris(2037, 1, 15, 12))
    client = Client()
    client.cookies[COOKIE] = "Asia/Singapore"
    html = client.get(reverse("learning:event_detail", args=[event.public_id])).content.decode()
    assert f"17:00{DASH}19:00" in html
    assert "(Asia/Singapore)" in html
    # The organisers' own time is shown too.
    assert f"15 January 2037, 10:00{DASH}12:00 (Europe/Paris)" in html


def test_summer_time_is_handled(world: World) -> None:
    # In July Paris is UTC+2, Singapore UTC+8: 10:00 in Paris is 16:00 in Singapore.
    event = make_event(starts_at=paris(2037, 7, 15, 10), ends_at=paris(2037, 7, 15, 11))
    client = Client()
    client.cookies[COOKIE] = "Asia/Singapore"
    html = client.get(reverse("learning:event_detail", args=[event.public_id])).content.decode()
    assert f"16:00{DASH}17:00" in html


def test_without_a_zone_times_are_utc_and_a_bad_cookie_is_ignored(world: World) -> None:
    event = make_event(starts_at=paris(2037, 1, 15, 10), ends_at=paris(2037, 1, 15, 12))
    client = Client()
    client.cookies[COOKIE] = "Mars/Olympus_Mons"
    html = client.get(reverse("learning:event_detail", args=[event.public_id])).content.decode()
    assert f"09:00{DASH}11:00" in html
    assert "(UTC)" in html


def test_chosen_zone_is_stored_and_wins_over_the_browser(world: World, as_user) -> None:
    event = make_event(starts_at=paris(2037, 1, 15, 10), ends_at=paris(2037, 1, 15, 12))
    client = as_user(world.viewer)
    url = reverse("learning:event_detail", args=[event.public_id])
    response = client.post(
        reverse("learning:set_timezone"), {"tz-time_zone": "America/New_York", "next": url}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == url
    assert world.viewer.learning_settings.time_zone == "America/New_York"
    assert response.cookies[CHOSEN_COOKIE].value == "1"
    # A new browser reports another zone, but the person's choice is kept.
    other = as_user(world.viewer)
    other.cookies[COOKIE] = "Asia/Tokyo"
    assert f"04:00{DASH}06:00" in other.get(url).content.decode()


def test_time_zone_form_rejects_unknown_zones_and_foreign_redirects(world: World) -> None:
    client = Client()
    response = client.post(
        reverse("learning:set_timezone"),
        {"tz-time_zone": "Nowhere/Land", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("learning:events")
    assert COOKIE not in response.cookies


# --- registration, waiting list, cancellation -----------------------------------------


def test_register_then_waitlist_then_cancel_promotes_first_in_line(
    world: World, django_capture_on_commit_callbacks
) -> None:
    event = make_event(capacity=1)
    first = services.registration_register(event=event, user=world.viewer)
    second = services.registration_register(event=event, user=world.admin)
    third = services.registration_register(event=event, user=world.assessor)
    assert first.status == RegistrationStatus.CONFIRMED
    assert second.status == third.status == RegistrationStatus.WAITLISTED
    assert services.waitlist_position(second) == 1
    assert services.waitlist_position(third) == 2
    # Registering twice changes nothing.
    again = services.registration_register(event=event, user=world.admin)
    assert again.pk == second.pk
    assert services.waitlist_position(again) == 1

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(event=event, user=world.viewer)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == RegistrationStatus.CONFIRMED
    assert third.status == RegistrationStatus.WAITLISTED
    assert [m.to for m in mail.outbox] == [[world.admin.email]]
    assert "A seat is yours" in mail.outbox[0].subject

    # Coming back after cancelling joins the end of the queue.
    back = services.registration_register(event=event, user=world.viewer)
    assert back.status == RegistrationStatus.WAITLISTED
    assert services.waitlist_position(back) == 2


def test_confirmation_mail_has_local_time_and_a_calendar_file(
    world: World, django_capture_on_commit_callbacks
) -> None:
    event = make_event(starts_at=paris(2037, 1, 15, 10), ends_at=paris(2037, 1, 15, 12))
    services.time_zone_choose(user=world.viewer, name="Asia/Singapore")
    world.viewer.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_register(event=event, user=world.viewer)
    (message,) = mail.outbox
    assert message.to == [world.viewer.email]
    assert f"17:00{DASH}19:00 (Asia/Singapore)" in message.body
    assert "10:00 (Europe/Paris)" in message.body
    (attachment,) = message.attachments
    assert attachment[2] == "text/calendar"


def test_cancelling_a_waitlisted_place_frees_no_seat(world: World) -> None:
    event = make_event(capacity=1)
    services.registration_register(event=event, user=world.viewer)
    services.registration_register(event=event, user=world.admin)
    services.registration_register(event=event, user=world.assessor)
    services.registration_cancel(event=event, user=world.admin)
    statuses = dict(Registration.objects.values_list("user__email", "status"))
    assert statuses == {
        world.viewer.email: "confirmed",
        world.admin.email: "cancelled",
        world.assessor.email: "waitlisted",
    }


def test_more_seats_serve_the_waiting_list(world: World) -> None:
    event = make_event(capacity=1)
    for user in (world.viewer, world.admin, world.assessor):
        services.registration_register(event=event, user=user)
    data = services.EventData(**{name: getattr(event, name) for name in services.EventData.FIELDS})
    data.capacity = 2
    services.event_update(event=event, by=world.curator, data=data)
    assert Registration.objects.filter(status="confirmed").count() == 2
    assert Registration.objects.get(user=world.assessor).status == "waitlisted"


def test_no_registration_once_started_or_cancelled(world: World) -> None:
    started = make_event(
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    with pytest.raises(ValidationError, match="has started"):
        services.registration_register(event=started, user=world.viewer)
    cancelled = make_event(cancelled_at=timezone.now())
    with pytest.raises(ValidationError, match="cancelled"):
        services.registration_register(event=cancelled, user=world.viewer)
    assert not Registration.objects.exists()


def test_register_and_cancel_through_the_page(world: World, as_user) -> None:
    event = make_event(capacity=1)
    client = as_user(world.viewer)
    register = reverse("learning:event_register", args=[event.public_id])
    response = client.post(register, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "You are registered." in response.content.decode()
    assert "0 seats left" in response.content.decode()
    other = as_user(world.admin)
    response = other.post(register, follow=True)
    assert "You are number 1 on the waiting list" in response.content.decode()
    response = client.post(reverse("learning:event_cancel", args=[event.public_id]), follow=True)
    assert "Your registration is cancelled." in response.content.decode()
    assert Registration.objects.get(user=world.admin).status == "confirmed"


def test_online_link_only_for_registered_people(world: World, as_user) -> None:
    event = make_event(online_url="https://meet.example/secret-room", location="")
    url = reverse("learning:event_detail", args=[event.public_id])
    client = as_user(world.viewer)
    assert "secret-room" not in client.get(url).content.decode()
    services.registration_register(event=event, user=world.viewer)
    assert "secret-room" in client.get(url).content.decode()


# --- reminders ------------------------------------------------------------------------


def test_reminders_are_sent_once(world: World, django_capture_on_commit_callbacks) -> None:
    soon = timezone.now() + timedelta(hours=3)
    event = make_event(starts_at=soon, ends_at=soon + timedelta(hours=1))
    later = make_event(
        starts_at=soon + timedelta(days=3), ends_at=soon + timedelta(days=3, hours=1)
    )
    services.registration_register(event=event, user=world.viewer)
    services.registration_register(event=later, user=world.viewer)
    services.registration_register(event=event, user=world.admin)
    services.registration_cancel(event=event, user=world.admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("learning_reminders", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("learning_reminders", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [[world.viewer.email]]
    assert "Reminder" in mail.outbox[0].subject


def test_reminder_task_runs(world: World) -> None:
    from railab.web.learning.tasks import send_event_reminders_task

    soon = timezone.now() + timedelta(hours=3)
    event = make_event(starts_at=soon, ends_at=soon + timedelta(hours=1))
    services.registration_register(event=event, user=world.viewer)
    result = send_event_reminders_task.enqueue()
    assert result.return_value == 1
    assert send_event_reminders_task.enqueue().return_value == 0


# --- lists, creation and bad input ----------------------------------------------------


def test_list_query_count_does_not_grow(world: World, as_user) -> None:
    client = as_user(world.viewer)
    url = reverse("learning:events")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    make_event()
    one = count()
    for i in range(6):
        event = make_event(title=f"Event {i}")
        services.registration_register(event=event, user=world.viewer)
    assert count() == one


def test_past_and_kind_filters(world: World) -> None:
    past_start = timezone.now() - timedelta(days=30)
    make_event(
        title="Old panel",
        kind="panel",
        starts_at=past_start,
        ends_at=past_start + timedelta(hours=1),
    )
    make_event(title="Coming webinar", kind="webinar")
    client = Client()
    upcoming = client.get(reverse("learning:events")).content.decode()
    assert "Coming webinar" in upcoming
    assert "Old panel" not in upcoming
    past = client.get(reverse("learning:events") + "?when=past").content.decode()
    assert "Old panel" in past
    assert "Coming webinar" not in past
    panels = client.get(reverse("learning:events") + "?kind=panel").content.decode()
    assert "Coming webinar" not in panels


VALID = {
    "kind": "workshop",
    "title": "Auditing risk scores",
    "description": "Hands-on.",
    "starts": "2037-03-10T09:30",
    "ends": "2037-03-10T12:00",
    "time_zone": "Africa/Nairobi",
    "location": "Nairobi",
    "online_url": "",
    "languages": ["en", "sw"],
    "capacity": "20",
    "visibility": "law_enforcement",
    "agency": "",
    "organisers": "",
    "materials": "",
}


def test_curator_creates_an_event_in_its_zone(world: World, as_user) -> None:
    entry = make_entry("frvt")
    client = as_user(world.curator)
    data = {
        **VALID,
        "organisers": "viewer@fr.example",
        "materials": f"http://testserver/resources/{entry.public_id}/",
    }
    response = client.post(reverse("learning:event_create"), data)
    assert response.status_code == 302, response.content.decode()
    event = Event.objects.get()
    assert event.starts_at == datetime(2037, 3, 10, 6, 30, tzinfo=UTC)
    assert set(event.organisers.all()) == {world.curator, world.viewer}
    assert list(event.materials.all()) == [entry]
    assert AuditEvent.objects.filter(action="event.create").count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends": "2037-03-10T09:00"}, "ends", "must end after it starts"),
        ({"time_zone": "Atlantis/Capital"}, "time_zone", "Select a valid choice"),
        ({"location": ""}, "location", "Give a place, an online link"),
        ({"capacity": "0"}, "capacity", "greater than or equal to 1"),
        ({"starts": "tomorrow"}, "starts", "Enter a valid date/time"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "Enter a valid URL"),
        ({"visibility": "agency"}, "agency", "needs a host agency"),
        ({"organisers": "nobody@nowhere.example"}, "organisers", "No platform user"),
        ({"materials": "https://example.org/not-an-entry"}, "materials", "Each line"),
        ({"kind": "party"}, "kind", "Select a valid choice"),
        ({"title": ""}, "title", "This field is required"),
    ],
)
def test_event_form_rejects_bad_input(
    world: World, as_user, change: dict[str, str], field: str, message: str
) -> None:
    client = as_user(world.curator)
    response = client.post(reverse("learning:event_create"), {**VALID, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_agency_admin_hosts_for_own_agency_only(world: World, as_user) -> None:
    client = as_user(world.admin)
    response = client.post(
        reverse("learning:event_create"), {**VALID, "agency": world.other_agency.slug}
    )
    assert response.status_code == 200
    assert not Event.objects.exists()
    response = client.post(
        reverse("learning:event_create"),
        {**VALID, "agency": world.agency.slug, "visibility": "agency"},
    )
    assert response.status_code == 302
    assert Event.objects.get().agency == world.agency
    # Viewers cannot create events.
    assert as_user(world.viewer).get(reverse("learning:event_create")).status_code == 403


def test_attendance_is_recorded_by_organisers(world: World, as_user) -> None:
    event = make_event(created_by=world.curator)
    registration = services.registration_register(event=event, user=world.viewer)
    url = reverse("learning:event_attendees", args=[event.public_id])
    client = as_user(world.curator)
    response = client.post(url, {f"r{registration.pk}": "yes"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.attended is True
    response = client.post(url, {f"r{registration.pk}": "maybe"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_materials_shown_after_the_event(world: World) -> None:
    start = timezone.now() - timedelta(days=2)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=2))
    event.materials.set([make_entry("frvt")])
    html = Client().get(reverse("learning:event_detail", args=[event.public_id])).content.decode()
    assert "Face Recognition Vendor Test Part 3" in html
    assert "Registration is closed." in html


def test_description_markdown_is_sanitised(world: World) -> None:
    event = make_event(description="**Bold** <script>alert(1)</script> [x](javascript:alert(2))")
    html = Client().get(reverse("learning:event_detail", args=[event.public_id])).content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert" not in html
    assert "javascript:alert" not in html


def test_other_users_cannot_manage(world: World, as_user) -> None:
    event = make_event(created_by=world.curator)
    client = as_user(UserFactory())
    assert client.get(reverse("learning:event_edit", args=[event.public_id])).status_code == 403
