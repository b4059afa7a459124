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
