"""Pages of the register of AI systems."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from railab.web.accounts.models import Membership, Role, User
from railab.web.core.diff import version_diff, version_history
from railab.web.core.http import AuthedRequest, client_ip
from railab.web.register import exports, selectors, services
from railab.web.register.fields import FIELDS
from railab.web.register.forms import (
    FeedbackForm,
    LinkAssessmentForm,
    SystemForm,
    TransitionForm,
    VisibilityForm,
    WaiverForm,
)
from railab.web.register.models import AISystem, Feedback, FeedbackStatus, RecordStatus, Stage
from railab.web.resources.taxonomy import Technology


def index(request: HttpRequest) -> HttpResponse:
    published = selectors.public_systems()
    country = request.GET.get("country", "")
    technology = request.GET.get("technology", "")
    stage = request.GET.get("stage", "")
    if country:
        published = published.filter(agency__country=country.upper()[:2])
    if technology in Technology.values:
        published = published.filter(technology=technology)
    if stage in Stage.values:
        published = published.filter(lifecycle_stage=stage)
    own: list[AISystem] = []
    if request.user.is_authenticated:
        agency_ids = Membership.objects.filter(user=request.user).values("agency_id")
        own = list(AISystem.objects.filter(agency_id__in=agency_ids).select_related("agency"))
    countries = sorted(
        {(s.agency.country.code, str(s.agency.country.name)) for s in selectors.public_systems()},
        key=lambda c: c[1],
    )
    return render(
        request,
        "register/index.html",
        {
            "systems": list(published.order_by("agency__name", "name")),
            "own": own,
            "countries": countries,
            "technologies": Technology.choices,
            "stages": Stage.choices,
            "selected": {"country": country, "technology": technology, "stage": stage},
        },
    )


def detail(request: HttpRequest, system_id: str) -> HttpResponse:
    system = selectors.system_get_for_user(user=request.user, public_id=system_id)
    owner = selectors.is_owner(request.user, system)
    membership = (
        Membership.objects.filter(user=request.user, agency=system.agency).first()
        if owner and isinstance(request.user, User)
        else None
    )
    feedback = (
        system.feedback.all() if owner else system.feedback.filter(status=FeedbackStatus.SHOWN)
    )
    return render(
        request,
        "register/detail.html",
        {
            "system": system,
            "fields": selectors.visible_fields(system, request.user),
            "owner": owner,
            "membership": membership,
            "gate": services.gate_status(system),
            "feedback_form": FeedbackForm() if system.status == RecordStatus.PUBLISHED else None,
            "feedback": feedback,
            "exports": list(exports.EXPORTS),
            "transitions": _transitions_for(system, membership),
        },
    )


def _transitions_for(system: AISystem, membership: Membership | None) -> list[tuple[str, str]]:
    if membership is None:
        return []
    labels = {
        "submit": _("Send for internal review"),
        "approve": _("Approve"),
        "send_back": _("Send back"),
        "publish": _("Publish"),
        "unpublish": _("Unpublish"),
    }
    return [
        (action, labels[action])
        for action, (allowed, _target, minimum) in services.TRANSITIONS.items()
        if system.status in allowed and membership.has_role(minimum)
    ]


def _member_agencies(request: AuthedRequest) -> list[Membership]:
    return [
        m
        for m in Membership.objects.filter(user=request.user).select_related("agency")
        if m.has_role(Role.CONTRIBUTOR)
    ]


@login_required
def create(request: AuthedRequest) -> HttpResponse:
    memberships = _member_agencies(request)
    if not memberships:
        raise PermissionDenied
    form = SystemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        slug = request.POST.get("agency") or memberships[0].agency.slug
        membership = next((m for m in memberships if m.agency.slug == slug), None)
        if membership is None:
            raise PermissionDenied
        system = services.system_create(
            user=request.user, agency=membership.agency, data=form.changed_data_dict()
        )
        messages.success(request, _("Recorded as a draft."))
        return redirect("register:detail", system_id=system.public_id)
    return render(
        request, "register/form.html", {"form": form, "memberships": memberships, "system": None}
    )


@login_required
def edit(request: AuthedRequest, system_id: str) -> HttpResponse:
    system, _membership = selectors.system_get_for_member(
        user=request.user, public_id=system_id, role=Role.CONTRIBUTOR
    )
    form = SystemForm(request.POST or None, instance=system, initial={"revision": system.revision})
    conflict: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        # The form instance holds the new values; reload the stored record for the service.
        stored = AISystem.objects.get(pk=system.pk)
        try:
            services.system_update(
                system=stored,
                user=request.user,
                data=form.changed_data_dict(),
                revision=int(form.cleaned_data.get("revision") or 0),
                note=form.cleaned_data.get("note", ""),
            )
        except services.EditConflict as exc:
            mine = {name: form.cleaned_data[name] for name in form.changed_data_dict()}
            theirs = {name: getattr(exc.current, name) for name in mine}
            conflict = {
                "changes": version_diff(theirs, mine),
                "revision": exc.current.revision,
            }
            data = request.POST.copy()
            data["revision"] = str(exc.current.revision)
            form = SystemForm(data, instance=exc.current)
        except ValidationError as exc:
            form.add_error("lifecycle_stage", exc)
        else:
            messages.success(request, _("Saved. The previous version is kept."))
            return redirect("register:detail", system_id=system.public_id)
    return render(
        request,
        "register/form.html",
        {"form": form, "memberships": [], "system": system, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
def visibility(request: AuthedRequest, system_id: str) -> HttpResponse:
    system, _membership = selectors.system_get_for_member(
        user=request.user, public_id=system_id, role=Role.CONTRIBUTOR
    )
    form = VisibilityForm(
        request.POST or None, system=system, initial={"revision": system.revision}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.system_set_visibility(
                system=system,
                user=request.user,
                visibility={f.name: form.cleaned_data[f.name] for f in FIELDS},
                revision=form.cleaned_data["revision"],
            )
        except services.EditConflict:
            messages.error(request, _("Someone changed the record meanwhile; review and retry."))
        else:
            messages.success(request, _("Visibility saved."))
            return redirect("register:detail", system_id=system.public_id)
    return render(request, "register/visibility.html", {"form": form, "system": system})


@login_required
@require_POST
def transition(request: AuthedRequest, system_id: str) -> HttpResponse:
    system, _membership = selectors.system_get_for_member(user=request.user, public_id=system_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.system_transition(
            system=system,
            user=request.user,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("register:detail", system_id=system.public_id)


@login_required
@require_POST
def waiver(request: AuthedRequest, system_id: str) -> HttpResponse:
    system, _membership = selectors.system_get_for_member(
        user=request.user, public_id=system_id, role=Role.AGENCY_ADMIN
    )
    form = WaiverForm(request.POST)
    if form.is_valid():
        try:
            services.gate_waive(
                system=system, user=request.user, justification=form.cleaned_data["justification"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Waiver recorded; it is shown on the record."))
    else:
        messages.error(request, _("Write a justification."))
    return redirect("register:detail", system_id=system.public_id)


@login_required
def link_assessment(request: AuthedRequest, system_id: str) -> HttpResponse:
    from railab.web.toolkit.models import Assessment

    system, _membership = selectors.system_get_for_member(
        user=request.user, public_id=system_id, role=Role.CONTRIBUTOR
    )
    candidates = Assessment.objects.filter(agency=system.agency, instrument="risk-assessment")
    choices = [(str(a.public_id), f"{a} ({a.get_status_display()})") for a in candidates]
    form = LinkAssessmentForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["assessment"]
        assessment = candidates.get(public_id=chosen) if chosen else None
        services.link_risk_assessment(system=system, user=request.user, assessment=assessment)
        messages.success(request, _("Risk assessment linked."))
        return redirect("register:detail", system_id=system.public_id)
    return render(request, "register/link_assessment.html", {"form": form, "system": system})


@login_required
def versions(request: AuthedRequest, system_id: str) -> HttpResponse:
    system, _membership = selectors.system_get_for_member(user=request.user, public_id=system_id)
    history = version_history(system.versions.select_related("author").order_by("number"))
    return render(request, "register/versions.html", {"system": system, "history": history})


def export(request: HttpRequest, system_id: str, fmt: str) -> HttpResponse:
    system = selectors.system_get_for_user(user=request.user, public_id=system_id)
    if fmt not in exports.EXPORTS:
        raise Http404
    document = exports.EXPORTS[fmt](system, request.user)
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{system.public_id}-{fmt}.json"'
    return response


def open_data(request: HttpRequest, fmt: str) -> HttpResponse:
    records = [selectors.public_record(s) for s in selectors.public_systems().order_by("name")]
    if fmt == "json":
        body = json.dumps(records, ensure_ascii=False, indent=2, default=str)
        return HttpResponse(body, content_type="application/json")
    if fmt == "csv":
        out = io.StringIO()
        columns = ["id", "name", "agency", "country", *(f.name for f in FIELDS)]
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
        return HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    raise Http404


@require_POST
def feedback(request: HttpRequest, system_id: str) -> HttpResponse:
    system = get_object_or_404(selectors.public_systems(), public_id=system_id)
    form = FeedbackForm(request.POST)
    if form.is_valid() and not form.cleaned_data["website"]:
        try:
            services.feedback_submit(
                system=system,
                name=form.cleaned_data["name"],
                message=form.cleaned_data["message"],
                client_ip=client_ip(request),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Thank you. The agency reads every message before it is shown.")
            )
    else:
        messages.error(request, _("Write a message."))
    return redirect("register:detail", system_id=system.public_id)


@login_required
@require_POST
def moderate(request: AuthedRequest, system_id: str, feedback_id: str) -> HttpResponse:
    system, _membership = selectors.system_get_for_member(
        user=request.user, public_id=system_id, role=Role.CONTRIBUTOR
    )
    item = get_object_or_404(Feedback, system=system, public_id=feedback_id)
    try:
        services.feedback_moderate(
            feedback=item,
            user=request.user,
            status=request.POST.get("status", ""),
            reply=request.POST.get("reply", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("register:detail", system_id=system.public_id)
