"""Pages of projects and roadshows: thin, they parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pacesetter.projects import access, selectors


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    """A project: its plan, milestones with their derived state, progress reports,
    follow-ups and claims, and the lifecycle steps open to the visitor."""
    project = access.get_project_in_scope(request.user, project_id)
    overview = selectors.project_overview(actor=request.user, project=project)
    return render(request, "projects/project.html", {
        "o": overview, "project": project,
        "updates": project.updates.select_related("author")[:50],
        "follow_ups": project.follow_ups.select_related("milestone", "raised_by",
                                                        "replied_by")[:50],
        "claims": project.claims.select_related("unit"),
        "co_units": project.co_units.all(),
    })
