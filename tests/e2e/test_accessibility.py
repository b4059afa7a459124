"""axe-core (bundled in the axe-playwright-python wheel, no download) finds no violations
on the pages of this area, in English and in Arabic."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from tests.conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login_as(page: Page, live_server, user) -> None:
    """Sign in by session cookie, second factor passed, to reach admin pages too."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_axe_violations(live_server, world: World, page: Page, lang: str) -> None:
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    axe = Axe()
    problems: list[str] = []

    def check(path: str) -> None:
        page.goto(base + path)
        result = axe.run(page)
        for violation in result.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{path}: {violation['id']} ({violation['impact']}) {targets}")

    for path in ["/", "/sign-in/", "/password/reset/"]:
        check(path)
    _login_as(page, live_server, world.admin)
    for path in [
        f"/agency/{world.agency.slug}/",
        f"/agency/{world.agency.slug}/members/",
        f"/agency/{world.agency.slug}/audit-log/",
        "/account/",
        "/account/tokens/",
        "/two-factor/setup/",
    ]:
        check(path)
    assert not problems, "\n".join(problems)
