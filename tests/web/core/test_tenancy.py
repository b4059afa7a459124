from __future__ import annotations

from tests.conftest import World
from tests.helpers.tenancy import Expect, check_app_access


def test_core_urls(world: World) -> None:
    check_app_access(
        world,
        "core",
        url_kwargs={"slug": world.agency.slug},
        expectations={
            "core:home": Expect(anonymous=200, other_agency=200, viewer=200, admin=200),
            # One agency: the dashboard forwards to it.
            "core:dashboard": Expect(anonymous=302, other_agency=302, viewer=302, admin=302),
            "core:agency_dashboard": Expect(anonymous=302, other_agency=404),
        },
    )
