"""Reads of evaluations, scoped to the requesting user: another agency's object is a 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from railab.web.accounts.models import Agency, Membership, Role, User
from railab.web.evaluations.models import Dataset, Evaluation, Run
from railab.web.register.models import AISystem


@dataclass(frozen=True)
class Scoped:
    """An evaluation with the requesting user's membership of its agency."""

    evaluation: Evaluation
    membership: Membership

    @property
    def can_run(self) -> bool:
        return self.membership.has_role(Role.CONTRIBUTOR)


def _membership(user: User, agency_id: int, role: str) -> Membership:
    membership = (
        Membership.objects.select_related("agency").filter(user=user, agency_id=agency_id).first()
    )
    if membership is None:
        raise Http404
    if not membership.has_role(role):
        raise PermissionDenied
    return membership


def evaluation_get_for_user(*, user: User, public_id: Any, role: str = Role.VIEWER) -> Scoped:
    evaluation = (
        Evaluation.objects.select_related("system", "entry", "agency")
        .filter(public_id=public_id)
        .first()
    )
    if evaluation is None:
        raise Http404
    return Scoped(evaluation, _membership(user, evaluation.agency_id, role))


def dataset_get_for_user(
    *, user: User, public_id: Any, role: str = Role.CONTRIBUTOR
) -> tuple[Dataset, Membership]:
    dataset = Dataset.objects.filter(public_id=public_id).first()
    if dataset is None:
        raise Http404
    return dataset, _membership(user, dataset.agency_id, role)


def evaluations_of(agency: Agency) -> QuerySet[Evaluation]:
    return (
        Evaluation.objects.filter(agency=agency)
        .select_related("system")
        .annotate(run_count=Count("runs"))
        .order_by("-created_at")
    )


def runs_of(evaluation: Evaluation) -> QuerySet[Run]:
    return evaluation.runs.select_related("dataset", "job").order_by("-number")


def run_get(evaluation: Evaluation, number: int) -> Run:
    return get_object_or_404(
        Run.objects.select_related("dataset", "job"), evaluation=evaluation, number=number
    )


def systems_of(agency: Agency) -> QuerySet[AISystem]:
    return AISystem.objects.filter(agency=agency).order_by("name")
