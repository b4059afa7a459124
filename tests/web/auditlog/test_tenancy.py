from __future__ import annotations

from tests.conftest import World
from tests.helpers.tenancy import Expect, check_app_access

LAB_ONLY = Expect(anonymous=302, other_agency=403, viewer=403, admin=403)


def test_auditlog_urls(world: World) -> None:
    check_app_access(
        world,
        "auditlog",
        url_kwargs={"slug": world.agency.slug},
        expectations={
            "auditlog:agency_log": Expect(anonymous=302, other_agency=404, viewer=403, admin=200),
            "auditlog:lab_log": LAB_ONLY,
            "auditlog:lab_verify": Expect(
                anonymous=302, other_agency=403, viewer=403, admin=403, method="post"
            ),
        },
    )
