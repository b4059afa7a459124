"""Pages of the technical evaluation lab."""

from __future__ import annotations

import json
from typing import Any

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from railab.web.accounts.models import Role
from railab.web.accounts.selectors import agency_get_for_user
from railab.web.core.http import AuthedRequest
from railab.web.evaluations import profile, results, selectors, services, storage, uploads
from railab.web.evaluations.forms import (
    AttachForm,
    MappingForm,
    PublishForm,
    ServerFileForm,
    field_layout,
)
from railab.web.evaluations.models import Dataset, Evaluation, RunStatus


def _upload_error(exc: uploads.UploadError) -> JsonResponse:
    return JsonResponse({"error": exc.message, "offset": exc.offset}, status=exc.status)


def _next_url(dataset: Dataset, evaluation_id: str) -> str:
    if evaluation_id:
        return reverse(
            "evaluations:rerun",
            kwargs={"evaluation_id": evaluation_id, "dataset_id": dataset.public_id},
        )
    return reverse("evaluations:map", kwargs={"dataset_id": dataset.public_id})


def _rerun_target(request: AuthedRequest, raw: str) -> str:
    """The evaluation a new file is for (re-run), checked against the user; or ''."""
    if not raw:
        return ""
    scoped = selectors.evaluation_get_for_user(
        user=request.user, public_id=raw, role=Role.CONTRIBUTOR
    )
    return str(scoped.evaluation.public_id)


@login_required
def index(request: AuthedRequest, slug: str) -> HttpResponse:
    membership = agency_get_for_user(user=request.user, slug=slug)
    return render(
        request,
        "evaluations/index.html",
        {
            "agency": membership.agency,
            "evaluations": selectors.evaluations_of(membership.agency),
            "can_run": membership.has_role(Role.CONTRIBUTOR),
        },
    )


@login_required
def new(request: AuthedRequest, slug: str) -> HttpResponse:
    membership = agency_get_for_user(user=request.user, slug=slug, role=Role.CONTRIBUTOR)
    rerun = _rerun_target(request, request.GET.get("evaluation", ""))
    files = storage.server_files()
    form = ServerFileForm(files=[(f.key, f.relative) for f in files]) if files else None
    return render(
        request,
        "evaluations/new.html",
        {
            "agency": membership.agency,
            "server_form": form,
            "server_files": files,
            "rerun": rerun,
            "chunk_size": 8 * 1024 * 1024,
        },
    )


@login_required
@require_POST
def upload_start(request: AuthedRequest, slug: str) -> HttpResponse:
    membership = agency_get_for_user(user=request.user, slug=slug, role=Role.CONTRIBUTOR)
    try:
        body = json.loads(request.body or b"{}")
        name, size = str(body["name"]), int(body["size"])
        rerun = _rerun_target(request, str(body.get("evaluation") or ""))
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("Send the file's name and size.")}, status=400)
    try:
        dataset = uploads.upload_start(
            user=request.user, agency=membership.agency, name=name, size=size
        )
    except uploads.UploadError as exc:
        return _upload_error(exc)
    return JsonResponse(
        {
            "id": str(dataset.public_id),
            "offset": 0,
            "status_url": reverse("evaluations:upload", kwargs={"dataset_id": dataset.public_id}),
            "chunk_url": reverse(
                "evaluations:upload_chunk", kwargs={"dataset_id": dataset.public_id}
            ),
            "complete_url": reverse(
                "evaluations:upload_complete", kwargs={"dataset_id": dataset.public_id}
            ),
            "next_url": _next_url(dataset, rerun),
        },
        status=201,
    )


@login_required
@require_GET
def upload_status(request: AuthedRequest, dataset_id: str) -> HttpResponse:
    """Where to resume: the number of bytes the server holds."""
    dataset, _m = selectors.dataset_get_for_user(user=request.user, public_id=dataset_id)
    return JsonResponse(
        {
            "id": str(dataset.public_id),
            "name": dataset.name,
            "size": dataset.size,
            "offset": dataset.received,
            "status": dataset.status,
        }
    )


