"""Writes to the resource bank: submission, edits with versions, curation, imports."""

from __future__ import annotations

import difflib
import operator
import re
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from railab.web.accounts.models import Agency, Membership, User
from railab.web.auditlog.services import audit_record
from railab.web.core.tenancy import Visibility
from railab.web.resources import fulltext
from railab.web.resources.forms import EntryForm
from railab.web.resources.models import Entry, EntryStatus, EntryVersion, Term
from railab.web.resources.query import ParsedQuery, words


@dataclass
class EntryData:
    """A validated entry, whatever it came from (page, API, import, seed)."""

    type: str
    title: str
    summary: str
    language: str = "en"
    year: int | None = None
    authors: list[str] = field(default_factory=list)
    url: str = ""
    doi: str = ""
    country: str = ""
    tags: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    terms: dict[str, list[str]] = field(default_factory=dict)
    visibility: str = Visibility.PUBLIC

    @classmethod
    def from_form(cls, form: EntryForm) -> EntryData:
        d = form.cleaned_data
        return cls(
            type=d["type"],
            title=d["title"].strip(),
            summary=d["summary"].strip(),
            language=d["language"],
            year=d.get("year"),
            authors=d["authors"],
            url=d.get("url") or "",
            doi=d["doi"],
            country=d.get("country") or "",
            tags=d["tags"],
            details=form.details(),
            terms=form.terms(),
            visibility=d["visibility"],
        )


def _apply(entry: Entry, data: EntryData) -> None:
    for name in ("type", "title", "summary", "language", "year", "authors", "url", "doi"):
        setattr(entry, name, getattr(data, name))
    entry.country = data.country
    entry.tags = data.tags
    entry.details = data.details
    entry.visibility = data.visibility


def _set_terms(entry: Entry, terms: dict[str, list[str]]) -> None:
    wanted = [Q(vocabulary=v, code=c) for v, codes in terms.items() for c in codes]
    chosen = list(Term.objects.filter(reduce(operator.or_, wanted))) if wanted else []
    entry.terms.set(chosen)
    keys = " ".join(sorted(str(t) for t in chosen))
    if entry.term_keys != keys:
        entry.term_keys = keys
        Entry.objects.filter(pk=entry.pk).update(term_keys=keys)


def _new_version(entry: Entry, *, author: User | None, note: str) -> EntryVersion:
    last = entry.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return EntryVersion.objects.create(
        entry=entry, number=last + 1, data=entry.snapshot(), author=author, note=note[:300]
    )


def _normal_url(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url.strip().lower()).rstrip("/")


def _normal_title(title: str) -> str:
    return " ".join(words(title))


def find_duplicates(
    *, title: str, doi: str = "", url: str = "", exclude_id: int | None = None
) -> list[int]:
    """Entries that are likely the same: same DOI or address, or a near-identical title."""
    found: list[int] = []
    qs = Entry.objects.exclude(status=EntryStatus.REJECTED)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    if doi:
        found += list(qs.filter(doi__iexact=doi).values_list("id", flat=True))
    if url:
        target = _normal_url(url)
        host = target.split("/", 1)[0]
        for pk, other in qs.filter(url__icontains=host).values_list("id", "url"):
            if _normal_url(other) == target:
                found.append(pk)
    title_words = words(title)
    if title_words:
        # Candidates share the title's words (full-text index), then compare closely.
        parsed = ParsedQuery(terms=sorted(set(title_words), key=len, reverse=True)[:6])
        candidates = fulltext.ranked_ids(parsed, qs, limit=20)
        normal = _normal_title(title)
        for pk, other in Entry.objects.filter(id__in=candidates).values_list("id", "title"):
            ratio = difflib.SequenceMatcher(None, normal, _normal_title(other)).ratio()
            if ratio >= 0.9:
                found.append(pk)
    return sorted(set(found))


