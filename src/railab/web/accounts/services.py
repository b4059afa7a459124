"""Writes about agencies and people. Each change writes its audit-log row in the same
transaction; e-mails leave after the commit."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from railab.web.accounts.models import Agency, ApiToken, Invitation, Membership, Role, User
from railab.web.auditlog.services import audit_record

RECOVERY_CODE_COUNT = 10


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- invitations --------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    url: str


def invitation_create(*, agency: Agency, by: User, email: str, role: str) -> IssuedInvitation:
    email = email.strip().lower()
    if Membership.objects.filter(agency=agency, user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s is already a member of this agency.") % {"email": email})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # A new invitation replaces any pending one for the same address.
        Invitation.objects.filter(
            agency=agency, email=email, accepted_at=None, revoked_at=None
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            agency=agency,
            email=email,
            role=role,
            token_hash=_hash_token(token),
            invited_by=by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
        )
        audit_record(
            actor=by,
            action="invitation.create",
            obj=invitation,
            agency=agency,
            after={"email": email, "role": role},
        )
        url = settings.BASE_URL + reverse("accounts:invitation_accept", args=[token])
        subject = _("You are invited to join %(agency)s on railab") % {"agency": agency.name}
        body = render_to_string(
            "accounts/email/invitation.txt",
            {"agency": agency, "by": by, "url": url, "days": settings.INVITATION_DAYS},
        )
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return IssuedInvitation(invitation, url)


class InvitationState:
    VALID = "valid"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"


def invitation_lookup(*, token: str) -> tuple[str, Invitation | None]:
    invitation = (
        Invitation.objects.select_related("agency").filter(token_hash=_hash_token(token)).first()
    )
    if invitation is None:
        return InvitationState.UNKNOWN, None
    if invitation.accepted_at is not None:
        return InvitationState.USED, invitation
    if invitation.revoked_at is not None:
        return InvitationState.REVOKED, invitation
    if invitation.expires_at <= timezone.now():
        return InvitationState.EXPIRED, invitation
    return InvitationState.VALID, invitation


def invitation_accept(
    *, token: str, user: User | None, full_name: str = "", password: str = ""
) -> Membership:
    """Accept an invitation as an existing, signed-in ``user`` or by creating the account.

    Single use: the invitation row is locked and re-checked inside the transaction.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("agency")
            .filter(token_hash=_hash_token(token))
            .first()
        )
        if invitation is None or not invitation.is_pending:
            raise ValidationError(_("This invitation is no longer valid."))
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ValidationError(
                    _("An account with this address exists: sign in first, then open the link.")
                )
            user = User.objects.create_user(invitation.email, password, full_name=full_name)
            audit_record(actor=user, action="user.create", obj=user, after={"email": user.email})
        elif user.email.lower() != invitation.email.lower():
            raise ValidationError(
                _("This invitation was sent to another address; sign in as %(email)s.")
                % {"email": invitation.email}
            )
        membership, created = Membership.objects.get_or_create(
            user=user, agency=invitation.agency, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            actor=user,
            action="membership.create" if created else "invitation.accept",
            obj=membership,
            agency=invitation.agency,
            after={"user": user.email, "role": membership.role},
        )
    return membership


def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=by,
            action="invitation.revoke",
            obj=invitation,
            agency=invitation.agency,
            before={"email": invitation.email},
        )


# --- members ------------------------------------------------------------------------


def _ensure_another_admin(membership: Membership) -> None:
    others = Membership.objects.filter(agency_id=membership.agency_id, role=Role.AGENCY_ADMIN)
    if not others.exclude(pk=membership.pk).exists():
        raise ValidationError(
            _("An agency needs at least one administrator; appoint another one first.")
        )


def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == Role.AGENCY_ADMIN and role != Role.AGENCY_ADMIN:
            _ensure_another_admin(membership)
        before = {"role": membership.role}
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            actor=by,
            action="membership.change_role",
            obj=membership,
            agency=membership.agency,
            before=before,
            after={"role": role, "user": membership.user.email},
        )
    return membership


def membership_remove(*, membership: Membership, by: User) -> None:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == Role.AGENCY_ADMIN:
            _ensure_another_admin(membership)
        audit_record(
            actor=by,
            action="membership.remove",
            obj=membership,
            agency=membership.agency,
            before={"role": membership.role, "user": membership.user.email},
        )
        membership.delete()


# --- API tokens ---------------------------------------------------------------------

TOKEN_PREFIX = "rlb"  # noqa: S105  (a public marker, not a secret)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def api_token_create(*, user: User, agency: Agency, name: str) -> IssuedToken:
    if not Membership.objects.filter(user=user, agency=agency).exists():
        raise ValidationError(_("You can only create tokens for agencies you belong to."))
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, agency=agency, name=name, prefix=prefix, token_hash=_hash_token(secret)
        )
        audit_record(
            actor=user, action="api_token.create", obj=token, agency=agency, after={"name": name}
        )
    return IssuedToken(token, secret)


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    parts = secret.split("_")
    if len(parts) < 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = (
        ApiToken.objects.select_related("user", "agency")
        .filter(prefix=parts[1], revoked_at=None)
        .first()
    )
    if token is None or not secrets.compare_digest(token.token_hash, _hash_token(secret)):
        return None
    if (
        not token.user.is_active
        or not Membership.objects.filter(user=token.user, agency=token.agency).exists()
    ):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_revoke(*, token: ApiToken, by: User) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=by,
            action="api_token.revoke",
            obj=token,
            agency=token.agency,
            before={"name": token.name},
        )


# --- two-factor authentication ------------------------------------------------------


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device for the setup page (replaces an earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_device_confirm(*, device: TOTPDevice, token: str, user: User) -> list[str]:
    """Confirm the device with a first code; returns freshly issued recovery codes."""
    if not device.verify_token(token):
        raise ValidationError(_("That code is not valid; check your device's clock and try again."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_regenerate(user=user)
        audit_record(actor=user, action="two_factor.enable", obj=user)
    return codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="recovery", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def has_two_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__name="recovery").count())


def totp_secret_base32(device: TOTPDevice) -> str:
    """The device's key as authenticator apps expect it for manual entry."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def is_verified(user: object) -> bool:
    """Whether the session passed the second factor (django-otp adds ``is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False