@login_required
@require_POST
def upload_chunk(request: AuthedRequest, dataset_id: str) -> HttpResponse:
    dataset, _m = selectors.dataset_get_for_user(user=request.user, public_id=dataset_id)
    try:
        offset = int(request.headers.get("X-Upload-Offset", ""))
    except ValueError:
        return JsonResponse({"error": _("The chunk has no offset.")}, status=400)
    # Read the stream directly: chunks are bigger than the in-memory form limit.
    data = request.read(uploads.MAX_CHUNK + 1)
    try:
        received = uploads.upload_chunk(
            dataset=dataset,
            offset=offset,
            chunk_sha256=request.headers.get("X-Chunk-SHA256", ""),
            data=data,
        )
    except uploads.UploadError as exc:
        return _upload_error(exc)
    return JsonResponse({"offset": received})


@login_required
@require_POST
def upload_complete(request: AuthedRequest, dataset_id: str) -> HttpResponse:
    dataset, _m = selectors.dataset_get_for_user(user=request.user, public_id=dataset_id)
    try:
        body = json.loads(request.body or b"{}")
        sha256 = str(body["sha256"])
        rerun = _rerun_target(request, str(body.get("evaluation") or ""))
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("Send the SHA-256 of the whole file.")}, status=400)
    try:
        dataset = uploads.upload_complete(dataset=dataset, user=request.user, sha256=sha256)
    except uploads.UploadError as exc:
        return _upload_error(exc)
    return JsonResponse({"offset": dataset.size, "next_url": _next_url(dataset, rerun)})


@login_required
@require_POST
def server_file(request: AuthedRequest, slug: str) -> HttpResponse:
    membership = agency_get_for_user(user=request.user, slug=slug, role=Role.CONTRIBUTOR)
    rerun = _rerun_target(request, request.POST.get("evaluation", ""))
    files = storage.server_files()
    form = ServerFileForm(request.POST, files=[(f.key, f.relative) for f in files])
    if form.is_valid():
        try:
            dataset = uploads.dataset_from_server(
                user=request.user, agency=membership.agency, key=form.cleaned_data["file"]
            )
        except uploads.UploadError as exc:
            messages.error(request, exc.message)
        else:
            return redirect(_next_url(dataset, rerun))
    else:
        messages.error(request, _("Choose one of the listed files."))
    url = reverse("evaluations:new", kwargs={"slug": membership.agency.slug})
    return redirect(f"{url}?evaluation={rerun}" if rerun else url)


def _mapping_context(
    dataset: Dataset, form: MappingForm, preview: profile.Preview | None, error: str
) -> dict[str, Any]:
    return {
        "dataset": dataset,
        "form": form,
        "form_layout": field_layout(form),
        "preview": preview,
        "data_error": error,
    }


def _load_preview(dataset: Dataset) -> tuple[profile.Preview | None, str]:
    try:
        return profile.preview(dataset), ""
    except profile.DataError as exc:
        return None, str(exc)


