from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from railab.web.toolkit import selectors
from railab.web.toolkit.models import Assessment, Status
from tests.conftest import World
from tests.e2e.test_accessibility import _login_as
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_fill_submit_approve_and_download_the_pdf(
    live_server, world: World, page: Page, browser, tmp_path: Path
) -> None:
    base = live_server.url
    page.goto(f"{base}/sign-in/")
    page.get_by_label("E-mail address").fill(world.contributor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")

    page.goto(f"{base}/agency/{world.agency.slug}/toolkit/new/")
    page.get_by_label("Risk assessment of an AI use case").check()
    page.get_by_label("Name of the new use case").fill("Face search in CCTV footage")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Face search in CCTV footage")
    assessment = Assessment.objects.get()

    page.get_by_role("link", name="Answer", exact=True).click()
    progress = page.get_by_test_id("section-progress-purpose")
    expect(progress).to_have_text("0/9")
    page.get_by_label("Name of the AI system and its supplier").fill("FaceFinder 3")
    page.get_by_label("Name of the AI system and its supplier").press("Tab")
    expect(progress).to_have_text("1/9")
    realtime = page.locator("#q-purpose_realtime")
    expect(realtime).to_be_hidden()
    page.get_by_label("Facial recognition").check()
    # The answer is saved and the question that depends on it appears, without a reload.
    expect(realtime).to_be_visible()
    expect(progress).to_have_text("2/10")
    realtime.get_by_label("No", exact=True).check()
    expect(progress).to_have_text("3/10")
    page.get_by_label("Investigation of specific offences").check()
    expect(progress).to_have_text("4/10")
    assert selectors.answer_values(assessment) == {
        "purpose_system": "FaceFinder 3",
        "purpose_function": "face_recognition",
        "purpose_realtime": "no",
        "purpose_aim": "investigation",
    }

    page.get_by_role("link", name="Overview").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("status")).to_have_text("Awaiting review")

    reviewer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _login_as(reviewer, live_server, world.assessor)
    reviewer.goto(f"{base}/toolkit/{assessment.public_id}/")
    reviewer.get_by_label("Approve").check()
    reviewer.get_by_role("button", name="Record the decision").click()
    expect(reviewer.get_by_test_id("status")).to_have_text("Approved")
    assessment.refresh_from_db()
    assert assessment.status == Status.APPROVED

    with reviewer.expect_download() as download:
        reviewer.get_by_test_id("pdf-link").click()
    target = tmp_path / "report.pdf"
    download.value.save_as(target)
    content = target.read_bytes()
    assert content.startswith(b"%PDF")
    assert len(content) > 5000
    reviewer.context.close()
