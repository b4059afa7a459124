"""Pages of events, courses, certificates, the expert directory and recommendations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from railab.web.accounts import selectors as account_selectors
from railab.web.accounts.models import Agency, Membership, Role
from railab.web.core.decorators import lab_role_required
from railab.web.core.http import AuthedRequest
from railab.web.core.tenancy import Visibility
from railab.web.learning import courses as course_services
from railab.web.learning import experts as expert_services
from railab.web.learning import selectors, services, timezones
from railab.web.learning.forms import (
    AnswerForm,
    AttendanceForm,
    CertificateLookupForm,
    ContactAnswerForm,
    ContactForm,
    EventForm,
    ExpertProfileForm,
    ExpertSearchForm,
    TimeZoneForm,
    expertise_titles,
)
from railab.web.learning.ical import event_calendar
from railab.web.learning.markdown import render_markdown
from railab.web.learning.models import (
    ContactStatus,
    EventKind,
    ExpertProfile,
    Question,
    QuestionKind,
    RegistrationStatus,
)
from railab.web.learning.pdf import certificate_pdf, verification_url
from railab.web.learning.recommendations import readiness_weakest_dimensions, recommend_for
from railab.web.resources.models import Term

TZ_COOKIE_AGE = 365 * 24 * 3600


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render with times shown in the viewer's own time zone."""
    zone, chosen = timezones.viewer_zone_info(request)
    context.setdefault("viewer_zone", str(zone))
    context.setdefault("viewer_zone_chosen", chosen)
    context.setdefault("tz_form", TimeZoneForm(initial={"time_zone": str(zone)}))
    with timezone.override(zone):
        return render(request, template, context, status=status)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _errors(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# --- time zone ------------------------------------------------------------------------


@require_POST
def set_timezone(request: HttpRequest) -> HttpResponse:
    form = TimeZoneForm(request.POST)
    response = HttpResponseRedirect(_safe_next(request, reverse("learning:events")))
    if not form.is_valid():
        messages.error(request, _errors(form))
        return response
    name = form.cleaned_data["time_zone"]
    if request.user.is_authenticated:
        services.time_zone_choose(user=request.user, name=name)
    for cookie, value in ((timezones.COOKIE, name), (timezones.CHOSEN_COOKIE, "1")):
        response.set_cookie(cookie, value, max_age=TZ_COOKIE_AGE, samesite="Lax")
    return response


# --- events ---------------------------------------------------------------------------


def events(request: HttpRequest) -> HttpResponse:
    past = request.GET.get("when") == "past"
    kind = request.GET.get("kind", "")
    kind = kind if kind in EventKind.values else ""
    items = list(selectors.events_list(user=request.user, past=past, kind=kind)[:100])
    return _render(
        request,
        "learning/events.html",
        {
            "events": items,
            "past": past,
            "kind": kind,
            "kinds": EventKind.choices,
            "can_create": _can_create_events(request),
        },
    )


def _event_context(request: HttpRequest, event: Any) -> dict[str, Any]:
    registration = selectors.registration_of(event=event, user=request.user)
    taken = event.confirmed_count
    return {
        "event": event,
        "description": render_markdown(event.description),
        "registration": registration,
        "position": services.waitlist_position(registration) if registration else 0,
        "seats_left": None if event.capacity is None else max(0, event.capacity - taken),
        "can_manage": selectors.event_can_manage(user=request.user, event=event),
        "materials": list(event.materials.all()),
        "organisers": list(event.organisers.all()),
        "registration_open": event.cancelled_at is None and event.starts_at > timezone.now(),
    }


def event_detail(request: HttpRequest, event_id: str) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, public_id=event_id)
    return _render(request, "learning/event_detail.html", _event_context(request, event))


def _managed_agencies(request: AuthedRequest) -> list[Agency]:
    return [
        m.agency
        for m in Membership.objects.filter(
            user=request.user, role=Role.AGENCY_ADMIN
        ).select_related("agency")
    ]


