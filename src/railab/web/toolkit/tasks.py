"""Background work of the toolkit: re-assessment reminders."""

from __future__ import annotations

from django_tasks import task

from railab.web.toolkit.services import reminders_send_due


@task()
def send_due_reminders_task() -> int:
    """Send the re-assessment reminders due today (safe to run as often as wanted)."""
    return reminders_send_due()
