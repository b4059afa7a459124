"""Writes of the toolkit. Every change to an assessment writes its audit-log row in the
same transaction; e-mails go out on commit."""

from __future__ import annotations

import datetime as dt
import json
import mimetypes
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from railab.toolkit import (
    AnswersError,
    Change,
    Instrument,
    check_evidence,
    is_answered,
    migrate_answers,
    prefill,
    score,
)
from railab.toolkit._answers import value_problem
from railab.web.accounts.models import Agency, Membership, Role, User
from railab.web.auditlog.services import audit_record
from railab.web.toolkit import selectors
from railab.web.toolkit.instruments import instrument_get
from railab.web.toolkit.models import (
    EDITABLE,
    Action,
    ActionStatus,
    Answer,
    AnswerChange,
    Assessment,
    Comment,
    Evidence,
    Status,
    UseCase,
)

# ---------------------------------------------------------------------------------------------
# Starting


def use_case_create(*, agency: Agency, user: User, name: str, description: str = "") -> UseCase:
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the use case a name."))
    with transaction.atomic():
        if UseCase.objects.filter(agency=agency, name__iexact=name).exists():
            raise ValidationError(
                _("Your agency already has a use case named “%(name)s”; choose it instead.")
                % {"name": name}
            )
        use_case = UseCase.objects.create(
            agency=agency, name=name[:200], description=description.strip(), created_by=user
        )
        audit_record(
            actor=user,
            action="toolkit.use_case.create",
            obj=use_case,
            agency=agency,
            after={"name": use_case.name},
        )
    return use_case


def _dims(instrument: Instrument) -> tuple[int, int]:
    matrix = instrument.risk_matrix
    return (len(matrix.likelihood), len(matrix.impact)) if matrix is not None else (5, 5)


def _write_answers(
    assessment: Assessment, values: dict[str, Any], *, user: User | None, source: str
) -> None:
    now = timezone.now()
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=q, value=v, updated_by=user, updated_at=now)
        for q, v in values.items()
        if is_answered(v)
    )
    AnswerChange.objects.bulk_create(
        AnswerChange(
            assessment=assessment, question=q, value=v, user=user, source=source, created_at=now
        )
        for q, v in values.items()
        if is_answered(v)
    )


def assessment_start(
    *,
    membership: Membership,
    instrument_id: str,
    use_case: UseCase | None = None,
) -> Assessment:
    """Start an assessment; a FRIA is pre-filled from the use case's risk assessment."""
    user, agency = membership.user, membership.agency
    if not membership.has_role(Role.CONTRIBUTOR):
        raise PermissionDenied
    try:
        instrument = instrument_get(instrument_id)
    except KeyError:
        raise ValidationError(
            _("There is no instrument “%(id)s”.") % {"id": instrument_id}
        ) from None
    if instrument.subject == "use_case":
        if use_case is None:
            raise ValidationError(
                _("This instrument assesses one AI use case: choose or name one.")
            )
        if use_case.agency_id != agency.pk:
            raise PermissionDenied
    else:
        use_case = None
    source = None
    values: dict[str, Any] = {}
    sources: dict[str, Any] = {}
    if use_case is not None and any(q.prefill_from for q in instrument.questions):
        source = selectors.latest_risk_assessment(use_case=use_case)
        if source is not None:
            filled = prefill(instrument, selectors.answers_document(source))
            values, sources = filled["answers"], filled.get("sources", {})
    with transaction.atomic():
        assessment = Assessment.objects.create(
            agency=agency,
            instrument=instrument.id,
            instrument_version=instrument.version,
            use_case=use_case,
            created_by=user,
            sources=sources,
            prefilled_from=source if values else None,
        )
        _write_answers(assessment, values, user=user, source="prefill")
        audit_record(
            actor=user,
            action="toolkit.assessment.start",
            obj=assessment,
            agency=agency,
            after={
                "instrument": instrument.id,
                "version": instrument.version,
                "use_case": use_case.name if use_case else None,
                "prefilled": sorted(values),
            },
        )
    return assessment


# ---------------------------------------------------------------------------------------------
# Answering


def _require_editable(assessment: Assessment) -> None:
    if assessment.status not in EDITABLE:
        raise ValidationError(
            _("This assessment is %(status)s and can no longer be changed.")
            % {"status": assessment.get_status_display().lower()}
        )


def _empty(value: Any) -> bool:
    # Not the library's is_answered: a risk rated for likelihood only is kept while the
    # impact is still to be chosen (it is not scored until both are there).
    return value is None or value == "" or value == [] or value == {}


