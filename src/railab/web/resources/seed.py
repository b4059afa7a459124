"""Load the demo corpus in ``seed/*.json`` (written by the railab team from public facts;
every summary in our own words). Idempotent: entries are matched by their key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from railab.web.auditlog.services import audit_record
from railab.web.resources.models import Entry, EntryStatus, EntryVersion
from railab.web.resources.services import _set_terms
from railab.web.resources.taxonomy import VOCABULARIES

SEED_DIR = Path(__file__).parent / "seed"


def seed_records(directory: Path = SEED_DIR) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.json")):
        records.extend(json.loads(path.read_text(encoding="utf-8")))
    return records


@transaction.atomic
def seed_resources(directory: Path = SEED_DIR) -> int:
    """Create the seed entries that do not exist yet; returns how many were created."""
    existing = set(Entry.objects.exclude(source_key="").values_list("source_key", flat=True))
    created = 0
    now = timezone.now()
    for record in seed_records(directory):
        key = f"seed:{record['key']}"
        if key in existing:
            continue
        entry = Entry.objects.create(
            source_key=key,
            type=record["type"],
            title=record["title"],
            summary=record["summary"],
            language=record.get("language") or "en",
            year=record.get("year") or None,
            authors=record.get("authors") or [],
            url=record.get("url") or "",
            doi=record.get("doi") or "",
            country=record.get("country") or "",
            tags=record.get("tags") or [],
            details=record.get("details") or {},
            visibility=record.get("visibility") or "public",
            status=EntryStatus.APPROVED,
            published_at=now,
        )
        _set_terms(entry, {v: list(record.get(v) or []) for v in VOCABULARIES})
        EntryVersion.objects.create(entry=entry, number=1, data=entry.snapshot(), note="seed")
        created += 1
    if created:
        audit_record(
            actor=None,
            action="resource.seed",
            object_type="resources.entry",
            object_id=str(created),
            after={"created": created, "demo": True},
        )
    return created
