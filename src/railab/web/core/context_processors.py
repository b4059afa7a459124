from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from railab import __version__


def railab(request: HttpRequest) -> dict[str, Any]:
    return {
        "RAILAB_VERSION": __version__,
        "RAILAB_DEMO": settings.RAILAB_ENV != "production",
        "nav_agency": _first_agency(request),
    }


def _first_agency(request: HttpRequest) -> Any:
    """The agency the navigation links to (the first of the user's agencies)."""
    from railab.web.accounts.models import Membership

    user = request.user
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user=user).select_related("agency").first()
    return membership.agency if membership else None
