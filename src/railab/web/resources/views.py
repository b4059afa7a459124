"""Pages of the resource bank."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from railab.web.accounts.models import Agency, Membership
from railab.web.core.decorators import lab_role_required
from railab.web.core.diff import version_history
from railab.web.core.http import AuthedRequest
from railab.web.core.tenancy import Visibility
from railab.web.jobs.services import job_start
from railab.web.resources import selectors, services, transfer
from railab.web.resources.forms import DETAIL_LABELS, EntryForm, ImportForm, ReviewForm
from railab.web.resources.models import Entry, EntryStatus, ImportUpload
from railab.web.resources.search import related_entries, search
from railab.web.resources.taxonomy import TYPE_FIELDS, VOCABULARIES

FILTER_NAMES = ["type", "country", "language", "year", "tag", *VOCABULARIES]
SORTS = {"relevance", "newest", "oldest", "title"}
EXPORT_LIMIT = 5000


def _search_args(request: HttpRequest) -> dict[str, Any]:
    filters = {
        name: request.GET.getlist(name) for name in FILTER_NAMES if request.GET.getlist(name)
    }
    sort = request.GET.get("sort", "relevance")
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    return {
        "query": request.GET.get("q", "")[:500],
        "filters": filters,
        "sort": sort if sort in SORTS else "relevance",
        "page": min(page, 500),
    }


def search_page(request: HttpRequest) -> HttpResponse:
    args = _search_args(request)
    result = search(user=request.user, **args)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "result": result,
        "q": args["query"],
        "sort": args["sort"],
        "querystring": params.urlencode(),
        "facet_titles": {
            "type": _("Type"),
            "function": _("Policing function"),
            "technology": _("Technology"),
            "lifecycle": _("Life-cycle stage"),
            "principle": _("Principle or risk"),
            "country": _("Country"),
            "language": _("Language"),
        },
    }
    template = (
        "resources/_results.html" if request.headers.get("HX-Request") else "resources/search.html"
    )
    return render(request, template, context)


def detail(request: HttpRequest, entry_id: str) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, public_id=entry_id)
    user = request.user
    can_edit = user.is_authenticated and (
        getattr(user, "is_lab_staff", False)
        or (entry.submitted_by_id == user.pk and entry.status != EntryStatus.APPROVED)
    )
    can_review = getattr(user, "is_lab_staff", False) and entry.status == EntryStatus.SUBMITTED
    duplicates = (
        list(
            Entry.objects.filter(id__in=entry.possible_duplicates).filter(
                id__in=selectors.entries_visible_to(user).values("id")
            )
        )
        if entry.possible_duplicates
        else []
    )
    return render(
        request,
        "resources/detail.html",
        {
            "entry": entry,
            "details": [
                (DETAIL_LABELS[name], entry.details.get(name))
                for name in TYPE_FIELDS.get(entry.type, [])
            ],
            "terms": sorted(entry.terms.all(), key=lambda t: (t.vocabulary, t.code)),
            "related": related_entries(user=user, entry=entry),
            "can_edit": can_edit,
            "review_form": ReviewForm() if can_review else None,
            "duplicates": duplicates,
            "version_count": entry.versions.count(),
        },
    )


def versions(request: HttpRequest, entry_id: str) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, public_id=entry_id)
    history = version_history(entry.versions.select_related("author").order_by("number"))
    return render(request, "resources/versions.html", {"entry": entry, "history": history})


def _agencies_of(request: AuthedRequest) -> list[Agency]:
    return [m.agency for m in Membership.objects.filter(user=request.user).select_related("agency")]


def _agency_from(request: AuthedRequest, agencies: list[Agency]) -> Agency | None:
    slug = request.POST.get("agency", "")
    if not slug:
        return agencies[0] if len(agencies) == 1 else None
    for agency in agencies:
        if agency.slug == slug:
            return agency
    raise PermissionDenied


@login_required
def submit(request: AuthedRequest) -> HttpResponse:
    agencies = _agencies_of(request)
    if not agencies and not request.user.is_lab_staff:
        return render(request, "resources/need_agency.html", status=403)
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_submit(
                user=request.user,
                data=services.EntryData.from_form(form),
                agency=_agency_from(request, agencies),
            )
        except ValidationError as exc:
            form.add_error("visibility", exc)
        else:
            if entry.status == EntryStatus.APPROVED:
                messages.success(request, _("Published for your agency's members."))
            else:
                messages.success(request, _("Thank you. A Lab curator will review your entry."))
            return redirect("resources:detail", entry_id=entry.public_id)
    return render(
        request,
        "resources/form.html",
        {"form": form, "agencies": agencies, "type_fields": TYPE_FIELDS, "editing": None},
    )


@login_required
def edit(request: AuthedRequest, entry_id: str) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, public_id=entry_id)
    is_curator = request.user.is_lab_staff
    if not is_curator and not (
        entry.submitted_by_id == request.user.pk and entry.status != EntryStatus.APPROVED
    ):
        raise PermissionDenied
    form = EntryForm(request.POST or None, initial=EntryForm.initial_from(entry))
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(
                entry=entry,
                user=request.user,
                data=services.EntryData.from_form(form),
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved. The previous version is kept."))
            return redirect("resources:detail", entry_id=entry.public_id)
    return render(
        request,
        "resources/form.html",
        {"form": form, "agencies": [], "type_fields": TYPE_FIELDS, "editing": entry},
    )


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "resources/mine.html",
        {"entries": selectors.entries_submitted_by(request.user)},
    )


@lab_role_required()
def review_queue(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "resources/review_queue.html",
        {"entries": selectors.entries_to_review(request.user)},
    )


@lab_role_required()
@require_POST
def review(request: AuthedRequest, entry_id: str) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, public_id=entry_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        services.entry_review(
            entry=entry,
            curator=request.user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Decision recorded."))
        return redirect("resources:review_queue")
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("resources:detail", entry_id=entry.public_id)


@login_required
def import_upload(request: AuthedRequest) -> HttpResponse:
    agencies = _agencies_of(request)
    if not agencies and not request.user.is_lab_staff:
        return render(request, "resources/need_agency.html", status=403)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            transfer.import_preview(name=upload.name, content=content)
        except transfer.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            pending = ImportUpload.objects.create(
                user=request.user,
                agency=_agency_from(request, agencies),
                name=upload.name,
                content=content,
            )
            return redirect("resources:import_preview", upload_id=pending.public_id)
    return render(request, "resources/import.html", {"form": form, "agencies": agencies})


@login_required
def import_preview(request: AuthedRequest, upload_id: str) -> HttpResponse:
    pending = get_object_or_404(ImportUpload, public_id=upload_id, user=request.user)
    try:
        preview = transfer.import_preview(name=pending.name, content=bytes(pending.content))
    except transfer.ImportFileError as exc:
        pending.delete()
        messages.error(request, str(exc))
        return redirect("resources:import")
    if request.method == "POST" and preview.ok:
        created = transfer.import_commit(preview=preview, user=request.user, agency=pending.agency)
        pending.delete()
        messages.success(
            request, _("%(n)s entries imported and sent for review.") % {"n": len(created)}
        )
        return redirect("resources:mine")
    return render(
        request, "resources/import_preview.html", {"preview": preview, "pending": pending}
    )


def export(request: HttpRequest, fmt: str) -> HttpResponse:
    args = _search_args(request)
    args.update(page=1)
    result = search(
        user=request.user,
        page_size=EXPORT_LIMIT,
        semantic_search=False,
        with_facets=False,
        **args,
    )
    entries = result.entries
    if fmt == "csv":
        body, content_type = transfer.export_csv(entries), "text/csv; charset=utf-8"
    elif fmt == "json":
        body, content_type = transfer.export_json(entries), "application/json"
    elif fmt == "bib":
        body, content_type = transfer.export_bibtex(entries), "application/x-bibtex; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="railab-resources.{fmt}"'
    return response


@lab_role_required()
@require_POST
def link_check(request: AuthedRequest) -> HttpResponse:
    from railab.web.resources.tasks import check_links_task

    job = job_start(
        user=request.user,
        agency=None,
        kind="resources.link_check",
        title=_("Check the links of the resource bank"),
        task=check_links_task,
    )
    return redirect("jobs:detail", job_id=job.public_id)


class LatestEntriesFeed(Feed):  # type: ignore[type-arg]
    """New public entries (nothing restricted ever appears in the feed)."""

    feed_type = Atom1Feed
    title = gettext_lazy("railab resource bank: new entries")
    subtitle = gettext_lazy("Research, use cases, evaluations and guidance on AI in policing.")

    def link(self) -> str:
        return reverse("resources:search")

    def items(self) -> Any:
        return (
            Entry.objects.filter(status=EntryStatus.APPROVED, visibility=Visibility.PUBLIC)
            .exclude(published_at=None)
            .order_by("-published_at")[:50]
        )

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_description(self, item: Entry) -> str:
        return item.summary

    def item_link(self, item: Entry) -> str:
        return reverse("resources:detail", args=[item.public_id])

    def item_pubdate(self, item: Entry) -> Any:
        return item.published_at
