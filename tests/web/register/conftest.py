from __future__ import annotations

import pytest

from railab.web.register import services
from railab.web.register.models import AISystem
from tests.conftest import World

DATA = {
    "name": "Live facial recognition at events",
    "purpose": "Find people on a watch list in crowds at large public events.",
    "policing_function": "public_order",
    "technology": "face_recognition",
    "vendor": "Example Vision Ltd",
    "version": "4.2",
    "deployment_context": "Mobile vans at stadiums; cameras covering entrances.",
    "legal_basis": "Police Act, section 12; data protection law for law enforcement.",
    "data_used": "Watch list images; live video frames discarded after 1 s if no match.",
    "human_oversight": "Every alert is reviewed by a trained officer before any stop.",
    "can_override": True,
    "people_affected": "Everyone entering the event; people on the watch list.",
    "lifecycle_stage": "testing",
    "contact_point": "ai-register@police.example",
}


@pytest.fixture
def system(world: World) -> AISystem:
    return services.system_create(user=world.admin, agency=world.agency, data=dict(DATA))


def publish(system: AISystem, world: World) -> AISystem:
    for action in ("submit", "approve", "publish"):
        system = services.system_transition(system=system, user=world.admin, action=action)
    return system
