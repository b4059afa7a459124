"""Responsible-AI instruments as data: validation, scoring, migration (no Django)."""

from __future__ import annotations

__all__: list[str] = []
