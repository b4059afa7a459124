from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from railab.web.resources import semantic
from railab.web.resources.models import Entry, EntryStatus
from tests.conftest import World
from tests.e2e.test_accessibility import _login_as
from tests.factories import PASSWORD
from tests.web.resources.conftest import CORPUS, make_entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_search_as_you_type_and_filter_by_facet(live_server, world: World, page: Page) -> None:
    for key, *_ in CORPUS:
        make_entry(key)
    if semantic.available():
        semantic.encode(["warm up"])  # load the model before the browser waits on it
    page.goto(f"{live_server.url}/resources/")
    expect(page.get_by_test_id("result-count")).to_contain_text(f"{len(CORPUS)} results")
    page.get_by_label("Search the resource bank").press_sequentially("face recog", delay=40)
    # htmx updates the results without a page load, and the URL follows.
    expect(page.get_by_test_id("result-count")).to_contain_text("2 results")
    expect(page).to_have_url(re.compile(r"/resources/\?q=face(%20|\+)recog"))
    expect(page.locator(".result mark").first).to_be_visible()
    page.locator("fieldset.facet").filter(has_text="Type").get_by_label("Incident").check()
    expect(page.get_by_test_id("result-count")).to_contain_text("1 result")
    expect(page.locator(".result-title")).to_have_text(
        ["Wrongful arrest of Robert Williams in Detroit"]
    )


def test_submit_then_a_curator_approves(live_server, world: World, page: Page, browser) -> None:
    base = live_server.url
    page.goto(f"{base}/sign-in/")
    page.get_by_label("E-mail address").fill(world.assessor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.goto(f"{base}/resources/new/")
    page.get_by_label("Type").select_option("guidance")
    expect(page.get_by_label("Issuer")).to_be_visible()
    expect(page.get_by_label("Venue (journal, conference, publisher)")).to_be_hidden()
    page.get_by_label("Title").fill("National guidance on drones in policing")
    page.get_by_label("Summary").fill("Our summary: when police may fly drones, and who decides.")
    page.get_by_label("Issuer").fill("Ministry of the Interior")
    page.get_by_label("Drones and robotics").check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".message.success")).to_contain_text("A Lab curator will review")
    entry = Entry.objects.get()
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.details == {"issuer": "Ministry of the Interior", "binding": False}

    curator = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _login_as(curator, live_server, world.curator)
    curator.goto(f"{base}/resources/review/")
    curator.get_by_role("link", name="National guidance on drones in policing").click()
    curator.get_by_label("Approve and publish").check()
    curator.get_by_role("button", name="Record the decision").click()
    expect(curator.locator(".message.success")).to_contain_text("Decision recorded")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
    page.goto(f"{base}/resources/mine/")
    expect(page.locator("td .badge")).to_have_text("Published")
    curator.context.close()
