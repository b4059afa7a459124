"""Writes of technical evaluations: create, run, attach to a system, publish, re-run.

Each change and its audit-log row share one transaction; the audit itself runs as a
background job once the run is committed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from railab import __version__
from railab.audit import AuditInputError
from railab.web.accounts.models import Membership, Role
from railab.web.auditlog.services import audit_record
from railab.web.evaluations import profile, results, storage
from railab.web.evaluations.models import (
    AuditKind,
    Dataset,
    DatasetStatus,
    Evaluation,
    Run,
    RunStatus,
)
from railab.web.evaluations.uploads import dataset_file
from railab.web.jobs.services import job_start
from railab.web.register.models import AISystem
from railab.web.resources.models import Entry
from railab.web.resources.services import EntryData, entry_submit, entry_update


def _require(membership: Membership, role: str = Role.CONTRIBUTOR) -> None:
    if not membership.has_role(role):
        raise PermissionDenied


def _check_same_agency(membership: Membership, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.agency_id != membership.agency_id:
            raise PermissionDenied


def _start(*, evaluation: Evaluation, dataset: Dataset, membership: Membership) -> Run:
    if dataset.status != DatasetStatus.READY:
        raise ValidationError(_("The file has not finished uploading."))
    last = evaluation.runs.aggregate(n=Max("number"))["n"] or 0
    run = Run.objects.create(
        agency=evaluation.agency,
        evaluation=evaluation,
        number=last + 1,
        dataset=dataset,
        created_by=membership.user,
    )
    from railab.web.evaluations.tasks import run_evaluation_task

    run.job = job_start(
        user=membership.user,
        agency=evaluation.agency,
        kind="evaluation.run",
        title=_("Audit: %(title)s (run %(n)s)") % {"title": evaluation.title, "n": run.number},
        task=run_evaluation_task,
        run_id=run.pk,
    )
    run.save(update_fields=["job"])
    audit_record(
        actor=membership.user,
        action="evaluation.run_start",
        obj=evaluation,
        agency=evaluation.agency,
        after={"run": run.number, "dataset": dataset.name, "sha256": dataset.sha256},
    )
    return run


def evaluation_create(
    *,
    membership: Membership,
    dataset: Dataset,
    title: str,
    kind: str,
    options: dict[str, Any],
    system: AISystem | None = None,
) -> Run:
    """Create an evaluation from a column mapping and start its first run."""
    _require(membership)
    _check_same_agency(membership, dataset, system)
    if kind not in AuditKind.values:
        raise ValidationError(_("Unknown audit."))
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            agency=membership.agency,
            title=title.strip(),
            kind=kind,
            options=options,
            system=system,
            created_by=membership.user,
        )
        audit_record(
            actor=membership.user,
            action="evaluation.create",
            obj=evaluation,
            agency=evaluation.agency,
            after={"title": evaluation.title, "kind": kind, "options": options},
        )
        return _start(evaluation=evaluation, dataset=dataset, membership=membership)


def run_start(*, membership: Membership, evaluation: Evaluation, dataset: Dataset) -> Run:
    """Run the evaluation again, with the same mapping, on new data."""
    _require(membership)
    _check_same_agency(membership, evaluation, dataset)
    with transaction.atomic():
        return _start(evaluation=evaluation, dataset=dataset, membership=membership)


def run_files(run: Run) -> tuple[Any, Any]:
    directory = storage.run_dir(f"{run.evaluation.public_id}/{run.number}")
    return directory / "report.html", directory / "report.pdf"


def run_execute(*, run_id: int, progress: Callable[[int, int | None, str], None]) -> dict[str, Any]:
    """Run the audit of ``run_id`` (inside its background job) and store its results."""
    run = Run.objects.select_related("evaluation", "dataset").get(pk=run_id)
    evaluation = run.evaluation
    Run.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    last = [-1]

    def on_fraction(fraction: float) -> None:
        percent = max(0, min(90, round(90 * fraction)))
        if percent != last[0]:
            last[0] = percent
            progress(percent, 100, _("Counting the rows"))

    progress(0, 100, _("Reading the data"))
    try:
        outcome = profile.AUDITS[evaluation.kind](
            dataset_file(run.dataset), **evaluation.options, progress=on_fraction
        )
        progress(90, 100, _("Writing the reports"))
        html_path, pdf_path = run_files(run)
        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(outcome.to_html(), encoding="utf-8")
        outcome.to_pdf(pdf_path)
        data = outcome.to_dict()
    except Exception as exc:
        message = (
            str(exc)
            if isinstance(exc, AuditInputError)
            else _("The audit failed: %(e)s") % {"e": exc}
        )
        Run.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        Run.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, result=data, error="", finished_at=timezone.now()
        )
        audit_record(
            actor=run.created_by,
            action="evaluation.run_done",
            obj=evaluation,
            agency=evaluation.agency,
            after={"run": run.number, "rows": (data.get("exclusions") or {}).get("rows")},
        )
    progress(100, 100, _("Done"))
    return {"run": run.number, "evaluation": str(evaluation.public_id)}


def evaluation_attach(
    *, membership: Membership, evaluation: Evaluation, system: AISystem | None
) -> Evaluation:
    """Attach the evaluation to an AI system of the agency (or detach it); a published
    summary follows it into the system's evaluations."""
    _require(membership)
    _check_same_agency(membership, evaluation, system)
    with transaction.atomic():
        before = evaluation.system
        if evaluation.entry is not None and before is not None:
            before.evaluations.remove(evaluation.entry)
        evaluation.system = system
        evaluation.save(update_fields=["system"])
        if evaluation.entry is not None and system is not None:
            system.evaluations.add(evaluation.entry)
        audit_record(
            actor=membership.user,
            action="evaluation.attach",
            obj=evaluation,
            agency=evaluation.agency,
            before={"system": str(before.public_id) if before else None},
            after={"system": str(system.public_id) if system else None},
        )
    return evaluation


