"""Every URL of the sharing app: other agencies get 404 — except public keys, which any
verified agency may read to check count tables — viewers read, admins write."""

from __future__ import annotations

import pytest

from railab.web.sharing import services
from tests.conftest import World, membership_of
from tests.helpers.tenancy import Expect, check_app_access
from tests.web.sharing.conftest import Signer, as_bytes

pytestmark = pytest.mark.django_db

READ = Expect(anonymous=302, other_agency=404, viewer=200, admin=200)
# Law-enforcement visibility: the World's agencies are both verified (an unverified
# agency's members get 404: tests/web/sharing/test_keys.py).
PUBLIC_KEY = Expect(anonymous=302, other_agency=200, viewer=200, admin=200)


def write(admin: int, data: dict[str, str] | None = None) -> Expect:
    return Expect(
        anonymous=302, other_agency=404, viewer=403, admin=admin, method="post", data=data
    )


def test_sharing_urls(world: World, signer: Signer) -> None:
    shared = services.count_table_share(
        membership=membership_of(world.contributor, world.agency),
        data=as_bytes(signer.sign()),
        file_name="fr-2025.json",
    )
    check_app_access(
        world,
        "sharing",
        url_kwargs={
            "slug": world.agency.slug,
            "key_id": signer.key.public_id,
            "table_id": shared.public_id,
        },
        expectations={
            "sharing:keys": PUBLIC_KEY,
            "sharing:key_create": write(200, {"name": "tenancy test"}),  # the PEM download
            "sharing:key_revoke": write(302),
            "sharing:key_pem": PUBLIC_KEY,
            "sharing:tables": READ,
            "sharing:table_upload": Expect(anonymous=302, other_agency=404, viewer=403, admin=200),
            "sharing:table": READ,
            "sharing:table_report": READ,
            "sharing:table_json": READ,
        },
    )
