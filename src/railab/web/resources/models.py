"""The resource bank: research, use cases, tools, evaluations, guidance, incidents, ..."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from railab.web.core.tenancy import Visibility
from railab.web.resources.taxonomy import VOCABULARIES, EntryType


class EntryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Rejected")


class LinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", _("Not checked yet")
    OK = "ok", _("Working")
    BROKEN = "broken", _("Broken")


class Term(models.Model):
    """A code of one of the vocabularies (policing function, technology, ...)."""

    vocabulary = models.CharField(max_length=20, choices=[(v, v) for v in VOCABULARIES])
    code = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vocabulary", "code"], name="term_unique")]
        ordering = ["vocabulary", "code"]

    def __str__(self) -> str:
        return f"{self.vocabulary}:{self.code}"

    @property
    def label(self) -> str:
        choices = VOCABULARIES[self.vocabulary]
        return str(choices(self.code).label) if self.code in choices.values else self.code


class Entry(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=20, choices=EntryType.choices)
    title = models.CharField(_("title"), max_length=400)
    summary = models.TextField(_("summary"))
    language = models.CharField(_("language"), max_length=8, default="en")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    authors = models.JSONField(_("authors"), default=list, blank=True)
    url = models.URLField(_("link"), max_length=600, blank=True)
    doi = models.CharField(_("DOI"), max_length=200, blank=True, db_index=True)
    country = CountryField(_("country"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)
    terms = models.ManyToManyField(Term, related_name="entries", blank=True)
    # The same terms as "vocabulary:code" words, kept in step by services: full-text
    # searches read them with the matching rows and count facets without another join.
    term_keys = models.CharField(max_length=1000, blank=True, editable=False)

    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # The agency an entry belongs to (agency-only visibility, contributions); none for the Lab.
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=EntryStatus.choices, default=EntryStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    possible_duplicates = models.JSONField(default=list, blank=True)
    # Stable key of entries loaded from a seed file or an import (reloading is idempotent).
    source_key = models.CharField(max_length=120, blank=True, db_index=True)
    link_status = models.CharField(
        max_length=12, choices=LinkStatus.choices, default=LinkStatus.UNCHECKED
    )
    link_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Kept by a database trigger on PostgreSQL; SQLite uses an FTS5 table instead.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "visibility"]),
            models.Index(fields=["type"]),
            models.Index(fields=["year"]),
            models.Index(fields=["language"]),
            models.Index(fields=["updated_at"]),
            models.Index(fields=["-published_at", "-id"], name="entry_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(visibility=Visibility.AGENCY) | models.Q(agency__isnull=False),
                name="entry_agency_visibility_needs_agency",
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=EntryType.values), name="entry_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def snapshot(self) -> dict[str, Any]:
        """What a version records, in a stable JSON shape."""
        return {
            "type": self.type,
            "title": self.title,
            "summary": self.summary,
            "language": self.language,
            "year": self.year,
            "authors": list(self.authors),
            "url": self.url,
            "doi": self.doi,
            "country": str(self.country.code or ""),
            "tags": list(self.tags),
            "details": dict(self.details),
            "terms": sorted(str(t) for t in self.terms.all()) if self.pk else [],
            "visibility": self.visibility,
        }


class EntryVersion(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="versions")
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
            models.UniqueConstraint(fields=["entry", "number"], name="entry_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} v{self.number}"


class EntryEmbedding(models.Model):
    """The sentence embedding of an entry's title and summary (semantic search)."""

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="embedding")
    model = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"embedding of {self.entry_id}"


class ImportUpload(models.Model):
    """A file waiting between its preview and the confirmation of an import."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=255)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name
