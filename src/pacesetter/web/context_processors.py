"""The navigation: one entry per area that is built; an area not yet built is not listed."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacesetter.orgs import scope


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        (_("Home"), reverse("home")),
        (_("Units"), reverse("orgs:unit_tree")),
        (_("People"), reverse("orgs:person_list")),
        (_("Assessment"), reverse("assessment:plan_list")),
        (_("Surveys"), reverse("surveys:home")),
        (_("Projects"), reverse("projects:portfolios")),
        (_("Roadshows"), reverse("projects:roadshow_list")),
        (_("Supervision and rectification"), reverse("supervision:inspections")),
    ]
    if not scope.manage_scope(user).is_empty:
        items.append((_("Cadres"), reverse("cadres:home")))
    if scope.is_manager(user):
        items.append((_("Accounts"), reverse("orgs:account_list")))
        items.append((_("Audit log"), reverse("audit:entry_list")))
    items.append((_("API"), reverse("api:openapi-view")))
    home = reverse("home")
    return {
        "nav_items": [
            {"label": label, "url": url,
             "active": request.path == url if url == home else request.path.startswith(url)}
            for label, url in items
        ]
    }
