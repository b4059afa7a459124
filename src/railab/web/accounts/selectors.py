"""Reads scoped to the requesting user. Another agency's object is a 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from railab.web.accounts.models import Agency, ApiToken, Invitation, Membership, Role, User


def agencies_for_user(*, user: User) -> QuerySet[Agency]:
    return Agency.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("agency_id")
    ).order_by("name")


def membership_for(*, user: User, agency: Agency) -> Membership | None:
    return Membership.objects.filter(user=user, agency=agency).first()


def agency_get_for_user(*, user: User, slug: str, role: str = Role.VIEWER) -> Membership:
    """The user's membership of agency ``slug``: 404 if not a member, 403 if the role
    is too low (membership is then already known to the user, so 403 leaks nothing)."""
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("agency").filter(user=user, agency__slug=slug).first()
    )
    if membership is None:
        raise Http404
    if not membership.has_role(role):
        raise PermissionDenied
    return membership


def members_of(*, agency: Agency) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(agency=agency)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def member_get(*, agency: Agency, public_id: str) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"), agency=agency, public_id=public_id
    )


def pending_invitations(*, agency: Agency) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        agency=agency, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).select_related("invited_by")


def invitation_get(*, agency: Agency, public_id: str) -> Invitation:
    return get_object_or_404(Invitation, agency=agency, public_id=public_id)


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("agency").order_by("-created_at")


def api_token_get(*, user: User, public_id: str) -> ApiToken:
    return get_object_or_404(ApiToken, user=user, public_id=public_id)


def agency_stats(*, agency: Agency) -> dict[str, int]:
    counts = dict(
        Membership.objects.filter(agency=agency)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return {role: counts.get(role, 0) for role in Role.values}
