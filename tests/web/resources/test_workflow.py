from __future__ import annotations

from django.test import Client

from railab.web.auditlog.models import AuditEvent
from railab.web.resources.models import Entry, EntryStatus
from tests.conftest import World
from tests.web.resources.conftest import make_entry

FORM = {
    "type": "incident",
    "title": "Misidentification by a licence-plate reader",
    "summary": "A reader misread a plate and officers stopped the wrong car at gunpoint.",
    "language": "en",
    "year": "2014",
    "authors": "Court records; Local press",
    "url": "https://example.org/lpr-incident",
    "doi": "",
    "country": "US",
    "tags": "lpr, misidentification",
    "visibility": "public",
    "terms_technology": ["licence_plates"],
    "terms_function": ["traffic"],
    "detail_what_happened": "Plate misread; a family was held at gunpoint.",
    "detail_who_was_harmed": "A family",
    "detail_venue": "ignored: not a field of incidents",
}


def test_submit_review_publish(world: World, as_user) -> None:
    client = as_user(world.assessor)
    response = client.post("/resources/new/", FORM)
    assert response.status_code == 302
    entry = Entry.objects.get(title=FORM["title"])
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.details == {
        "what_happened": "Plate misread; a family was held at gunpoint.",
        "who_was_harmed": "A family",
    }
    assert entry.authors == ["Court records", "Local press"]
    assert sorted(str(t) for t in entry.terms.all()) == [
        "function:traffic",
        "technology:licence_plates",
    ]
    # Not public yet; the submitter follows it.
    assert Client().get(f"/resources/{entry.public_id}/").status_code == 404
    assert entry.title.encode() in client.get("/resources/mine/").content

    curator = as_user(world.curator)
    queue = curator.get("/resources/review/")
    assert entry.title.encode() in queue.content
    missing_note = curator.post(
        f"/resources/{entry.public_id}/review/", {"decision": "reject", "note": ""}
    )
    assert missing_note.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    curator.post(
        f"/resources/{entry.public_id}/review/",
        {"decision": "request_changes", "note": "Add the court case number."},
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CHANGES_REQUESTED
    # The submitter edits; it goes back to the queue, with a version and a diff.
    edited = {**FORM, "summary": FORM["summary"] + " Case 13-cv-1234.", "note": "case number"}
    assert client.post(f"/resources/{entry.public_id}/edit/", edited).status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.versions.count() == 2
    history = client.get(f"/resources/{entry.public_id}/versions/")
    assert b"Case 13-cv-1234." in history.content
    assert b'class="add"' in history.content
    curator.post(f"/resources/{entry.public_id}/review/", {"decision": "approve", "note": ""})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
    assert Client().get(f"/resources/{entry.public_id}/").status_code == 200
    actions = list(
        AuditEvent.objects.filter(object_id=str(entry.public_id)).values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        ["resource.submit", "resource.request_changes", "resource.update", "resource.approve"]
    )


def test_agency_only_entries_publish_at_once_for_the_agency(world: World, as_user) -> None:
    as_user(world.viewer).post("/resources/new/", {**FORM, "visibility": "agency"})
    entry = Entry.objects.get(title=FORM["title"])
    assert entry.status == EntryStatus.APPROVED
    assert entry.agency == world.agency
    assert as_user(world.assessor).get(f"/resources/{entry.public_id}/").status_code == 200
    assert as_user(world.other_admin).get(f"/resources/{entry.public_id}/").status_code == 404
    assert as_user(world.curator).get(f"/resources/{entry.public_id}/").status_code == 404


def test_bad_submission_shows_errors_and_saves_nothing(world: World, as_user) -> None:
    response = as_user(world.viewer).post(
        "/resources/new/",
        {**FORM, "title": "", "doi": "not-a-doi", "type": "poem", "year": "3000", "url": "x"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"title", "doi", "type", "year"}
    assert not Entry.objects.exists()


def test_duplicates_are_flagged(world: World, as_user) -> None:
    make_entry("frvt", doi="10.6028/NIST.IR.8280")
    client = as_user(world.viewer)
    client.post(
        "/resources/new/",
        {
            **FORM,
            "type": "research",
            "title": "Face recognition vendor test part 3 - demographic effects",
            "doi": "https://doi.org/10.6028/nist.ir.8280",
        },
    )
    entry = Entry.objects.get(status=EntryStatus.SUBMITTED)
    assert entry.doi == "10.6028/nist.ir.8280"
    assert len(entry.possible_duplicates) == 1
    page = as_user(world.curator).get(f"/resources/{entry.public_id}/")
    assert b"Possible duplicates" in page.content


def test_others_cannot_edit(world: World, as_user) -> None:
    entry = make_entry("frvt")
    assert as_user(world.viewer).get(f"/resources/{entry.public_id}/edit/").status_code == 403
    assert as_user(world.curator).get(f"/resources/{entry.public_id}/edit/").status_code == 200


def test_atom_feed_lists_only_public_entries(world: World) -> None:
    make_entry("frvt")
    make_entry("williams", visibility="law_enforcement")
    feed = Client().get("/resources/feed.atom")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert b"Demographic Effects" in feed.content
    assert b"Robert Williams" not in feed.content
