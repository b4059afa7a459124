"""The HTTP API: everything the pages of this area can do, with an OpenAPI schema.

Scoping is the same as for pages: a token sees only its agency; a session sees the
agencies the user belongs to; anything else is a 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from railab import __version__
from railab.web.accounts import selectors, services
from railab.web.accounts.countries import MemberCountries
from railab.web.accounts.forms import InvitationForm
from railab.web.accounts.models import Agency, ApiToken, Membership, Role, User
from railab.web.api import schemas
from railab.web.api.auth import SessionAuth, TokenAuth
from railab.web.auditlog.models import AuditEvent
from railab.web.auditlog.selectors import audit_events_for_agency
from railab.web.evaluations.api import router as evaluations_router
from railab.web.jobs.models import Job
from railab.web.jobs.selectors import job_get_for_user
from railab.web.learning.api import router as learning_router
from railab.web.register.api import router as register_router
from railab.web.resources.api import router as resources_router
from railab.web.toolkit.api import router as toolkit_router

api = NinjaAPI(
    title="railab API",
    version=__version__,
    description=(
        "The railab platform's HTTP API. Authenticate with a personal API token "
        "(`Authorization: Bearer …`, created under *Account → API tokens*) or with the "
        "browser session."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _membership(request: HttpRequest, slug: str, role: str = Role.VIEWER) -> Membership:
    token_agency: Agency | None = getattr(request, "api_agency", None)
    if token_agency is not None and token_agency.slug != slug:
        raise Http404
    return selectors.agency_get_for_user(user=_user(request), slug=slug, role=role)


def _agency_out(membership: Membership) -> dict[str, Any]:
    agency = membership.agency
    return {
        "id": agency.public_id,
        "slug": agency.slug,
        "name": agency.name,
        "country": {"code": agency.country.code, "name": str(agency.country.name)},
        "kind": agency.kind,
        "verified": agency.verified,
        "my_role": membership.role,
    }


def _my_memberships(request: HttpRequest) -> list[Membership]:
    qs = Membership.objects.filter(user=_user(request)).select_related("agency")
    token_agency: Agency | None = getattr(request, "api_agency", None)
    if token_agency is not None:
        qs = qs.filter(agency=token_agency)
    return list(qs.order_by("agency__name"))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(
        request, {"detail": "Your role in this agency does not allow this."}, status=403
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> Any:
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=422)


accounts = Router(tags=["agencies and people"])


@accounts.get("/me", response=schemas.MeOut, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    return {
        "id": user.public_id,
        "email": user.email,
        "full_name": user.full_name,
        "lab_role": user.lab_role,
        "agencies": [_agency_out(m) for m in _my_memberships(request)],
    }


@accounts.get(
    "/countries", response=list[schemas.CountryOut], auth=None, summary="Member countries"
)
def countries(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": c.code, "name": str(c.name)} for c in MemberCountries()]


@accounts.get("/agencies", response=list[schemas.AgencyOut], summary="My agencies")
def agencies(request: HttpRequest) -> list[dict[str, Any]]:
    return [_agency_out(m) for m in _my_memberships(request)]


@accounts.get("/agencies/{slug}", response=schemas.AgencyOut, summary="One of my agencies")
def agency(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _agency_out(_membership(request, slug))


@accounts.get("/agencies/{slug}/members", response=list[schemas.MemberOut])
@paginate(LimitOffsetPagination)
def members(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    agency = _membership(request, slug).agency
    return [
        {
            "id": m.public_id,
            "email": m.user.email,
            "full_name": m.user.full_name,
            "role": m.role,
            "since": m.created_at,
        }
        for m in selectors.members_of(agency=agency)
    ]


@accounts.post(
    "/agencies/{slug}/invitations",
    response={201: schemas.InvitationOut, 422: schemas.ErrorOut},
    summary="Invite someone (agency administrators)",
)
def invite(request: HttpRequest, slug: str, payload: schemas.InvitationIn) -> Any:
    membership = _membership(request, slug, Role.AGENCY_ADMIN)
    form = InvitationForm(data=payload.dict())
    if not form.is_valid():
        problems = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())
        return Status(422, {"detail": problems})
    issued = services.invitation_create(
        agency=membership.agency,
        by=_user(request),
        email=form.cleaned_data["email"],
        role=form.cleaned_data["role"],
    )
    inv = issued.invitation
    return Status(
        201,
        {"id": inv.public_id, "email": inv.email, "role": inv.role, "expires_at": inv.expires_at},
    )


@accounts.get("/agencies/{slug}/audit-log", response=list[schemas.AuditEventOut])
@paginate(LimitOffsetPagination)
def audit_log(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    agency = _membership(request, slug, Role.AGENCY_ADMIN).agency
    events: list[AuditEvent] = list(audit_events_for_agency(agency=agency)[:1000])
    return [
        {
            "seq": e.seq,
            "created_at": e.created_at,
            "actor": e.actor_label,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "before": e.before,
            "after": e.after,
            "hash": e.hash,
        }
        for e in events
    ]


jobs = Router(tags=["background jobs"])


@jobs.get("/jobs/{job_id}", response=schemas.JobOut, summary="Progress of a background job")
def job(request: HttpRequest, job_id: str) -> dict[str, Any]:
    try:
        item: Job = job_get_for_user(user=_user(request), public_id=job_id)
    except ValidationError:
        raise Http404 from None
    token_agency: Agency | None = getattr(request, "api_agency", None)
    if token_agency is not None and item.agency_id != token_agency.pk:
        raise Http404
    return {
        "id": item.public_id,
        "kind": item.kind,
        "title": item.title,
        "status": item.status,
        "done": item.done,
        "total": item.total,
        "percent": item.percent,
        "message": item.message,
        "result": item.result,
        "error": item.error,
    }


tokens = Router(tags=["API tokens"])


def _token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.public_id,
        "name": token.name,
        "prefix": token.prefix,
        "agency": token.agency.slug,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@tokens.get("/tokens", response=list[schemas.ApiTokenOut], auth=SessionAuth(), summary="My tokens")
def token_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_token_out(t) for t in selectors.api_tokens_of(user=_user(request))]


@tokens.post(
    "/tokens",
    response={201: schemas.ApiTokenCreated, 422: schemas.ErrorOut},
    auth=SessionAuth(),
    summary="Create a token (the secret is shown once)",
)
def token_create(request: HttpRequest, payload: schemas.ApiTokenIn) -> Any:
    name = payload.name.strip()
    if not name or len(name) > 100:
        return Status(422, {"detail": "name: give the token a name of 1 to 100 characters."})
    membership = _membership(request, payload.agency)
    issued = services.api_token_create(user=_user(request), agency=membership.agency, name=name)
    return Status(201, {**_token_out(issued.token), "token": issued.secret})


@tokens.delete("/tokens/{token_id}", response={204: None}, auth=SessionAuth(), summary="Revoke")
def token_revoke(request: HttpRequest, token_id: str) -> Any:
    try:
        token = selectors.api_token_get(user=_user(request), public_id=token_id)
    except ValidationError:
        raise Http404 from None
    if token.revoked_at is None:
        services.api_token_revoke(token=token, by=_user(request))
    return Status(204, None)


api.add_router("", accounts)
api.add_router("", jobs)
api.add_router("", tokens)
api.add_router("", resources_router)
api.add_router("/toolkit/", toolkit_router)
api.add_router("", register_router)
api.add_router("/learning", learning_router)
api.add_router("", evaluations_router)
