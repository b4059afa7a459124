"""Background work of the learning area: event reminders."""

from __future__ import annotations

from django_tasks import task

from railab.web.learning.services import reminders_send


@task()
def send_event_reminders_task() -> int:
    """Remind registered people of events starting within a day (idempotent: run it as
    often as you like, e.g. hourly from cron with ``railab manage learning_reminders``)."""
    return reminders_send()
