"""Reads of the resource bank. Every read goes through the visibility rule."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from railab.web.accounts.models import Membership, User
from railab.web.core.tenancy import visible_q
from railab.web.resources.models import Entry, EntryStatus


def entries_visible_to(user: User | AnonymousUser) -> QuerySet[Entry]:
    """Published entries this user may see (public / law enforcement / own agency)."""
    return Entry.objects.filter(status=EntryStatus.APPROVED).filter(visible_q(user))


def entry_get_for_user(*, user: User | AnonymousUser, public_id: Any) -> Entry:
    """A published entry the user may see, or their own submission, or (curators) any
    entry waiting for review that they may see; otherwise 404."""
    qs = Entry.objects.filter(visible_q(user))
    allowed = Q(status=EntryStatus.APPROVED)
    if user.is_authenticated:
        allowed |= Q(submitted_by=user)
        if getattr(user, "is_lab_staff", False):
            allowed |= ~Q(status=EntryStatus.APPROVED)
    return get_object_or_404(qs.filter(allowed).prefetch_related("terms"), public_id=public_id)


def entries_submitted_by(user: User) -> QuerySet[Entry]:
    return Entry.objects.filter(submitted_by=user).order_by("-updated_at")


def entries_to_review(user: User) -> QuerySet[Entry]:
    """The curation queue: entries awaiting a decision (curators see what they may see)."""
    return (
        Entry.objects.filter(status=EntryStatus.SUBMITTED)
        .filter(visible_q(user))
        .select_related("submitted_by", "agency")
        .order_by("created_at")
    )


def user_agencies(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("agency")
