from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from railab.web.auditlog.models import AuditEvent
from railab.web.register import exports, selectors, services
from railab.web.register.models import AISystem, RecordStatus
from tests.conftest import World
from tests.web.register.conftest import publish
from tests.web.resources.conftest import make_entry


def _seen(system: AISystem, user) -> set[str]:
    return {item.field.name for item in selectors.visible_fields(system, user)}


def test_each_role_sees_the_fields_its_visibility_allows(world: World, system: AISystem) -> None:
    system = publish(system, world)
    system.field_visibility["vendor"] = "agency"
    system.save()
    everything = {
        "purpose",
        "policing_function",
        "technology",
        "vendor",
        "version",
        "deployment_context",
        "legal_basis",
        "data_used",
        "human_oversight",
        "can_override",
        "people_affected",
        "lifecycle_stage",
        "contact_point",
    }
    law_enforcement = {"version", "deployment_context", "data_used"}
    assert _seen(system, world.viewer) == everything
    assert _seen(system, world.other_viewer) == everything - {"vendor"}
    assert _seen(system, AnonymousUser()) == everything - {"vendor"} - law_enforcement
    page = Client().get(f"/register/{system.public_id}/").content.decode()
    assert "Example Vision" not in page
    assert "Mobile vans" not in page
    assert "Every alert is reviewed" in page
    other = Client()
    other.force_login(world.other_viewer)
    body = other.get(f"/register/{system.public_id}/").content.decode()
    assert "Mobile vans" in body
    assert "Example Vision" not in body


def test_drafts_are_invisible_outside_the_agency(world: World, system: AISystem, as_user) -> None:
    url = f"/register/{system.public_id}/"
    assert Client().get(url).status_code == 404
    assert as_user(world.other_admin).get(url).status_code == 404
    assert as_user(world.viewer).get(url).status_code == 200


def test_workflow_and_audit(world: World, system: AISystem) -> None:
    with pytest.raises(ValidationError):
        services.system_transition(system=system, user=world.admin, action="publish")
    with pytest.raises(PermissionDenied):  # a viewer cannot submit
        services.system_transition(system=system, user=world.viewer, action="submit")
    system = services.system_transition(system=system, user=world.contributor, action="submit")
    with pytest.raises(PermissionDenied):  # approving needs an assessor
        services.system_transition(system=system, user=world.contributor, action="approve")
    system = services.system_transition(system=system, user=world.assessor, action="approve")
    system = services.system_transition(system=system, user=world.admin, action="publish")
    assert system.status == RecordStatus.PUBLISHED
    with pytest.raises(ValidationError):
        services.system_transition(system=system, user=world.admin, action="unpublish")
    system = services.system_transition(
        system=system, user=world.admin, action="unpublish", reason="Trial ended."
    )
    assert system.unpublish_reason == "Trial ended."
    actions = list(
        AuditEvent.objects.filter(object_id=str(system.public_id))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "register.create",
        "register.submit",
        "register.approve",
        "register.publish",
        "register.unpublish",
    ]


def test_concurrent_edits_are_detected_not_overwritten(
    world: World, system: AISystem, as_user
) -> None:
    url = f"/register/{system.public_id}/edit/"
    alice, bob = as_user(world.admin), as_user(world.assessor)
    form_a = alice.get(url).context["form"]
    form_b = bob.get(url).context["form"]
    data_a = {**form_a.initial, "purpose": "Alice's purpose.", "revision": 1}
    data_b = {**form_b.initial, "purpose": "Bob's purpose.", "revision": 1}
    data_a = {k: v for k, v in data_a.items() if v is not None}
    data_b = {k: v for k, v in data_b.items() if v is not None}
    assert alice.post(url, data_a).status_code == 302
    conflict = bob.post(url, data_b)
    assert conflict.status_code == 409
    body = conflict.content.decode()
    assert "Someone else saved this record" in body
    assert "Alice&#x27;s purpose." in body or "Alice's purpose." in body
    system.refresh_from_db()
    assert system.purpose == "Alice's purpose."
    # Bob saves again, now on top of Alice's revision: accepted.
    data_b["revision"] = system.revision
    assert bob.post(url, data_b).status_code == 302
    system.refresh_from_db()
    assert system.purpose == "Bob's purpose."
    assert system.versions.count() == 3


