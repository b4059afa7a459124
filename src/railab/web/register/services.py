"""Writes to the register: records, versions, workflow, gates, feedback.

Every change writes its audit-log row in the same transaction. Edits carry the revision
they started from; an edit based on an older revision raises :class:`EditConflict`
instead of overwriting someone else's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from railab.web.accounts.models import Agency, Membership, Role, User
from railab.web.auditlog.services import audit_record
from railab.web.core.tenancy import Visibility
from railab.web.register.fields import FIELD_NAMES, default_visibility
from railab.web.register.models import (
    GATED_STAGES,
    AISystem,
    Feedback,
    FeedbackStatus,
    RecordStatus,
    SystemVersion,
)


class EditConflict(Exception):
    """Someone saved the record after this edit began."""

    def __init__(self, current: AISystem, theirs: dict[str, Any]) -> None:
        super().__init__("the record changed since you opened it")
        self.current = current
        self.theirs = theirs


def _version(system: AISystem, *, author: User | None, note: str) -> SystemVersion:
    last = system.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return SystemVersion.objects.create(
        system=system, number=last + 1, data=system.snapshot(), author=author, note=note[:300]
    )


def _role(user: User, agency: Agency) -> Membership:
    membership = Membership.objects.filter(user=user, agency=agency).first()
    if membership is None:
        raise PermissionDenied
    return membership


def system_create(*, user: User, agency: Agency, data: dict[str, Any]) -> AISystem:
    if not _role(user, agency).has_role(Role.CONTRIBUTOR):
        raise PermissionDenied
    with transaction.atomic():
        system = AISystem(agency=agency, created_by=user, field_visibility=default_visibility())
        for name, value in data.items():
            setattr(system, name, value)
        system.full_clean(exclude=["use_case", "risk_assessment", "fria"])
        system.save()
        _version(system, author=user, note="created")
        audit_record(
            actor=user,
            action="register.create",
            obj=system,
            agency=agency,
            after={"name": system.name, "stage": system.lifecycle_stage},
        )
    return system


@dataclass(frozen=True)
class GateStatus:
    passed: bool
    risk_assessment_ok: bool
    evaluation_ok: bool
    waived: bool
    reasons: tuple[str, ...]


def gate_status(system: AISystem) -> GateStatus:
    """May the system be (or stay) in deployment? An approved risk assessment of its
    current version and at least one technical evaluation, or a written waiver."""
    reasons: list[str] = []
    assessment = system.risk_assessment
    risk_ok = bool(
        assessment is not None
        and assessment.status == "approved"
        and system.risk_assessed_version == system.version
    )
    if assessment is None:
        reasons.append(_("no risk assessment is linked"))
    elif assessment.status != "approved":
        reasons.append(_("the linked risk assessment is not approved"))
    elif system.risk_assessed_version != system.version:
        reasons.append(
            _("the risk assessment covers version “%(old)s”, not the current “%(new)s”")
            % {"old": system.risk_assessed_version or "—", "new": system.version or "—"}
        )
    evaluation_ok = system.evaluations.exists() if system.pk else False
    if not evaluation_ok:
        reasons.append(_("no technical evaluation is linked"))
    waived = bool(system.gate_waiver)
    return GateStatus(
        passed=(risk_ok and evaluation_ok) or waived,
        risk_assessment_ok=risk_ok,
        evaluation_ok=evaluation_ok,
        waived=waived,
        reasons=tuple(reasons),
    )


def system_update(
    *, system: AISystem, user: User, data: dict[str, Any], revision: int, note: str = ""
) -> AISystem:
    if not _role(user, system.agency).has_role(Role.CONTRIBUTOR):
        raise PermissionDenied
    with transaction.atomic():
        current = AISystem.objects.select_for_update().get(pk=system.pk)
        if current.revision != revision:
            raise EditConflict(current, data)
        before = current.snapshot()
        for name, value in data.items():
            setattr(current, name, value)
        if (
            current.lifecycle_stage in GATED_STAGES
            and before["lifecycle_stage"] not in GATED_STAGES
        ):
            gate = gate_status(current)
            if not gate.passed:
                raise ValidationError(
                    _("This system cannot move to deployment yet: %(reasons)s.")
                    % {"reasons": "; ".join(gate.reasons)}
                )
        current.full_clean(exclude=["use_case", "risk_assessment", "fria"])
        current.revision += 1
        current.updated_at = timezone.now()
        # An approved record goes back to review when edited; a published one stays
        # published (its versions show what changed).
        if current.status == RecordStatus.APPROVED:
            current.status = RecordStatus.IN_REVIEW
        current.save()
        version = _version(current, author=user, note=note or "edited")
        audit_record(
            actor=user,
            action="register.update",
            obj=current,
            agency=current.agency,
            before={k: v for k, v in before.items() if version.data.get(k) != v},
            after={k: v for k, v in version.data.items() if before.get(k) != v},
        )
    return current


TRANSITIONS: dict[str, tuple[set[str], str, str]] = {
    # action: (allowed from, to, minimum role)
    "submit": ({RecordStatus.DRAFT}, RecordStatus.IN_REVIEW, Role.CONTRIBUTOR),
    "approve": ({RecordStatus.IN_REVIEW}, RecordStatus.APPROVED, Role.ASSESSOR),
    "send_back": ({RecordStatus.IN_REVIEW}, RecordStatus.DRAFT, Role.ASSESSOR),
    "publish": ({RecordStatus.APPROVED}, RecordStatus.PUBLISHED, Role.AGENCY_ADMIN),
    "unpublish": ({RecordStatus.PUBLISHED}, RecordStatus.APPROVED, Role.AGENCY_ADMIN),
}


def system_transition(*, system: AISystem, user: User, action: str, reason: str = "") -> AISystem:
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    allowed_from, target, minimum = TRANSITIONS[action]
    if not _role(user, system.agency).has_role(minimum):
        raise PermissionDenied
    if action in {"unpublish", "send_back"} and not reason.strip():
        raise ValidationError(_("Give a reason."))
    with transaction.atomic():
        current = AISystem.objects.select_for_update().get(pk=system.pk)
        if current.status not in allowed_from:
            raise ValidationError(_("This record is not in a state that allows this."))
        before = current.status
        current.status = target
        current.revision += 1
        if action == "publish":
            current.published_at = timezone.now()
            current.unpublish_reason = ""
        if action == "unpublish":
            current.unpublish_reason = reason.strip()
        current.save()
        audit_record(
            actor=user,
            action=f"register.{action}",
            obj=current,
            agency=current.agency,
            before={"status": before},
            after={"status": current.status, "reason": reason.strip()},
        )
    return current


def system_set_visibility(
    *, system: AISystem, user: User, visibility: dict[str, str], revision: int
) -> AISystem:
    cleaned = {name: visibility.get(name, system.visibility_of(name)) for name in FIELD_NAMES}
    if any(v not in Visibility.values for v in cleaned.values()):
        raise ValidationError(_("Unknown visibility."))
    return system_update(
        system=system,
        user=user,
        data={"field_visibility": cleaned},
        revision=revision,
        note="visibility changed",
    )


def gate_waive(*, system: AISystem, user: User, justification: str) -> AISystem:
    if not _role(user, system.agency).has_role(Role.AGENCY_ADMIN):
        raise PermissionDenied
    if len(justification.strip()) < 30:
        raise ValidationError(
            _("A waiver needs a written justification (at least a full sentence).")
        )
    with transaction.atomic():
        current = AISystem.objects.select_for_update().get(pk=system.pk)
        current.gate_waiver = justification.strip()
        current.gate_waiver_by = user
        current.gate_waiver_at = timezone.now()
        current.revision += 1
        current.save()
        audit_record(
            actor=user,
            action="register.gate_waiver",
            obj=current,
            agency=current.agency,
            after={"justification": current.gate_waiver},
        )
    return current


def link_risk_assessment(*, system: AISystem, user: User, assessment: Any) -> AISystem:
    """Link a risk assessment of the system's use case; records the version it covers."""
    if not _role(user, system.agency).has_role(Role.CONTRIBUTOR):
        raise PermissionDenied
    if assessment is not None and assessment.agency_id != system.agency_id:
        raise PermissionDenied
    with transaction.atomic():
        current = AISystem.objects.select_for_update().get(pk=system.pk)
        current.risk_assessment = assessment
        current.risk_assessed_version = current.version if assessment is not None else ""
        current.revision += 1
        current.save()
        audit_record(
            actor=user,
            action="register.link_risk_assessment",
            obj=current,
            agency=current.agency,
            after={
                "assessment": str(getattr(assessment, "public_id", "")),
                "version": current.risk_assessed_version,
            },
        )
    return current


FEEDBACK_PER_HOUR = 5


def feedback_submit(*, system: AISystem, name: str, message: str, client_ip: str) -> Feedback:
    """Public feedback on a published record, rate-limited per address."""
    if system.status != RecordStatus.PUBLISHED:
        raise PermissionDenied
    key = f"register:feedback:{client_ip}"
    count = cache.get_or_set(key, 0, timeout=3600) or 0
    if count >= FEEDBACK_PER_HOUR:
        raise ValidationError(_("Too many messages from your address; try again in an hour."))
    cache.incr(key)
    return Feedback.objects.create(system=system, name=name.strip()[:120], message=message.strip())


def feedback_moderate(*, feedback: Feedback, user: User, status: str, reply: str = "") -> Feedback:
    if not _role(user, feedback.system.agency).has_role(Role.CONTRIBUTOR):
        raise PermissionDenied
    if status not in FeedbackStatus.values:
        raise ValidationError(_("Unknown status."))
    with transaction.atomic():
        feedback.status = status
        feedback.reply = reply.strip()
        feedback.save(update_fields=["status", "reply"])
        audit_record(
            actor=user,
            action="register.feedback_moderate",
            obj=feedback,
            agency=feedback.system.agency,
            after={"status": status},
        )
    return feedback
