"""The completeness page: who has reported for a plan, by status and by parent unit, with
one-click reminders for the plan's runners."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from pacesetter.assessment import access, selectors, services
from pacesetter.assessment.models import PlanStatus, SubmissionStatus
from pacesetter.errors import ApplicationError, NotFound
from pacesetter.orgs import scope
from pacesetter.pagination import page_of

STATUS_LABELS = {
    SubmissionStatus.DRAFT: gettext_lazy("Not submitted"),
    SubmissionStatus.SUBMITTED: gettext_lazy("Submitted, awaiting review"),
    SubmissionStatus.APPROVED: gettext_lazy("Approved"),
    SubmissionStatus.RETURNED: gettext_lazy("Returned"),
}


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _optional_id(value: str | None) -> int | None:
    try:
        return scope.as_id(value) if value else None
    except (TypeError, ValueError):
        return None


def _rollup(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["handed_in"] = row[SubmissionStatus.SUBMITTED] + row[SubmissionStatus.APPROVED]
        row["percent"] = _percent(row["handed_in"], row["total"])
    return rows


@login_required
def completeness(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_in_scope(request.user, plan_id)
    status = request.GET.get("status", "")
    parent_id = _optional_id(request.GET.get("parent"))
    counts = selectors.completeness_counts(actor=request.user, plan=plan)
    total = sum(counts.values())
    handed_in = counts[SubmissionStatus.SUBMITTED] + counts[SubmissionStatus.APPROVED]
    page, keep = page_of(request, selectors.completeness_rows(
        actor=request.user, plan=plan, status=status, parent_id=parent_id))
    reminded = selectors.reminders_last(plan=plan, unit_ids=[s.unit_id for s in page])
    for submission in page:
        submission.last_reminded = reminded.get(submission.unit_id)
    can_run = access.can_run(request.user, plan)
    return render(request, "assessment/completeness.html", {
        "plan": plan,
        "can_run": can_run,
        "can_remind": can_run and plan.status == PlanStatus.COLLECTING and not plan.of_people,
        "total": total,
        "handed_in": handed_in,
        "handed_in_percent": _percent(handed_in, total),
        "statuses": [{"value": value, "label": label, "count": counts[value],
                      "percent": _percent(counts[value], total)}
                     for value, label in STATUS_LABELS.items()],
        "rollup": _rollup(selectors.completeness_by_parent(actor=request.user, plan=plan)),
        "status": status,
        "parent_id": parent_id,
        "not_submitted": selectors.NOT_SUBMITTED_FILTER,
        "open_statuses": selectors.NOT_SUBMITTED,
        "page_obj": page,
        "query_without_page": keep,
    })


@login_required
@require_POST
def remind(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Remind one unit (``unit``), or every unit that has not submitted."""
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    unit = request.POST.get("unit")
    unit_id = _optional_id(unit)
    if unit and unit_id is None:
        raise NotFound(_("Unit not found."))
    try:
        sent, skipped = services.reminders_send(
            actor=request.user, plan=plan, unit_ids=None if unit_id is None else [unit_id])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if sent:
            messages.success(request, ngettext("Reminded %(count)d unit.",
                                               "Reminded %(count)d units.", sent)
                             % {"count": sent})
        if skipped:
            messages.warning(request, ngettext(
                "%(count)d unit was skipped: it was reminded less than an hour ago.",
                "%(count)d units were skipped: they were reminded less than an hour ago.",
                skipped) % {"count": skipped})
        if not sent and not skipped:
            messages.info(request, _("No unit needs a reminder."))
    back = reverse("assessment:completeness", args=[plan.pk])
    query = request.GET.urlencode()
    return redirect(f"{back}?{query}" if query else back)
