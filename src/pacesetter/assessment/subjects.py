"""The subjects of a plan as pages address them: a unit (by its id), or a leading cadre (by the
person's id) together with their unit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from pacesetter.assessment import access
from pacesetter.assessment.models import AssessmentPlan
from pacesetter.errors import NotFound
from pacesetter.orgs import scope
from pacesetter.orgs.models import Person, Unit

PERSON_ROUTES = {"unit_values": "cadre_values", "submission_review": "cadre_review",
                 "scorecard": "cadre_scorecard", "explain": "cadre_explain"}


@dataclass(frozen=True)
class Subject:
    unit: Unit
    person: Person | None = None

    @property
    def name(self) -> str:
        return label(self.unit, self.person)

    @property
    def key(self) -> dict[str, Any]:
        """The filter of the subject's rows."""
        return {"unit": self.unit, "person": self.person}

    @property
    def unit_id(self) -> int:
        return self.unit.pk

    @property
    def person_id(self) -> int | None:
        return self.person.pk if self.person else None


def label(unit: Any, person: Any = None) -> str:
    """“宾县” for a unit, “张伟（宾县 县委书记）” for a cadre."""
    if person is None:
        return str(unit.name)
    return _("%(name)s (%(unit)s %(position)s)") % {
        "name": person.name, "unit": unit.name, "position": person.position}


def get_subject_in_scope(actor: Any, plan: AssessmentPlan, *, unit_id: Any = None,
                         person_id: Any = None) -> Subject:
    """The plan's subject the actor may read: a unit of their scope, or a cadre the plan
    assesses in a unit where the actor administers the organization department (or any, for
    the plan's runners). Anything else is not found."""
    if not plan.of_people:
        if person_id is not None:
            raise NotFound(_("This unit is not assessed by the plan."))
        return Subject(scope.get_unit_in_scope(actor, unit_id))
    try:
        row = plan.plan_units.select_related("unit", "person").filter(
            person_id=scope.as_id(person_id)).first()
    except (TypeError, ValueError):
        row = None
    if row is None or not (access.can_run(actor, plan)
                           or access.subject_readable(actor, plan, row.unit)):
        raise NotFound(_("This person is not assessed by the plan."))
    return Subject(row.unit, row.person)


def url(name: str, plan: Any, row: Any) -> str:
    """The page ``name`` (``unit_values``, ``scorecard``…) of the subject of ``row`` (a
    ``Subject``, or a row of the plan with ``unit_id`` and ``person_id``)."""
    if row.person_id:
        return reverse(f"assessment:{PERSON_ROUTES[name]}", args=[plan.pk, row.person_id])
    return reverse(f"assessment:{name}", args=[plan.pk, row.unit_id])
