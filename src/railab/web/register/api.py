"""Register endpoints of the HTTP API: what the register pages show, with the same
field-level visibility."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from railab.web.register import selectors, services

router = Router(tags=["register of AI systems"])


class SystemOut(Schema):
    id: UUID
    name: str
    agency: str
    country: str
    status: str
    gate_passed: bool | None
    fields: dict[str, Any]


def _out(system: Any, request: HttpRequest) -> dict[str, Any]:
    owner = selectors.is_owner(request.user, system)
    return {
        "id": system.public_id,
        "name": system.name,
        "agency": system.agency.name,
        "country": system.agency.country.code,
        "status": system.status,
        "gate_passed": services.gate_status(system).passed if owner else None,
        "fields": {
            item.field.name: item.value for item in selectors.visible_fields(system, request.user)
        },
    }


@router.get("/register", response=list[SystemOut], auth=None, summary="AI systems I may see")
def systems(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(s, request) for s in selectors.systems_visible_to(request.user).order_by("name")]


@router.get("/register/{system_id}", response=SystemOut, auth=None, summary="One AI system")
def system(request: HttpRequest, system_id: UUID) -> dict[str, Any]:
    found = selectors.system_get_for_user(user=request.user, public_id=system_id)
    return _out(found, request)
