"""Reads of the register, with field-level transparency.

A record is visible as a whole to anyone once published, and always to its agency; what
each viewer sees of it is decided field by field with the same rule as every record
(:func:`railab.web.core.tenancy.can_view`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from railab.web.accounts.models import Membership, Role, User
from railab.web.core.tenancy import Visibility, can_view
from railab.web.register.fields import FIELDS, RecordField
from railab.web.register.models import AISystem, RecordStatus

AnyUser = User | AnonymousUser


def _member_agency_ids(user: AnyUser) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).values_list("agency_id", flat=True))


def systems_visible_to(user: AnyUser) -> QuerySet[AISystem]:
    """Published records of every agency, and every record of the user's own agencies."""
    q = Q(status=RecordStatus.PUBLISHED)
    agencies = _member_agency_ids(user)
    if agencies:
        q |= Q(agency_id__in=agencies)
    return AISystem.objects.filter(q).select_related("agency")


def public_systems() -> QuerySet[AISystem]:
    return AISystem.objects.filter(status=RecordStatus.PUBLISHED).select_related("agency")


def system_get_for_user(*, user: AnyUser, public_id: Any) -> AISystem:
    return get_object_or_404(systems_visible_to(user), public_id=public_id)


def system_get_for_member(
    *, user: AnyUser, public_id: Any, role: str = Role.VIEWER
) -> tuple[AISystem, Membership]:
    """A record of one of the user's agencies (for editing pages); otherwise 404."""
    from django.core.exceptions import PermissionDenied

    system = get_object_or_404(
        AISystem.objects.filter(agency_id__in=_member_agency_ids(user)), public_id=public_id
    )
    assert isinstance(user, User)  # the record matched one of the user's agencies
    membership = Membership.objects.get(user=user, agency_id=system.agency_id)
    if not membership.has_role(role):
        raise PermissionDenied
    return system, membership


@dataclass(frozen=True)
class ShownField:
    field: RecordField
    value: Any
    display: str
    visibility: str

    @property
    def visibility_label(self) -> str:
        return str(Visibility(self.visibility).label)


def visible_fields(system: AISystem, user: AnyUser) -> list[ShownField]:
    """The fields of ``system`` this user may see, in order."""
    shown: list[ShownField] = []
    for field in FIELDS:
        visibility = system.visibility_of(field.name)
        if not can_view(user, visibility=visibility, agency=system.agency):
            continue
        value = getattr(system, field.name)
        display_method = getattr(system, f"get_{field.name}_display", None)
        display = str(display_method()) if callable(display_method) else value
        if isinstance(value, bool):
            display = "yes" if value else "no"
        shown.append(ShownField(field, value, str(display or ""), visibility))
    return shown


def public_record(system: AISystem) -> dict[str, Any]:
    """The open-data form of a record: public fields only."""
    anonymous = AnonymousUser()
    record: dict[str, Any] = {
        "id": str(system.public_id),
        "name": system.name,
        "agency": system.agency.name,
        "country": system.agency.country.code,
    }
    for item in visible_fields(system, anonymous):
        record[item.field.name] = item.value
    return record


def is_owner(user: AnyUser, system: AISystem) -> bool:
    return system.agency_id in _member_agency_ids(user)
