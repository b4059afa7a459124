from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def total_minutes(value: timedelta | None) -> int:
    """Whole minutes of a duration, rounded up (a lockout of 90 s reads "2 minutes")."""
    if not isinstance(value, timedelta):
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    """``{{ mapping|get_item:key }}`` — a dictionary lookup with a variable key."""
    return mapping.get(key) if isinstance(mapping, dict) else None