def _check_agency(user: User, visibility: str, agency: Agency | None) -> Agency | None:
    if agency is not None and not Membership.objects.filter(user=user, agency=agency).exists():
        raise ValidationError(_("You can only share on behalf of an agency you belong to."))
    if visibility == Visibility.AGENCY and agency is None:
        raise ValidationError(_("Choose the agency whose members may see this entry."))
    return agency


def entry_submit(*, user: User, data: EntryData, agency: Agency | None = None) -> Entry:
    """Submit an entry for curation. Agency-only entries are published at once: they are
    private to the agency, and the Lab's curation concerns what is shared beyond it."""
    agency = _check_agency(user, data.visibility, agency)
    with transaction.atomic():
        entry = Entry(submitted_by=user, agency=agency)
        _apply(entry, data)
        if data.visibility == Visibility.AGENCY:
            entry.status = EntryStatus.APPROVED
            entry.published_at = timezone.now()
        entry.full_clean(exclude=["search_vector", "country"])
        entry.save()
        _set_terms(entry, data.terms)
        entry.possible_duplicates = find_duplicates(
            title=entry.title, doi=entry.doi, url=entry.url, exclude_id=entry.pk
        )
        entry.save(update_fields=["possible_duplicates"])
        _new_version(entry, author=user, note="submitted")
        audit_record(
            actor=user,
            action="resource.submit",
            obj=entry,
            agency=agency,
            after={"title": entry.title, "type": entry.type, "visibility": entry.visibility},
        )
        if entry.status == EntryStatus.APPROVED:
            _after_publish(entry)
    return entry


def entry_update(*, entry: Entry, user: User, data: EntryData, note: str = "") -> Entry:
    """Edit an entry; every edit keeps a version. A submitter's edit after a request for
    changes sends it back to the curators."""
    before = entry.snapshot()
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        _check_agency(user, data.visibility, entry.agency)
        _apply(entry, data)
        if entry.status == EntryStatus.CHANGES_REQUESTED and entry.submitted_by_id == user.pk:
            entry.status = EntryStatus.SUBMITTED
        entry.updated_at = timezone.now()
        entry.save()
        _set_terms(entry, data.terms)
        version = _new_version(entry, author=user, note=note or "edited")
        audit_record(
            actor=user,
            action="resource.update",
            obj=entry,
            agency=entry.agency,
            before={k: before[k] for k in before if before[k] != version.data.get(k)},
            after={k: v for k, v in version.data.items() if before.get(k) != v},
        )
        if entry.status == EntryStatus.APPROVED:
            _after_publish(entry)
    return entry


def entry_review(*, entry: Entry, curator: User, decision: str, note: str = "") -> Entry:
    transitions = {
        "approve": EntryStatus.APPROVED,
        "request_changes": EntryStatus.CHANGES_REQUESTED,
        "reject": EntryStatus.REJECTED,
    }
    if decision not in transitions:
        raise ValidationError(_("Unknown decision."))
    if decision != "approve" and not note.strip():
        raise ValidationError(_("Say what should change, or why it is rejected."))
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        before = entry.status
        entry.status = transitions[decision]
        entry.review_note = note.strip()
        entry.reviewed_by = curator
        entry.updated_at = timezone.now()
        if entry.status == EntryStatus.APPROVED and entry.published_at is None:
            entry.published_at = timezone.now()
        entry.save()
        audit_record(
            actor=curator,
            action=f"resource.{decision}",
            obj=entry,
            agency=entry.agency,
            before={"status": before},
            after={"status": entry.status, "note": entry.review_note},
        )
        if entry.status == EntryStatus.APPROVED:
            _after_publish(entry)
    return entry


def _after_publish(entry: Entry) -> None:
    """Compute the entry's embedding in the background once the change is committed."""
    from railab.web.resources.semantic import available
    from railab.web.resources.tasks import embed_entries_task

    if available():
        entry_id = entry.pk
        transaction.on_commit(lambda: embed_entries_task.enqueue(entry_ids=[entry_id]))
