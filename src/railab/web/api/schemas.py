from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Schema


class CountryOut(Schema):
    code: str
    name: str


class AgencyOut(Schema):
    id: UUID
    slug: str
    name: str
    country: CountryOut
    kind: str
    verified: bool
    my_role: str


class MeOut(Schema):
    id: UUID
    email: str
    full_name: str
    lab_role: str
    agencies: list[AgencyOut]


class MemberOut(Schema):
    id: UUID
    email: str
    full_name: str
    role: str
    since: datetime


class InvitationIn(Schema):
    email: str
    role: str = "viewer"


class InvitationOut(Schema):
    id: UUID
    email: str
    role: str
    expires_at: datetime


class AuditEventOut(Schema):
    seq: int
    created_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, object] | None
    after: dict[str, object] | None
    hash: str


class JobOut(Schema):
    id: UUID
    kind: str
    title: str
    status: str
    done: int
    total: int | None
    percent: int | None
    message: str
    result: dict[str, object] | None
    error: str


class ApiTokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    agency: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenIn(Schema):
    name: str
    agency: str


class ApiTokenCreated(ApiTokenOut):
    token: str


class ErrorOut(Schema):
    detail: str