def _save_answer(
    assessment: Assessment, *, user: User, question: str, value: Any, source: str
) -> Any:
    """Write one answer and its history row; returns the previous value."""
    now = timezone.now()
    current = Answer.objects.filter(assessment=assessment, question=question).first()
    before = current.value if current else None
    if _empty(value):
        if current is not None:
            current.delete()
    elif current is None:
        Answer.objects.create(
            assessment=assessment, question=question, value=value, updated_by=user, updated_at=now
        )
    else:
        current.value, current.updated_by, current.updated_at = value, user, now
        current.save(update_fields=["value", "updated_by", "updated_at"])
    AnswerChange.objects.create(
        assessment=assessment,
        question=question,
        value=None if _empty(value) else value,
        user=user,
        source=source,
        created_at=now,
    )
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=now)
    return before


def answer_save(
    *, assessment: Assessment, user: User, question: str, value: Any, source: str = "form"
) -> None:
    """Save one answer (an empty value clears it). Invalid values raise ``ValidationError``
    with the library's reason; nothing is written then."""
    _require_editable(assessment)
    instrument = selectors.instrument_of(assessment)
    try:
        q = instrument.question(question)
    except KeyError:
        raise ValidationError(_("There is no question “%(id)s”.") % {"id": question}) from None
    if q.type == "evidence" and source != "evidence":
        raise ValidationError(_("Add evidence files by uploading them."))
    levels, impacts = _dims(instrument)
    problem = value_problem(q, value, levels=levels, impacts=impacts)
    if problem:
        raise ValidationError(problem)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _require_editable(locked)
        before = _save_answer(assessment, user=user, question=question, value=value, source=source)
        if before != value:
            audit_record(
                actor=user,
                action="toolkit.answer.save",
                obj=assessment,
                agency=assessment.agency,
                before={"question": question, "value": before},
                after={"question": question, "value": value},
            )


def comment_add(*, assessment: Assessment, user: User, question: str, body: str) -> Comment:
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a comment first."))
    instrument = selectors.instrument_of(assessment)
    try:
        instrument.question(question)
    except KeyError:
        raise ValidationError(_("There is no question “%(id)s”.") % {"id": question}) from None
    return Comment.objects.create(
        assessment=assessment, question=question, author=user, body=body[:4000]
    )


# Magic numbers of the evidence types the instruments accept: the name's extension decides
# the type, and the content has to agree, so that a program renamed ``.pdf`` is refused.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/vnd.oasis.opendocument.text": (b"PK\x03\x04",),
    "application/vnd.oasis.opendocument.spreadsheet": (b"PK\x03\x04",),
}
TEXT_TYPES = frozenset({"text/plain", "text/csv"})


def media_type_of(name: str, head: bytes) -> str | None:
    """The media type of an upload from its name, if its first bytes agree; else ``None``."""
    guessed = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
    signatures = SIGNATURES.get(guessed)
    if signatures is not None:
        return guessed if head.startswith(signatures) else None
    if guessed in TEXT_TYPES:
        return guessed if b"\x00" not in head else None
    return guessed


def _evidence_answer(assessment: Assessment, question: str) -> list[dict[str, object]]:
    return [e.describe() for e in Evidence.objects.filter(assessment=assessment, question=question)]


def evidence_add(
    *, assessment: Assessment, user: User, question: str, upload: UploadedFile
) -> Evidence:
    """Attach a file to an evidence question, checked by the library (type and size)."""
    _require_editable(assessment)
    instrument = selectors.instrument_of(assessment)
    try:
        q = instrument.question(question)
    except KeyError:
        raise ValidationError(_("There is no question “%(id)s”.") % {"id": question}) from None
    if q.type != "evidence":
        raise ValidationError(_("This question does not take files."))
    name = (upload.name or "file").rsplit("/", 1)[-1][:255]
    size = int(upload.size or 0)
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    media_type = media_type_of(name, head)
    if media_type is None:
        raise ValidationError(
            _("The content of “%(name)s” does not match its type; upload the original file.")
            % {"name": name}
        )
    problem = check_evidence(q, {"name": name, "size": size, "media_type": media_type})
    if problem:
        raise ValidationError(problem)
    if Evidence.objects.filter(assessment=assessment, question=question).count() >= q.max_files:
        raise ValidationError(
            _("This question takes at most %(n)s files; remove one first.") % {"n": q.max_files}
        )
    evidence = Evidence(
        assessment=assessment,
        question=question,
        name=name,
        size=size,
        media_type=media_type,
        uploaded_by=user,
    )
    evidence.file.save(str(evidence.public_id), upload, save=False)
    try:
        with transaction.atomic():
            locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
            _require_editable(locked)
            evidence.save()
            files = _evidence_answer(assessment, question)
            _save_answer(assessment, user=user, question=question, value=files, source="evidence")
            audit_record(
                actor=user,
                action="toolkit.evidence.add",
                obj=assessment,
                agency=assessment.agency,
                after={"question": question, "file": evidence.describe()},
            )
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


