"""iCalendar (RFC 5545) files: one per event, and a feed calendar apps subscribe to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from railab.web.learning.models import Event

PRODID = "-//Responsible AI Lab//railab learning//EN"


def _vevent(event: Event, stamp: datetime) -> icalendar.Event:
    zone = event.zone
    url = settings.BASE_URL + reverse("learning:event_detail", args=[event.public_id])
    vevent = icalendar.Event()
    vevent.add("uid", f"{event.public_id}@railab")
    vevent.add("dtstamp", stamp)
    # Times in the organisers' zone with its VTIMEZONE: calendar apps convert them to
    # each attendee's zone, across daylight-saving changes.
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", event.title)
    description = event.description
    if event.online_url:
        description += f"\n\n{event.online_url}"
    vevent.add("description", f"{description}\n\n{url}")
    vevent.add("location", event.location or event.online_url or "")
    vevent.add("url", url)
    vevent.add("categories", [event.get_kind_display()])
    vevent.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
    vevent.add("last-modified", stamp)
    return vevent


def event_calendar(events: Iterable[Event], *, name: str = "") -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for event in events:
        calendar.add_component(_vevent(event, stamp))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