def _can_create_events(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    return (
        bool(getattr(user, "is_lab_staff", False))
        or Membership.objects.filter(user=user, role=Role.AGENCY_ADMIN).exists()
    )


def _event_data(form: EventForm, user: Any) -> services.EventData:
    d = form.cleaned_data
    return services.EventData(
        kind=d["kind"],
        title=d["title"],
        description=d["description"],
        starts_at=d["starts_at"],
        ends_at=d["ends_at"],
        time_zone=d["time_zone"],
        location=d["location"],
        online_url=d["online_url"],
        languages=list(d["languages"]),
        capacity=d["capacity"],
        visibility=d["visibility"],
        agency=d["agency_obj"],
        organisers=list(dict.fromkeys([user, *d["organisers"]])),
        materials=d["materials"],
    )


@login_required
def event_create(request: AuthedRequest) -> HttpResponse:
    if not _can_create_events(request):
        raise PermissionDenied
    agencies = _managed_agencies(request)
    initial = {"time_zone": str(timezones.viewer_zone(request))}
    form = EventForm(
        request.POST or None,
        user=request.user,
        agencies=agencies,
        lab_option=request.user.is_lab_staff,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(by=request.user, data=_event_data(form, request.user))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The event is published."))
            return redirect("learning:event_detail", event_id=event.public_id)
    return _render(request, "learning/event_form.html", {"form": form, "editing": None})


@login_required
def event_edit(request: AuthedRequest, event_id: str) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, public_id=event_id)
    if not selectors.event_can_manage(user=request.user, event=event):
        raise PermissionDenied
    agencies = _managed_agencies(request)
    if event.agency is not None and event.agency not in agencies:
        agencies.append(event.agency)
    form = EventForm(
        request.POST or None,
        user=request.user,
        agencies=agencies,
        lab_option=request.user.is_lab_staff or event.agency is None,
        initial=EventForm.initial_from(event),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(
                event=event, by=request.user, data=_event_data(form, request.user)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("learning:event_detail", event_id=event.public_id)
    return _render(request, "learning/event_form.html", {"form": form, "editing": event})


def _after_registration(request: HttpRequest, event_id: str) -> HttpResponse:
    if _is_htmx(request):
        event = selectors.event_get_for_user(user=request.user, public_id=event_id)
        context = {**_event_context(request, event), "htmx": True}
        return _render(request, "learning/_registration.html", context)
    return redirect("learning:event_detail", event_id=event_id)


@login_required
@require_POST
def event_register(request: AuthedRequest, event_id: str) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, public_id=event_id)
    try:
        registration = services.registration_register(event=event, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if registration.status == RegistrationStatus.CONFIRMED:
            messages.success(request, _("You are registered. A confirmation is on its way."))
        else:
            messages.warning(
                request, _("The event is full: you are on the waiting list. We will write.")
            )
    return _after_registration(request, event_id)


@login_required
@require_POST
def event_cancel(request: AuthedRequest, event_id: str) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, public_id=event_id)
    try:
        cancelled = services.registration_cancel(event=event, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if cancelled is not None:
            messages.success(request, _("Your registration is cancelled."))
    return _after_registration(request, event_id)


def event_ics(request: HttpRequest, event_id: str) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, public_id=event_id)
    response = HttpResponse(event_calendar([event]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="railab-event-{event.public_id}.ics"'
    return response


def events_feed(request: HttpRequest) -> HttpResponse:
    """Public events for calendar apps (they subscribe without signing in, so nothing
    restricted is ever listed)."""
    since = timezone.now() - timedelta(days=90)
    items = selectors.events_visible_to(request.user).filter(
        visibility=Visibility.PUBLIC, ends_at__gte=since
    )
    body = event_calendar(items.order_by("starts_at")[:500], name=_("railab events"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
def event_attendees(request: AuthedRequest, event_id: str) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, public_id=event_id)
    if not selectors.event_can_manage(user=request.user, event=event):
        raise PermissionDenied
    registrations = list(selectors.event_registrations(event=event))
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    form = AttendanceForm(request.POST or None, registrations=confirmed)
    if request.method == "POST" and form.is_valid():
        changed = services.attendance_record(event=event, by=request.user, attended=form.attended())
        messages.success(request, _("Attendance saved (%(n)s changed).") % {"n": changed})
        return redirect("learning:event_attendees", event_id=event.public_id)
    return _render(
        request,
        "learning/event_attendees.html",
        {
            "event": event,
            "form": form,
            "rows": [(r, form[f"r{r.pk}"]) for r in confirmed],
            "waiting": [r for r in registrations if r.status == RegistrationStatus.WAITLISTED],
        },
    )


# --- my learning ----------------------------------------------------------------------


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    enrollments = list(selectors.enrollments_of_user(user=request.user))
    return _render(
        request,
        "learning/mine.html",
        {
            "registrations": list(selectors.registrations_of_user(user=request.user)),
            "enrollments": enrollments,
        },
    )


# --- courses --------------------------------------------------------------------------


def courses(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        "learning/courses.html",
        {"courses": list(selectors.courses_visible_to(request.user))},
    )


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, slug=slug)
    enrollment = selectors.enrollment_of(course=course, user=request.user)
    certificate = getattr(enrollment, "certificate", None) if enrollment else None
    return _render(
        request,
        "learning/course_detail.html",
        {
            "course": course,
            "summary": render_markdown(course.summary),
            "modules": selectors.course_modules(course=course),
            "enrollment": enrollment,
            "progress": selectors.progress_of(enrollment=enrollment, course=course),
            "certificate": certificate,
        },
    )


@login_required
@require_POST
def course_enroll(request: AuthedRequest, slug: str) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, slug=slug)
    course_services.course_enroll(course=course, user=request.user)
    first = course.modules.order_by("position").first()
    if first is None:
        return redirect("learning:course_detail", slug=slug)
    return redirect("learning:module", slug=slug, module_slug=first.slug)


def _initial_choice(question: Question, answers: dict[int, Any]) -> dict[str, Any] | None:
    if question.pk not in answers:
        return None
    chosen = answers[question.pk].choices
    single = question.kind == QuestionKind.SINGLE
    return {"choice": (chosen[0] if chosen else None) if single else chosen}


def _module_context(request: HttpRequest, course: Any, module: Any) -> dict[str, Any]:
    enrollment = selectors.enrollment_of(course=course, user=request.user)
    modules = selectors.course_modules(course=course)
    index = next(i for i, m in enumerate(modules) if m.pk == module.pk)
    answers = selectors.answers_of(enrollment=enrollment, module=module)
    progress = selectors.progress_of(enrollment=enrollment, course=course)
    questions = [
        {
            "question": q,
            "answer": answers.get(q.pk),
            "form": AnswerForm(
                question=q,
                prefix=f"q{q.pk}",
                initial=_initial_choice(q, answers),
            ),
        }
        for q in module.questions.all()
    ]
    return {
        "course": course,
        "module": module,
        "body": render_markdown(module.body),
        "modules": modules,
        "previous": modules[index - 1] if index > 0 else None,
        "next": modules[index + 1] if index + 1 < len(modules) else None,
        "enrollment": enrollment,
        "progress": progress,
        "completed": module.pk in progress.done,
        "questions": questions,
        "resources": list(module.resources.all()),
        "certificate": getattr(enrollment, "certificate", None) if enrollment else None,
    }


def module(request: HttpRequest, slug: str, module_slug: str) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, slug=slug)
    current = selectors.module_get(course=course, slug=module_slug)
    return _render(request, "learning/module.html", _module_context(request, course, current))


@login_required
@require_POST
def module_read(request: AuthedRequest, slug: str, module_slug: str) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, slug=slug)
    current = selectors.module_get(course=course, slug=module_slug)
    enrollment = course_services.course_enroll(course=course, user=request.user)
    try:
        certificate = course_services.module_mark_read(enrollment=enrollment, module=current)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if certificate is not None:
            messages.success(request, _("Course complete: your certificate is ready."))
    return redirect("learning:module", slug=slug, module_slug=module_slug)


@login_required
@require_POST
def answer(request: AuthedRequest, slug: str, module_slug: str, question_id: str) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, slug=slug)
    current = selectors.module_get(course=course, slug=module_slug)
    question = get_object_or_404(
        Question.objects.filter(module=current).prefetch_related("choices"),
        public_id=question_id,
    )
    enrollment = course_services.course_enroll(course=course, user=request.user)
    form = AnswerForm(request.POST, question=question, prefix=f"q{question.pk}")
    result = None
    if form.is_valid():
        try:
            result = course_services.answer_submit(
                enrollment=enrollment, question=question, choice_ids=form.chosen()
            )
        except ValidationError as exc:
            form.add_error("choice", exc)
    if result is not None and result.certificate is not None:
        messages.success(request, _("Course complete: your certificate is ready."))
    if _is_htmx(request) and not (result and (result.module_completed or result.certificate)):
        return _render(
            request,
            "learning/_question.html",
            {
                "course": course,
                "module": current,
                "item": {
                    "question": question,
                    "answer": result.answer if result else None,
                    "form": form,
                },
            },
            status=200 if form.is_valid() else 422,
        )
    target = reverse("learning:module", args=[slug, module_slug]) + f"#q-{question.public_id}"
    if _is_htmx(request):
        # The module is complete: reload the page so that progress and links update.
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    if not form.is_valid():
        messages.error(request, _errors(form))
    return redirect(target)


