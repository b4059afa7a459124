"""Pages of the toolkit: start, answer together, review, results, plan, reports, compare."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from railab.toolkit import AnswersError, compare, migrate_answers
from railab.toolkit._report import render_pdf
from railab.web.accounts.models import Role
from railab.web.accounts.selectors import agency_get_for_user
from railab.web.core.decorators import lab_role_required
from railab.web.core.http import AuthedRequest
from railab.web.toolkit import presenters, selectors, services
from railab.web.toolkit.aggregate import readiness_by_region
from railab.web.toolkit.forms import (
    ActionForm,
    CommentForm,
    ImportForm,
    ReassessForm,
    ReviewForm,
    StartForm,
    answer_from_post,
)
from railab.web.toolkit.instruments import instrument_get, instrument_ids
from railab.web.toolkit.models import Action, Assessment, Evidence, Status
from railab.web.toolkit.selectors import Scoped


def _htmx(request: AuthedRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _subject(assessment: Assessment) -> str:
    return assessment.use_case.name if assessment.use_case else assessment.agency.name


def _base_context(scoped: Scoped) -> dict[str, Any]:
    assessment = scoped.assessment
    instrument = selectors.instrument_of(assessment)
    lang = presenters.current_lang()
    return {
        "a": assessment,
        "agency": assessment.agency,
        "membership": scoped.membership,
        "instrument": instrument,
        "instrument_title": instrument.text("title", lang),
        "subject": _subject(assessment),
        "can_answer": scoped.can_answer,
        "can_comment": scoped.membership.has_role(Role.CONTRIBUTOR),
        "lang": lang,
    }


# ---------------------------------------------------------------------------------------------
# Agency pages


@login_required
def index(request: AuthedRequest, slug: str) -> HttpResponse:
    membership = agency_get_for_user(user=request.user, slug=slug)
    agency = membership.agency
    lang = presenters.current_lang()
    rows: list[dict[str, Any]] = []
    for a in selectors.assessments_of(agency=agency):
        instrument = instrument_get(a.instrument)
        values = selectors.answer_values(a)
        progress = presenters.progress(instrument, values, lang=lang)
        level = (a.result or {}).get("level")
        rows.append(
            {
                "a": a,
                "title": instrument.text("title", lang),
                "subject": _subject(a),
                "percent": progress.percent,
                "level": presenters.level_view(instrument, level, lang) if level else None,
            }
        )
    today = timezone.localdate()
    return render(
        request,
        "toolkit/index.html",
        {
            "agency": agency,
            "membership": membership,
            "rows": rows,
            "due": [r for r in rows if r["a"].reassess_on and r["a"].reassess_on <= today],
            "can_start": membership.has_role(Role.CONTRIBUTOR),
        },
    )


def _instrument_choices(lang: str) -> list[tuple[str, str]]:
    return [(i, instrument_get(i).text("title", lang)) for i in instrument_ids()]


@login_required
def start(request: AuthedRequest, slug: str) -> HttpResponse:
    membership = agency_get_for_user(user=request.user, slug=slug, role=Role.CONTRIBUTOR)
    agency = membership.agency
    lang = presenters.current_lang()
    form = StartForm(
        request.POST or None,
        agency=agency,
        instruments=_instrument_choices(lang),
        initial={
            "instrument": request.GET.get("instrument", "readiness"),
            "use_case": request.GET.get("use_case"),
        },
    )
    if request.method == "POST" and form.is_valid():
        instrument = instrument_get(form.cleaned_data["instrument"])
        try:
            use_case = form.cleaned_data["use_case"]
            if instrument.subject == "use_case" and use_case is None:
                use_case = services.use_case_create(
                    agency=agency,
                    user=request.user,
                    name=form.cleaned_data["new_name"],
                    description=form.cleaned_data["new_description"],
                )
            assessment = services.assessment_start(
                membership=membership, instrument_id=instrument.id, use_case=use_case
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if assessment.prefilled_from_id:
                messages.info(
                    request,
                    _(
                        "%(n)s answers were filled in from the risk assessment of this use case; "
                        "check them."
                    )
                    % {"n": len(assessment.sources)},
                )
            return redirect("toolkit:detail", assessment_id=assessment.public_id)
    instruments = []
    for i in instrument_ids():
        instrument = instrument_get(i)
        description = instrument.description
        instruments.append(
            {
                "id": i,
                "title": instrument.text("title", lang),
                "description": description.get(lang) if description else "",
                "per_use_case": instrument.subject == "use_case",
            }
        )
    return render(
        request,
        "toolkit/start.html",
        {"agency": agency, "form": form, "instruments": instruments},
    )


@login_required
def import_(request: AuthedRequest, slug: str) -> HttpResponse:
    membership = agency_get_for_user(user=request.user, slug=slug, role=Role.CONTRIBUTOR)
    agency = membership.agency
    form = ImportForm(request.POST or None, request.FILES or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            imported = services.assessment_import(
                membership=membership,
                content=form.cleaned_data["file"].read(),
                use_case=form.cleaned_data["use_case"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            for change in imported.changes:
                messages.warning(request, f"{change.question}: {change.detail}")
            messages.success(request, _("The assessment is open again, in progress."))
            return redirect("toolkit:detail", assessment_id=imported.assessment.public_id)
    return render(request, "toolkit/import.html", {"agency": agency, "form": form})


# ---------------------------------------------------------------------------------------------
# One assessment


@login_required
def detail(request: AuthedRequest, assessment_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    context = _base_context(scoped)
    assessment, instrument = scoped.assessment, context["instrument"]
    if assessment.instrument_version != instrument.version and scoped.can_answer:
        try:
            changes = services.assessment_upgrade(assessment=assessment, user=request.user)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            for change in changes:
                messages.warning(request, f"{change.question}: {change.detail}")
    values = selectors.answer_values(assessment)
    context.update(
        progress=presenters.progress(instrument, values, lang=context["lang"]),
        may_review=services.may_review(assessment=assessment, membership=scoped.membership),
        review_form=ReviewForm(),
        reassess_form=ReassessForm(initial={"reassess_on": assessment.reassess_on}),
        can_reassess=scoped.membership.has_role(Role.ASSESSOR),
        others=list(selectors.same_subject(assessment=assessment)[:20]),
        own_submission=assessment.submitted_by_id == request.user.pk,
    )
    return render(request, "toolkit/detail.html", context)


def _section_context(scoped: Scoped, section_id: str) -> dict[str, Any]:
    context = _base_context(scoped)
    assessment, instrument, lang = scoped.assessment, context["instrument"], context["lang"]
    section = presenters.section_of(instrument, section_id)
    if section is None:
        raise Http404
    answers = {a.question: a for a in assessment.answers.select_related("updated_by")}
    values = {q: a.value for q, a in answers.items()}
    visible = presenters.visible_ids(instrument, values)
    comments = presenters.group(selectors.comments_of(assessment=assessment))
    evidence = presenters.group(selectors.evidence_of(assessment=assessment))
    context.update(
        section=section,
        section_title=instrument.text(f"{section.id}.title", lang),
        section_description=section.description.get(lang) if section.description else "",
        questions=[
            presenters.question_view(
                instrument,
                q,
                values=values,
                visible=visible,
                lang=lang,
                answers=answers,
                comments=comments,
                evidence=evidence,
                sources=assessment.sources,
            )
            for q in section.questions
        ],
        progress=presenters.progress(
            instrument, values, lang=lang, current=section.id, visible=visible
        ),
        values=values,
        visible=visible,
        answers=answers,
        comments=comments,
        evidence=evidence,
    )
    ids = [s.id for s in instrument.sections]
    i = ids.index(section.id)
    context["previous"] = ids[i - 1] if i > 0 else None
    context["next"] = ids[i + 1] if i + 1 < len(ids) else None
    return context


@login_required
def section(request: AuthedRequest, assessment_id: str, section_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    return render(request, "toolkit/section.html", _section_context(scoped, section_id))


def _question_response(
    request: AuthedRequest,
    scoped: Scoped,
    question_id: str,
    *,
    visible_before: frozenset[str],
    error: str = "",
) -> HttpResponse:
    """The saved question, the questions of its section that appeared or disappeared, and
    the progress: one response, swapped by htmx (the others out of band)."""
    instrument = selectors.instrument_of(scoped.assessment)
    q = instrument.question(question_id)
    context = _section_context(scoped, q.section)
    main = next(v for v in context["questions"] if v.q.id == question_id)
    main.error = error
    changed = [
        v
        for v in context["questions"]
        if v.q.id != question_id and (v.q.id in visible_before) != v.visible
    ]
    for v in changed:
        v.oob = True
    context.update(main=main, changed=changed)
    return render(request, "toolkit/_answer_response.html", context)


def _question_or_404(scoped: Scoped, question_id: str) -> Any:
    try:
        return selectors.instrument_of(scoped.assessment).question(question_id)
    except KeyError:
        raise Http404 from None


def _back_to_question(scoped: Scoped, question: Any) -> HttpResponse:
    url = reverse("toolkit:section", args=[scoped.assessment.public_id, question.section])
    return redirect(f"{url}#q-{question.id}")


@login_required
@require_POST
def answer(request: AuthedRequest, assessment_id: str, question_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    if not scoped.can_answer:
        raise PermissionDenied
    instrument = selectors.instrument_of(scoped.assessment)
    q = _question_or_404(scoped, question_id)
    before = presenters.visible_ids(instrument, selectors.answer_values(scoped.assessment))
    error = ""
    try:
        services.answer_save(
            assessment=scoped.assessment,
            user=request.user,
            question=q.id,
            value=answer_from_post(q, request.POST),
        )
    except ValidationError as exc:
        error = _errors(exc)
    if not _htmx(request):
        if error:
            messages.error(request, error)
        return _back_to_question(scoped, q)
    return _question_response(request, scoped, q.id, visible_before=before, error=error)


@login_required
@require_POST
def comment(request: AuthedRequest, assessment_id: str, question_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    if not scoped.membership.has_role(Role.CONTRIBUTOR):
        raise PermissionDenied
    q = _question_or_404(scoped, question_id)
    form = CommentForm(request.POST)
    error = ""
    if form.is_valid():
        services.comment_add(
            assessment=scoped.assessment,
            user=request.user,
            question=q.id,
            body=form.cleaned_data["body"],
        )
    else:
        error = _("Write a comment first.")
    if not _htmx(request):
        if error:
            messages.error(request, error)
        return _back_to_question(scoped, q)
    return render(
        request,
        "toolkit/_comments.html",
        {
            "a": scoped.assessment,
            "qv": {
                "q": q,
                "comments": list(
                    selectors.comments_of(assessment=scoped.assessment, question=q.id)
                ),
            },
            "open": True,
            "comment_error": error,
            "can_comment": True,
        },
    )


@login_required
@require_POST
def evidence_upload(request: AuthedRequest, assessment_id: str, question_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    if not scoped.can_answer:
        raise PermissionDenied
    q = _question_or_404(scoped, question_id)
    instrument = selectors.instrument_of(scoped.assessment)
    before = presenters.visible_ids(instrument, selectors.answer_values(scoped.assessment))
    error = ""
    upload = request.FILES.get("file")
    if upload is None:
        error = _("Choose a file to upload.")
    else:
        try:
            services.evidence_add(
                assessment=scoped.assessment, user=request.user, question=q.id, upload=upload
            )
        except ValidationError as exc:
            error = _errors(exc)
    if not _htmx(request):
        if error:
            messages.error(request, error)
        return _back_to_question(scoped, q)
    return _question_response(request, scoped, q.id, visible_before=before, error=error)


def _evidence_of(scoped: Scoped, evidence_id: str) -> Evidence:
    return get_object_or_404(Evidence, assessment=scoped.assessment, public_id=evidence_id)


@login_required
def evidence_download(
    request: AuthedRequest, assessment_id: str, evidence_id: str
) -> HttpResponseBase:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    evidence = _evidence_of(scoped, evidence_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=evidence.media_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_remove(request: AuthedRequest, assessment_id: str, evidence_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    if not scoped.can_answer:
        raise PermissionDenied
    evidence = _evidence_of(scoped, evidence_id)
    q = _question_or_404(scoped, evidence.question)
    instrument = selectors.instrument_of(scoped.assessment)
    before = presenters.visible_ids(instrument, selectors.answer_values(scoped.assessment))
    services.evidence_remove(evidence=evidence, user=request.user)
    if not _htmx(request):
        return _back_to_question(scoped, q)
    return _question_response(request, scoped, q.id, visible_before=before)


@login_required
def history(request: AuthedRequest, assessment_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    context = _base_context(scoped)
    instrument, lang = context["instrument"], context["lang"]
    page = Paginator(selectors.history_of(assessment=scoped.assessment), 50).get_page(
        request.GET.get("page")
    )
    titles = {}
    for q in instrument.questions:
        titles[q.id] = instrument.text(f"{q.id}.title", lang)
    rows = [
        {
            "change": c,
            "title": titles.get(c.question, c.question),
            "value": _display_value(instrument, c.question, c.value, lang),
        }
        for c in page.object_list
    ]
    context.update(page=page, rows=rows)
    return render(request, "toolkit/history.html", context)


def _display_value(instrument: Any, question_id: str, value: Any, lang: str) -> str:
    if value is None:
        return "—"
    try:
        q = instrument.question(question_id)
    except KeyError:
        return json.dumps(value, ensure_ascii=False)
    if q.type in ("single_choice", "yes_no_unknown") and isinstance(value, str):
        option = q.option(value)
        return option.label.get(lang) if option else value
    if q.type == "multiple_choice" and isinstance(value, list):
        return ", ".join(o.label.get(lang) for o in q.options if o.value in value)
    if q.type == "evidence" and isinstance(value, list):
        return ", ".join(str(f.get("name", "?")) for f in value if isinstance(f, dict))
    if q.type == "risk" and isinstance(value, dict):
        return f"{value.get('likelihood', '?')} \N{MULTIPLICATION SIGN} {value.get('impact', '?')}"
    return str(value)


@login_required
@require_POST
def submit(request: AuthedRequest, assessment_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    try:
        services.assessment_submit(assessment=scoped.assessment, membership=scoped.membership)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Submitted. An assessor will review it."))
    return redirect("toolkit:detail", assessment_id=scoped.assessment.public_id)


@login_required
@require_POST
def review(request: AuthedRequest, assessment_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    if not scoped.membership.has_role(Role.ASSESSOR):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to send back."))
        return redirect("toolkit:detail", assessment_id=scoped.assessment.public_id)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.assessment_review(
            assessment=scoped.assessment,
            membership=scoped.membership,
            approve=approve,
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Approved.") if approve else _("Sent back with your note."))
    return redirect("toolkit:detail", assessment_id=scoped.assessment.public_id)


@login_required
@require_POST
def reopen(request: AuthedRequest, assessment_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    try:
        services.assessment_reopen(assessment=scoped.assessment, membership=scoped.membership)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("toolkit:detail", assessment_id=scoped.assessment.public_id)


@login_required
@require_POST
def reassess(request: AuthedRequest, assessment_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    if not scoped.membership.has_role(Role.ASSESSOR):
        raise PermissionDenied
    form = ReassessForm(request.POST)
    if form.is_valid():
        services.reassessment_set(
            assessment=scoped.assessment,
            user=request.user,
            date=form.cleaned_data["reassess_on"],
        )
        messages.success(request, _("Re-assessment date saved."))
    else:
        messages.error(request, _("Enter a date as YYYY-MM-DD."))
    return redirect("toolkit:detail", assessment_id=scoped.assessment.public_id)


# ---------------------------------------------------------------------------------------------
# Results, reports


def _chart_titles() -> dict[str, str]:
    return {
        "sections": _("Scores by section, 0 to 100"),
        "principles": _("Scores by principle, 0 to 100"),
        "matrix": _("Risk matrix: residual risks per cell, inherent risks in brackets"),
        "likelihood": _("Likelihood"),
        "impact": _("Impact"),
    }


@login_required
def results(request: AuthedRequest, assessment_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    context = _base_context(scoped)
    instrument = context["instrument"]
    result = selectors.result_of(instrument, selectors.answers_document(scoped.assessment))
    context["results"] = (
        presenters.results_view(
            instrument, result, lang=context["lang"], chart_titles=_chart_titles()
        )
        if result is not None
        else None
    )
    return render(request, "toolkit/results.html", context)


@login_required
def report_pdf(request: AuthedRequest, assessment_id: str) -> HttpResponse:
    """The library's report, typeset inline: it takes well under a second (measured 0.1 to
    0.7 s for the shipped instruments), so a background job would only add waiting."""
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    instrument = selectors.instrument_of(scoped.assessment)
    lang = presenters.current_lang()
    document = selectors.answers_document(scoped.assessment, lang=lang)
    result = selectors.result_of(instrument, document)
    if result is None:
        messages.error(request, _("These answers cannot be scored with this instrument version."))
        return redirect("toolkit:detail", assessment_id=scoped.assessment.public_id)
    pdf = render_pdf(instrument, result, document, lang=lang)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{scoped.assessment.instrument}-{scoped.assessment.public_id}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_json(request: AuthedRequest, assessment_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    assessment = scoped.assessment
    document = selectors.answers_document(assessment, lang=presenters.current_lang())
    document["meta"] = {
        "railab_assessment": str(assessment.public_id),
        "status": assessment.status,
        "use_case": assessment.use_case.name if assessment.use_case else None,
        "use_case_description": assessment.use_case.description if assessment.use_case else None,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "approved_at": assessment.reviewed_at.isoformat(timespec="seconds")
        if assessment.status == Status.APPROVED and assessment.reviewed_at
        else None,
    }
    body = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"{assessment.instrument}-{assessment.public_id}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---------------------------------------------------------------------------------------------
# Action plan


@login_required
def plan(request: AuthedRequest, assessment_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    context = _base_context(scoped)
    instrument, lang = context["instrument"], context["lang"]
    members = selectors.members_of(agency=scoped.assessment.agency)
    recs = {r.id: r for r in instrument.recommendations}
    actions = []
    for action in selectors.actions_of(assessment=scoped.assessment):
        text = instrument.text(action.recommendation, lang) if action.recommendation in recs else ""
        actions.append(
            {
                "action": action,
                "text": text,
                "form": ActionForm(
                    members=members,
                    initial={
                        "owner": action.owner_id,
                        "due_on": action.due_on,
                        "status": action.status,
                        "note": action.note,
                    },
                    prefix=str(action.public_id),
                ),
            }
        )
    context.update(actions=actions, can_edit=scoped.can_edit_plan)
    return render(request, "toolkit/plan.html", context)


@login_required
@require_POST
def plan_generate(request: AuthedRequest, assessment_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    if not scoped.can_edit_plan:
        raise PermissionDenied
    created = services.action_plan_generate(assessment=scoped.assessment, user=request.user)
    messages.success(
        request, _("%(n)s actions added from the recommendations.") % {"n": len(created)}
    )
    return redirect("toolkit:plan", assessment_id=scoped.assessment.public_id)


@login_required
@require_POST
def action_update(request: AuthedRequest, assessment_id: str, action_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    if not scoped.can_edit_plan:
        raise PermissionDenied
    action = get_object_or_404(Action, assessment=scoped.assessment, public_id=action_id)
    form = ActionForm(
        request.POST,
        members=selectors.members_of(agency=scoped.assessment.agency),
        prefix=str(action.public_id),
    )
    if form.is_valid():
        try:
            services.action_update(
                action=action,
                user=request.user,
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Action saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    url = reverse("toolkit:plan", args=[scoped.assessment.public_id])
    return redirect(f"{url}#action-{action.public_id}")


# ---------------------------------------------------------------------------------------------
# Compare


@login_required
def compare_view(request: AuthedRequest, assessment_id: str) -> HttpResponse:
    scoped = selectors.assessment_get_for_user(user=request.user, public_id=assessment_id)
    context = _base_context(scoped)
    instrument, lang = context["instrument"], context["lang"]
    assessment = scoped.assessment
    others = list(selectors.same_subject(assessment=assessment))
    other = None
    wanted = request.GET.get("with", "")
    if wanted:
        other = next((o for o in others if str(o.public_id) == wanted), None)
        if other is None:
            raise Http404
    elif others:
        other = others[0]
    context.update(others=others, other=other, comparison=None, problem="")
    if other is not None:
        before, after = sorted([other, assessment], key=lambda a: a.created_at)
        try:
            docs = []
            for a in (before, after):
                doc = selectors.answers_document(a)
                if a.instrument_version != instrument.version:
                    doc = migrate_answers(doc, None, instrument).answers
                docs.append(doc)
            r_before = selectors.result_of(instrument, docs[0])
            r_after = selectors.result_of(instrument, docs[1])
        except AnswersError as exc:
            r_before = r_after = None
            context["problem"] = str(exc)
        if r_before is not None and r_after is not None:
            context["comparison"] = presenters.comparison_rows(
                instrument, compare(r_before, r_after), lang=lang
            )
        context.update(before=before, after=after)
    return render(request, "toolkit/compare.html", context)


# ---------------------------------------------------------------------------------------------
# Lab


@lab_role_required()
def lab_readiness(request: AuthedRequest) -> HttpResponse:
    lang = presenters.current_lang()
    return render(request, "toolkit/lab_readiness.html", {"table": readiness_by_region(lang=lang)})
