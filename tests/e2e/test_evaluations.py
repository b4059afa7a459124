"""A contributor uploads a CSV through the real chunked uploader, maps the columns, runs
the audit and sees its charts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from railab.web.evaluations.models import Dataset, Run
from tests.conftest import World
from tests.e2e.test_accessibility import _login_as
from tests.web.evaluations.conftest import classification_rows, sha

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_upload_map_run_and_see_the_chart(
    live_server: Any, world: World, page: Page, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    content = classification_rows(3000).encode()  # several chunks of 16 kB
    csv = tmp_path / "risk-tool.csv"
    csv.write_bytes(content)
    _login_as(page, live_server, world.contributor)
    page.goto(f"{live_server.url}/agency/{world.agency.slug}/evaluations/new/")
    page.locator("#uploader").evaluate("form => { form.dataset.chunkSize = '16384'; }")
    page.get_by_label("CSV or Parquet file").set_input_files(str(csv))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page).to_have_url(re.compile(r"/evaluations/data/[0-9a-f-]+/map/$"))
    dataset = Dataset.objects.get()
    assert dataset.sha256 == sha(content)  # the browser's incremental SHA-256 agreed

    expect(page.locator("table.preview th").first).to_have_text("case_id")
    page.get_by_label("Ground truth (label)").select_option("reoffended")
    # Validation as you go: the decision or the score is still missing.
    expect(page.get_by_test_id("check-todo")).to_contain_text("decision column or a score")
    page.get_by_label("Score", exact=True).select_option("risk")
    page.get_by_label("sex").check()
    page.get_by_label("Bootstrap resamples").fill("50")
    page.get_by_label("Bootstrap resamples").dispatch_event("change")
    expect(page.get_by_test_id("check-ok")).to_be_visible()
    expect(page.locator("#check-panel")).to_contain_text("2 groups")
    page.get_by_test_id("run-audit").click()

    expect(page).to_have_url(re.compile(r"/runs/1/$"))
    assert Run.objects.get().status == "done"
    expect(page.get_by_test_id("pdf")).to_be_visible()
    chart = page.frame_locator("iframe[data-testid=report]").locator("svg").first
    expect(chart).to_be_visible()