def evidence_remove(*, evidence: Evidence, user: User) -> None:
    assessment = evidence.assessment
    _require_editable(assessment)
    with transaction.atomic():
        described = evidence.describe()
        evidence.delete()
        files = _evidence_answer(assessment, evidence.question)
        _save_answer(
            assessment, user=user, question=evidence.question, value=files, source="evidence"
        )
        audit_record(
            actor=user,
            action="toolkit.evidence.remove",
            obj=assessment,
            agency=assessment.agency,
            before={"question": evidence.question, "file": described},
        )
        transaction.on_commit(lambda: evidence.file.delete(save=False))


# ---------------------------------------------------------------------------------------------
# Submit, review


def assessment_submit(*, assessment: Assessment, membership: Membership) -> None:
    user = membership.user
    if not membership.has_role(Role.CONTRIBUTOR):
        raise PermissionDenied
    _require_editable(assessment)
    with transaction.atomic():
        before = assessment.status
        assessment.status = Status.SUBMITTED
        assessment.submitted_by, assessment.submitted_at = user, timezone.now()
        assessment.save(update_fields=["status", "submitted_by", "submitted_at"])
        audit_record(
            actor=user,
            action="toolkit.assessment.submit",
            obj=assessment,
            agency=assessment.agency,
            before={"status": before},
            after={"status": assessment.status},
        )


def reviewers_of(agency: Agency) -> list[int]:
    """Ids of the members who may review: assessors and agency administrators."""
    return list(
        Membership.objects.filter(
            agency=agency, role__in=[Role.ASSESSOR, Role.AGENCY_ADMIN], user__is_active=True
        ).values_list("user_id", flat=True)
    )


def may_review(*, assessment: Assessment, membership: Membership) -> bool:
    """Assessors and agency admins review; not their own submission when someone else can.

    Four eyes where the agency has them: the person who submitted may approve only when
    no other assessor or administrator exists (a one-person unit must not be blocked).
    """
    if not membership.has_role(Role.ASSESSOR) or assessment.status != Status.SUBMITTED:
        return False
    if assessment.submitted_by_id != membership.user_id:
        return True
    return not [u for u in reviewers_of(assessment.agency) if u != membership.user_id]


def assessment_review(
    *, assessment: Assessment, membership: Membership, approve: bool, note: str = ""
) -> None:
    """Approve (the result is frozen) or send back with a note."""
    user = membership.user
    if assessment.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted assessment can be reviewed."))
    if not may_review(assessment=assessment, membership=membership):
        raise PermissionDenied
    note = note.strip()
    if not approve and not note:
        raise ValidationError(_("Say what needs to change before sending it back."))
    result = None
    if approve:
        instrument = selectors.instrument_of(assessment)
        try:
            result = score(instrument, selectors.answers_document(assessment)).to_dict()
        except AnswersError as exc:
            raise ValidationError(str(exc)) from None
    with transaction.atomic():
        assessment.status = Status.APPROVED if approve else Status.RETURNED
        assessment.reviewed_by, assessment.reviewed_at = user, timezone.now()
        assessment.review_note = note
        assessment.result = result
        assessment.save(
            update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "result"]
        )
        audit_record(
            actor=user,
            action="toolkit.assessment.approve" if approve else "toolkit.assessment.return",
            obj=assessment,
            agency=assessment.agency,
            before={"status": Status.SUBMITTED},
            after={
                "status": assessment.status,
                "note": note,
                "level": result["level"] if result else None,
            },
        )


def assessment_reopen(*, assessment: Assessment, membership: Membership) -> None:
    """An approved assessment goes back to work (e.g. after a change to the system)."""
    if not membership.has_role(Role.ASSESSOR):
        raise PermissionDenied
    if assessment.status != Status.APPROVED:
        raise ValidationError(_("Only an approved assessment can be re-opened."))
    with transaction.atomic():
        assessment.status = Status.IN_PROGRESS
        assessment.result = None
        assessment.save(update_fields=["status", "result"])
        audit_record(
            actor=membership.user,
            action="toolkit.assessment.reopen",
            obj=assessment,
            agency=assessment.agency,
            before={"status": Status.APPROVED},
            after={"status": Status.IN_PROGRESS},
        )


