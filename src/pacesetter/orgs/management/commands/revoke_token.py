"""``pacesetter revoke_token USERNAME [--prefix ps_xxxxxxx]``: revoke API tokens."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pacesetter.orgs.models import User
from pacesetter.orgs.tokens import tokens_revoke


class Command(BaseCommand):
    help = "Revoke a user's API tokens: the one starting with --prefix, or all of them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--prefix", default="", help="the first characters of the token")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        count = tokens_revoke(user=user, prefix=options["prefix"])
        self.stdout.write(f"revoked {count} token(s)")
