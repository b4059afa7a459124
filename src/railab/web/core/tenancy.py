"""Tenancy and visibility: one mechanism for every app.

Every row an agency owns inherits :class:`AgencyOwned`. Reads go through selectors that
take the requesting user; :func:`can_view` is the single rule deciding who may see a
published record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from railab.web.accounts.models import Agency, User


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    AGENCY = "agency", _("Own agency only")


class AgencyOwned(models.Model):
    """Abstract base of every model an agency owns."""

    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agency"),
    )

    class Meta:
        abstract = True


def can_view(user: User | AnonymousUser, *, visibility: str, agency: Agency) -> bool:
    """Decide whether ``user`` may see a record of ``agency`` published at ``visibility``.

    - ``public``: everyone, signed in or not;
    - ``law_enforcement``: any active member of a verified agency (any agency);
    - ``agency``: members of the owning agency only. Lab staff are not members: an
      agency's private records stay private from the Lab as well.
    """
    if visibility == Visibility.PUBLIC:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if visibility == Visibility.LAW_ENFORCEMENT:
        return user.memberships.filter(agency__verified=True).exists()
    if visibility == Visibility.AGENCY:
        return user.memberships.filter(agency=agency).exists()
    return False


def visible_q(
    user: User | AnonymousUser,
    *,
    visibility_field: str = "visibility",
    agency_field: str = "agency",
) -> models.Q:
    """The queryset form of :func:`can_view`: the same rule, for filtering many rows."""
    from railab.web.accounts.models import Membership

    q = models.Q(**{visibility_field: Visibility.PUBLIC})
    if not user.is_authenticated or not user.is_active:
        return q
    memberships = Membership.objects.filter(user=user)
    if memberships.filter(agency__verified=True).exists():
        q |= models.Q(**{visibility_field: Visibility.LAW_ENFORCEMENT})
    q |= models.Q(
        **{
            visibility_field: Visibility.AGENCY,
            f"{agency_field}__in": memberships.values("agency_id"),
        }
    )
    return q
