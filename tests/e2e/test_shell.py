from __future__ import annotations

from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


def test_sign_in_switch_to_arabic_and_sign_out(
    live_server, world: World, page: Page, tmp_path: Path
) -> None:
    base = live_server.url
    _sign_in(page, base, world.viewer.email)
    expect(page).to_have_url(f"{base}/agency/{world.agency.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(world.agency.name)
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    brand_ltr = page.locator(".brand").bounding_box()

    page.get_by_label("Language").select_option("ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    # The layout mirrors: the brand moves from the left edge to the right edge.
    brand_rtl = page.locator(".brand").bounding_box()
    assert brand_ltr is not None
    assert brand_rtl is not None
    assert brand_ltr["x"] < 200
    assert brand_rtl["x"] > 1280 - 200 - brand_rtl["width"]
    # Translated, not just mirrored.
    expect(page.get_by_role("link", name="لوحة المعلومات")).to_be_visible()
    page.screenshot(path=str(tmp_path / "arabic.png"), full_page=True)

    page.locator(".user-menu summary").click()
    page.get_by_test_id("sign-out").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("banner").get_by_role("link", name="تسجيل الدخول")).to_be_visible()


def test_admin_signs_in_with_a_second_factor_by_keyboard(
    live_server, world: World, page: Page
) -> None:
    device = TOTPDevice.objects.create(user=world.admin, name="phone", confirmed=True)
    base = live_server.url
    page.goto(f"{base}/")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.locator(".skip-link")).to_be_focused()
    page.goto(f"{base}/sign-in/")
    expect(page.get_by_label("E-mail address")).to_be_focused()  # autofocus
    page.get_by_label("E-mail address").fill(world.admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page).to_have_url(f"{base}/two-factor/verify/?next=/dashboard/")
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("Code").fill(code)
    page.get_by_label("Code").press("Enter")
    expect(page).to_have_url(f"{base}/agency/{world.agency.slug}/")
    expect(page.get_by_role("heading", name="Recent activity")).to_be_visible()
