"""``pacesetter import_units FILE.xlsx``: the units workbook import, from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pacesetter.errors import ApplicationError
from pacesetter.orgs.imports import units_import
from pacesetter.orgs.models import Role, User
from pacesetter.orgs.spreadsheets import read_unit_rows


class Command(BaseCommand):
    help = "Import units from an Excel workbook; all rows or none, every bad row listed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx workbook (columns as in the template)")
        parser.add_argument("--user", help="act as this user (default: a system administrator)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options.get("user"))
        try:
            with open(options["file"], "rb") as source:
                rows = read_unit_rows(source)
            result = units_import(actor=actor, rows=rows, note=f"import_units {options['file']}")
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from None
        except ApplicationError as error:
            for item in error.extra.get("errors", []):
                self.stderr.write(f"row {item['row']}, {item['column']}: {item['message']}")
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(
            f"created {result.created}, updated {result.updated} (moved {result.moved}), "
            f"unchanged {result.unchanged}"
        ))

    def _actor(self, username: str | None) -> User:
        users = User.objects.filter(is_active=True)
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                raise CommandError(f"no active user {username!r}")
            return actor
        actor = users.filter(role_grants__role=Role.SYSTEM_ADMIN).order_by("pk").first()
        if actor is None:
            raise CommandError("no system administrator exists; pass --user USERNAME")
        return actor
