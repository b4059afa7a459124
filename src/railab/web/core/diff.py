"""Field-by-field differences between two versions of a record."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
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


def version_history(versions: Iterable[Any]) -> list[tuple[Any, list[tuple[str, list[str]]]]]:
    """Versions (oldest first, each with a ``data`` dict), newest first, each paired with
    its changes from the version before it (none for the first)."""
    history: list[tuple[Any, list[tuple[str, list[str]]]]] = []
    previous: dict[str, Any] | None = None
    for version in versions:
        history.append((version, version_diff(previous, version.data) if previous else []))
        previous = version.data
    history.reverse()
    return history


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return [f"{k}: {v}" for k, v in sorted(value.items())]
    return str(value).splitlines() or [""]
