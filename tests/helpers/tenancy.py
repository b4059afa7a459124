"""Walk every URL of an app and check who may reach it.

Use it in each app's ``test_tenancy.py``: give the URL arguments of objects owned by the
``world.agency`` and the status each persona must get. Every URL of the namespace must be
listed, so a new view cannot ship without an other-agency check.

Personas, in this order (writers last, so reads see the objects intact):

- ``anonymous`` — not signed in;
- ``other_agency`` — an administrator of another agency (second factor passed);
- ``viewer`` — a viewer of the owning agency;
- ``admin`` — an administrator of the owning agency (second factor passed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import World, verified_client

LOGIN = "/sign-in/"
PERSONAS = ("anonymous", "other_agency", "viewer", "admin")


@dataclass(frozen=True)
class Expect:
    """Expected status per persona. ``302`` for anonymous means "sent to sign in"."""

    anonymous: int = 302
    other_agency: int = 404
    viewer: int = 200
    admin: int = 200
    method: str = "get"
    data: dict[str, Any] | None = None
    kwargs: dict[str, Any] | None = None  # URL arguments for this route only
    login_redirect: bool = True  # an anonymous 302 must lead to the sign-in page


def urls_of(namespace: str) -> dict[str, list[str]]:
    """``{"ns:name": [argument names]}`` for every route in ``namespace``."""
    found: dict[str, list[str]] = {}

    def walk(patterns: list[Any], ns: str | None, prefix_args: list[str]) -> None:
        for p in patterns:
            args = prefix_args + list(getattr(p.pattern, "converters", {}).keys())
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or ns, args)
            elif isinstance(p, URLPattern) and ns == namespace and p.name:
                found[f"{namespace}:{p.name}"] = args

    walk(get_resolver().url_patterns, None, [])
    return found


def _clients(world: World) -> dict[str, Client]:
    return {
        "anonymous": Client(),
        "other_agency": verified_client(world.other_admin),
        "viewer": verified_client(world.viewer),
        "admin": verified_client(world.admin),
    }


def check_app_access(
    world: World,
    namespace: str,
    *,
    url_kwargs: dict[str, Any],
    expectations: dict[str, Expect],
    before_each: Callable[[], None] | None = None,
) -> None:
    routes = urls_of(namespace)
    missing = sorted(set(routes) - set(expectations))
    assert not missing, f"URLs without an access expectation: {missing}; add them to the test"
    unknown = sorted(set(expectations) - set(routes))
    assert not unknown, f"expectations for URLs that do not exist: {unknown}"
    failures: list[str] = []
    for name, arg_names in routes.items():
        expect = expectations[name]
        values = {**url_kwargs, **(expect.kwargs or {})}
        url = reverse(name, kwargs={a: values[a] for a in arg_names})
        clients = _clients(world)  # fresh sessions: a sign-out must not leak into the next URL
        for persona in PERSONAS:
            if before_each is not None:
                before_each()
            response = getattr(clients[persona], expect.method)(url, expect.data or {})
            wanted = getattr(expect, persona)
            got = response.status_code
            if got != wanted:
                failures.append(f"{expect.method.upper()} {url} as {persona}: {got}, want {wanted}")
            elif persona == "anonymous" and wanted == 302 and expect.login_redirect:
                location = response.headers.get("Location", "")
                if not location.startswith(LOGIN):
                    failures.append(f"{url} as anonymous redirects to {location}, not sign-in")
    assert not failures, "\n".join(failures)
