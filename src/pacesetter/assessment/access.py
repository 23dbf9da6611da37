"""Who may see and run a plan.

A plan is seen by those whose scope holds its owner unit, and by those whose scope holds one of
the units it assesses (a county's reporter sees the province's plan, and only their county's
data in it). It is run (edited, opened, scored, published) only by administrators of its owner.

A plan of leading cadres is a personnel record: the same, but only for organization-department
administrators (``scope.manage_scope``); the other roles of a unit never see it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from pacesetter.assessment.models import AssessmentPlan, PlanUnit, SubjectKind
from pacesetter.errors import NotFound, PermissionDenied
from pacesetter.orgs import scope
from pacesetter.orgs.models import Unit


def plans_in_scope(actor: Any) -> QuerySet[AssessmentPlan]:
    read, personnel = scope.read_scope(actor), scope.manage_scope(actor)
    assessed_here = PlanUnit.objects.filter(read.q("unit__path"), plan=OuterRef("pk"))
    cadres_here = PlanUnit.objects.filter(personnel.q("unit__path"), plan=OuterRef("pk"))
    of_units = ~Q(subject_kind=SubjectKind.CADRE) & (
        Q(read.q("owner__path")) | Q(Exists(assessed_here)))
    of_cadres = Q(subject_kind=SubjectKind.CADRE) & (
        Q(personnel.q("owner__path")) | Q(Exists(cadres_here)))
    return AssessmentPlan.objects.filter(of_units | of_cadres)


def subjects_scope(actor: Any, plan: AssessmentPlan) -> scope.Scope:
    """Where the actor reads the plan's subjects: their whole reading scope, or for a plan of
    cadres only where they administer the organization department."""
    return scope.manage_scope(actor) if plan.of_people else scope.read_scope(actor)


def subject_readable(actor: Any, plan: AssessmentPlan, unit: Unit) -> bool:
    """Whether the actor reads the figures of a subject of ``plan`` in ``unit``."""
    return subjects_scope(actor, plan).contains(unit.path)


def can_run(actor: Any, plan: AssessmentPlan) -> bool:
    return scope.manage_scope(actor).contains(plan.owner.path)


def get_plan_in_scope(actor: Any, plan_id: Any, *, for_write: bool = False) -> AssessmentPlan:
    """Load a plan the actor may see (``NotFound`` otherwise); ``for_write`` needs its owner."""
    try:
        plan = plans_in_scope(actor).select_related("owner", "period").get(
            pk=scope.as_id(plan_id))
    except (AssessmentPlan.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Assessment plan not found.")) from None
    if for_write and not can_run(actor, plan):
        raise PermissionDenied(_("Only the administrators of the plan's owner may do this."))
    return plan


def require_run(actor: Any, plan: AssessmentPlan) -> None:
    if not can_run(actor, plan):
        raise PermissionDenied(_("Only the administrators of the plan's owner may do this."))
