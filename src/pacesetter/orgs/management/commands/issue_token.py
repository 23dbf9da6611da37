"""``pacesetter issue_token USERNAME``: print a new API token (shown once, stored hashed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pacesetter.orgs.models import User
from pacesetter.orgs.tokens import token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user and print it; send it as 'Authorization: Bearer TOKEN'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r}")
        _token, raw = token_issue(user=user, name=options["name"])
        self.stdout.write(raw)
