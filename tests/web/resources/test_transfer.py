from __future__ import annotations

import json

import bibtexparser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from railab.web.resources.models import Entry, EntryStatus, ImportUpload
from tests.conftest import World
from tests.web.resources.conftest import make_entry

GOOD_CSV = (
    "type;title;summary;year;authors;country;technology;tags\n"
    'research;A study of drones;We summarise a study of police drones.;2021;"A. One; B. Two";'
    "GB;drones_robotics;drones\n"
    "guidance;Guidance on speech;We summarise a guidance on speech analytics.;2022;;FR;speech;\n"
)
BAD_CSV = (
    "type,title,summary,year,technology\n"
    "research,Fine row,A fine summary.,2020,speech\n"
    "poem,,No title here.,20x,telepathy\n"
)


def _upload(client: Client, name: str, content: bytes):
    return client.post(
        "/resources/import/", {"file": SimpleUploadedFile(name, content)}, follow=True
    )


def test_csv_import_with_preview(world: World, as_user) -> None:
    client = as_user(world.assessor)
    preview = _upload(client, "batch.csv", GOOD_CSV.encode())
    assert preview.status_code == 200
    assert b"2 entries are ready to import." in preview.content
    assert not Entry.objects.exists()  # nothing written before confirmation
    done = client.post(preview.redirect_chain[-1][0], follow=True)
    assert done.status_code == 200
    entries = Entry.objects.order_by("title")
    assert [e.title for e in entries] == ["A study of drones", "Guidance on speech"]
    assert all(e.status == EntryStatus.SUBMITTED for e in entries)
    assert entries[0].authors == ["A. One", "B. Two"]
    assert not ImportUpload.objects.exists()


def test_row_errors_are_listed_and_nothing_is_imported(world: World, as_user) -> None:
    client = as_user(world.assessor)
    preview = _upload(client, "bad.csv", BAD_CSV.encode())
    body = preview.content.decode()
    assert "1 row has errors" in body
    assert "Title" in body
    assert "Type" in body
    assert "Technology" in body
    response = client.post(preview.redirect_chain[-1][0])
    assert response.status_code == 200  # the confirmation is refused
    assert not Entry.objects.exists()


def test_unreadable_files_are_refused_with_a_reason(world: World, as_user) -> None:
    client = as_user(world.assessor)
    latin1 = "type,title,summary\nresearch,Étude,Résumé.\n".encode("latin-1")
    cases = {
        ("x.csv", latin1): "not UTF-8",
        ("x.json", b"{not json"): "malformed at line 1",
        ("x.json", b'{"a": 1}'): "must be a list",
        ("x.txt", b"hello"): "Use a .csv",
        ("x.csv", b"name,year\nA,2020\n"): "title” column",
        ("x.csv", b""): "empty",
    }
    for (name, content), message in cases.items():
        response = _upload(client, name, content)
        assert response.status_code == 200
        text = response.content.decode()
        assert message in text, (name, message)
    assert not ImportUpload.objects.exists()


def test_bibtex_and_ris_become_research_entries(world: World, as_user) -> None:
    client = as_user(world.assessor)
    bib = b"""@article{buolamwini2018,
  title = {Gender Shades: Intersectional Accuracy Disparities in Commercial Gender Classification},
  author = {Buolamwini, Joy and Gebru, Timnit},
  year = {2018},
  journal = {Proceedings of Machine Learning Research},
  abstract = {We summarise: gender classifiers erred most on darker-skinned women.}
}
@techreport{noabstract, title = {No abstract here}, year = {2020}}
"""
    preview = _upload(client, "refs.bib", bib)
    assert b"1 row has errors" in preview.content  # the entry without an abstract
    ris = (
        b"TY  - JOUR\nTI  - Predictive policing and crime\nAU  - Doe, Jane\nPY  - 2020\n"
        b"AB  - Our summary of a study.\nDO  - 10.1234/abcd\nER  - \n"
    )
    preview = _upload(client, "refs.ris", ris)
    assert b"1 entry is ready to import." in preview.content
    client.post(preview.redirect_chain[-1][0])
    entry = Entry.objects.get()
    assert entry.type == "research"
    assert entry.doi == "10.1234/abcd"
    assert entry.authors == ["Doe, Jane"]


def test_exports_respect_visibility_and_round_trip(world: World) -> None:
    make_entry("frvt")
    make_entry("williams", visibility="law_enforcement")
    client = Client()
    data = json.loads(client.get("/resources/export.json").content)
    assert [d["title"] for d in data] == [
        "Face Recognition Vendor Test Part 3: Demographic Effects"
    ]
    assert data[0]["technology"] == ["face_recognition"]
    csv_text = client.get("/resources/export.csv").content.decode()
    assert csv_text.count("\n") == 2
    bib = client.get("/resources/export.bib").content.decode()
    library = bibtexparser.parse_string(bib)
    assert len(library.entries) == 1
    assert "Demographic Effects" in library.entries[0]["title"]
    assert client.get("/resources/export.exe").status_code == 404
