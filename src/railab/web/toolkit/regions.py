"""Regions of the member countries, for the Lab's aggregated view (UN M49 continents)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceania", _("Oceania")


_CODES = {
    Region.AFRICA: (
        "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR "
        "LY MG MW ML MR MU MA MZ NA NE NG RW ST SN SC SL SO ZA SS SD TZ TG TN UG ZM ZW"
    ),
    Region.AMERICAS: (
        "AG AR BS BB BZ BO BR CA CL CO CR CU DM DO EC SV GD GT GY HT HN JM MX NI PA PY PE KN "
        "LC VC SR TT US UY VE AW CW SX"
    ),
    Region.ASIA: (
        "AF AM AZ BH BD BT BN KH CN CY GE IN ID IR IQ IL JP JO KZ KP KR KW KG LA LB MY MV MN "
        "MM NP OM PK PS PH QA SA SG LK SY TJ TH TL TR TM AE UZ VN YE"
    ),
    Region.EUROPE: (
        "AL AD AT BY BE BA BG HR CZ DK EE FI FR DE GR HU IS IE IT LV LI LT LU MT MD MC ME NL "
        "MK NO PL PT RO RU SM RS SK SI ES SE CH UA GB VA"
    ),
    Region.OCEANIA: "AU FJ KI MH NR NZ PG WS SB TO VU",
}

REGION_OF: dict[str, str] = {
    code: str(region.value) for region, codes in _CODES.items() for code in codes.split()
}


def region_of(country: str) -> str | None:
    """The region of an ISO 3166-1 alpha-2 country code, or ``None`` if unknown."""
    return REGION_OF.get(str(country).upper())
