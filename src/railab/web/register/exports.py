"""A register record in the shapes of known transparency standards.

Field names follow each standard's published template; railab fills what its record
holds and leaves the rest empty for the agency to complete. Only fields the requesting
user may see are filled in (an export never reveals more than the record page).

- UK Algorithmic Transparency Recording Standard (ATRS), tier 1 and tier 2 sections.
- Dutch government algorithm register (Algoritmeregister) publication fields.
- EU AI Act, Annex VIII Section C (registration by deployers that are public
  authorities, Art. 49(3)). For law-enforcement systems in the areas of Annex III points
  1, 6 and 7, Art. 49(4) requires registration in a secure non-public section with only
  Section C points 1 to 3: that reduced set is produced separately.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from railab.web.accounts.models import User
from railab.web.register.models import AISystem, Stage
from railab.web.register.selectors import visible_fields

AnyUser = User | AnonymousUser

ATRS_PHASE: dict[str, str] = {
    Stage.DECISION: "Idea",
    Stage.DESIGN: "Design",
    Stage.PROCUREMENT: "Design",
    Stage.TESTING: "Pilot",
    Stage.DEPLOYMENT: "Production",
    Stage.MONITORING: "Production",
    Stage.RETIRED: "Retired",
}
DUTCH_STATUS: dict[str, str] = {
    Stage.DECISION: "In ontwikkeling",
    Stage.DESIGN: "In ontwikkeling",
    Stage.PROCUREMENT: "In ontwikkeling",
    Stage.TESTING: "In ontwikkeling",
    Stage.DEPLOYMENT: "In gebruik",
    Stage.MONITORING: "In gebruik",
    Stage.RETIRED: "Buiten gebruik",
}


def _seen(system: AISystem, user: AnyUser) -> dict[str, Any]:
    return {item.field.name: item.display for item in visible_fields(system, user)}


def atrs(system: AISystem, user: AnyUser) -> dict[str, Any]:
    f = _seen(system, user)
    stage = str(system.lifecycle_stage) if "lifecycle_stage" in f else ""
    return {
        "standard": "UK Algorithmic Transparency Recording Standard",
        "tier_1": {
            "name": system.name,
            "description": f.get("purpose", ""),
            "website": "",
            "contact_email": f.get("contact_point", ""),
        },
        "tier_2": {
            "owner_and_responsibility": {
                "organisation": system.agency.name,
                "senior_responsible_owner": "",
                "external_supplier": f.get("vendor", ""),
            },
            "description_and_rationale": {
                "detailed_description": f.get("purpose", ""),
                "scope": f.get("deployment_context", ""),
                "tool_phase": ATRS_PHASE.get(stage, "") if stage else "",
            },
            "decision_making_process": {
                "process_integration": f.get("deployment_context", ""),
                "human_decisions_and_review": f.get("human_oversight", ""),
                "reviewers_can_override": f.get("can_override", ""),
                "people_affected": f.get("people_affected", ""),
            },
            "tool_specification": {
                "technology": f.get("technology", ""),
                "version": f.get("version", ""),
            },
            "data": {"source_data": f.get("data_used", "")},
            "risks_mitigations_and_impact_assessments": {
                "legal_basis": f.get("legal_basis", ""),
                "impact_assessments": _assessments(system, user),
            },
        },
    }


def _assessments(system: AISystem, user: AnyUser) -> list[str]:
    from railab.web.register.selectors import is_owner

    if not is_owner(user, system):
        return []
    names = []
    if system.risk_assessment_id:
        names.append("Risk assessment (railab toolkit)")
    if system.fria_id:
        names.append("Fundamental-rights impact assessment (EU AI Act Art. 27)")
    return names


def dutch_register(system: AISystem, user: AnyUser) -> dict[str, Any]:
    f = _seen(system, user)
    stage = str(system.lifecycle_stage) if "lifecycle_stage" in f else ""
    return {
        "standard": "Algoritmeregister van de Nederlandse overheid",
        "naam": system.name,
        "organisatie": system.agency.name,
        "korte_omschrijving": f.get("purpose", "")[:350],
        "status": DUTCH_STATUS.get(stage, "") if stage else "",
        "doel_en_impact": f.get("purpose", ""),
        "afwegingen": "",
        "menselijke_tussenkomst": f.get("human_oversight", ""),
        "risicobeheer": "",
        "wettelijke_basis": f.get("legal_basis", ""),
        "impacttoetsen": _assessments(system, user),
        "werking": f.get("deployment_context", ""),
        "gebruikte_data": f.get("data_used", ""),
        "leverancier": f.get("vendor", ""),
        "contact": f.get("contact_point", ""),
    }


def annex_viii_c(
    system: AISystem, user: AnyUser, *, provider_entry_url: str = ""
) -> dict[str, Any]:
    """EU AI Act Annex VIII, Section C: registration by deployers that are public authorities."""
    f = _seen(system, user)
    return {
        "standard": "EU AI Act (Regulation (EU) 2024/1689), Annex VIII, Section C",
        "1_deployer_name_address_contact": {
            "name": system.agency.name,
            "country": system.agency.country.code,
            "contact": f.get("contact_point", ""),
        },
        "2_person_submitting_on_behalf_of_deployer": "",
        "3_url_of_provider_entry_in_eu_database": provider_entry_url,
        "4_summary_of_fundamental_rights_impact_assessment": _fria_summary(system, user),
        "5_summary_of_data_protection_impact_assessment": "",
    }


def _fria_summary(system: AISystem, user: AnyUser) -> str:
    from railab.web.register.selectors import is_owner

    if not is_owner(user, system) or system.fria is None:
        return ""
    fria = system.fria
    return (
        f"Fundamental-rights impact assessment under Art. 27, status {fria.status}, "
        f"last changed {fria.updated_at:%Y-%m-%d}; the full assessment is held by the deployer."
    )


def annex_viii_c_law_enforcement(
    system: AISystem, user: AnyUser, *, provider_entry_url: str = ""
) -> dict[str, Any]:
    """The reduced set of Art. 49(4): Section C points 1 to 3 only, for the secure
    non-public section of the EU database (law enforcement, migration, biometrics)."""
    full = annex_viii_c(system, user, provider_entry_url=provider_entry_url)
    return {
        "standard": (
            "EU AI Act, Art. 49(4): secure non-public section; Annex VIII Section C points 1-3"
        ),
        "1_deployer_name_address_contact": full["1_deployer_name_address_contact"],
        "2_person_submitting_on_behalf_of_deployer": full[
            "2_person_submitting_on_behalf_of_deployer"
        ],
        "3_url_of_provider_entry_in_eu_database": full["3_url_of_provider_entry_in_eu_database"],
    }


EXPORTS = {
    "atrs": atrs,
    "nl-algoritmeregister": dutch_register,
    "eu-annex-viii-c": annex_viii_c,
    "eu-art-49-4": annex_viii_c_law_enforcement,
}
