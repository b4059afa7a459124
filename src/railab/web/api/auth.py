"""Two ways into the API: the browser session, or a personal token scoped to one agency."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from railab.web.accounts.services import api_token_authenticate, is_verified


class TokenAuth(HttpBearer):
    openapi_description = "Personal API token (`Authorization: Bearer rlb_…`), one agency."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_authenticate(secret=token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_agency = api_token.agency  # type: ignore[attr-defined]
        return api_token


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (with CSRF on unsafe methods, as for pages)."""

    param_name = "sessionid"
    openapi_description = "Browser session cookie; unsafe methods need the CSRF token."

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if user.requires_two_factor and not is_verified(user):
            return None
        request.api_agency = None  # type: ignore[attr-defined]
        return user
