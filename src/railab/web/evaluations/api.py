"""Evaluation endpoints of the HTTP API: list an agency's evaluations, read their runs and
results. Scoped as pages are: a token sees its agency only; anything else is a 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from railab.web.accounts.models import Agency, User
from railab.web.accounts.selectors import agency_get_for_user
from railab.web.evaluations import selectors

router = Router(tags=["evaluations"])


class RunOut(Schema):
    number: int
    status: str
    file: str
    sha256: str
    created_at: datetime
    finished_at: datetime | None
    error: str


class EvaluationOut(Schema):
    id: UUID
    title: str
    kind: str
    options: dict[str, Any]
    system: UUID | None
    entry: UUID | None
    runs: list[RunOut]


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def _check_token(request: HttpRequest, agency_id: int) -> None:
    token_agency: Agency | None = getattr(request, "api_agency", None)
    if token_agency is not None and token_agency.pk != agency_id:
        raise Http404


def _out(evaluation: Any) -> dict[str, Any]:
    return {
        "id": evaluation.public_id,
        "title": evaluation.title,
        "kind": evaluation.kind,
        "options": evaluation.options,
        "system": evaluation.system.public_id if evaluation.system else None,
        "entry": evaluation.entry.public_id if evaluation.entry else None,
        "runs": [
            {
                "number": run.number,
                "status": run.status,
                "file": run.dataset.name,
                "sha256": run.dataset.sha256,
                "created_at": run.created_at,
                "finished_at": run.finished_at,
                "error": run.error,
            }
            for run in selectors.runs_of(evaluation)
        ],
    }


@router.get("/agencies/{slug}/evaluations", response=list[EvaluationOut])
def list_evaluations(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    membership = agency_get_for_user(user=_user(request), slug=slug)
    _check_token(request, membership.agency_id)
    return [_out(e) for e in selectors.evaluations_of(membership.agency).select_related("entry")]


@router.get("/evaluations/{evaluation_id}", response=EvaluationOut)
def get_evaluation(request: HttpRequest, evaluation_id: UUID) -> dict[str, Any]:
    scoped = selectors.evaluation_get_for_user(user=_user(request), public_id=evaluation_id)
    _check_token(request, scoped.evaluation.agency_id)
    return _out(scoped.evaluation)


@router.get("/evaluations/{evaluation_id}/runs/{number}/result", response=dict[str, Any])
def get_result(request: HttpRequest, evaluation_id: UUID, number: int) -> dict[str, Any]:
    """The audit's result (its ``to_dict()``, schema in ``railab.audit.result_schema``)."""
    scoped = selectors.evaluation_get_for_user(user=_user(request), public_id=evaluation_id)
    _check_token(request, scoped.evaluation.agency_id)
    run = selectors.run_get(scoped.evaluation, number)
    if run.result is None:
        raise Http404
    result: dict[str, Any] = run.result
    return result
