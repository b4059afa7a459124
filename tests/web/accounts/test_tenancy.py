from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from railab.web.accounts.models import Role
from railab.web.accounts.services import api_token_create, invitation_create
from tests.conftest import World, membership_of
from tests.helpers.tenancy import Expect, check_app_access

OPEN = Expect(anonymous=200, other_agency=200, viewer=200, admin=200)
SIGNED_IN = Expect(anonymous=302, other_agency=200, viewer=200, admin=200)
ADMIN_POST = Expect(anonymous=302, other_agency=404, viewer=403, admin=302, method="post")


def test_accounts_urls(world: World) -> None:
    issued = invitation_create(
        agency=world.agency, by=world.admin, email="new@fr.example", role=Role.VIEWER
    )
    invite_token = issued.url.rstrip("/").rsplit("/", 1)[-1]
    token = api_token_create(user=world.admin, agency=world.agency, name="script").token
    target = membership_of(world.contributor, world.agency)
    pending = invitation_create(
        agency=world.agency, by=world.admin, email="pending@fr.example", role=Role.VIEWER
    ).invitation
    pending.expires_at = timezone.now() + timedelta(days=1)
    pending.save()

    check_app_access(
        world,
        "accounts",
        url_kwargs={
            "slug": world.agency.slug,
            "member_id": target.public_id,
            "invitation_id": pending.public_id,
            "token_id": token.public_id,
        },
        expectations={
            "accounts:login": Expect(anonymous=200, other_agency=302, viewer=302, admin=302),
            "accounts:logout": Expect(
                anonymous=302,
                other_agency=302,
                viewer=302,
                admin=302,
                method="post",
                login_redirect=False,
            ),
            "accounts:password_reset": OPEN,
            "accounts:password_reset_done": OPEN,
            "accounts:password_reset_confirm": Expect(
                anonymous=200,
                other_agency=200,
                viewer=200,
                admin=200,
                kwargs={"uidb64": "MQ", "token": "bad-token"},
            ),
            "accounts:password_reset_complete": OPEN,
            "accounts:password_change": SIGNED_IN,
            "accounts:two_factor_setup": SIGNED_IN,
            # A viewer has no device yet: verification sends them to set one up.
            "accounts:two_factor_verify": Expect(
                anonymous=302, other_agency=200, viewer=302, admin=200
            ),
            "accounts:recovery_codes_regenerate": Expect(
                anonymous=302, other_agency=200, viewer=200, admin=200, method="post"
            ),
            "accounts:account": SIGNED_IN,
            "accounts:api_tokens": SIGNED_IN,
            "accounts:api_token_revoke": Expect(
                anonymous=302, other_agency=404, viewer=404, admin=302, method="post"
            ),
            "accounts:invitation_accept": Expect(
                anonymous=200,
                other_agency=200,
                viewer=200,
                admin=200,
                kwargs={"token": invite_token},
            ),
            "accounts:members": Expect(anonymous=302, other_agency=404, viewer=200, admin=200),
            "accounts:member_role": Expect(
                anonymous=302,
                other_agency=404,
                viewer=403,
                admin=302,
                method="post",
                data={"role": Role.ASSESSOR},
            ),
            "accounts:invitation_revoke": ADMIN_POST,
            "accounts:member_remove": ADMIN_POST,
        },
    )
