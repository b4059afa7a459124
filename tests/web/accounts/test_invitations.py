from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from railab.web.accounts.models import Invitation, Membership, Role, User
from railab.web.accounts.services import invitation_accept, invitation_create
from railab.web.auditlog.models import AuditEvent
from tests.conftest import World


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_admin_invites_by_email_and_newcomer_creates_account(
    world: World, as_user, django_capture_on_commit_callbacks
) -> None:
    client = as_user(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/agency/{world.agency.slug}/members/",
            {"email": "New.Person@fr.example", "role": Role.ASSESSOR},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@fr.example"]
    link = next(line for line in message.body.splitlines() if "/invitation/" in line)
    invitation = Invitation.objects.get(email="new.person@fr.example")
    assert _token(link) not in invitation.token_hash  # only a hash is stored

    newcomer = Client()
    page = newcomer.get(link.replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200
    response = newcomer.post(
        link.replace("http://127.0.0.1:8000", ""),
        {
            "full_name": "New Person",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@fr.example")
    assert Membership.objects.get(user=user, agency=world.agency).role == Role.ASSESSOR
    assert AuditEvent.objects.filter(action="membership.create", agency_id=world.agency.pk).exists()

    # Single use: the same link now says so.
    again = Client().get(link.replace("http://127.0.0.1:8000", ""))
    assert again.status_code == 410
    assert b"already used" in again.content


def test_expired_invitation_shows_a_page_that_says_so(world: World) -> None:
    issued = invitation_create(
        agency=world.agency, by=world.admin, email="x@fr.example", role="viewer"
    )
    Invitation.objects.filter(pk=issued.invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = Client().get(f"/invitation/{_token(issued.url)}/")
    assert response.status_code == 410
    assert b"expired" in response.content
    with pytest.raises(ValidationError):
        invitation_accept(token=_token(issued.url), user=None, full_name="X", password="pw")
    assert not User.objects.filter(email="x@fr.example").exists()


def test_unknown_and_revoked_invitation(world: World, as_user) -> None:
    assert Client().get("/invitation/not-a-token/").status_code == 410
    issued = invitation_create(
        agency=world.agency, by=world.admin, email="y@fr.example", role="viewer"
    )
    as_user(world.admin).post(
        f"/agency/{world.agency.slug}/invitations/{issued.invitation.public_id}/revoke/"
    )
    response = Client().get(f"/invitation/{_token(issued.url)}/")
    assert response.status_code == 410
    assert b"withdrawn" in response.content


def test_existing_user_must_sign_in_as_the_invited_address(world: World, as_user) -> None:
    issued = invitation_create(
        agency=world.agency, by=world.admin, email=world.other_viewer.email, role="viewer"
    )
    url = f"/invitation/{_token(issued.url)}/"
    assert b"Sign in" in Client().get(url).content
    # Someone else, signed in, cannot take the invitation.
    as_user(world.other_admin).post(url)
    assert not Membership.objects.filter(user=world.other_admin, agency=world.agency).exists()
    as_user(world.other_viewer).post(url)
    assert Membership.objects.filter(user=world.other_viewer, agency=world.agency).exists()


def test_inviting_a_member_again_is_a_form_error(world: World, as_user) -> None:
    response = as_user(world.admin).post(
        f"/agency/{world.agency.slug}/members/", {"email": world.viewer.email, "role": "viewer"}
    )
    assert response.status_code == 200
    assert b"already a member" in response.content


def test_invitation_form_rejects_bad_input(world: World, as_user) -> None:
    response = as_user(world.admin).post(
        f"/agency/{world.agency.slug}/members/", {"email": "not an address", "role": "king"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"email", "role"}
    assert not Invitation.objects.exists()


def test_weak_password_is_refused_and_nothing_is_created(world: World) -> None:
    issued = invitation_create(
        agency=world.agency, by=world.admin, email="z@fr.example", role="viewer"
    )
    response = Client().post(
        f"/invitation/{_token(issued.url)}/",
        {"full_name": "Z", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="z@fr.example").exists()
