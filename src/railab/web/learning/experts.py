"""Writes about the expert directory: opt-in profiles, verification by Lab curators, and
contact requests that go through the platform. An expert's e-mail address is never shown:
messages are relayed, and only the reply text reaches the person who asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from railab.web.auditlog.services import audit_record
from railab.web.learning.models import ContactRequest, ContactStatus, ExpertProfile
from railab.web.resources.models import Term

if TYPE_CHECKING:
    from railab.web.accounts.models import User

# A person may have this many unanswered requests at once (keeps the directory from
# becoming a mailing list).
MAX_PENDING_REQUESTS = 5


@dataclass
class ExpertData:
    name: str
    organisation: str
    country: str
    bio: str
    languages: list[str] = field(default_factory=list)
    expertise: list[Term] = field(default_factory=list)
    listed: bool = True


def expert_profile_save(*, user: User, data: ExpertData) -> ExpertProfile:
    """Create or update the user's own profile. A change of substance asks for a new
    verification."""
    with transaction.atomic():
        profile = ExpertProfile.objects.select_for_update().filter(user=user).first()
        created = profile is None
        if profile is None:
            profile = ExpertProfile(user=user)
        substantive = (
            profile.name != data.name
            or profile.organisation != data.organisation
            or str(profile.country) != data.country
        )
        profile.name = data.name
        profile.organisation = data.organisation
        profile.country = data.country
        profile.bio = data.bio
        profile.languages = list(data.languages)
        profile.listed = data.listed
        profile.updated_at = timezone.now()
        if substantive and not created:
            profile.verified_at = None
            profile.verified_by = None
        profile.save()
        profile.expertise.set(data.expertise)
    return profile


def expert_verify(*, expert: ExpertProfile, curator: User, verified: bool) -> ExpertProfile:
    with transaction.atomic():
        expert.verified_at = timezone.now() if verified else None
        expert.verified_by = curator if verified else None
        expert.save(update_fields=["verified_at", "verified_by"])
        audit_record(
            actor=curator,
            action="expert.verify" if verified else "expert.unverify",
            obj=expert,
            after={"name": expert.name, "verified": verified},
        )
    return expert


def contact_request_create(
    *, expert: ExpertProfile, requester: User, subject: str, message: str
) -> ContactRequest:
    if expert.user_id == requester.pk:
        raise ValidationError(_("This is your own profile."))
    pending = ContactRequest.objects.filter(requester=requester, status=ContactStatus.PENDING)
    if pending.filter(expert=expert).exists():
        raise ValidationError(
            _("You already asked this expert; wait for the answer to your first request.")
        )
    if pending.count() >= MAX_PENDING_REQUESTS:
        raise ValidationError(
            _(
                "You have %(n)s requests waiting for an answer; wait for one before asking "
                "someone else."
            )
            % {"n": MAX_PENDING_REQUESTS}
        )
    with transaction.atomic():
        request = ContactRequest.objects.create(
            expert=expert, requester=requester, subject=subject, message=message
        )
        recipient = expert.user.email if expert.user is not None else ""
        if recipient:
            url = settings.BASE_URL + reverse("learning:contact_request", args=[request.public_id])
            body = render_to_string(
                "learning/email/contact_request.txt", {"request": request, "url": url}
            )
            subject_line = _("A request through the expert directory: %(s)s") % {"s": subject}
            transaction.on_commit(lambda: send_mail(subject_line, body, None, [recipient]))
    return request


def contact_request_answer(
    *, request: ContactRequest, by: User, accept: bool, reply: str
) -> ContactRequest:
    if request.expert.user_id != by.pk:
        raise ValidationError(_("Only the expert asked can answer this request."))
    with transaction.atomic():
        # Re-read under a lock: two answers sent at once must not both go out.
        current = ContactRequest.objects.select_for_update().get(pk=request.pk)
        if current.status != ContactStatus.PENDING:
            raise ValidationError(_("This request has already been answered."))
        request.status = ContactStatus.ACCEPTED if accept else ContactStatus.DECLINED
        request.reply = reply
        request.answered_at = timezone.now()
        request.save(update_fields=["status", "reply", "answered_at"])
        url = settings.BASE_URL + reverse("learning:contact_request", args=[request.public_id])
        body = render_to_string(
            "learning/email/contact_answer.txt", {"request": request, "url": url}
        )
        subject = _("%(name)s answered your request") % {"name": request.expert.name}
        recipient = request.requester.email
        transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))
    return request
