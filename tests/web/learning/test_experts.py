from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from railab.web.auditlog.models import AuditEvent
from railab.web.learning import experts as expert_services
from railab.web.learning.models import ContactRequest, ExpertProfile
from tests.conftest import World
from tests.factories import UserFactory
from tests.web.learning.conftest import make_expert


def test_search_and_filters(world: World, as_user) -> None:
    make_expert(name="Amina Diallo", country="SN", languages=["fr", "en"])
    make_expert(
        name="Carlos Rojas",
        organisation="Policía Nacional",
        country="CO",
        languages=["es"],
        bio="Procurement of analytics platforms and contract clauses for auditability.",
    ).expertise.set([])
    make_expert(name="Hidden Person", listed=False)
    client = as_user(world.viewer)
    url = reverse("learning:experts")

    def names(**params: object) -> list[str]:
        response = client.get(url, params, headers={"HX-Request": "true"})
        assert response.status_code == 200
        return [e.name for e in response.context["experts"]]

    assert names() == ["Amina Diallo", "Carlos Rojas"]
    assert names(q="procurement contract") == ["Carlos Rojas"]
    assert names(language="es") == ["Carlos Rojas"]
    assert names(country="SN") == ["Amina Diallo"]
    assert names(expertise="technology:face_recognition") == ["Amina Diallo"]
    assert names(verified="on") == []
    # Bad filter values are ignored, never a crash.
    assert names(language="xx", country="ZZ") == ["Amina Diallo", "Carlos Rojas"]


def test_expert_email_is_never_shown(world: World, as_user) -> None:
    expert = make_expert(user=world.other_viewer)
    client = as_user(world.viewer)
    for name in ("learning:expert_detail", "learning:expert_contact"):
        html = client.get(reverse(name, args=[expert.public_id])).content.decode()
        assert world.other_viewer.email not in html
    html = client.get(reverse("learning:experts")).content.decode()
    assert world.other_viewer.email not in html


def test_contact_request_accept_flow(
    world: World, as_user, django_capture_on_commit_callbacks
) -> None:
    expert = make_expert(user=world.other_viewer)
    asker = as_user(world.viewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = asker.post(
            reverse("learning:expert_contact", args=[expert.public_id]),
            {"subject": "Face search thresholds", "message": "How did you choose thresholds?"},
        )
    assert response.status_code == 302
    request = ContactRequest.objects.get()
    (to_expert,) = mail.outbox
    assert to_expert.to == [world.other_viewer.email]
    assert world.viewer.email not in to_expert.body  # not before the expert accepts

    # The asker cannot answer their own request.
    url = reverse("learning:contact_request", args=[request.public_id])
    assert asker.post(url, {"decision": "accept"}).status_code == 403
    expert_client = as_user(world.other_viewer)
    response = expert_client.post(url, {"decision": "maybe"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = expert_client.post(
            url, {"decision": "accept", "reply": "Happy to help: call me on Tuesday."}
        )
    assert response.status_code == 302
    (to_asker,) = mail.outbox
    assert to_asker.to == [world.viewer.email]
    assert "call me on Tuesday" in to_asker.body
    assert world.other_viewer.email not in to_asker.body
    assert world.other_viewer.email not in asker.get(url).content.decode()
    # Once accepted, the expert sees the asker's address to continue.
    assert world.viewer.email in expert_client.get(url).content.decode()
    with pytest.raises(ValidationError, match="already been answered"):
        expert_services.contact_request_answer(
            request=request, by=world.other_viewer, accept=False, reply=""
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject": "", "message": "A long enough message here."}, "This field is required"),
        ({"subject": "Hi", "message": "Too short"}, "at least 20 characters"),
        ({"subject": "x" * 201, "message": "A long enough message here."}, "at most 200"),
    ],
)
def test_contact_form_rejects_bad_input(
    world: World, as_user, data: dict[str, str], message: str
) -> None:
    expert = make_expert(user=world.other_viewer)
    response = as_user(world.viewer).post(
        reverse("learning:expert_contact", args=[expert.public_id]), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContactRequest.objects.exists()


def test_contact_limits(world: World) -> None:
    expert = make_expert(user=world.other_viewer)
    expert_services.contact_request_create(
        expert=expert, requester=world.viewer, subject="One", message="First question here."
    )
    with pytest.raises(ValidationError, match="already asked"):
        expert_services.contact_request_create(
            expert=expert, requester=world.viewer, subject="Two", message="Second question."
        )
    with pytest.raises(ValidationError, match="your own profile"):
        expert_services.contact_request_create(
            expert=expert, requester=world.other_viewer, subject="Me", message="Asking myself."
        )
    for _ in range(expert_services.MAX_PENDING_REQUESTS - 1):
        other = make_expert(user=UserFactory(), name="Someone")
        expert_services.contact_request_create(
            expert=other, requester=world.viewer, subject="Q", message="Another question."
        )
    with pytest.raises(ValidationError, match="waiting for an answer"):
        expert_services.contact_request_create(
            expert=make_expert(name="One more"),
            requester=world.viewer,
            subject="Q",
            message="Yet another question.",
        )


def test_opt_in_profile_and_curator_verification(world: World, as_user) -> None:
    client = as_user(world.viewer)
    url = reverse("learning:expert_profile_edit")
    data = {
        "name": "Léa Dubois",
        "organisation": "Police FR",
        "country": "FR",
        "languages": ["fr", "en"],
        "expertise": ["technology:face_recognition", "principle:fairness"],
        "bio": "Ten years of forensic face comparison and audits of face search systems.",
        "listed": "on",
    }
    assert client.post(url, data).status_code == 302
    profile = ExpertProfile.objects.get(user=world.viewer)
    assert sorted(str(t) for t in profile.expertise.all()) == [
        "principle:fairness",
        "technology:face_recognition",
    ]
    assert profile.verified_at is None

    curator = as_user(world.curator)
    verify = reverse("learning:expert_verify", args=[profile.public_id])
    assert curator.post(verify, {"verified": "1"}).status_code == 302
    profile.refresh_from_db()
    assert profile.verified_by == world.curator
    assert AuditEvent.objects.filter(action="expert.verify").count() == 1
    assert client.post(verify, {"verified": "1"}).status_code == 403

    # Changing one's organisation asks for a new verification.
    assert client.post(url, {**data, "organisation": "Another force"}).status_code == 302
    profile.refresh_from_db()
    assert profile.verified_at is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"bio": "Too short."}, "at least 40 characters"),
        ({"expertise": ["technology:teleportation"]}, "Select a valid choice"),
        ({"languages": []}, "This field is required"),
        ({"country": "XX"}, "Select a valid choice"),
    ],
)
def test_profile_form_rejects_bad_input(
    world: World, as_user, change: dict[str, object], message: str
) -> None:
    data = {
        "name": "Léa Dubois",
        "organisation": "Police FR",
        "country": "FR",
        "languages": ["fr"],
        "expertise": ["technology:face_recognition"],
        "bio": "Ten years of forensic face comparison and audits of face search systems.",
        **change,
    }
    response = as_user(world.viewer).post(reverse("learning:expert_profile_edit"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExpertProfile.objects.exists()


def test_directory_query_count_does_not_grow(world: World, as_user) -> None:
    client = as_user(world.viewer)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("learning:experts")).status_code == 200
        return len(ctx.captured_queries)

    make_expert()
    one = count()
    for i in range(5):
        make_expert(name=f"Expert {i}")
    assert count() == one