# ---------------------------------------------------------------------------------------------
# Action plan, re-assessment


def action_plan_generate(*, assessment: Assessment, user: User) -> list[Action]:
    """One action per recommendation of the result; existing ones are kept as edited."""
    instrument = selectors.instrument_of(assessment)
    if assessment.result is not None:
        recommendations = list(assessment.result["recommendations"])
    else:
        result = selectors.result_of(instrument, selectors.answers_document(assessment))
        recommendations = list(result.recommendations) if result else []
    priorities = {r.id: r.priority for r in instrument.recommendations}
    with transaction.atomic():
        existing = set(
            Action.objects.filter(assessment=assessment).values_list("recommendation", flat=True)
        )
        new = [
            Action(assessment=assessment, recommendation=r, priority=priorities.get(r, "medium"))
            for r in recommendations
            if r not in existing
        ]
        Action.objects.bulk_create(new)
        if new:
            audit_record(
                actor=user,
                action="toolkit.plan.generate",
                obj=assessment,
                agency=assessment.agency,
                after={"recommendations": [a.recommendation for a in new]},
            )
    return new


def action_update(
    *,
    action: Action,
    user: User,
    owner: User | None,
    due_on: dt.date | None,
    status: str,
    note: str,
) -> None:
    assessment = action.assessment
    if (
        owner is not None
        and not Membership.objects.filter(agency_id=assessment.agency_id, user=owner).exists()
    ):
        raise ValidationError(_("The owner must be a member of the agency."))
    if status not in ActionStatus.values:
        raise ValidationError(_("Unknown status."))
    fields = ["owner_id", "due_on", "status", "note"]
    before = {f: getattr(action, f) for f in fields}
    with transaction.atomic():
        action.owner, action.due_on, action.status, action.note = owner, due_on, status, note
        action.updated_at = timezone.now()
        action.save(update_fields=["owner", "due_on", "status", "note", "updated_at"])
        audit_record(
            actor=user,
            action="toolkit.plan.update",
            obj=assessment,
            agency=assessment.agency,
            before={"action": str(action.public_id), **before},
            after={"action": str(action.public_id), **{f: getattr(action, f) for f in fields}},
        )


def reassessment_set(*, assessment: Assessment, user: User, date: dt.date | None) -> None:
    with transaction.atomic():
        before = assessment.reassess_on
        assessment.reassess_on = date
        if before != date:
            assessment.reminder_sent_for = None
        assessment.save(update_fields=["reassess_on", "reminder_sent_for"])
        audit_record(
            actor=user,
            action="toolkit.assessment.reassess_on",
            obj=assessment,
            agency=assessment.agency,
            before={"reassess_on": before},
            after={"reassess_on": date},
        )


def _reminder_recipients(assessment: Assessment) -> list[str]:
    emails = set(
        Membership.objects.filter(
            agency_id=assessment.agency_id,
            role__in=[Role.ASSESSOR, Role.AGENCY_ADMIN],
            user__is_active=True,
        ).values_list("user__email", flat=True)
    )
    if assessment.created_by is not None and assessment.created_by.is_active:
        emails.add(assessment.created_by.email)
    return sorted(emails)


def reminders_send_due(*, today: dt.date | None = None, base_url: str = "") -> int:
    """E-mail a reminder for every re-assessment due by ``today``, once per date.

    Marking the row and sending are separated by an atomic conditional update, so two
    runs at once (cron and a worker) still send one e-mail each.
    """
    today = today or timezone.localdate()
    sent = 0
    due = Assessment.objects.filter(reassess_on__lte=today).select_related(
        "agency", "use_case", "created_by"
    )
    for assessment in due:
        if assessment.reminder_sent_for == assessment.reassess_on:
            continue
        with transaction.atomic():
            claimed = (
                Assessment.objects.filter(pk=assessment.pk, reassess_on=assessment.reassess_on)
                .exclude(reminder_sent_for=assessment.reassess_on)
                .update(reminder_sent_for=assessment.reassess_on)
            )
            if not claimed:
                continue
            audit_record(
                actor=None,
                action="toolkit.assessment.reminder",
                obj=assessment,
                agency=assessment.agency,
                after={"reassess_on": assessment.reassess_on},
            )
            recipients = _reminder_recipients(assessment)
            subject, body = _reminder_text(assessment, base_url)
            transaction.on_commit(
                lambda s=subject, b=body, r=recipients: send_mail(s, b, None, r)  # type: ignore[misc]
            )
        sent += 1
    return sent


