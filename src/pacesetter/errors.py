"""The one family of errors that services raise; ``pacesetter.api`` maps them to 4xx answers.

Messages are user-facing: write them with ``gettext`` so the answer is in the user's language.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A request that cannot be carried out as asked; nothing was written."""

    status_code = 400

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class ValidationFailed(ApplicationError):
    """Input that breaks a rule of the domain; ``extra["errors"]`` names each bad field or row."""

    status_code = 422


class NotFound(ApplicationError):
    """The object does not exist or lies outside the caller's scope: the two look the same."""

    status_code = 404


class PermissionDenied(ApplicationError):
    """The caller may see the object but their role does not allow this action."""

    status_code = 403


class Conflict(ApplicationError):
    """The request contradicts the current state (a duplicate code, a move into its own subtree)."""

    status_code = 409
