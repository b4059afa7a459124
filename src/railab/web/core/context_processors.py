from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from railab import __version__


def railab(request: HttpRequest) -> dict[str, Any]:
    return {"RAILAB_VERSION": __version__, "RAILAB_DEMO": settings.RAILAB_ENV != "production"}
