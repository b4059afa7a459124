"""Sign-in, two-factor authentication, invitations, members and API tokens."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from railab.web.accounts import selectors, services
from railab.web.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InvitationForm,
    OtpTokenForm,
    RoleForm,
)
from railab.web.accounts.models import Role, User
from railab.web.core.http import AuthedRequest


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- two-factor ---------------------------------------------------------------------


@login_required
def two_factor_setup(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if services.has_two_factor(user) and not services.is_verified(user):
        # Replacing a device needs the current one: a password alone must not do it.
        return redirect(f"{reverse('accounts:two_factor_verify')}?next={request.path}")
    device_id = request.session.get("otp_setup_device")
    device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            codes = services.totp_device_confirm(
                device=device, token=form.cleaned_data["token"], user=user
            )
        except ValidationError as exc:
            form.add_error("token", exc)
        else:
            otp_login(request, device)
            del request.session["otp_setup_device"]
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _safe_next(request, reverse("core:dashboard"))},
            )
    if device is None:
        device = services.totp_device_start(user=user)
        request.session["otp_setup_device"] = device.pk
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=4, dark="#111", light="#fff", title=_("QR code")),
            "secret": services.totp_secret_base32(device),
            "next": _safe_next(request, ""),
            "required": user.requires_two_factor,
        },
    )


@login_required
def two_factor_verify(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not services.has_two_factor(user):
        return redirect("accounts:two_factor_setup")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_safe_next(request, reverse("core:dashboard")))
        form.add_error("token", _("That code is not valid. Try the next code, or a recovery code."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request, "")}
    )


@login_required
@require_POST
def recovery_codes_regenerate(request: AuthedRequest) -> HttpResponse:
    codes = services.recovery_codes_regenerate(user=request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:account")},
    )


# --- own account --------------------------------------------------------------------


@login_required
def account(request: AuthedRequest) -> HttpResponse:
    user = request.user
    memberships = user.memberships.select_related("agency").order_by("agency__name")
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": memberships,
            "two_factor": services.has_two_factor(user),
            "recovery_left": services.recovery_codes_left(user),
        },
    )


@login_required
def api_tokens(request: AuthedRequest) -> HttpResponse:
    user = request.user
    agencies = selectors.agencies_for_user(user=user)
    form = ApiTokenForm(request.POST or None, agencies=agencies)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.api_token_create(
                user=user, agency=form.cleaned_data["agency"], name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = ApiTokenForm(agencies=agencies)
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "issued": issued,
            "tokens": selectors.api_tokens_of(user=user),
            "has_agency": agencies.exists(),
        },
    )


@login_required
@require_POST
def api_token_revoke(request: AuthedRequest, token_id: str) -> HttpResponse:
    token = selectors.api_token_get(user=request.user, public_id=token_id)
    if token.revoked_at is None:
        services.api_token_revoke(token=token, by=request.user)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")


# --- invitations --------------------------------------------------------------------


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    state, invitation = services.invitation_lookup(token=token)
    if state != services.InvitationState.VALID or invitation is None:
        return render(request, "accounts/invitation_invalid.html", {"state": state}, status=410)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        if not request.user.is_authenticated:
            login_url = reverse("accounts:login") + "?next=" + request.path
            return render(
                request,
                "accounts/invitation_signin.html",
                {"invitation": invitation, "login_url": login_url},
            )
        if request.method == "POST":
            try:
                services.invitation_accept(token=token, user=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("core:dashboard")
            messages.success(
                request, _("You joined %(agency)s.") % {"agency": invitation.agency.name}
            )
            return redirect("core:agency_dashboard", slug=invitation.agency.slug)
        return render(request, "accounts/invitation_join.html", {"invitation": invitation})
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept(
                token=token,
                user=None,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome to railab. You joined %(agency)s.") % {"agency": invitation.agency.name},
            )
            return redirect("core:agency_dashboard", slug=invitation.agency.slug)
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


# --- agency members -----------------------------------------------------------------


@login_required
def members(request: AuthedRequest, slug: str) -> HttpResponse:
    membership = selectors.agency_get_for_user(user=request.user, slug=slug)
    agency = membership.agency
    is_admin = membership.has_role(Role.AGENCY_ADMIN)
    form = InvitationForm(request.POST or None)
    issued = None
    if request.method == "POST":
        if not is_admin:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                issued = services.invitation_create(
                    agency=agency,
                    by=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as exc:
                form.add_error("email", exc)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": issued.invitation.email},
                )
                return redirect("accounts:members", slug=slug)
    return render(
        request,
        "accounts/members.html",
        {
            "agency": agency,
            "membership": membership,
            "is_admin": is_admin,
            "members": selectors.members_of(agency=agency),
            "invitations": selectors.pending_invitations(agency=agency) if is_admin else [],
            "form": form,
            "roles": Role.choices,
        },
    )


@login_required
@require_POST
def member_role(request: AuthedRequest, slug: str, member_id: str) -> HttpResponse:
    me = selectors.agency_get_for_user(user=request.user, slug=slug, role=Role.AGENCY_ADMIN)
    target = selectors.member_get(agency=me.agency, public_id=member_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_change_role(
                membership=target, role=form.cleaned_data["role"], by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Role of %(name)s changed.") % {"name": target.user})
    else:
        messages.error(request, _("Choose one of the listed roles."))
    return redirect("accounts:members", slug=slug)


@login_required
@require_POST
def member_remove(request: AuthedRequest, slug: str, member_id: str) -> HttpResponse:
    me = selectors.agency_get_for_user(user=request.user, slug=slug, role=Role.AGENCY_ADMIN)
    target = selectors.member_get(agency=me.agency, public_id=member_id)
    try:
        services.membership_remove(membership=target, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(name)s was removed from the agency.") % {"name": target.user}
        )
    return redirect("accounts:members", slug=slug)


@login_required
@require_POST
def invitation_revoke(request: AuthedRequest, slug: str, invitation_id: str) -> HttpResponse:
    me = selectors.agency_get_for_user(user=request.user, slug=slug, role=Role.AGENCY_ADMIN)
    invitation = selectors.invitation_get(agency=me.agency, public_id=invitation_id)
    if invitation.is_pending:
        services.invitation_revoke(invitation=invitation, by=request.user)
        messages.success(
            request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email}
        )
    return redirect("accounts:members", slug=slug)
