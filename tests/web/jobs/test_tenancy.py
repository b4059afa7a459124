from __future__ import annotations

from railab.web.jobs.models import Job
from tests.conftest import World
from tests.helpers.tenancy import Expect, check_app_access


def test_jobs_urls(world: World) -> None:
    job = Job.objects.create(user=world.admin, agency=world.agency, kind="test", title="Test job")
    check_app_access(
        world,
        "jobs",
        url_kwargs={"job_id": job.public_id},
        expectations={
            "jobs:detail": Expect(anonymous=302, other_agency=404),
            "jobs:progress": Expect(anonymous=302, other_agency=404),
        },
    )
