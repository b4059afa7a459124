"""Assessments made with the responsible-AI toolkit, and what members add to them.

The instruments themselves are data from :mod:`railab.toolkit`; a row here records which
instrument (id and version) an assessment answers, the current answers one row per
question, the history of every change, comments, evidence files and the action plan.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from railab.web.core.tenancy import AgencyOwned


class UseCase(AgencyOwned):
    """An AI use case of an agency: what a risk assessment or FRIA is about.

    Until the register of AI systems exists a use case is a name and a description. The
    register will link each use case to a registered system (a nullable foreign key added
    here), so assessments keep pointing at the use case and need no change.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("AI use case")
        verbose_name_plural = _("AI use cases")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="toolkit_usecase_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", _("Sent back for changes")
    APPROVED = "approved", _("Approved")


EDITABLE = (Status.IN_PROGRESS, Status.RETURNED)


class Assessment(AgencyOwned):
    """One assessment: the agency as a whole (readiness) or one use case (risk, FRIA)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    instrument = models.CharField(_("instrument"), max_length=60)
    instrument_version = models.PositiveIntegerField(_("instrument version"))
    use_case = models.ForeignKey(
        UseCase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("AI use case"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    # The scored result frozen at approval: comparisons over time and the Lab's aggregate
    # read it without scoring again (and keep working when the instrument moves on).
    result = models.JSONField(null=True, blank=True, editable=False)
    # Where pre-filled answers came from (the library's ``sources``), and from which assessment.
    sources = models.JSONField(default=dict, blank=True)
    prefilled_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reassess_on = models.DateField(_("re-assess on"), null=True, blank=True)
    # The re-assessment date a reminder was sent for: sending is idempotent per date.
    reminder_sent_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="toolkit_assessment_status"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.APPROVED) | models.Q(result__isnull=False),
                name="toolkit_approved_has_result",
            ),
        ]
        indexes = [models.Index(fields=["agency", "instrument", "status"])]

    def __str__(self) -> str:
        return f"{self.instrument} {self.public_id}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


class Answer(models.Model):
    """The current answer to one question; ``value`` is JSON as the library expects it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=100)
    value = models.JSONField(null=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="toolkit_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.question}={self.value!r}"


class AnswerChange(models.Model):
    """Who answered what and when: one row per saved answer, never changed."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="changes")
    question = models.CharField(max_length=100)
    value = models.JSONField(null=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    source = models.CharField(max_length=20, default="form")  # form, import, prefill, api
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["assessment", "question"])]

    def __str__(self) -> str:
        return f"{self.question} @ {self.created_at:%Y-%m-%d %H:%M}"


class Comment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    question = models.CharField(max_length=100)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


def evidence_path(instance: Evidence, filename: str) -> str:
    # A random name: the stored path reveals neither the agency's file name nor its type.
    return f"toolkit/evidence/{instance.assessment.public_id}/{instance.public_id}"


class Evidence(models.Model):
    """A file attached to an evidence question; served only to the agency's members."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    question = models.CharField(max_length=100)
    file = models.FileField(upload_to=evidence_path, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField()
    media_type = models.CharField(max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    def describe(self) -> dict[str, object]:
        """The file as the library's evidence answer lists it."""
        return {
            "id": str(self.public_id),
            "name": self.name,
            "size": self.size,
            "media_type": self.media_type,
        }


class ActionStatus(models.TextChoices):
    OPEN = "open", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Action(models.Model):
    """One step of the action plan, generated from a recommendation and then edited."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    recommendation = models.CharField(max_length=100, blank=True)
    priority = models.CharField(max_length=10, default="medium")
    note = models.TextField(_("note"), blank=True, max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "recommendation"],
                condition=~models.Q(recommendation=""),
                name="toolkit_action_one_per_recommendation",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ActionStatus.values), name="toolkit_action_status"
            ),
        ]

    def __str__(self) -> str:
        return self.recommendation or self.note[:40]
