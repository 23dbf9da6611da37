"""The home page: the user's scope at a glance."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pacesetter.audit import selectors as audit_selectors
from pacesetter.orgs import scope
from pacesetter.orgs import selectors as org_selectors


def _level_label(level: int) -> str:
    labels = {1: _("Province-level units"), 2: _("City-level units"),
              3: _("County-level units"), 4: _("Township-level units"),
              5: _("Branch-level units")}
    return labels.get(level, _("Level %(level)d units") % {"level": level})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roots = list(org_selectors.unit_roots(actor=user)[:5])
    counts = [{"label": _level_label(row["level"]), "count": row["count"]}
              for row in org_selectors.unit_level_counts(actor=user)]
    recent = (audit_selectors.entry_list(actor=user)[:10] if scope.is_manager(user) else [])
    return render(request, "web/home.html", {
        "scope_names": "、".join(u.name for u in roots)
        or _("none: ask an administrator for a role"),
        "level_counts": counts,
        "person_count": org_selectors.person_count(actor=user),
        "roles": user.role_grants.select_related("unit").order_by("unit__path"),
        "recent_entries": recent,
    })
