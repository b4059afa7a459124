"""Resource-bank endpoints of the HTTP API (search, read, submit)."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from railab.web.accounts.models import Agency, Membership, User
from railab.web.resources import selectors, services
from railab.web.resources.forms import EntryForm
from railab.web.resources.models import Entry
from railab.web.resources.search import search
from railab.web.resources.transfer import _form_data, _row

router = Router(tags=["resource bank"])


class EntryOut(Schema):
    id: UUID
    type: str
    title: str
    summary: str
    language: str
    year: int | None
    authors: list[str]
    url: str
    doi: str
    country: str
    tags: list[str]
    function: list[str]
    technology: list[str]
    lifecycle: list[str]
    principle: list[str]
    visibility: str
    details: dict[str, Any]


class FacetValueOut(Schema):
    code: str
    label: str
    count: int


class SearchOut(Schema):
    total: int
    page: int
    pages: int
    mode: str
    semantic_available: bool
    results: list[EntryOut]
    facets: dict[str, list[FacetValueOut]]


class SearchIn(Schema):
    q: str = ""
    type: list[str] = []
    country: list[str] = []
    language: list[str] = []
    function: list[str] = []
    technology: list[str] = []
    lifecycle: list[str] = []
    principle: list[str] = []
    sort: Literal["relevance", "newest", "oldest", "title"] = "relevance"
    page: int = 1


class EntryIn(Schema):
    type: str
    title: str
    summary: str
    language: str = "en"
    year: int | None = None
    authors: list[str] = []
    url: str = ""
    doi: str = ""
    country: str = ""
    tags: list[str] = []
    function: list[str] = []
    technology: list[str] = []
    lifecycle: list[str] = []
    principle: list[str] = []
    visibility: str = "public"
    details: dict[str, Any] = {}
    agency: str = ""


class ErrorOut(Schema):
    detail: str


def _public(entry: Entry) -> dict[str, Any]:
    row = _row(entry)
    row["id"] = entry.public_id
    return row


@router.get("/resources", response=SearchOut, auth=None, summary="Search the resource bank")
def resources_search(request: HttpRequest, params: Query[SearchIn]) -> dict[str, Any]:
    filters = {
        name: getattr(params, name)
        for name in (
            "type",
            "country",
            "language",
            "function",
            "technology",
            "lifecycle",
            "principle",
        )
        if getattr(params, name)
    }
    result = search(
        user=request.user,
        query=params.q[:500],
        filters=filters,
        sort=params.sort,
        page=max(1, min(params.page, 500)),
    )
    return {
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "mode": result.mode,
        "semantic_available": result.semantic_available,
        "results": [_public(e) for e in result.entries],
        "facets": {
            f.name: [{"code": c, "label": lbl, "count": n} for c, lbl, n, _ in f.values]
            for f in result.facets
        },
    }


@router.get("/resources/{entry_id}", response=EntryOut, auth=None, summary="One entry")
def resources_get(request: HttpRequest, entry_id: UUID) -> dict[str, Any]:
    entry = selectors.entry_get_for_user(user=request.user, public_id=entry_id)
    return _public(entry)


@router.post(
    "/resources",
    response={201: EntryOut, 422: ErrorOut},
    summary="Submit an entry for review",
)
def resources_submit(request: HttpRequest, payload: EntryIn) -> Any:
    user = request.user
    assert isinstance(user, User)
    raw = payload.dict()
    form = EntryForm(data=_form_data(raw))
    if not form.is_valid():
        problems = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())
        return Status(422, {"detail": problems})
    agency: Agency | None = getattr(request, "api_agency", None)
    if agency is None and payload.agency:
        membership = Membership.objects.filter(user=user, agency__slug=payload.agency).first()
        agency = membership.agency if membership else None
        if membership is None:
            return Status(422, {"detail": "agency: you are not a member of this agency."})
    if agency is None:
        first = Membership.objects.filter(user=user).select_related("agency").first()
        agency = first.agency if first else None
    try:
        entry = services.entry_submit(
            user=user, data=services.EntryData.from_form(form), agency=agency
        )
    except ValidationError as exc:
        return Status(422, {"detail": " ".join(exc.messages)})
    return Status(201, _public(entry))
