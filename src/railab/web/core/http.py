from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from railab.web.accounts.models import User


class AuthedRequest(HttpRequest):
    """Type of ``request`` in views behind ``login_required``."""

    user: User


def client_ip(request: HttpRequest) -> str:
    """The client's address, for lockouts and rate limits.

    Behind ``RAILAB_PROXY_COUNT`` reverse proxies (1 in production, where a TLS proxy is
    required) the address is the one the outermost trusted proxy added to
    X-Forwarded-For; what a client writes further left in that header is ignored.
    Otherwise every visitor would share the proxy's address and its limits.
    """
    from django.conf import settings

    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "RAILAB_PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
