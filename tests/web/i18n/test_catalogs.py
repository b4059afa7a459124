"""Every user-facing string is translated into French, Spanish and Arabic."""

from __future__ import annotations

import gettext
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

import railab.web

LOCALE = Path(railab.web.__file__).parent / "locale"
LANGUAGES = ["fr", "es", "ar"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_complete_and_compiled(lang: str) -> None:
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    with (LOCALE / lang / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert mo.ngettext(entry.msgid, entry.msgid_plural, 5), entry.msgid
        else:
            found = (
                mo.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt
                else mo.gettext(entry.msgid)
            )
            assert found == entry.msgstr, (
                f"{lang}: django.mo is stale for {entry.msgid!r}; run compilemessages"
            )


@pytest.mark.parametrize("lang", ["en", *LANGUAGES])
def test_pages_render_in_every_language(lang: str, world, as_user) -> None:
    pages = [
        "/",
        "/dashboard/",
        f"/agency/{world.agency.slug}/",
        f"/agency/{world.agency.slug}/members/",
        f"/agency/{world.agency.slug}/audit-log/",
        "/account/",
        "/account/tokens/",
        "/two-factor/setup/",
        "/password/reset/",
    ]
    client = as_user(world.admin)
    client.cookies["django_language"] = lang
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        direction = "rtl" if lang == "ar" else "ltr"
        assert f'<html lang="{lang}" dir="{direction}">' in html, url
    anonymous = Client()
    anonymous.cookies["django_language"] = lang
    assert anonymous.get("/sign-in/").status_code == 200
    with translation.override(lang):
        assert translation.gettext("Sign in") != "Sign in" or lang == "en"
