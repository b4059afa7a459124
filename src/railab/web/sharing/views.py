"""Pages for evaluating without sharing data: signing keys and signed count tables."""

from __future__ import annotations

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from railab.web.accounts.models import Role
from railab.web.accounts.selectors import agency_get_for_user
from railab.web.core.http import AuthedRequest
from railab.web.sharing import selectors, services
from railab.web.sharing.forms import KeyCreateForm, TableUploadForm


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _keys_page(
    request: AuthedRequest, viewer: selectors.KeyViewer, form: KeyCreateForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "sharing/keys.html",
        {
            "agency": viewer.agency,
            "is_member": viewer.membership is not None,
            "can_manage": viewer.can_manage,
            "form": form,
            "keys": selectors.keys_of(viewer.agency),
        },
        status=status,
    )


@login_required
@require_GET
def keys(request: AuthedRequest, slug: str) -> HttpResponse:
    viewer = selectors.keys_viewer_for_user(user=request.user, slug=slug)
    return _keys_page(request, viewer, KeyCreateForm())


@login_required
@require_POST
def key_create(request: AuthedRequest, slug: str) -> HttpResponse:
    """Answer with the private key as a download: the only copy there will ever be."""
    membership = agency_get_for_user(user=request.user, slug=slug, role=Role.AGENCY_ADMIN)
    form = KeyCreateForm(request.POST)
    if not form.is_valid():
        viewer = selectors.KeyViewer(membership.agency, membership)
        return _keys_page(request, viewer, form, status=400)
    issued = services.agency_key_create(membership=membership, name=form.cleaned_data["name"])
    response = HttpResponse(issued.private_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="{issued.filename}"'
    return _no_store(response)


@login_required
@require_POST
def key_revoke(request: AuthedRequest, key_id: str) -> HttpResponse:
    key, _membership = selectors.key_get_for_admin(user=request.user, public_id=key_id)
    if key.revoked_at is None:
        services.agency_key_revoke(key=key, by=request.user)
        messages.success(request, _("Key “%(name)s” revoked.") % {"name": key.name})
    return redirect("sharing:keys", slug=key.agency.slug)


@login_required
@require_GET
def key_pem(request: AuthedRequest, key_id: str) -> HttpResponse:
    """The public key, for ``railab audit from-counts --public-key``."""
    key = selectors.key_get_for_user(user=request.user, public_id=key_id)
    response = HttpResponse(key.public_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = (
        f'attachment; filename="railab-{key.agency.slug}-{key.key_id}.pub"'
    )
    return response


@login_required
@require_GET
def tables(request: AuthedRequest, slug: str) -> HttpResponse:
    membership = agency_get_for_user(user=request.user, slug=slug)
    return render(
        request,
        "sharing/tables.html",
        {
            "agency": membership.agency,
            "tables": selectors.tables_of(membership.agency),
            "can_upload": membership.has_role(Role.CONTRIBUTOR),
        },
    )


@login_required
def table_upload(request: AuthedRequest, slug: str) -> HttpResponse:
    membership = agency_get_for_user(user=request.user, slug=slug, role=Role.CONTRIBUTOR)
    form = TableUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            shared = services.count_table_share(
                membership=membership,
                data=upload.read(),
                file_name=upload.name,
                capacity=form.cleaned_data["capacity"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Signature verified; the count table is shared."))
            return redirect("sharing:table", table_id=shared.public_id)
    return render(
        request,
        "sharing/upload.html",
        {"agency": membership.agency, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def table(request: AuthedRequest, table_id: str) -> HttpResponse:
    shared, _membership = selectors.table_get_for_user(user=request.user, public_id=table_id)
    return render(
        request,
        "sharing/table.html",
        {
            "table": shared,
            "agency": shared.agency,
            "summary": selectors.table_summary(shared.document),
        },
    )


@login_required
@require_GET
def table_json(request: AuthedRequest, table_id: str) -> HttpResponse:
    """The signed document as uploaded, for pooling with ``railab audit from-counts``."""
    shared, _membership = selectors.table_get_for_user(user=request.user, public_id=table_id)
    response = JsonResponse(shared.document, json_dumps_params={"indent": 1})
    response["Content-Disposition"] = f'attachment; filename="count-table-{shared.public_id}.json"'
    return response


@login_required
@require_GET
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
def table_report(request: AuthedRequest, table_id: str) -> HttpResponse:
    """The library's self-contained HTML report, shown in a sandboxed frame: its inline
    styles are allowed here only, and no script may run."""
    shared, _membership = selectors.table_get_for_user(user=request.user, public_id=table_id)
    response = HttpResponse(shared.report_html, content_type="text/html; charset=utf-8")
    return _no_store(response)
