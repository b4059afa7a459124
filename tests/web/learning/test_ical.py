"""iCalendar files are checked by parsing them with the ``icalendar`` package."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
from django.test import Client
from django.urls import reverse

from railab.web.core.tenancy import Visibility
from tests.conftest import World
from tests.web.learning.conftest import make_event, paris


def _parse(body: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return calendar


def test_event_file_is_valid_icalendar(world: World) -> None:
    event = make_event(
        title="Panel: AI, ethics and policing",
        starts_at=paris(2037, 1, 15, 10),
        ends_at=paris(2037, 1, 15, 12),
        online_url="https://meet.example/room",
    )
    response = Client().get(reverse("learning:event_ics", args=[event.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = _parse(response.content)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"{event.public_id}@railab"
    assert str(vevent["SUMMARY"]) == "Panel: AI, ethics and policing"
    start = vevent.decoded("DTSTART")
    assert start == datetime(2037, 1, 15, 10, tzinfo=ZoneInfo("Europe/Paris"))
    assert start.astimezone(ZoneInfo("Asia/Singapore")).hour == 17
    assert vevent.decoded("DTEND") - start == (event.ends_at - event.starts_at)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    # The zone is described in the file, so any calendar app converts it correctly.
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Paris"
    assert "meet.example/room" in str(vevent["DESCRIPTION"])
    assert str(vevent["URL"]).endswith(f"/events/{event.public_id}/")


def test_feed_lists_public_events_only(world: World) -> None:
    public = make_event(title="Open webinar", time_zone="America/Bogota")
    make_event(title="Members only", visibility=Visibility.LAW_ENFORCEMENT)
    make_event(title="Agency only", visibility=Visibility.AGENCY, agency=world.agency)
    calendar = _parse(Client().get(reverse("learning:events_feed")).content)
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Open webinar"]
    assert str(events[0]["UID"]) == f"{public.public_id}@railab"
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {"America/Bogota"}


def test_restricted_event_file_is_not_found_for_outsiders(world: World, as_user) -> None:
    event = make_event(visibility=Visibility.AGENCY, agency=world.agency)
    url = reverse("learning:event_ics", args=[event.public_id])
    assert Client().get(url).status_code == 404
    assert as_user(world.other_viewer).get(url).status_code == 404
    assert as_user(world.viewer).get(url).status_code == 200
