from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from railab.web.accounts.services import recovery_codes_regenerate
from tests.conftest import World
from tests.factories import PASSWORD


def _sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/sign-in/", {"username": email, "password": password})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_viewer_signs_in_without_second_factor(world: World) -> None:
    client = Client()
    response = _sign_in(client, world.viewer.email)
    assert response.status_code == 302
    assert client.get("/dashboard/", follow=True).status_code == 200


def test_wrong_password_gives_the_same_message_for_unknown_accounts(world: World) -> None:
    known = _sign_in(Client(), world.viewer.email, "wrong")
    unknown = _sign_in(Client(), "nobody@nowhere.example", "wrong")
    assert known.status_code == unknown.status_code == 200
    assert b"The e-mail address or the password is not correct." in known.content
    assert known.context["form"].errors == unknown.context["form"].errors


@override_settings(AXES_FAILURE_LIMIT=3)
@pytest.mark.parametrize("email", ["viewer@fr.example", "nobody@nowhere.example"])
def test_lockout_after_repeated_failures_without_account_hint(world: World, email: str) -> None:
    client = Client()
    for _ in range(2):
        assert _sign_in(client, email, "wrong").status_code == 200
    locked = _sign_in(client, email, "wrong")
    assert locked.status_code == 429
    assert b"Too many failed sign-in attempts" in locked.content
    assert b"Wait about 15 minutes" in locked.content
    # Even the right password is refused while locked out.
    assert _sign_in(client, email, PASSWORD).status_code == 429


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)  # a wrong code would otherwise delay the next
def test_admin_must_set_up_totp_then_gets_recovery_codes(world: World) -> None:
    client = Client()
    _sign_in(client, world.admin.email)
    response = client.get(f"/agency/{world.agency.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/two-factor/setup/")
    page = client.get(response["Location"])
    assert b"<svg" in page.content  # the QR code
    device = TOTPDevice.objects.get(user=world.admin, confirmed=False)
    assert client.post("/two-factor/setup/", {"token": "000000"}).status_code == 200
    done = client.post("/two-factor/setup/", {"token": _code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get(f"/agency/{world.agency.slug}/").status_code == 200


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0)
def test_admin_with_device_must_enter_a_code_or_a_recovery_code(world: World) -> None:
    device = TOTPDevice.objects.create(user=world.admin, name="phone", confirmed=True)
    codes = recovery_codes_regenerate(user=world.admin)
    client = Client()
    _sign_in(client, world.admin.email)
    response = client.get("/account/")
    assert response["Location"].startswith("/two-factor/verify/")
    assert client.post("/two-factor/verify/", {"token": "123456"}).status_code == 200
    ok = client.post("/two-factor/verify/", {"token": codes[0], "next": "/account/"})
    assert ok.status_code == 302
    assert ok["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    # A recovery code works once.
    other = Client()
    _sign_in(other, world.admin.email)
    assert other.post("/two-factor/verify/", {"token": codes[0]}).status_code == 200
    assert other.post("/two-factor/verify/", {"token": _code(device)}).status_code == 302


def test_second_factor_page_does_not_redirect_off_site(world: World) -> None:
    TOTPDevice.objects.create(user=world.admin, name="phone", confirmed=True)
    codes = recovery_codes_regenerate(user=world.admin)
    client = Client()
    _sign_in(client, world.admin.email)
    response = client.post(
        "/two-factor/verify/", {"token": codes[1], "next": "https://evil.example/"}
    )
    assert response["Location"] == "/dashboard/"


def test_lab_staff_need_a_second_factor_too(world: World) -> None:
    client = Client()
    _sign_in(client, world.curator.email)
    assert client.get("/dashboard/")["Location"].startswith("/two-factor/setup/")


@override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"],
)
def test_passwords_are_hashed_with_argon2() -> None:
    assert identify_hasher(make_password("x" * 20)).algorithm == "argon2"


def test_production_settings_use_argon2_first() -> None:
    from railab.web.config import settings as prod

    assert prod.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_sign_out(world: World) -> None:
    client = Client()
    _sign_in(client, world.viewer.email)
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/account/").status_code == 302


def test_password_alone_cannot_replace_an_enrolled_device(world: World) -> None:
    TOTPDevice.objects.create(user=world.admin, name="phone", confirmed=True)
    client = Client()
    _sign_in(client, world.admin.email)
    response = client.get("/two-factor/setup/")
    assert response.status_code == 302
    assert response["Location"].startswith("/two-factor/verify/")
    assert client.post("/two-factor/setup/", {"token": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=world.admin).count() == 1
