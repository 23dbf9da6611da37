"""Who may see and change portfolios, projects and roadshows.

A portfolio is run by the administrators of its organizer (the department). A project is seen
by those whose scope holds the portfolio's organizer (the department's side), or holds its
lead unit, one of its co-units or the unit that proposed it (the units' side). A project open
for claims is seen by every unit under the organizer, so that they can claim it. The lead
unit's administrators and reporters report progress and take the lead's steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.errors import NotFound, PermissionDenied
from pacesetter.orgs import scope
from pacesetter.projects import lifecycle
from pacesetter.projects.models import Judge, Portfolio, Project, ProjectState, Roadshow

RUN_DENIED = gettext_lazy("Only the administrators of the organizer may do this.")
LEAD_DENIED = gettext_lazy("Only the lead unit may do this.")


def portfolios_in_scope(actor: Any) -> QuerySet[Portfolio]:
    """Portfolios whose organizer the actor sees, whose organizer is above one of the actor's
    units (they take part: propose and claim projects), or in which they see a project."""
    read = scope.read_scope(actor)
    return Portfolio.objects.filter(
        Q(read.q("owner__path")) | _organizer_above(actor, "owner__path")
        | Q(Exists(projects_in_scope(actor).filter(portfolio=OuterRef("pk")))))


def get_portfolio_in_scope(actor: Any, portfolio_id: Any, *, for_write: bool = False
                           ) -> Portfolio:
    try:
        portfolio = portfolios_in_scope(actor).select_related("owner").get(
            pk=scope.as_id(portfolio_id))
    except (Portfolio.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Portfolio not found.")) from None
    if for_write and not can_run(actor, portfolio):
        raise PermissionDenied(str(RUN_DENIED))
    return portfolio


def can_run(actor: Any, portfolio: Portfolio) -> bool:
    return scope.manage_scope(actor).contains(portfolio.owner.path)


def projects_in_scope(actor: Any) -> QuerySet[Project]:
    read = scope.read_scope(actor)
    co_unit_here = Project.co_units.through.objects.filter(
        read.q("unit__path"), project=OuterRef("pk"))
    listed_for_me = Q(state=ProjectState.LISTED) & _organizer_above(actor)
    return Project.objects.filter(
        Q(read.q("portfolio__owner__path")) | Q(read.q("lead_unit__path"))
        | Q(read.q("proposed_by__path")) | Q(Exists(co_unit_here)) | listed_for_me)


def _organizer_above(actor: Any, field: str = "portfolio__owner__path") -> Q:
    """Portfolios organized by a unit above (or at) one of the actor's units (``field``: the
    organizer's path). Everything for a system administrator, nothing for a member."""
    read = scope.read_scope(actor)
    if read.everything:
        return ~Q(pk__in=[])
    ancestors: set[str] = set()
    for path in read.paths:
        parts = [p for p in path.split("/") if p]
        ancestors.update("/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1))
    return Q(**{f"{field}__in": sorted(ancestors)})


def get_project_in_scope(actor: Any, project_id: Any) -> Project:
    try:
        return projects_in_scope(actor).select_related(
            "portfolio__owner", "lead_unit", "proposed_by", "leader", "owner").get(
            pk=scope.as_id(project_id))
    except (Project.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Project not found.")) from None


def roles_on(actor: Any, project: Project) -> set[str]:
    """The actor's roles on the project: ``organizer`` and/or ``lead``."""
    roles = set()
    if can_run(actor, project.portfolio):
        roles.add(lifecycle.ORGANIZER)
    lead = project.lead_unit or project.proposed_by
    if scope.report_scope(actor).contains(lead.path):
        roles.add(lifecycle.LEAD)
    return roles


def roadshows_in_scope(actor: Any) -> QuerySet[Roadshow]:
    read = scope.read_scope(actor)
    presenting_here = Project.objects.filter(
        Q(read.q("lead_unit__path")) | Q(read.q("proposed_by__path")),
        presentations__roadshow=OuterRef("pk"))
    return Roadshow.objects.filter(Q(read.q("owner__path")) | Q(Exists(presenting_here)))


def get_roadshow_in_scope(actor: Any, roadshow_id: Any, *, for_write: bool = False
                          ) -> Roadshow:
    try:
        roadshow = roadshows_in_scope(actor).select_related("owner", "portfolio").get(
            pk=scope.as_id(roadshow_id))
    except (Roadshow.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Roadshow not found.")) from None
    if for_write and not scope.manage_scope(actor).contains(roadshow.owner.path):
        raise PermissionDenied(str(RUN_DENIED))
    return roadshow


def can_chair(actor: Any, roadshow: Roadshow) -> bool:
    return scope.manage_scope(actor).contains(roadshow.owner.path)


def conflicted(judge: Judge, project: Project, co_unit_paths: Iterable[str] = ()) -> bool:
    """A judge from the presenting unit (the lead unit, a co-unit, or a unit inside one of
    them) does not score the project."""
    if judge.unit is None:
        return False
    paths = [p for p in (project.lead_unit.path if project.lead_unit else None,
                         *co_unit_paths) if p]
    return any(judge.unit.path.startswith(path) for path in paths)
