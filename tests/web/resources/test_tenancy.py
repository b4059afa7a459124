from __future__ import annotations

from railab.web.core.tenancy import Visibility
from railab.web.resources.models import EntryStatus, ImportUpload
from tests.conftest import World
from tests.helpers.tenancy import Expect, check_app_access
from tests.web.resources.conftest import make_entry

OPEN = Expect(anonymous=200, other_agency=200, viewer=200, admin=200)
SIGNED_IN = Expect(anonymous=302, other_agency=200, viewer=200, admin=200)
LAB = Expect(anonymous=302, other_agency=403, viewer=403, admin=403)


def test_resources_urls(world: World) -> None:
    """The object is agency-only: another agency must get 404 on every page about it."""
    entry = make_entry(
        "frvt", visibility=Visibility.AGENCY, agency=world.agency, status=EntryStatus.APPROVED
    )
    upload = ImportUpload.objects.create(
        user=world.admin,
        agency=world.agency,
        name="x.csv",
        content=b"type,title,summary\nresearch,A title,A summary.\n",
    )
    check_app_access(
        world,
        "resources",
        url_kwargs={"entry_id": entry.public_id, "upload_id": upload.public_id, "fmt": "json"},
        expectations={
            "resources:search": OPEN,
            "resources:export": OPEN,
            "resources:feed": OPEN,
            "resources:submit": SIGNED_IN,
            "resources:mine": SIGNED_IN,
            "resources:import": SIGNED_IN,
            # An upload belongs to the person who sent it.
            "resources:import_preview": Expect(
                anonymous=302, other_agency=404, viewer=404, admin=200
            ),
            "resources:review_queue": LAB,
            "resources:link_check": Expect(
                anonymous=302, other_agency=403, viewer=403, admin=403, method="post"
            ),
            "resources:detail": Expect(anonymous=404, other_agency=404, viewer=200, admin=200),
            "resources:versions": Expect(anonymous=404, other_agency=404, viewer=200, admin=200),
            # Only the submitter (before publication) or a curator edits.
            "resources:edit": Expect(anonymous=302, other_agency=404, viewer=403, admin=403),
            "resources:review": Expect(
                anonymous=302, other_agency=403, viewer=403, admin=403, method="post"
            ),
        },
    )
