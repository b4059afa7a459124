"""The register of AI systems an agency uses or plans to use."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from railab.web.core.tenancy import AgencyOwned
from railab.web.register.fields import FIELD_NAMES, default_visibility
from railab.web.resources.taxonomy import PolicingFunction, Technology


class Stage(models.TextChoices):
    DECISION = "decision", _("Decision")
    DESIGN = "design", _("Design and development")
    PROCUREMENT = "procurement", _("Procurement")
    TESTING = "testing", _("Testing")
    DEPLOYMENT = "deployment", _("Deployment")
    MONITORING = "monitoring", _("Monitoring")
    RETIRED = "retired", _("Retired")


# Stages at which the system affects people: reaching them passes the gate.
GATED_STAGES = {Stage.DEPLOYMENT, Stage.MONITORING}


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Internal review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class AISystem(AgencyOwned):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"))
    policing_function = models.CharField(
        _("policing function"), max_length=40, choices=PolicingFunction.choices
    )
    technology = models.CharField(_("technology"), max_length=40, choices=Technology.choices)
    vendor = models.CharField(_("vendor or developer"), max_length=200, blank=True)
    version = models.CharField(_("version"), max_length=100, blank=True)
    deployment_context = models.TextField(_("deployment context"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    data_used = models.TextField(_("data used"), blank=True)
    human_oversight = models.TextField(_("human oversight"), blank=True)
    can_override = models.BooleanField(_("reviewers can override the output"), default=True)
    people_affected = models.TextField(_("people affected"), blank=True)
    lifecycle_stage = models.CharField(
        _("life-cycle stage"), max_length=20, choices=Stage.choices, default=Stage.DECISION
    )
    contact_point = models.CharField(_("contact point"), max_length=200, blank=True)
    field_visibility = models.JSONField(default=default_visibility)

    status = models.CharField(
        max_length=20, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    unpublish_reason = models.TextField(blank=True)
    # Optimistic locking: an edit based on an older revision is a conflict, never an overwrite.
    revision = models.PositiveIntegerField(default=1)

    # Links. The use case is the subject the toolkit assesses; incidents and evaluations
    # are resource-bank entries.
    use_case = models.OneToOneField(
        "toolkit.UseCase", on_delete=models.SET_NULL, null=True, blank=True, related_name="system"
    )
    risk_assessment = models.ForeignKey(
        "toolkit.Assessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    risk_assessed_version = models.CharField(max_length=100, blank=True)
    fria = models.ForeignKey(
        "toolkit.Assessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evaluations = models.ManyToManyField("resources.Entry", blank=True, related_name="+")
    incidents = models.ManyToManyField("resources.Entry", blank=True, related_name="+")

    gate_waiver = models.TextField(blank=True)
    gate_waiver_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    gate_waiver_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("AI system")
        verbose_name_plural = _("AI systems")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lifecycle_stage__in=Stage.values), name="aisystem_stage_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RecordStatus.values), name="aisystem_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def visibility_of(self, field: str) -> str:
        return str(self.field_visibility.get(field) or default_visibility()[field])

    def snapshot(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name}
        for name in FIELD_NAMES:
            data[name] = getattr(self, name)
        data["field_visibility"] = dict(self.field_visibility)
        return data


class SystemVersion(models.Model):
    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["system", "number"], name="system_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.system_id} v{self.number}"


class FeedbackStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    SHOWN = "shown", _("Shown")
    HIDDEN = "hidden", _("Hidden")


class Feedback(models.Model):
    """A member of the public writes about a published record; the agency moderates."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="feedback")
    name = models.CharField(_("your name (optional)"), max_length=120, blank=True)
    message = models.TextField(_("message"), max_length=4000)
    status = models.CharField(
        max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.PENDING
    )
    reply = models.TextField(_("reply"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"feedback on {self.system_id}"
