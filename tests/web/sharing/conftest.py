"""A registered signing key with its private half, and count tables signed with it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from cryptography.hazmat.primitives import serialization

from railab.audit import count_table
from railab.web.sharing import services
from railab.web.sharing.models import AgencyKey
from tests.conftest import World, membership_of


@dataclass
class Signer:
    key: AgencyKey
    private: Any  # Ed25519PrivateKey

    def sign(self, **options: Any) -> dict[str, Any]:
        return signed_table(self.private, **options)


def cases() -> pd.DataFrame:
    """Twelve hand-written cases, scores on the 0.1 grid so the histogram is exact."""
    return pd.DataFrame(
        {
            "y": [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0],
            "risk": [0.9, 0.2, 0.6, 0.4, 0.7, 0.1, 0.8, 0.3, 0.5, 0.6, 0.2, 0.0],
            "sex": ["F", "F", "F", "M", "M", "M", "F", "M", "F", "M", "M", "F"],
        }
    )


def signed_table(private: Any, *, kind: str = "classification", **meta: str) -> dict[str, Any]:
    table = count_table(
        cases(),
        kind=kind,  # type: ignore[arg-type]
        label="y",
        score="risk",
        thresholds=[0.5] if kind == "classification" else (),
        groups=["sex"],
        bins=(0.0, 1.0, 10),
        metadata={"contributor": "Police FR", "tool": "RiskTool", "period": "2025", **meta},
    )
    document: dict[str, Any] = table.signed(private).to_dict()
    return document


def as_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()


def load_private(pem: bytes) -> Any:
    return serialization.load_pem_private_key(pem, password=None)


@pytest.fixture
def make_signer(world: World) -> Callable[..., Signer]:
    def make(name: str = "statistics unit", agency: Any = None) -> Signer:
        admin = world.admin if agency is None else world.other_admin
        owner = world.agency if agency is None else agency
        issued = services.agency_key_create(membership=membership_of(admin, owner), name=name)
        return Signer(issued.key, load_private(issued.private_pem))

    return make


@pytest.fixture
def signer(make_signer: Callable[..., Signer]) -> Signer:
    return make_signer()
