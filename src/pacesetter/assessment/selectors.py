"""Reads of the assessment, always through the caller's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pacesetter.assessment import access
from pacesetter.assessment.models import (
    AssessmentPlan,
    Indicator,
    IndicatorValue,
    ResultVersion,
    Submission,
    UnitResult,
)
from pacesetter.errors import NotFound
from pacesetter.orgs import scope
from pacesetter.orgs.models import Unit


def plan_list(*, actor: Any) -> QuerySet[AssessmentPlan]:
    return access.plans_in_scope(actor).select_related("owner", "period").order_by(
        "-period__start", "name", "pk")


def result_version(*, actor: Any, plan: AssessmentPlan, number: int | None = None
                   ) -> ResultVersion:
    """The latest published version (or ``number``); drafts only for the plan's runners."""
    versions = plan.versions.all()
    if not access.can_run(actor, plan):
        versions = versions.filter(is_published=True)
    if number is not None:
        version = versions.filter(number=number).first()
    else:
        version = (versions.filter(is_published=True).order_by("-number").first()
                   or versions.order_by("-number").first())
    if version is None:
        raise NotFound(_("No result has been published yet."))
    return version


def results(*, actor: Any, version: ResultVersion, group: str | None = None,
            list_mark: str | None = None) -> QuerySet[UnitResult]:
    """A version's results by rank: a published ranking is shown whole to everyone who sees
    the plan (it is the 通报); filters by ranking group and list."""
    rows = version.results.select_related("unit")
    if group is not None:
        rows = rows.filter(ranking_group=group)
    if list_mark is not None:
        rows = rows.filter(list_mark=list_mark)
    return rows.order_by("rank", "unit__code")


def submissions(*, actor: Any, plan: AssessmentPlan) -> QuerySet[Submission]:
    """Completeness: every assessed unit's submission for the plan's runners, the actor's own
    units for everyone else."""
    rows = plan.submissions.select_related("unit")
    if not access.can_run(actor, plan):
        rows = rows.filter(scope.read_scope(actor).q("unit__path"))
    return rows.order_by("status", "unit__path")


def unit_values(*, actor: Any, plan: AssessmentPlan, unit: Unit) -> QuerySet[IndicatorValue]:
    if not access.can_run(actor, plan) and not scope.read_scope(actor).contains(unit.path):
        raise NotFound(_("Unit not found."))
    return IndicatorValue.objects.filter(plan=plan, unit=unit).select_related(
        "plan_indicator__indicator").order_by("plan_indicator__sort_order", "plan_indicator")


def _chain_paths(unit: Unit) -> list[str]:
    """The paths of ``unit`` and its ancestors, read from its own path."""
    parts = unit.path.strip("/").split("/")
    return ["/" + "/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1)]


def catalog(*, actor: Any, unit: Unit) -> QuerySet[Indicator]:
    """Categories and indicators of ``unit``'s catalog and of the catalogs above it (one
    query); nothing of other subtrees."""
    return (Indicator.objects.filter(owner__path__in=_chain_paths(unit))
            .select_related("owner").order_by("owner__level", "sort_order", "code"))


def catalog_indicator(*, actor: Any, unit: Unit, indicator_id: Any) -> Indicator:
    """One entry of ``unit``'s catalog or of one above it, or ``NotFound``."""
    try:
        return catalog(actor=actor, unit=unit).get(pk=scope.as_id(indicator_id))
    except (Indicator.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Indicator not found.")) from None
