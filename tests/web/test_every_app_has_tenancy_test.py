"""Every namespace of the platform has an access test built on tests.helpers.tenancy."""

from __future__ import annotations

from pathlib import Path

from django.urls import URLResolver, get_resolver

HERE = Path(__file__).parent
NOT_APPS = {"admin", "api"}  # Django's admin (staff only) and the API (tested in tests/web/api)


def test_every_namespace_is_covered() -> None:
    namespaces = {
        p.namespace
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace
    } - NOT_APPS
    assert namespaces, "no namespaces found"
    for ns in sorted(namespaces):
        test_file = HERE / ns / "test_tenancy.py"
        assert test_file.exists(), f"{ns} has no {test_file.relative_to(HERE.parent.parent)}"
        assert "check_app_access" in test_file.read_text()
