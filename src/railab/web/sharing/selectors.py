"""Reads of the sharing app, scoped to the requesting user: another agency's object is a
404, except public keys, which members of any verified agency may read (to verify that
agency's count tables)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from railab.web.accounts.models import Agency, Membership, Role, User
from railab.web.core.tenancy import Visibility, can_view
from railab.web.sharing.models import AgencyKey, SharedCountTable


def _membership(user: User, agency_id: int, role: str) -> Membership:
    membership = (
        Membership.objects.select_related("agency", "user")
        .filter(user=user, agency_id=agency_id)
        .first()
    )
    if membership is None:
        raise Http404
    if not membership.has_role(role):
        raise PermissionDenied
    return membership


@dataclass(frozen=True)
class KeyViewer:
    """An agency whose keys a user looks at, and the user's membership of it (if any)."""

    agency: Agency
    membership: Membership | None

    @property
    def can_manage(self) -> bool:
        return self.membership is not None and self.membership.has_role(Role.AGENCY_ADMIN)


def _may_see_keys(user: User, agency: Agency) -> Membership | None:
    membership = Membership.objects.filter(user=user, agency=agency).select_related("user").first()
    if membership is None and not can_view(
        user, visibility=Visibility.LAW_ENFORCEMENT, agency=agency
    ):
        raise Http404
    return membership


def keys_viewer_for_user(*, user: User, slug: str) -> KeyViewer:
    """Members of the agency, and of any verified agency (law-enforcement visibility)."""
    agency = Agency.objects.filter(slug=slug).first()
    if agency is None:
        raise Http404
    return KeyViewer(agency, _may_see_keys(user, agency))


def keys_of(agency: Agency) -> QuerySet[AgencyKey]:
    return AgencyKey.objects.filter(agency=agency).select_related("created_by")


def key_get_for_user(*, user: User, public_id: Any) -> AgencyKey:
    """A public key, for anyone who may see the agency's keys."""
    key = AgencyKey.objects.select_related("agency").filter(public_id=public_id).first()
    if key is None:
        raise Http404
    _may_see_keys(user, key.agency)
    return key


def key_get_for_admin(*, user: User, public_id: Any) -> tuple[AgencyKey, Membership]:
    key = AgencyKey.objects.select_related("agency").filter(public_id=public_id).first()
    if key is None:
        raise Http404
    return key, _membership(user, key.agency_id, Role.AGENCY_ADMIN)


def tables_of(agency: Agency) -> QuerySet[SharedCountTable]:
    return (
        SharedCountTable.objects.filter(agency=agency)
        .select_related("key", "uploaded_by")
        .defer("document", "report_html")
    )


def table_get_for_user(*, user: User, public_id: Any) -> tuple[SharedCountTable, Membership]:
    table = (
        SharedCountTable.objects.select_related("agency", "key", "uploaded_by")
        .filter(public_id=public_id)
        .first()
    )
    if table is None:
        raise Http404
    return table, _membership(user, table.agency_id, Role.VIEWER)


@dataclass(frozen=True)
class GroupSummary:
    name: str
    levels: list[str]


@dataclass(frozen=True)
class TableSummary:
    """What a count table contains, for people: never a row, only its declared design."""

    kind: str
    label: str
    decision: str
    thresholds: list[float]
    bins: str
    score_values: str
    groups: list[GroupSummary]
    cells: int
    rows: int
    data_description: str
    created: str
    railab_version: str
    suppressed_below: int | None
    suppressed_cells: int
    privacy: dict[str, Any] | None


def table_summary(document: dict[str, Any]) -> TableSummary:
    """Read from a document already checked against the schema."""
    spec = document.get("spec") or {}
    bins = spec.get("bins")
    suppression = document.get("suppression") or {}
    meta = document.get("metadata") or {}
    return TableSummary(
        kind=str(document.get("kind", "")),
        label=str(spec.get("label", "")),
        decision=str(spec.get("prediction") or spec.get("score") or ""),
        thresholds=[float(t) for t in spec.get("thresholds") or []],
        bins="" if not bins else f"{bins['lo']} to {bins['hi']} ({bins['count']})",
        score_values=str(spec.get("score_values") or ""),
        groups=[
            GroupSummary(str(g["name"]), [str(v) for v in g["levels"]])
            for g in document.get("groups") or []
        ],
        cells=len(document.get("cells") or []),
        rows=int((document.get("exclusions") or {}).get("rows", 0)),
        data_description=str(meta.get("data_description", "")),
        created=str(meta.get("created", "")),
        railab_version=str(document.get("railab_version", "")),
        suppressed_below=suppression.get("below"),
        suppressed_cells=int(suppression.get("cells", 0)),
        privacy=document.get("privacy"),
    )
