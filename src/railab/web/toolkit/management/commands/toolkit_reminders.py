"""``railab manage toolkit_reminders``: e-mail the re-assessment reminders that are due.

Run it daily (cron, a systemd timer); running it twice sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from railab.web.toolkit.services import reminders_send_due


class Command(BaseCommand):
    help = "E-mail a reminder for every assessment whose re-assessment date has come."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Date to act as today (YYYY-MM-DD); default: today.")
        parser.add_argument(
            "--base-url", default="", help="Address of the platform, for links in the e-mail."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    f"--today {options['today']!r} is not a date; write it as YYYY-MM-DD"
                ) from None
        sent = reminders_send_due(today=today, base_url=options["base_url"].rstrip("/"))
        self.stdout.write(f"{sent} reminder(s) sent")
