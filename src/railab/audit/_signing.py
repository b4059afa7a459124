"""Ed25519 signatures of count tables (the ``cryptography`` package).

A count table is signed over the canonical JSON of everything in it but the signature
itself: keys sorted, no spaces, UTF-8. The receiver checks the signature with the
contributor's public key, so it knows who contributed and that nothing was altered.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from railab.audit._errors import AuditInputError

__all__ = ["canonical_json", "generate_key_pair", "key_id", "load_private_key", "sign", "verify"]

ALGORITHM = "ed25519"


def canonical_json(document: dict[str, Any]) -> bytes:
    """The bytes a signature covers: sorted keys, no whitespace, UTF-8, no NaN.

    Examples
    --------
    >>> canonical_json({"b": 1, "a": [1.5, "é"]})
    b'{"a":[1.5,"\\xc3\\xa9"],"b":1}'
    """
    text = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode()


def key_id(public_raw: bytes) -> str:
    """Short fingerprint of a public key: the first 16 hex digits of its SHA-256.

    Examples
    --------
    >>> key_id(bytes(32))
    '66687aadf862bd77'
    """
    return hashlib.sha256(public_raw).hexdigest()[:16]


def generate_key_pair(directory: str | Path, *, name: str = "railab") -> tuple[Path, Path]:
    """Write a new Ed25519 key pair as ``NAME.key`` (private, PKCS#8 PEM, mode 0600)
    and ``NAME.pub`` (public, SubjectPublicKeyInfo PEM) in ``directory``.

    Examples
    --------
    >>> import tempfile
    >>> private, public = generate_key_pair(tempfile.mkdtemp())
    >>> private.name, public.read_text().splitlines()[0]
    ('railab.key', '-----BEGIN PUBLIC KEY-----')
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    private_path, public_path = folder / f"{name}.key", folder / f"{name}.pub"
    for path in (private_path, public_path):
        if path.exists():
            raise AuditInputError(f"{path} exists; pick another directory or remove it first")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_path.touch(mode=0o600)
    private_path.write_bytes(private_pem)
    public_path.write_bytes(public_pem)
    return private_path, public_path


def load_private_key(path: str | Path) -> Any:
    """The Ed25519 private key in a PEM file (unencrypted PKCS#8)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise AuditInputError(
            f"cannot read the private key {path}: {exc}; make one with `railab audit keygen`"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditInputError(f"{path} is not an Ed25519 key; make one with `railab audit keygen`")
    return key


def _public_raw(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    raw: bytes = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw


def load_public_key(path: str | Path) -> bytes:
    """The raw 32 bytes of the Ed25519 public key in a PEM file."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise AuditInputError(f"cannot read the public key {path}: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise AuditInputError(f"{path} is not an Ed25519 public key")
    return _public_raw(key)


def sign(document: dict[str, Any], private_key: Any) -> dict[str, str]:
    """The ``signature`` member for ``document`` (which must not contain one)."""
    public = _public_raw(private_key.public_key())
    value = private_key.sign(canonical_json(document))
    return {
        "algorithm": ALGORITHM,
        "public_key": base64.b64encode(public).decode(),
        "key_id": key_id(public),
        "value": base64.b64encode(value).decode(),
    }


def verify(
    document: dict[str, Any], signature: dict[str, Any], *, name: str, trusted: list[bytes]
) -> str:
    """Check ``signature`` over ``document``; return the signing key's id.

    With ``trusted`` keys, the table must be signed by one of them. A bad signature
    raises :class:`AuditInputError` naming the file ``name``.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        if signature.get("algorithm") != ALGORITHM:
            raise ValueError("unknown algorithm")
        public = base64.b64decode(str(signature["public_key"]), validate=True)
        value = base64.b64decode(str(signature["value"]), validate=True)
        Ed25519PublicKey.from_public_bytes(public).verify(value, canonical_json(document))
    except (InvalidSignature, ValueError, KeyError, TypeError):
        kid = signature.get("key_id", "?") if isinstance(signature, dict) else "?"
        raise AuditInputError(
            f"{name}: the Ed25519 signature (key {kid}) does not match the content; the count "
            "table was altered after signing or is corrupt — ask the contributor for the "
            "original file"
        ) from None
    if trusted and public not in trusted:
        raise AuditInputError(
            f"{name}: signed by key {key_id(public)}, which is not one of the public keys "
            "given with --public-key; check who sent the file"
        )
    return key_id(public)
