from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from railab.web.accounts.models import User


class AuthedRequest(HttpRequest):
    """Type of ``request`` in views behind ``login_required``."""

    user: User
