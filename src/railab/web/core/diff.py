"""Field-by-field differences between two versions of a record."""

from __future__ import annotations

import difflib
from typing import Any


def version_diff(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """For each field that changed, a unified diff of its lines."""
    changes: list[tuple[str, list[str]]] = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        diff = list(difflib.unified_diff(_lines(a), _lines(b), lineterm="", n=1))[2:]
        changes.append((key, diff))
    return changes


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return [f"{k}: {v}" for k, v in sorted(value.items())]
    return str(value).splitlines() or [""]
