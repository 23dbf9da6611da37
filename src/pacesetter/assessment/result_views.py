"""Result pages: a unit's scorecard, the explanation of its total, and the diff of versions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pacesetter.assessment import access, explain, selectors, subjects
from pacesetter.assessment.models import WEIGHTED_RULES, ListMark
from pacesetter.errors import NotFound
from pacesetter.orgs import scope
from pacesetter.pagination import page_of

RADAR_FLOOR = 100.0


def _version_number(request: HttpRequest) -> int | None:
    number = request.GET.get("version")
    if not number:
        return None
    try:
        return scope.as_id(number)
    except (TypeError, ValueError):
        raise NotFound(_("No such version.")) from None


def _marks() -> dict[str, str]:
    return {str(m.value): str(m.label) for m in ListMark}


def _chart_data(result: Any, items: list[Any], trend: list[selectors.TrendPoint],
                group: selectors.GroupPoints) -> dict[str, Any]:
    """What the charts draw, with their labels already in the user's language."""
    points = result.points or []
    scored = [j for j, item in enumerate(items) if item.rule_kind in WEIGHTED_RULES]

    def pick(values: list[float]) -> list[float]:
        return [round(values[j], 2) if j < len(values) else 0.0 for j in scored]

    own, mean, best = pick(points), pick(group.mean), pick(group.best)
    top = max([RADAR_FLOOR, *own, *best])
    return {
        "radar": {
            "indicators": [{"code": items[j].indicator.code, "name": items[j].indicator.name,
                            "max": top} for j in scored],
            "series": [
                {"name": subjects.label(result.unit, result.person), "values": own},
                {"name": _("Group average"), "values": mean},
                {"name": _("Best in group"), "values": best},
            ],
        },
        "trend": {
            "labels": [p.label for p in trend],
            "total": [round(p.total, 2) for p in trend],
            "group_rank": [p.group_rank for p in trend],
            "total_name": _("Total"),
            "rank_name": _("Rank in group"),
        },
    }


@login_required
def scorecard(request: HttpRequest, plan_id: int, unit_id: int | None = None,
              person_id: int | None = None) -> HttpResponse:
    """A subject's result: total, ranks, list, change; radar against its group, trend over
    the periods of the plan's series."""
    plan = access.get_plan_in_scope(request.user, plan_id)
    result = selectors.unit_result(actor=request.user, plan=plan, unit_id=unit_id,
                                   person_id=person_id, number=_version_number(request))
    version = result.version
    items = selectors.scored_items(version=version)
    group = selectors.group_points(version=version, group=result.ranking_group)
    trend = selectors.unit_trend(actor=request.user, result=result)
    points = result.points or []
    rows = [{"item": item, "points": points[j] if j < len(points) else 0.0,
             "mean": group.mean[j] if j < len(group.mean) else 0.0,
             "best": group.best[j] if j < len(group.best) else 0.0}
            for j, item in enumerate(items) if item.rule_kind in WEIGHTED_RULES]
    return render(request, "assessment/scorecard.html", {
        "plan": plan, "version": version, "result": result, "unit": result.unit,
        "units_ranked": version.results.count(), "group_size": group.size,
        "rows": rows, "trend": trend, "marks": _marks(),
        "chart_data": _chart_data(result, items, trend, group),
    })


@login_required
def explain_view(request: HttpRequest, plan_id: int, unit_id: int | None = None,
                 person_id: int | None = None) -> HttpResponse:
    """For each indicator: raw value, rule, normalized value, weight, points, contribution;
    then bonus, deduction, veto and the total as a sum of the stored numbers."""
    plan = access.get_plan_in_scope(request.user, plan_id)
    result = selectors.unit_result(actor=request.user, plan=plan, unit_id=unit_id,
                                   person_id=person_id, number=_version_number(request))
    version = result.version
    terms = explain.total_terms(bonus=result.bonus, deduction=result.deduction,
                                total=result.total)
    rows = explain.balance_contributions(
        explain.explain_rows(selectors.scored_items(version=version), version.weights,
                             result.breakdown), terms.weighted)
    return render(request, "assessment/explain.html", {
        "plan": plan, "version": version, "result": result, "unit": result.unit,
        "rows": rows, "marks": _marks(), "terms": terms,
        "vetoed_by": [row for row in rows if row.vetoed],
    })


@login_required
def version_diff(request: HttpRequest, plan_id: int, before: int, after: int) -> HttpResponse:
    """The units whose total, ranks or list changed from one version to another, and the
    reported figures that changed, page by page."""
    plan = access.get_plan_in_scope(request.user, plan_id)
    diff = selectors.version_diff(actor=request.user, plan=plan, before=before, after=after)
    page, keep = page_of(request, diff.changed)
    items = selectors.scored_items(version=diff.after)
    key = "person_id" if plan.of_people else "unit_id"
    changes = selectors.raw_changes(diff=diff, unit_ids=[getattr(r, key) for r in page],
                                    items=items, key=key)
    return render(request, "assessment/version_diff.html", {
        "plan": plan, "diff": diff, "page_obj": page, "query_without_page": keep,
        "rows": [(row, changes.get(getattr(row, key), [])) for row in page],
        "marks": _marks(),
    })
