"""``pacesetter demo``: migrate, load the demo province, print the logins, serve."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from pacesetter.assessment import demo as assessment_demo
from pacesetter.cadres import demo as cadres_demo
from pacesetter.orgs import demo as orgs_demo
from pacesetter.projects import demo as projects_demo
from pacesetter.supervision import demo as supervision_demo
from pacesetter.surveys import demo as surveys_demo


class Command(BaseCommand):
    help = "Load the demo province into the embedded database and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="stop after loading")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="where to serve")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        loaded = orgs_demo.load()
        assessment_demo.load()
        surveys_demo.load()
        projects_demo.load()
        supervision_demo.load()
        cadres_demo.load()
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"演示数据就绪 Demo ready in {elapsed:.1f} s: "
            f"{loaded['units_created']} units and {loaded['people_created']} people added "
            f"(0 means already loaded)."
        ))
        host = options["addrport"]
        self.stdout.write(f"\n地址 Address: http://{host}/\n")
        self.stdout.write(f"密码 Password (all logins): {orgs_demo.DEMO_PASSWORD}\n")
        for login in orgs_demo.DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<16} {login.note}")
        self.stdout.write("")
        if not options["no_serve"]:
            call_command("runserver", host, use_reloader=False)