def latest_done(evaluation: Evaluation) -> Run | None:
    return evaluation.runs.filter(status=RunStatus.DONE).order_by("-number").first()


def summary_for(evaluation: Evaluation) -> str:
    run = latest_done(evaluation)
    if run is None or run.result is None:
        return ""
    return results.summary_text(
        kind_label=str(AuditKind(evaluation.kind).label),
        dataset_name=run.dataset.name,
        result=run.result,
    )


def evaluation_publish(
    *, membership: Membership, evaluation: Evaluation, visibility: str, summary: str
) -> Entry:
    """Publish (or update) the summary of the latest finished run as an evaluation entry
    of the resource bank, and list it among the system's evaluations."""
    _require(membership)
    _check_same_agency(membership, evaluation)
    run = latest_done(evaluation)
    if run is None or run.result is None:
        raise ValidationError(_("Publish once a run has finished."))
    figures = results.headline(run.result, limit=8)
    data = EntryData(
        type="evaluation",
        title=evaluation.title,
        summary=summary.strip(),
        year=timezone.now().year,
        country=str(evaluation.agency.country or ""),
        tags=["railab-audit", evaluation.kind],
        details={
            "tool": evaluation.system.name if evaluation.system else "",
            "method": _("railab %(version)s, %(kind)s audit")
            % {"version": __version__, "kind": AuditKind(evaluation.kind).label},
            "metrics": ", ".join(f.label for f in figures),
            "results": "; ".join(f"{f.label} = {f.value:.3g}" for f in figures),
        },
        visibility=visibility,
    )
    with transaction.atomic():
        if evaluation.entry is not None:
            entry = entry_update(
                entry=evaluation.entry, user=membership.user, data=data, note="results updated"
            )
        else:
            entry = entry_submit(user=membership.user, data=data, agency=evaluation.agency)
            evaluation.entry = entry
            evaluation.save(update_fields=["entry"])
        if evaluation.system is not None:
            evaluation.system.evaluations.add(entry)
        audit_record(
            actor=membership.user,
            action="evaluation.publish",
            obj=evaluation,
            agency=evaluation.agency,
            after={"entry": str(entry.public_id), "visibility": visibility, "run": run.number},
        )
    return entry
