"""The viewer's time zone: each attendee sees an event in their own local time.

A person's explicit choice (stored for signed-in people, a cookie for everyone) wins;
otherwise the zone the browser reports (a small script sets the same cookie); else UTC.
"""

from __future__ import annotations

import functools
import zoneinfo

from django.http import HttpRequest

COOKIE = "railab_tz"
# A choice made in the selector; the browser's guess never overrides it.
CHOSEN_COOKIE = "railab_tz_chosen"
UTC = zoneinfo.ZoneInfo("UTC")


@functools.cache
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC"))


def is_valid_zone(name: str) -> bool:
    return name in all_zones()


def zone_or_utc(name: str | None) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name) if name and is_valid_zone(name) else UTC


def stored_zone_name(user: object) -> str | None:
    settings = getattr(user, "learning_settings", None) if user is not None else None
    name = getattr(settings, "time_zone", None)
    return name if name and is_valid_zone(name) else None


def viewer_zone_info(request: HttpRequest) -> tuple[zoneinfo.ZoneInfo, bool]:
    """The zone to show times in, and whether the viewer chose it (``False`` when it is
    the browser's report or the default, which the page's script may then correct).

    Order: a choice made in this browser, the choice stored on the person, the zone the
    browser reports, UTC."""
    cookie = request.COOKIES.get(COOKIE, "")
    if request.COOKIES.get(CHOSEN_COOKIE) and is_valid_zone(cookie):
        return zoneinfo.ZoneInfo(cookie), True
    if request.user.is_authenticated:
        stored = stored_zone_name(request.user)
        if stored:
            return zoneinfo.ZoneInfo(stored), True
    return zone_or_utc(cookie), False


def viewer_zone(request: HttpRequest) -> zoneinfo.ZoneInfo:
    return viewer_zone_info(request)[0]