def test_deployment_gate(world: World, system: AISystem) -> None:
    def deploy() -> AISystem:
        return services.system_update(
            system=system,
            user=world.admin,
            data={"lifecycle_stage": "deployment"},
            revision=AISystem.objects.get(pk=system.pk).revision,
        )

    with pytest.raises(ValidationError, match="no risk assessment is linked"):
        deploy()
    evaluation = make_entry("frvt", type="evaluation")
    system.evaluations.add(evaluation)
    with pytest.raises(ValidationError, match="risk assessment"):
        deploy()
    with pytest.raises(ValidationError, match="justification"):
        services.gate_waive(system=system, user=world.admin, justification="because")
    with pytest.raises(PermissionDenied):
        services.gate_waive(system=system, user=world.assessor, justification="x" * 50)
    services.gate_waive(
        system=system,
        user=world.admin,
        justification="Emergency deployment ordered by the court for a missing child search.",
    )
    assert deploy().lifecycle_stage == "deployment"
    assert services.gate_status(AISystem.objects.get(pk=system.pk)).waived


def test_exports_follow_visibility_and_the_law_enforcement_set(
    world: World, system: AISystem
) -> None:
    system = publish(system, world)
    public = exports.atrs(system, AnonymousUser())
    assert public["tier_1"]["name"] == "Live facial recognition at events"
    assert public["tier_2"]["tool_specification"]["version"] == ""  # law enforcement only
    assert exports.atrs(system, world.viewer)["tier_2"]["tool_specification"]["version"] == "4.2"
    dutch = exports.dutch_register(system, AnonymousUser())
    assert dutch["status"] == "In ontwikkeling"
    reduced = exports.annex_viii_c_law_enforcement(system, world.viewer)
    assert [k for k in reduced if k[0].isdigit()] == [
        "1_deployer_name_address_contact",
        "2_person_submitting_on_behalf_of_deployer",
        "3_url_of_provider_entry_in_eu_database",
    ]
    full = exports.annex_viii_c(system, world.viewer)
    assert len([k for k in full if k[0].isdigit()]) == 5
    response = Client().get(f"/register/{system.public_id}/export/eu-art-49-4.json")
    assert response.status_code == 200
    assert json.loads(response.content)["1_deployer_name_address_contact"]["name"] == "Police FR"
    assert Client().get(f"/register/{system.public_id}/export/nope.json").status_code == 404


def test_open_data_holds_public_fields_of_published_records(world: World, system: AISystem) -> None:
    AISystem.objects.filter(pk=system.pk)  # a draft: not in open data
    assert json.loads(Client().get("/register/open-data.json").content) == []
    publish(system, world)
    records = json.loads(Client().get("/register/open-data.json").content)
    assert len(records) == 1
    assert "version" not in records[0]
    assert records[0]["purpose"].startswith("Find people")
    csv_text = Client().get("/register/open-data.csv").content.decode()
    assert "Live facial recognition at events" in csv_text
    assert "Mobile vans" not in csv_text


def test_feedback_is_moderated_and_rate_limited(world: World, system: AISystem, as_user) -> None:
    cache.clear()
    url = f"/register/{system.public_id}/feedback/"
    assert Client().post(url, {"message": "Hello"}).status_code == 404  # not published
    system = publish(system, world)
    client = Client()
    for _ in range(5):
        client.post(url, {"message": "Is the watch list reviewed?"})
    client.post(url, {"message": "Sixth message"})
    assert system.feedback.count() == 5
    page = Client().get(f"/register/{system.public_id}/").content.decode()
    assert "Is the watch list reviewed?" not in page  # waiting for moderation
    item = system.feedback.first()
    as_user(world.viewer).post(
        f"/register/{system.public_id}/feedback/{item.public_id}/moderate/",
        {"status": "shown", "reply": "Monthly."},
    )
    item.refresh_from_db()
    assert item.status == "pending"  # viewers cannot moderate
    as_user(world.contributor).post(
        f"/register/{system.public_id}/feedback/{item.public_id}/moderate/",
        {"status": "shown", "reply": "Monthly."},
    )
    page = Client().get(f"/register/{system.public_id}/").content.decode()
    assert "Is the watch list reviewed?" in page
    assert "Monthly." in page
