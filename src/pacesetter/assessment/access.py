"""Who may see and run a plan.

A plan is seen by those whose scope holds its owner unit, and by those whose scope holds one of
the units it assesses (a county's reporter sees the province's plan, and only their county's
data in it). It is run (edited, opened, scored, published) only by administrators of its owner.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from pacesetter.assessment.models import AssessmentPlan, PlanUnit
from pacesetter.errors import NotFound, PermissionDenied
from pacesetter.orgs import scope


def plans_in_scope(actor: Any) -> QuerySet[AssessmentPlan]:
    read = scope.read_scope(actor)
    assessed_here = PlanUnit.objects.filter(read.q("unit__path"), plan=OuterRef("pk"))
    return AssessmentPlan.objects.filter(Q(read.q("owner__path")) | Q(Exists(assessed_here)))


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
