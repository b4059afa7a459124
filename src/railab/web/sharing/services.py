"""Writes of the sharing app: signing keys and verified count tables."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from railab.audit import AuditInputError, audit_from_counts, read_count_table
from railab.audit._signing import key_id as fingerprint
from railab.web.accounts.models import Membership, User
from railab.web.auditlog.services import audit_record
from railab.web.sharing.models import AgencyKey, SharedCountTable

#: Count tables hold counts, not rows: a few kilobytes to a few hundred.
MAX_TABLE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class IssuedKey:
    """A new key and its private half, which exists only in this object."""

    key: AgencyKey
    private_pem: bytes

    @property
    def filename(self) -> str:
        return f"railab-{self.key.agency.slug}-{self.key.key_id}.key"


def agency_key_create(*, membership: Membership, name: str) -> IssuedKey:
    """Generate an Ed25519 key pair; keep the public key, hand back the private one.

    The pair is made in memory (not with the library's ``generate_key_pair``, which
    writes both halves to disk) so that the private key never touches the server's
    storage.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with transaction.atomic():
        key = AgencyKey.objects.create(
            agency=membership.agency,
            name=name,
            key_id=fingerprint(raw),
            public_key=raw,
            created_by=membership.user,
        )
        audit_record(
            actor=membership.user,
            action="agency_key.create",
            obj=key,
            agency=membership.agency,
            after={"name": name, "key_id": key.key_id},
        )
    return IssuedKey(key, private_pem)


def agency_key_revoke(*, key: AgencyKey, by: User) -> None:
    """Revoke a key: tables it signs are refused from now on (already shared ones stay)."""
    with transaction.atomic():
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(
            actor=by,
            action="agency_key.revoke",
            obj=key,
            agency=key.agency,
            before={"name": key.name, "key_id": key.key_id},
        )


def _parse(data: bytes, file_name: str) -> dict[str, Any]:
    if len(data) > MAX_TABLE_BYTES:
        raise ValidationError(
            _(
                "%(file)s is larger than 5 MB; a count table holds counts, not rows, and is "
                "usually a few kilobytes: check that you chose the count table, not the data."
            )
            % {"file": file_name}
        )
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValidationError(
            _(
                "%(file)s is not valid JSON (%(problem)s); upload the .json file made by "
                "“railab audit counts”."
            )
            % {"file": file_name, "problem": exc}
        ) from None
    if not isinstance(document, dict):
        raise ValidationError(
            _("%(file)s is not a railab count table (expected a JSON object).")
            % {"file": file_name}
        )
    return document


def _signing_key(*, membership: Membership, document: dict[str, Any], file_name: str) -> AgencyKey:
    """The agency's registered key named by the table's ``signature.key_id``."""
    signature = document.get("signature")
    kid = signature.get("key_id") if isinstance(signature, dict) else None
    if not isinstance(signature, dict) or not isinstance(kid, str) or not kid:
        raise ValidationError(
            _(
                "%(file)s is not signed; sign it with one of %(agency)s's keys: "
                "“railab audit counts … --key FILE”."
            )
            % {"file": file_name, "agency": membership.agency.name}
        )
    key = AgencyKey.objects.filter(agency=membership.agency, key_id=kid).first()
    if key is None:
        raise ValidationError(
            _(
                "%(file)s is signed with key %(kid)s, which is not one of %(agency)s's "
                "registered signing keys; sign it with a key generated under Signing keys."
            )
            % {"file": file_name, "kid": kid, "agency": membership.agency.name}
        )
    if key.revoked_at is not None:
        raise ValidationError(
            _(
                "%(file)s is signed with key %(kid)s (“%(name)s”), revoked on %(date)s; "
                "sign the table again with an active key."
            )
            % {
                "file": file_name,
                "kid": kid,
                "name": key.name,
                "date": formats.date_format(key.revoked_at, "DATE_FORMAT"),
            }
        )
    if signature.get("public_key") != key.public_base64:
        # The library would say "not one of the keys given with --public-key": true, but
        # this names the registered key it claims to be.
        raise ValidationError(
            _(
                "%(file)s names key %(kid)s of %(agency)s but was signed with another key; "
                "the signature was altered — ask the contributor for the original file."
            )
            % {"file": file_name, "kid": kid, "agency": membership.agency.name}
        )
    return key


def count_table_share(
    *, membership: Membership, data: bytes, file_name: str, capacity: int | None = None
) -> SharedCountTable:
    """Verify an uploaded count table against the agency's keys, audit it, store it.

    Every check runs before anything is written: an invalid file leaves no trace but
    the error message.
    """
    document = _parse(data, file_name)
    key = _signing_key(membership=membership, document=document, file_name=file_name)
    sha256 = hashlib.sha256(data).hexdigest()
    if SharedCountTable.objects.filter(agency=membership.agency, sha256=sha256).exists():
        raise _already_shared(file_name)
    try:
        # Only the registered key's raw bytes are trusted: the key id in the file just
        # chooses which one, so a forged id cannot pass.
        table = read_count_table(document, public_keys=[key.public_raw], name=file_name)
        if table.kind == "triage" and not capacity:
            raise ValidationError(
                _(
                    "%(file)s is a triage count table: enter the review capacity (how many "
                    "cases reviewers can check, e.g. 100)."
                )
                % {"file": file_name}
            )
        audit = audit_from_counts(
            [table], capacity=[capacity] if table.kind == "triage" and capacity else []
        )
        report_html = audit.to_html()
    except AuditInputError as exc:
        raise ValidationError(str(exc)) from None
    meta = table.metadata
    try:
        with transaction.atomic():
            shared = SharedCountTable.objects.create(
                agency=membership.agency,
                key=key,
                file_name=file_name[:255],
                sha256=sha256,
                kind=table.kind,
                contributor=meta.get("contributor", "")[:255],
                tool=meta.get("tool", "")[:255],
                tool_version=meta.get("tool_version", "")[:100],
                period=meta.get("period", "")[:100],
                rows=int(table.exclusions["rows"]),
                capacity=capacity if table.kind == "triage" else None,
                document=document,
                report_html=report_html,
                uploaded_by=membership.user,
            )
            audit_record(
                actor=membership.user,
                action="count_table.share",
                obj=shared,
                agency=membership.agency,
                after={"file": shared.file_name, "sha256": shared.sha256, "key_id": key.key_id},
            )
    except IntegrityError:  # the same file uploaded twice at once
        raise _already_shared(file_name) from None
    return shared


def _already_shared(file_name: str) -> ValidationError:
    return ValidationError(
        _("%(file)s is already shared by your agency; open it from the list.") % {"file": file_name}
    )
