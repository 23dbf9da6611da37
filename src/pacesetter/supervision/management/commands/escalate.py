"""``pacesetter escalate``: chase overdue and soon-due rectifications, for cron where there is
no Celery beat (the embedded default). Safe to run more often than daily: each escalation
level is reached once."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pacesetter.supervision import services


class Command(BaseCommand):
    help = "Escalate overdue rectifications and remind units of those due soon."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="act as if today were this day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        report = services.escalate_due(today=options["today"])
        self.stdout.write(f"督办 escalated {report.raised}, reminded {report.warned}")
