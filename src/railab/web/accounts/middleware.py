"""Agency administrators and Lab staff must pass a second factor before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse

from railab.web.accounts.services import has_two_factor, is_verified

# Views a signed-in user may reach before passing the second factor.
_ALLOWED = {
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "accounts:logout",
    "set_language",
}


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not is_verified(user)
            and user.requires_two_factor
            and not request.path.startswith((settings.STATIC_URL, "/api/"))
        ):
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = ""
            if name not in _ALLOWED:
                target = (
                    "accounts:two_factor_verify"
                    if has_two_factor(user)
                    else "accounts:two_factor_setup"
                )
                url = f"{reverse(target)}?next={request.get_full_path()}"
                if request.headers.get("HX-Request"):
                    return JsonResponse({}, status=401, headers={"HX-Redirect": url})
                return HttpResponseRedirect(url)
        return self.get_response(request)
