"""Every URL of the evaluations app: other agencies get 404, viewers read, writers write."""

from __future__ import annotations

import pytest

from railab.web.evaluations import uploads
from railab.web.evaluations.models import Run
from tests.conftest import World
from tests.helpers.tenancy import Expect, check_app_access

pytestmark = pytest.mark.django_db

READ = Expect(anonymous=302, other_agency=404, viewer=200, admin=200)
WRITE_PAGE = Expect(anonymous=302, other_agency=404, viewer=403, admin=200)


def write(admin: int) -> Expect:
    return Expect(anonymous=302, other_agency=404, viewer=403, admin=admin, method="post")


def test_evaluations_urls(world: World, finished_run: Run) -> None:
    evaluation = finished_run.evaluation
    uploading = uploads.upload_start(
        user=world.contributor, agency=world.agency, name="partial.csv", size=100
    )
    ready = {"dataset_id": finished_run.dataset.public_id}
    check_app_access(
        world,
        "evaluations",
        url_kwargs={
            "slug": world.agency.slug,
            "evaluation_id": evaluation.public_id,
            "number": finished_run.number,
            "dataset_id": uploading.public_id,
        },
        expectations={
            "evaluations:index": READ,
            "evaluations:new": WRITE_PAGE,
            # JSON endpoints: the admin reaches them, and the empty request is refused.
            "evaluations:upload_start": write(400),
            "evaluations:server_file": write(302),
            "evaluations:upload": WRITE_PAGE,
            "evaluations:upload_chunk": write(400),
            "evaluations:upload_complete": write(400),
            "evaluations:map": Expect(
                anonymous=302, other_agency=404, viewer=403, admin=200, kwargs=ready
            ),
            "evaluations:check": Expect(
                anonymous=302,
                other_agency=404,
                viewer=403,
                admin=200,
                method="post",
                kwargs=ready,
            ),
            "evaluations:detail": READ,
            "evaluations:run": READ,
            "evaluations:report": READ,
            "evaluations:report_pdf": READ,
            "evaluations:result_json": READ,
            "evaluations:compare": READ,
            "evaluations:attach": write(302),
            "evaluations:publish": WRITE_PAGE,
            "evaluations:rerun": Expect(
                anonymous=302, other_agency=404, viewer=403, admin=200, kwargs=ready
            ),
        },
    )
