"""Bias and accuracy audits of AI tools from their outputs (no Django)."""

from __future__ import annotations

__all__: list[str] = []
