"""Writing to and verifying the audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from railab.web.auditlog.models import GENESIS_HASH, AuditEvent, AuditHead

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from railab.web.accounts.models import Agency, User


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so stored values hash the same after a database read."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def canonical_json(event: dict[str, Any]) -> bytes:
    return json.dumps(
        event, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def _event_payload(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    agency_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "agency_id": agency_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
    }


def chain_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(payload)).hexdigest()


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    agency: Agency | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; must run inside the transaction that makes the change."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record() must be called inside transaction.atomic()")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
    # Locking the head row serialises writers (PostgreSQL); SQLite's IMMEDIATE
    # transactions already hold the database write lock.
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    actor_label = str(getattr(actor, "email", "")) if actor_id is not None else "system"
    seq = head.seq + 1
    created_at = timezone.now()
    before_j, after_j = _jsonable(before), _jsonable(after)
    payload = _event_payload(
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        actor_label=actor_label,
        agency_id=agency.pk if agency is not None else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before_j,
        after=after_j,
    )
    digest = chain_hash(head.hash, payload)
    event = AuditEvent.objects.create(
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        actor_label=actor_label,
        agency_id=payload["agency_id"],
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before_j,
        after=after_j,
        prev_hash=head.hash,
        hash=digest,
    )
    AuditHead.objects.filter(id=1).update(seq=seq, hash=digest)
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    problem: str = ""


def _iter_events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def audit_log_verify(*, progress: Callable[[int, int], None] | None = None) -> VerifyResult:
    """Walk the chain from the start and report the first broken link."""
    total = AuditEvent.objects.count()
    prev_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in _iter_events():
        if event.seq != expected_seq:
            return VerifyResult(
                False, checked, expected_seq, f"event #{expected_seq} is missing (deleted)"
            )
        if event.prev_hash != prev_hash:
            return VerifyResult(
                False, checked, event.seq, f"event #{event.seq} does not link to #{event.seq - 1}"
            )
        payload = _event_payload(
            seq=event.seq,
            created_at=event.created_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            agency_id=event.agency_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            before=event.before,
            after=event.after,
        )
        if chain_hash(prev_hash, payload) != event.hash:
            return VerifyResult(
                False, checked, event.seq, f"event #{event.seq} was altered after it was written"
            )
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
        if progress is not None and checked % 1000 == 0:
            progress(checked, total)
    head = AuditHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != checked or head_hash != prev_hash:
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"the log ends at #{checked} but its head records #{head_seq}: events were removed",
        )
    if progress is not None:
        progress(checked, total)
    return VerifyResult(True, checked)


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """The before/after picture of ``fields`` of a model instance."""
    return {name: getattr(obj, name) for name in fields}
