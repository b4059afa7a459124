"""The fields of a register record, their labels and default visibility.

Every field can be public, law enforcement only, or agency only. The defaults follow a
simple rule: what the public needs to know an AI system exists and what it is for is
public; operational details useful to other police forces are for law enforcement; what
could help someone evade or attack the system stays in the agency.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from railab.web.core.tenancy import Visibility


@dataclass(frozen=True)
class RecordField:
    name: str
    label: Promise
    default: str
    long: bool = False


FIELDS: tuple[RecordField, ...] = (
    RecordField("purpose", _("Purpose"), Visibility.PUBLIC, long=True),
    RecordField("policing_function", _("Policing function"), Visibility.PUBLIC),
    RecordField("technology", _("Technology"), Visibility.PUBLIC),
    RecordField("vendor", _("Vendor or developer"), Visibility.PUBLIC),
    RecordField("version", _("Version"), Visibility.LAW_ENFORCEMENT),
    RecordField("deployment_context", _("Deployment context"), Visibility.LAW_ENFORCEMENT, True),
    RecordField("legal_basis", _("Legal basis"), Visibility.PUBLIC, long=True),
    RecordField("data_used", _("Data used"), Visibility.LAW_ENFORCEMENT, long=True),
    RecordField("human_oversight", _("Human oversight"), Visibility.PUBLIC, long=True),
    RecordField("can_override", _("Reviewers can override the output"), Visibility.PUBLIC),
    RecordField("people_affected", _("People affected"), Visibility.PUBLIC, long=True),
    RecordField("lifecycle_stage", _("Life-cycle stage"), Visibility.PUBLIC),
    RecordField("contact_point", _("Contact point"), Visibility.PUBLIC),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
BY_NAME = {f.name: f for f in FIELDS}


def default_visibility() -> dict[str, str]:
    return {f.name: str(f.default) for f in FIELDS}
