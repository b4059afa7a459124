"""Register for an event, then finish a quiz — in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from railab.web.learning.models import Registration
from tests.conftest import World
from tests.e2e.test_accessibility import _login_as
from tests.web.learning.conftest import make_course, make_event

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_register_for_an_event_then_finish_a_quiz(live_server, world: World, page: Page) -> None:
    event = make_event(title="Workshop on audits", capacity=1)
    course = make_course(modules=2)
    _login_as(page, live_server, world.viewer)
    base = live_server.url

    page.goto(f"{base}/events/")
    page.get_by_role("link", name="Workshop on audits").click()
    page.get_by_role("button", name="Register").click()
    # htmx swaps the registration box in place.
    expect(page.get_by_test_id("registration-status")).to_have_text("You are registered.")
    expect(page.get_by_test_id("seats")).to_contain_text("0 seats left")
    assert Registration.objects.get(event=event).status == "confirmed"

    page.goto(f"{base}/courses/{course.slug}/")
    page.get_by_role("button", name="Start the course").click()
    expect(page).to_have_url(re.compile(r"/m1/$"))
    question = page.get_by_test_id("question")
    question.get_by_label("Wrong").check()
    question.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_test_id("feedback")).to_contain_text("Not quite")
    expect(page.get_by_test_id("feedback")).to_contain_text("Because it is right.")
    page.get_by_test_id("question").get_by_label("Right").check()
    page.get_by_test_id("question").get_by_role("button", name="Answer again").click()
    expect(page.get_by_test_id("module-done")).to_be_visible()
    expect(page.get_by_test_id("progress").first).to_contain_text("1 of 2 modules done")

    page.get_by_role("link", name="Module 2").first.click()
    first, second = page.get_by_test_id("question").all()
    first.get_by_label("Right").check()
    first.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_test_id("feedback").first).to_contain_text("Correct.")
    second = page.get_by_test_id("question").nth(1)
    second.get_by_label("A", exact=True).check()
    second.get_by_label("C", exact=True).check()
    second.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".message.success")).to_contain_text("certificate is ready")
    expect(page.get_by_role("link", name="Certificate (PDF)")).to_be_visible()
