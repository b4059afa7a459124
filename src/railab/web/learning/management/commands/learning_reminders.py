"""``railab manage learning_reminders``: e-mail reminders for events starting soon."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from railab.web.learning.services import reminders_send


class Command(BaseCommand):
    help = (
        "Send a reminder to everyone registered for an event starting within the next "
        "hours (24 by default). Safe to run repeatedly: each reminder is sent once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="Look-ahead window.")

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"]
        if hours < 1:
            self.stderr.write("--hours must be at least 1")
            raise SystemExit(2)
        sent = reminders_send(window=timedelta(hours=hours))
        self.stdout.write(f"{sent} reminder(s) sent.")
