"""The unread-notification badge of the page header."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from pacesetter.notifications import selectors


def unread(request: HttpRequest) -> dict[str, Any]:
    """``notifications_unread``: called by the template only where it is shown, so a page
    pays one small query for it, and a response that renders no header pays none."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": partial(selectors.unread_count, user=user)}