@login_required
def certificate_download(request: AuthedRequest, slug: str) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, slug=slug)
    certificate = selectors.certificate_of(course=course, user=request.user)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


def certificate_lookup(request: HttpRequest) -> HttpResponse:
    form = CertificateLookupForm(request.GET or None)
    if form.is_valid():
        certificate = selectors.certificate_by_code(form.cleaned_data["code"])
        if certificate is not None:
            return redirect("learning:certificate_verify", code=certificate.code)
        form.add_error("code", _("No certificate has this code. Check it letter by letter."))
    return _render(
        request,
        "learning/certificate_verify.html",
        {"form": form, "certificate": None, "looked_up": False},
        status=404 if request.GET and form.errors else 200,
    )


def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    certificate = selectors.certificate_by_code(code)
    return _render(
        request,
        "learning/certificate_verify.html",
        {
            "form": CertificateLookupForm(initial={"code": code}),
            "certificate": certificate,
            "looked_up": True,
            "code": code,
            "url": verification_url(certificate) if certificate else "",
        },
        status=200 if certificate is not None else 404,
    )


# --- experts --------------------------------------------------------------------------


@login_required
def experts(request: AuthedRequest) -> HttpResponse:
    form = ExpertSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    items = list(
        selectors.experts_search(
            query=data.get("q", ""),
            expertise=data.get("expertise") or [],
            language=data.get("language", ""),
            country=data.get("country", ""),
            verified_only=bool(data.get("verified")),
        )[:200]
    )
    own = ExpertProfile.objects.filter(user=request.user).first()
    template = "learning/_experts.html" if _is_htmx(request) else "learning/experts.html"
    return _render(request, template, {"form": form, "experts": items, "own": own})


