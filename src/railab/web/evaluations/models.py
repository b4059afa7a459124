"""Technical evaluations: uploaded system outputs, audit configurations and their runs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from railab.web.core.tenancy import AgencyOwned


class DatasetSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded")
    SERVER = "server", _("Server directory")


class DatasetStatus(models.TextChoices):
    UPLOADING = "uploading", _("Uploading")
    READY = "ready", _("Ready")


class FileFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    PARQUET = "parquet", _("Parquet")


class Dataset(AgencyOwned):
    """The outputs of a system, as a file: uploaded in chunks, or in an allowed directory."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(max_length=10, choices=FileFormat.choices)
    source = models.CharField(max_length=10, choices=DatasetSource.choices)
    status = models.CharField(
        max_length=12, choices=DatasetStatus.choices, default=DatasetStatus.UPLOADING
    )
    size = models.PositiveBigIntegerField(_("size in bytes"))
    received = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # Uploads: relative to the evaluations data directory; server files: absolute.
    path = models.CharField(max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(received__lte=models.F("size")), name="dataset_received_lte_size"
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=FileFormat.values), name="dataset_format_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AuditKind(models.TextChoices):
    CLASSIFICATION = "classification", _("Classification or risk score")
    VERIFICATION = "verification", _("Biometric verification (1:1)")
    IDENTIFICATION = "identification", _("Biometric identification (1:N)")
    TRIAGE = "triage", _("Triage (review capacity)")


class Evaluation(AgencyOwned):
    """An audit configuration (kind and column mapping), run on one dataset or more."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("audit"), max_length=20, choices=AuditKind.choices)
    # Keyword arguments of the library's audit function (columns and options).
    options = models.JSONField(default=dict)
    system = models.ForeignKey(
        "register.AISystem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="technical_evaluations",
        verbose_name=_("AI system"),
    )
    entry = models.ForeignKey(
        "resources.Entry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AuditKind.values), name="evaluation_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class Run(AgencyOwned):
    """One run of an evaluation on one dataset; re-runs on new data are compared."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField()
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "number"], name="run_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=RunStatus.values), name="run_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} run {self.number}"
