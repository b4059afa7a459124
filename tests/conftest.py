"""Shared fixtures: two agencies in different countries, people in each role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from railab.web.accounts.models import Agency, LabRole, Membership, Role, User
from tests.factories import AgencyFactory, MembershipFactory, UserFactory


@dataclass
class World:
    agency: Agency
    other_agency: Agency
    admin: User
    assessor: User
    viewer: User
    contributor: User
    other_admin: User
    other_viewer: User
    curator: User
    lab_admin: User


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Each test starts in English: a request in another language leaves that language
    active in the thread after the response (Django does not reset it)."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def world(db: None) -> World:
    agency = AgencyFactory(slug="fr-police", name="Police FR", country="FR")
    other = AgencyFactory(slug="ke-police", name="Police KE", country="KE")

    def member(agency: Agency, role: str, email: str) -> User:
        return MembershipFactory(agency=agency, role=role, user__email=email).user

    return World(
        agency=agency,
        other_agency=other,
        admin=member(agency, Role.AGENCY_ADMIN, "admin@fr.example"),
        assessor=member(agency, Role.ASSESSOR, "assessor@fr.example"),
        viewer=member(agency, Role.VIEWER, "viewer@fr.example"),
        contributor=member(agency, Role.CONTRIBUTOR, "contributor@fr.example"),
        other_admin=member(other, Role.AGENCY_ADMIN, "admin@ke.example"),
        other_viewer=member(other, Role.VIEWER, "viewer@ke.example"),
        curator=UserFactory(email="curator@lab.example", lab_role=LabRole.CURATOR),
        lab_admin=UserFactory(
            email="labadmin@lab.example",
            lab_role=LabRole.LAB_ADMIN,
            is_staff=True,
            is_superuser=True,
        ),
    )


def verified_client(user: User) -> Client:
    """A client signed in as ``user`` who has passed the second factor."""
    client = Client()
    client.force_login(user)
    if user.requires_two_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def as_user():
    return verified_client


def membership_of(user: User, agency: Agency) -> Membership:
    return Membership.objects.get(user=user, agency=agency)