@login_required
def expert_detail(request: AuthedRequest, expert_id: str) -> HttpResponse:
    expert = selectors.expert_get_for_user(user=request.user, public_id=expert_id)
    return _render(
        request,
        "learning/expert_detail.html",
        {"expert": expert, "is_own": expert.user_id == request.user.pk},
    )


@login_required
def expert_profile_edit(request: AuthedRequest) -> HttpResponse:
    profile = ExpertProfile.objects.filter(user=request.user).prefetch_related("expertise").first()
    initial: dict[str, Any] = {"name": request.user.full_name, "listed": True}
    if profile is not None:
        initial = {
            "name": profile.name,
            "organisation": profile.organisation,
            "country": str(profile.country),
            "languages": profile.languages,
            "expertise": [str(t) for t in profile.expertise.all()],
            "bio": profile.bio,
            "listed": profile.listed,
        }
    form = ExpertProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        wanted = [key.partition(":") for key in d["expertise"]]
        terms = [t for t in Term.objects.all() if (t.vocabulary, ":", t.code) in wanted]
        saved = expert_services.expert_profile_save(
            user=request.user,
            data=expert_services.ExpertData(
                name=d["name"],
                organisation=d["organisation"],
                country=d["country"],
                bio=d["bio"],
                languages=list(d["languages"]),
                expertise=terms,
                listed=d["listed"],
            ),
        )
        messages.success(request, _("Your expert profile is saved."))
        return redirect("learning:expert_detail", expert_id=saved.public_id)
    groups: dict[str, list[Any]] = {}
    for option in form["expertise"].subwidgets:
        groups.setdefault(str(option.data["value"]).partition(":")[0], []).append(option)
    titles = dict(expertise_titles())
    return _render(
        request,
        "learning/expert_form.html",
        {
            "form": form,
            "profile": profile,
            "expertise_groups": [(titles.get(k, k), v) for k, v in groups.items()],
        },
    )


