from __future__ import annotations

import itertools

import pytest
from django.db import connection, transaction

from railab.web.auditlog.models import AppendOnlyError, AuditEvent, AuditHead
from railab.web.auditlog.services import audit_log_verify, audit_record
from tests.conftest import World


def _record(n: int, world: World) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=world.admin,
                action="test.change",
                object_type="test",
                object_id=str(i),
                agency=world.agency,
                before={"value": i, "note": "café ☕"},
                after={"value": i + 1, "ratio": 0.1 * i, "nested": {"b": [1, 2], "a": None}},
            )


def _raw(sql: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_chain_links_each_event_to_the_previous(world: World) -> None:
    _record(5, world)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert AuditHead.objects.get().hash == events[-1].hash
    result = audit_log_verify()
    assert result.ok
    assert result.checked == 5


@pytest.mark.django_db(transaction=True)
def test_record_requires_a_transaction() -> None:
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        audit_record(actor=None, action="x", object_type="t")
    assert not AuditEvent.objects.exists()


def test_orm_refuses_to_edit_or_delete(world: World) -> None:
    _record(1, world)
    event = AuditEvent.objects.get()
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_an_edited_row_is_detected(world: World) -> None:
    _record(5, world)
    _raw("UPDATE auditlog_auditevent SET action = %s WHERE seq = %s", "innocent", 3)
    result = audit_log_verify()
    assert not result.ok
    assert result.first_broken_seq == 3
    assert "altered" in result.problem


def test_an_edited_json_value_is_detected(world: World) -> None:
    _record(3, world)
    _raw("UPDATE auditlog_auditevent SET after = %s WHERE seq = %s", '{"value": 99}', 2)
    assert audit_log_verify().first_broken_seq == 2


def test_a_deleted_row_is_detected(world: World) -> None:
    _record(5, world)
    _raw("DELETE FROM auditlog_auditevent WHERE seq = %s", 2)
    result = audit_log_verify()
    assert not result.ok
    assert result.first_broken_seq == 2
    assert "missing" in result.problem


def test_rows_cut_from_the_end_are_detected(world: World) -> None:
    _record(5, world)
    _raw("DELETE FROM auditlog_auditevent WHERE seq >= %s", 4)
    result = audit_log_verify()
    assert not result.ok
    assert result.first_broken_seq == 4


def test_a_rehashed_forgery_still_breaks_the_next_link(world: World) -> None:
    """Recomputing one row's hash is not enough: the next row links to the old one."""
    from railab.web.auditlog import services

    _record(4, world)
    event = AuditEvent.objects.get(seq=2)
    payload = services._event_payload(
        seq=2,
        created_at=event.created_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        agency_id=event.agency_id,
        action="forged",
        object_type=event.object_type,
        object_id=event.object_id,
        before=event.before,
        after=event.after,
    )
    forged = services.chain_hash(event.prev_hash, payload)
    _raw(
        "UPDATE auditlog_auditevent SET action = %s, hash = %s WHERE seq = %s", "forged", forged, 2
    )
    result = audit_log_verify()
    assert result.first_broken_seq == 3
