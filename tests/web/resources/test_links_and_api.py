from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import Client

from railab.web.resources.models import Entry, LinkStatus
from railab.web.resources.tasks import check_links_task
from tests.conftest import World
from tests.web.resources.conftest import make_entry


class _Handler(BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        if self.path == "/no-head":
            self.send_response(405)
        else:
            self.send_response(200 if self.path.startswith("/ok") else 404)
        self.end_headers()

    def do_GET(self) -> None:
        self.send_response(200 if self.path in {"/ok", "/no-head"} else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_link_check_flags_broken_links(world: World, site: str) -> None:
    ok = make_entry("frvt", url=f"{site}/ok")
    head_refused = make_entry("williams", url=f"{site}/no-head")
    broken = make_entry("cnil", url=f"{site}/gone")
    unreachable = make_entry("aml", url="http://127.0.0.1:9/")
    result = check_links_task.call()
    assert result == {"checked": 4, "broken": 2}
    status = dict(Entry.objects.values_list("pk", "link_status"))
    assert status[ok.pk] == status[head_refused.pk] == LinkStatus.OK
    assert status[broken.pk] == status[unreachable.pk] == LinkStatus.BROKEN


def test_api_search_and_read(world: World) -> None:
    frvt = make_entry("frvt")
    hidden = make_entry("williams", visibility="agency", agency=world.agency)
    client = Client()
    body = client.get("/api/resources", {"q": "face ", "type": ["research"]}).json()
    assert body["total"] == 1
    assert body["results"][0]["title"].startswith("Face Recognition Vendor Test")
    assert {"code": "research", "label": "Research publication", "count": 1} in body["facets"][
        "type"
    ]
    assert client.get(f"/api/resources/{frvt.public_id}").status_code == 200
    assert client.get(f"/api/resources/{hidden.public_id}").status_code == 404


def test_api_submit_validates(world: World, as_user) -> None:
    client = as_user(world.viewer)
    bad = client.post(
        "/api/resources",
        data=json.dumps({"type": "poem", "title": "", "summary": "x"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    good = client.post(
        "/api/resources",
        data=json.dumps(
            {
                "type": "guidance",
                "title": "A national guidance on drones",
                "summary": "Our summary of the guidance.",
                "technology": ["drones_robotics"],
                "details": {"issuer": "Ministry", "binding": True},
            }
        ),
        content_type="application/json",
    )
    assert good.status_code == 201, good.content
    entry = Entry.objects.get()
    assert entry.details == {"issuer": "Ministry", "binding": True}
    assert entry.submitted_by == world.viewer
    assert (
        Client().post("/api/resources", data="{}", content_type="application/json").status_code
        == 401
    )