@login_required
def expert_contact(request: AuthedRequest, expert_id: str) -> HttpResponse:
    expert = selectors.expert_get_for_user(user=request.user, public_id=expert_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = expert_services.contact_request_create(
                expert=expert,
                requester=request.user,
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your request is sent. You will be told the answer."))
            return redirect("learning:contact_request", request_id=sent.public_id)
    return _render(
        request,
        "learning/expert_contact.html",
        {"expert": expert, "form": form, "is_own": expert.user_id == request.user.pk},
    )


@lab_role_required()
@require_POST
def expert_verify(request: AuthedRequest, expert_id: str) -> HttpResponse:
    expert = get_object_or_404(ExpertProfile, public_id=expert_id)
    verified = request.POST.get("verified") == "1"
    expert_services.expert_verify(expert=expert, curator=request.user, verified=verified)
    messages.success(
        request, _("Marked as verified.") if verified else _("Verification withdrawn.")
    )
    return redirect("learning:expert_detail", expert_id=expert.public_id)


@login_required
def contact_requests(request: AuthedRequest) -> HttpResponse:
    return _render(
        request,
        "learning/contact_requests.html",
        {
            "received": list(selectors.contact_requests_received(user=request.user)[:100]),
            "sent": list(selectors.contact_requests_sent(user=request.user)[:100]),
        },
    )


@login_required
def contact_request(request: AuthedRequest, request_id: str) -> HttpResponse:
    item = selectors.contact_request_get_for_user(user=request.user, public_id=request_id)
    is_expert = item.expert.user_id == request.user.pk
    form = ContactAnswerForm(request.POST or None)
    if request.method == "POST":
        if not is_expert:
            raise PermissionDenied
        if form.is_valid():
            try:
                expert_services.contact_request_answer(
                    request=item,
                    by=request.user,
                    accept=form.cleaned_data["decision"] == "accept",
                    reply=form.cleaned_data["reply"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your answer is sent."))
                return redirect("learning:contact_request", request_id=item.public_id)
    return _render(
        request,
        "learning/contact_request.html",
        {
            "item": item,
            "is_expert": is_expert,
            "form": form if is_expert and item.status == ContactStatus.PENDING else None,
        },
    )


# --- recommendations ------------------------------------------------------------------


@login_required
def recommendations(request: AuthedRequest, slug: str) -> HttpResponse:
    membership = account_selectors.agency_get_for_user(user=request.user, slug=slug)
    weakest = readiness_weakest_dimensions(membership.agency)
    return _render(
        request,
        "learning/recommendations.html",
        {
            "agency": membership.agency,
            "weakest": weakest,
            "recommendations": recommend_for(weakest_dimensions=weakest),
        },
    )
