"""JSON export, and the import that re-opens it: migrated, or refused with the reason."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from railab.toolkit import load_instrument
from railab.web.toolkit import selectors
from railab.web.toolkit.instruments import instrument_register, instrument_unregister
from railab.web.toolkit.models import AnswerChange, Assessment, Status
from tests.conftest import World
from tests.web.toolkit.conftest import RISK_ANSWERS, approve, start

MINI_V2 = """\
format: 1
id: mini
version: 2
title: Mini
subject: agency
languages: [en]
sections:
  - id: s
    title: S
    questions:
      - {id: policy_written, type: yes_no_unknown, title: "Written policy?"}
      - {id: staff, type: number, title: Staff, max: 1000}
migrations:
  - {from: 1, to: 2, renamed: {policy: policy_written}, removed: [old]}
"""


@pytest.fixture
def mini() -> Iterator[None]:
    instrument_register(load_instrument(MINI_V2))
    yield
    instrument_unregister("mini")


def post_file(client, url: str, content: bytes | str, **data: str):
    body = content.encode() if isinstance(content, str) else content
    return client.post(url, {"file": SimpleUploadedFile("a.json", body), **data})


def test_export_then_import_reopens_a_copy_in_progress(world: World, as_user) -> None:
    a = approve(world, start(world, answers=RISK_ANSWERS))
    client = as_user(world.contributor)
    exported = client.get(f"/toolkit/{a.public_id}/export.json")
    assert exported["Content-Type"].startswith("application/json")
    document = json.loads(exported.content)
    assert document["instrument"] == "risk-assessment"
    assert document["answers"]["risk_privacy"]["likelihood"] == 4
    assert document["meta"]["use_case"] == "Face search in CCTV footage"
    response = post_file(client, f"/agency/{world.agency.slug}/toolkit/import/", exported.content)
    assert response.status_code == 302
    copy = Assessment.objects.exclude(pk=a.pk).get()
    assert copy.status == Status.IN_PROGRESS
    assert copy.use_case == a.use_case
    assert selectors.answer_values(copy) == selectors.answer_values(a)
    assert set(AnswerChange.objects.filter(assessment=copy).values_list("source", flat=True)) == {
        "import"
    }


def test_answers_of_an_older_version_are_migrated(world: World, as_user, mini: None) -> None:
    document = {
        "instrument": "mini",
        "version": 1,
        "answers": {"policy": "yes", "old": "gone", "staff": 5000},
    }
    client = as_user(world.contributor)
    response = post_file(
        client, f"/agency/{world.agency.slug}/toolkit/import/", json.dumps(document)
    )
    assert response.status_code == 302
    copy = Assessment.objects.get()
    assert (copy.instrument, copy.instrument_version) == ("mini", 2)
    assert selectors.answer_values(copy) == {"policy_written": "yes"}
    shown = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert "old: removed in version 2" in shown
    assert "staff: the answer no longer fits: must be at most 1000, got 5000" in shown


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON (line 1, column 2"),
        ("[1, 2]", "not an answers document"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (
            '{"instrument": "horoscope", "version": 1, "answers": {}}',
            "for instrument “horoscope”, which this platform does not offer",
        ),
        (
            '{"instrument": "mini", "version": 7, "answers": {}}',
            "newer than this instrument (version 2)",
        ),
        (
            '{"instrument": "mini", "version": 0, "answers": {}}',
            "can migrate answers only from version(s) 1",
        ),
    ],
)
def test_bad_imports_are_refused_with_the_reason(
    world: World, as_user, mini: None, content: str | bytes, reason: str
) -> None:
    client = as_user(world.contributor)
    response = post_file(client, f"/agency/{world.agency.slug}/toolkit/import/", content)
    assert response.status_code == 200
    assert reason in " ".join(response.context["form"].errors["file"])
    assert not Assessment.objects.exists()  # nothing half-written


def test_a_use_case_instrument_needs_a_use_case(world: World, as_user) -> None:
    document = {"instrument": "risk-assessment", "version": 1, "answers": {}}
    client = as_user(world.contributor)
    response = post_file(
        client, f"/agency/{world.agency.slug}/toolkit/import/", json.dumps(document)
    )
    assert "Choose the AI use case" in " ".join(response.context["form"].errors["file"])
