"""Password rules with messages in the user's language.

Django 5.2 changed the msgid of the minimum-length message and its zh-Hans catalog does not
have the new one yet, so Chinese users would read English; this validator says it itself.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Use at least %(min_length)d character.",
            "Use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