def _reminder_text(assessment: Assessment, base_url: str) -> tuple[str, str]:
    from django.urls import reverse

    instrument = instrument_get(assessment.instrument)
    with override("en"):
        title = instrument.title.get("en")
        subject_name = assessment.use_case.name if assessment.use_case else assessment.agency.name
        link = base_url + reverse("toolkit:detail", args=[assessment.public_id])
        subject = _("Re-assessment due: %(title)s") % {"title": title}
        body = _(
            "The %(title)s of %(subject)s was due for re-assessment on %(date)s.\n\n"
            "Open it, compare with the previous one and start a new one:\n%(link)s\n"
        ) % {"title": title, "subject": subject_name, "date": assessment.reassess_on, "link": link}
    return subject, body


# ---------------------------------------------------------------------------------------------
# Import


@dataclass(frozen=True)
class Imported:
    assessment: Assessment
    changes: tuple[Change, ...]


def parse_document(content: bytes) -> dict[str, Any]:
    """An answers document from an uploaded file, or ``ValidationError`` saying why not."""
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is not UTF-8 text; export it again from railab.")
        ) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("The file is not valid JSON (line %(line)s, column %(col)s: %(msg)s).")
            % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("answers"), dict):
        raise ValidationError(
            _("The file is not an answers document: it needs instrument, version and answers.")
        )
    return document


def assessment_import(
    *, membership: Membership, content: bytes, use_case: UseCase | None = None
) -> Imported:
    """Open an exported assessment again as a new assessment in progress.

    Answers recorded on an older version of the instrument are migrated with the library;
    a document the platform cannot open is refused with the library's reason.
    """
    user, agency = membership.user, membership.agency
    if not membership.has_role(Role.CONTRIBUTOR):
        raise PermissionDenied
    document = parse_document(content)
    instrument_id = document.get("instrument")
    try:
        instrument = instrument_get(str(instrument_id))
    except KeyError:
        raise ValidationError(
            _("The file is for instrument “%(id)s”, which this platform does not offer.")
            % {"id": instrument_id}
        ) from None
    try:
        migrated = migrate_answers(document, None, instrument)
    except AnswersError as exc:
        raise ValidationError(str(exc)) from None
    if instrument.subject == "use_case" and use_case is None:
        meta = document.get("meta") if isinstance(document.get("meta"), dict) else {}
        name = str((meta or {}).get("use_case") or document.get("subject") or "").strip()
        if not name:
            raise ValidationError(_("Choose the AI use case this assessment is about."))
        use_case = UseCase.objects.filter(agency=agency, name__iexact=name).first()
        if use_case is None:
            use_case = use_case_create(agency=agency, user=user, name=name)
    if use_case is not None and use_case.agency_id != agency.pk:
        raise PermissionDenied
    values = dict(migrated.answers["answers"])
    # Evidence files are not inside the JSON: their descriptions would point at nothing.
    for q in instrument.questions:
        if q.type == "evidence":
            values.pop(q.id, None)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            agency=agency,
            instrument=instrument.id,
            instrument_version=instrument.version,
            use_case=use_case if instrument.subject == "use_case" else None,
            created_by=user,
            sources=migrated.answers.get("sources") or {},
        )
        _write_answers(assessment, values, user=user, source="import")
        audit_record(
            actor=user,
            action="toolkit.assessment.import",
            obj=assessment,
            agency=agency,
            after={
                "instrument": instrument.id,
                "from_version": migrated.from_version,
                "version": instrument.version,
                "answers": len(values),
                "changes": [f"{c.kind} {c.question}: {c.detail}" for c in migrated.changes],
            },
        )
    return Imported(assessment, migrated.changes)


def assessment_upgrade(*, assessment: Assessment, user: User) -> tuple[Change, ...]:
    """Move an editable assessment begun on an older instrument version to the current one."""
    instrument = selectors.instrument_of(assessment)
    if assessment.instrument_version == instrument.version:
        return ()
    _require_editable(assessment)
    try:
        migrated = migrate_answers(selectors.answers_document(assessment), None, instrument)
    except AnswersError as exc:
        raise ValidationError(str(exc)) from None
    values = migrated.answers["answers"]
    with transaction.atomic():
        Answer.objects.filter(assessment=assessment).delete()
        _write_answers(assessment, values, user=user, source="migration")
        before = assessment.instrument_version
        assessment.instrument_version = instrument.version
        assessment.save(update_fields=["instrument_version"])
        audit_record(
            actor=user,
            action="toolkit.assessment.migrate",
            obj=assessment,
            agency=assessment.agency,
            before={"version": before},
            after={
                "version": instrument.version,
                "changes": [f"{c.kind} {c.question}: {c.detail}" for c in migrated.changes],
            },
        )
    return migrated.changes