@login_required
def map_columns(request: AuthedRequest, dataset_id: str) -> HttpResponse:
    dataset, membership = selectors.dataset_get_for_user(user=request.user, public_id=dataset_id)
    if dataset.status != "ready":
        raise Http404
    preview, error = _load_preview(dataset)
    columns = preview.columns if preview else []
    systems = selectors.systems_of(membership.agency)
    form = MappingForm(
        request.POST or None,
        columns=columns,
        systems=systems,
        initial={"title": dataset.name.rsplit(".", 1)[0]},
    )
    if request.method == "POST" and preview is not None and form.is_valid():
        options = form.options()
        check = profile.check(dataset, form.cleaned_data["kind"], options)
        if check.ok:
            try:
                run = services.evaluation_create(
                    membership=membership,
                    dataset=dataset,
                    title=form.cleaned_data["title"],
                    kind=form.cleaned_data["kind"],
                    options=options,
                    system=form.cleaned_data.get("system"),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(
                    "evaluations:run",
                    evaluation_id=run.evaluation.public_id,
                    number=run.number,
                )
        else:
            form.add_error(None, check.error)
    context = _mapping_context(dataset, form, preview, error)
    return render(request, "evaluations/map.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def check(request: AuthedRequest, dataset_id: str) -> HttpResponse:
    """The htmx fragment re-validating the mapping on a sample each time a field changes."""
    dataset, membership = selectors.dataset_get_for_user(user=request.user, public_id=dataset_id)
    preview, error = _load_preview(dataset)
    form = MappingForm(
        request.POST,
        columns=preview.columns if preview else [],
        systems=selectors.systems_of(membership.agency),
    )
    result = None
    if preview is not None and form.is_valid():
        result = profile.check(dataset, form.cleaned_data["kind"], form.options())
    errors = [
        (str(form.fields[name].label) if name in form.fields else "", message)
        for name, messages_ in form.errors.items()
        for message in messages_
    ]
    return render(
        request,
        "evaluations/_check.html",
        {"errors": errors, "check": result, "data_error": error},
    )


@login_required
def detail(request: AuthedRequest, evaluation_id: str) -> HttpResponse:
    scoped = selectors.evaluation_get_for_user(user=request.user, public_id=evaluation_id)
    evaluation = scoped.evaluation
    runs = list(selectors.runs_of(evaluation))
    done = [r for r in runs if r.status == RunStatus.DONE]
    return render(
        request,
        "evaluations/detail.html",
        {
            "evaluation": evaluation,
            "runs": runs,
            "done_runs": done,
            "can_run": scoped.can_run,
            "attach_form": AttachForm(
                systems=selectors.systems_of(evaluation.agency),
                initial={"system": evaluation.system},
            ),
            "headline": results.headline(done[0].result) if done and done[0].result else [],
        },
    )


@login_required
def run_page(request: AuthedRequest, evaluation_id: str, number: int) -> HttpResponse:
    scoped = selectors.evaluation_get_for_user(user=request.user, public_id=evaluation_id)
    run = selectors.run_get(scoped.evaluation, number)
    return render(
        request,
        "evaluations/run.html",
        {
            "evaluation": scoped.evaluation,
            "run": run,
            "job": run.job,
            "headline": results.headline(run.result) if run.result else [],
            "warnings": (run.result or {}).get("warnings") or [],
        },
    )


def _finished_run(request: AuthedRequest, evaluation_id: str, number: int) -> Any:
    scoped = selectors.evaluation_get_for_user(user=request.user, public_id=evaluation_id)
    run = selectors.run_get(scoped.evaluation, number)
    if run.status != RunStatus.DONE:
        raise Http404
    return run


@login_required
@xframe_options_sameorigin
@csp_replace(  # type: ignore[arg-type]  # typed for views without URL arguments
    {
        "default-src": [NONE],
        "script-src": [NONE],
        "style-src": [UNSAFE_INLINE],
        "img-src": ["data:"],
        "frame-ancestors": [SELF],
        "form-action": [NONE],
    }
)
def report(request: AuthedRequest, evaluation_id: str, number: int) -> HttpResponse:
    """The library's self-contained HTML report, shown in a sandboxed frame: its inline
    styles are allowed here only, and no script may run."""
    run = _finished_run(request, evaluation_id, number)
    html_path, _pdf = services.run_files(run)
    if not html_path.exists():
        raise Http404
    response = HttpResponse(html_path.read_bytes(), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_pdf(request: AuthedRequest, evaluation_id: str, number: int) -> FileResponse:
    run = _finished_run(request, evaluation_id, number)
    _html, pdf_path = services.run_files(run)
    if not pdf_path.exists():
        raise Http404
    name = f"evaluation-{run.evaluation.public_id}-run{run.number}.pdf"
    return FileResponse(
        pdf_path.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


@login_required
def result_json(request: AuthedRequest, evaluation_id: str, number: int) -> HttpResponse:
    run = _finished_run(request, evaluation_id, number)
    response = JsonResponse(run.result, json_dumps_params={"indent": 2})
    name = f"evaluation-{run.evaluation.public_id}-run{run.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def rerun(request: AuthedRequest, evaluation_id: str, dataset_id: str) -> HttpResponse:
    scoped = selectors.evaluation_get_for_user(
        user=request.user, public_id=evaluation_id, role=Role.CONTRIBUTOR
    )
    dataset, membership = selectors.dataset_get_for_user(user=request.user, public_id=dataset_id)
    evaluation: Evaluation = scoped.evaluation
    if dataset.agency_id != evaluation.agency_id or dataset.status != "ready":
        raise Http404
    result = profile.check(dataset, evaluation.kind, evaluation.options)
    if request.method == "POST" and result.ok:
        try:
            run = services.run_start(membership=membership, evaluation=evaluation, dataset=dataset)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            return redirect(
                "evaluations:run", evaluation_id=evaluation.public_id, number=run.number
            )
    preview, error = _load_preview(dataset)
    return render(
        request,
        "evaluations/rerun.html",
        {
            "evaluation": evaluation,
            "dataset": dataset,
            "check": result,
            "preview": preview,
            "data_error": error,
        },
    )


@login_required
@require_POST
def attach(request: AuthedRequest, evaluation_id: str) -> HttpResponse:
    scoped = selectors.evaluation_get_for_user(
        user=request.user, public_id=evaluation_id, role=Role.CONTRIBUTOR
    )
    evaluation = scoped.evaluation
    form = AttachForm(request.POST, systems=selectors.systems_of(evaluation.agency))
    if form.is_valid():
        services.evaluation_attach(
            membership=scoped.membership, evaluation=evaluation, system=form.cleaned_data["system"]
        )
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose one of your agency's AI systems."))
    return redirect("evaluations:detail", evaluation_id=evaluation.public_id)


@login_required
def publish(request: AuthedRequest, evaluation_id: str) -> HttpResponse:
    scoped = selectors.evaluation_get_for_user(
        user=request.user, public_id=evaluation_id, role=Role.CONTRIBUTOR
    )
    evaluation = scoped.evaluation
    initial = {"summary": services.summary_for(evaluation)}
    if evaluation.entry is not None:
        initial["visibility"] = evaluation.entry.visibility
    form = PublishForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.evaluation_publish(
                membership=scoped.membership,
                evaluation=evaluation,
                visibility=form.cleaned_data["visibility"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if entry.status == "approved":
                messages.success(request, _("Published in the resource bank."))
            else:
                messages.success(request, _("Sent to the Lab's curators for publication."))
            return redirect("evaluations:detail", evaluation_id=evaluation.public_id)
    return render(request, "evaluations/publish.html", {"evaluation": evaluation, "form": form})


@login_required
def compare(request: AuthedRequest, evaluation_id: str) -> HttpResponse:
    scoped = selectors.evaluation_get_for_user(user=request.user, public_id=evaluation_id)
    evaluation = scoped.evaluation
    done = [r for r in selectors.runs_of(evaluation) if r.status == RunStatus.DONE]
    numbers = {r.number: r for r in done}

    def pick(name: str, default: int) -> int:
        try:
            value = int(request.GET.get(name, default))
        except ValueError:
            value = default
        return value if value in numbers else default

    changes: list[results.Change] = []
    before = after = None
    if len(done) >= 2:
        after = numbers[pick("b", done[0].number)]
        before = numbers[pick("a", done[1].number)]
        changes = results.compare(before.result or {}, after.result or {})
    return render(
        request,
        "evaluations/compare.html",
        {
            "evaluation": evaluation,
            "runs": done,
            "before": before,
            "after": after,
            "changes": changes,
        },
    )
