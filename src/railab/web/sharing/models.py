"""Agency signing keys and the signed count tables agencies share instead of data."""

from __future__ import annotations

import base64
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from railab.web.core.tenancy import AgencyOwned


class AgencyKey(AgencyOwned):
    """The public half of an agency's Ed25519 signing key; the private half is never stored."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    # The library's fingerprint: the first 16 hex digits of the SHA-256 of the raw key.
    key_id = models.CharField(_("key id"), max_length=16, unique=True)
    public_key = models.BinaryField(_("public key"), max_length=32)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(key_id__regex=r"^[0-9a-f]{16}$"), name="agencykey_key_id_hex"
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True)
                | models.Q(revoked_at__gte=models.F("created_at")),
                name="agencykey_revoked_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"

    @property
    def public_raw(self) -> bytes:
        return bytes(self.public_key)

    @property
    def public_pem(self) -> str:
        """SubjectPublicKeyInfo PEM, as ``railab audit keygen`` writes and
        ``--public-key`` reads."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        key = Ed25519PublicKey.from_public_bytes(self.public_raw)
        pem = key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return pem.decode("ascii")

    @property
    def public_base64(self) -> str:
        """As in the ``signature.public_key`` member of a count table."""
        return base64.b64encode(self.public_raw).decode("ascii")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class TableKind(models.TextChoices):
    CLASSIFICATION = "classification", _("Classification or risk score")
    TRIAGE = "triage", _("Triage (review capacity)")


class SharedCountTable(AgencyOwned):
    """A count table whose signature checked out against one of the agency's keys."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.ForeignKey(
        AgencyKey, on_delete=models.PROTECT, related_name="tables", verbose_name=_("signing key")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(_("audit"), max_length=20, choices=TableKind.choices)
    contributor = models.CharField(_("contributor"), max_length=255, blank=True)
    tool = models.CharField(_("tool"), max_length=255, blank=True)
    tool_version = models.CharField(_("tool version"), max_length=100, blank=True)
    period = models.CharField(_("period"), max_length=100, blank=True)
    rows = models.PositiveBigIntegerField(_("rows counted"))
    capacity = models.PositiveIntegerField(_("review capacity"), null=True, blank=True)
    # The signed document as uploaded, signature included, so it can be verified again.
    document = models.JSONField()
    # The library's self-contained HTML report, computed once at upload.
    report_html = models.TextField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "sha256"], name="sharedtable_unique_file"),
            models.CheckConstraint(
                condition=models.Q(kind__in=TableKind.values), name="sharedtable_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=TableKind.TRIAGE) | models.Q(capacity__gte=1),
                name="sharedtable_triage_has_capacity",
            ),
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="sharedtable_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name
