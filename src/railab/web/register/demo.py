"""Demo records of the register (fictional systems of the demo agencies)."""

from __future__ import annotations

from railab.web.accounts.models import Agency, Membership, Role
from railab.web.register import services
from railab.web.register.models import AISystem

SYSTEMS = [
    (
        "demo-police-fr",
        {
            "name": "Analyse vidéo après incident (démo)",
            "purpose": (
                "Rechercher, après un incident grave, des séquences où apparaît un véhicule "
                "ou une tenue décrits par des témoins, dans les vidéos saisies."
            ),
            "policing_function": "investigation",
            "technology": "computer_vision",
            "vendor": "Fournisseur fictif (démo)",
            "version": "2.1",
            "deployment_context": "Poste d'analyse hors ligne de la brigade criminelle.",
            "legal_basis": "Code de procédure pénale ; réquisition du magistrat par affaire.",
            "data_used": "Vidéos saisies dans la procédure, supprimées à la clôture.",
            "human_oversight": "Chaque séquence proposée est visionnée par un enquêteur.",
            "can_override": True,
            "people_affected": "Personnes filmées dans les vidéos saisies.",
            "lifecycle_stage": "testing",
            "contact_point": "registre-ia@police-demo.example",
        },
        True,
    ),
    (
        "demo-police-ke",
        {
            "name": "Traffic offence camera triage (demo)",
            "purpose": (
                "Rank camera captures of possible traffic offences so that officers review "
                "the clearest cases first."
            ),
            "policing_function": "traffic",
            "technology": "licence_plates",
            "vendor": "In-house (demo)",
            "version": "0.9",
            "deployment_context": "Three pilot junctions in the capital.",
            "legal_basis": "Traffic Act; Data Protection Act.",
            "data_used": "Plate reads and images at the pilot junctions, kept 30 days.",
            "human_oversight": "No notice is issued without an officer's review.",
            "can_override": True,
            "people_affected": "Drivers passing the pilot junctions.",
            "lifecycle_stage": "decision",
            "contact_point": "ai-register@demo-police.example",
        },
        False,
    ),
]


def register_demo_seed() -> None:
    for slug, data, published in SYSTEMS:
        agency = Agency.objects.filter(slug=slug).first()
        if agency is None or AISystem.objects.filter(agency=agency, name=data["name"]).exists():
            continue
        admin = (
            Membership.objects.filter(agency=agency, role=Role.AGENCY_ADMIN)
            .select_related("user")
            .first()
        )
        if admin is None:
            continue
        system = services.system_create(user=admin.user, agency=agency, data=dict(data))
        if published:
            for action in ("submit", "approve", "publish"):
                system = services.system_transition(system=system, user=admin.user, action=action)
