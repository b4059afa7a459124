"""Demo data: two agencies in different countries, their people, and a Lab curator.

Idempotent: running it again changes nothing that exists. Every name here is fictional
and marked as demo data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from railab.web.accounts.models import Agency, AgencyKind, LabRole, Membership, Role, User
from railab.web.accounts.services import recovery_codes_regenerate, totp_secret_base32
from railab.web.auditlog.services import audit_record
from railab.web.jobs.services import job_start
from railab.web.learning.demo import learning_demo_seed
from railab.web.register.demo import register_demo_seed
from railab.web.resources import semantic
from railab.web.resources.models import Entry, EntryStatus
from railab.web.resources.seed import seed_resources
from railab.web.resources.tasks import embed_entries_task
from railab.web.toolkit.demo import toolkit_demo_seed

DEMO_PASSWORD = "railab-demo-2026"  # noqa: S105  (printed to the person running the demo)

AGENCIES = [
    {
        "slug": "demo-police-fr",
        "name": "Police de démonstration (France)",
        "country": "FR",
        "kind": AgencyKind.NATIONAL_POLICE,
    },
    {
        "slug": "demo-police-ke",
        "name": "Demo Police Service (Kenya)",
        "country": "KE",
        "kind": AgencyKind.NATIONAL_POLICE,
    },
]

PEOPLE = [
    ("admin.fr@railab.example", "Camille Martin (demo)", "demo-police-fr", Role.AGENCY_ADMIN),
    ("assessor.fr@railab.example", "Yanis Bernard (demo)", "demo-police-fr", Role.ASSESSOR),
    ("viewer.fr@railab.example", "Léa Dubois (demo)", "demo-police-fr", Role.VIEWER),
    ("admin.ke@railab.example", "Wanjiru Kamau (demo)", "demo-police-ke", Role.AGENCY_ADMIN),
    ("assessor.ke@railab.example", "Otieno Odhiambo (demo)", "demo-police-ke", Role.ASSESSOR),
    ("viewer.ke@railab.example", "Achieng Njeri (demo)", "demo-police-ke", Role.VIEWER),
]
CURATOR = ("curator@railab.example", "Sam Curator (demo)")


@dataclass
class DemoLogin:
    email: str
    name: str
    role: str
    agency: str
    totp_key: str = ""
    recovery_codes: list[str] = field(default_factory=list)


def _second_factor(user: User) -> tuple[str, list[str]]:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
        recovery_codes_regenerate(user=user)
    codes = list(
        StaticToken.objects.filter(device__user=user, device__name="recovery").values_list(
            "token", flat=True
        )
    )
    return totp_secret_base32(device), codes


@transaction.atomic
def demo_seed() -> list[DemoLogin]:
    agencies: dict[str, Agency] = {}
    for spec in AGENCIES:
        agency, created = Agency.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "country": spec["country"],
                "kind": spec["kind"],
                "verified": True,
            },
        )
        if created:
            audit_record(
                actor=None,
                action="agency.create",
                obj=agency,
                agency=agency,
                after={"name": agency.name, "country": spec["country"], "demo": True},
            )
        agencies[agency.slug] = agency

    logins: list[DemoLogin] = []
    for email, name, slug, role in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
        membership, created = Membership.objects.get_or_create(
            user=user, agency=agencies[slug], defaults={"role": role}
        )
        if created:
            audit_record(
                actor=None,
                action="membership.create",
                obj=membership,
                agency=agencies[slug],
                after={"user": email, "role": role, "demo": True},
            )
        login = DemoLogin(email, name, str(Role(membership.role).label), agencies[slug].name)
        if membership.role == Role.AGENCY_ADMIN:
            login.totp_key, login.recovery_codes = _second_factor(user)
        logins.append(login)

    email, name = CURATOR
    curator = User.objects.filter(email=email).first()
    if curator is None:
        curator = User.objects.create_user(
            email, DEMO_PASSWORD, full_name=name, lab_role=LabRole.CURATOR, is_staff=True
        )
        curator.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="accounts",
                codename__in=[
                    "view_agency",
                    "change_agency",
                    "view_user",
                    "view_membership",
                ],
            )
        )
    login = DemoLogin(email, name, str(LabRole.CURATOR.label), "Responsible AI Lab")
    login.totp_key, login.recovery_codes = _second_factor(curator)
    logins.append(login)
    seed_resources()
    _embed_in_background(curator)
    toolkit_demo_seed()
    register_demo_seed()
    learning_demo_seed()
    return logins


def _embed_in_background(curator: User) -> None:
    """Semantic search needs embeddings: compute the missing ones as a background job."""
    if not semantic.available():
        return
    missing = Entry.objects.filter(status=EntryStatus.APPROVED, embedding__isnull=True)
    if missing.exists():
        job_start(
            user=curator,
            agency=None,
            kind="resources.embed",
            title="Compute embeddings for semantic search",
            task=embed_entries_task,
        )
