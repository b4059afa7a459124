from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from railab.web.core.tenancy import Visibility, can_view
from tests.conftest import World
from tests.factories import AgencyFactory, MembershipFactory


@pytest.mark.parametrize(
    ("who", "public", "law_enforcement", "agency"),
    [
        ("anonymous", True, False, False),
        ("viewer", True, True, True),  # member of the owning agency
        ("other_viewer", True, True, False),  # member of another verified agency
        ("unverified", True, False, False),  # member of an agency the Lab has not verified
        ("curator", True, False, False),  # Lab staff are not agency members
    ],
)
def test_who_sees_what(
    world: World, who: str, public: bool, law_enforcement: bool, agency: bool
) -> None:
    if who == "anonymous":
        user = AnonymousUser()
    elif who == "unverified":
        user = MembershipFactory(agency=AgencyFactory(verified=False)).user
    else:
        user = getattr(world, who)
    owner = world.agency
    assert can_view(user, visibility=Visibility.PUBLIC, agency=owner) is public
    assert can_view(user, visibility=Visibility.LAW_ENFORCEMENT, agency=owner) is law_enforcement
    assert can_view(user, visibility=Visibility.AGENCY, agency=owner) is agency


def test_inactive_user_sees_only_public(world: World) -> None:
    world.viewer.is_active = False
    assert not can_view(world.viewer, visibility=Visibility.AGENCY, agency=world.agency)
    assert can_view(world.viewer, visibility=Visibility.PUBLIC, agency=world.agency)
