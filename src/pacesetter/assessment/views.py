"""Assessment pages: plans, data entry, the workflow, and the ranking board."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pacesetter.assessment import (
    access,
    record_views,
    records,
    scoring,
    selectors,
    services,
    subjects,
)
from pacesetter.assessment.forms import ReasonForm, UnitValuesForm
from pacesetter.assessment.models import ListMark, PlanStatus, SubmissionStatus
from pacesetter.errors import ApplicationError, NotFound
from pacesetter.orgs import scope
from pacesetter.pagination import page_of


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    page, keep = page_of(request, selectors.plan_list(actor=request.user))
    return render(request, "assessment/plan_list.html", {"page_obj": page,
                                                         "query_without_page": keep})


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_in_scope(request.user, plan_id)
    submissions = selectors.submissions(actor=request.user, plan=plan)
    counts: dict[str, int] = {}
    for status, count in submissions.order_by().values_list("status").annotate(n=Count("pk")):
        counts[str(SubmissionStatus(status).label)] = count
    page, keep = page_of(request, submissions)
    return render(request, "assessment/plan_detail.html", {
        "plan": plan,
        "items": plan.plan_indicators.select_related("indicator"),
        "can_run": access.can_run(request.user, plan),
        "page_obj": page, "query_without_page": keep,
        "counts": counts,
        "versions": plan.versions.order_by("-number"),
        "reason_form": ReasonForm(),
    })


_ACTIONS = {
    "open": lambda actor, plan, reason: services.plan_open(actor=actor, plan=plan),
    "score": lambda actor, plan, reason: services.plan_score(actor=actor, plan=plan),
    "publish": lambda actor, plan, reason: services.plan_publish(actor=actor, plan=plan,
                                                                 note=reason),
    "correct": lambda actor, plan, reason: services.plan_correct(actor=actor, plan=plan,
                                                                 reason=reason),
}


@login_required
@require_POST
def plan_action(request: HttpRequest, plan_id: int, action: str) -> HttpResponse:
    """One step of the workflow: open, score, publish, or reopen for a correction."""
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    if action not in _ACTIONS:
        raise NotFound(_("Unknown step."))
    try:
        _ACTIONS[action](request.user, plan, request.POST.get("reason", "").strip()[:500])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("assessment:plan_detail", plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def unit_values(request: HttpRequest, plan_id: int, unit_id: int | None = None,
                person_id: int | None = None) -> HttpResponse:
    """A subject's figures for the plan (a unit's, or a cadre's): save as draft, or save and
    submit."""
    plan = access.get_plan_in_scope(request.user, plan_id)
    subject = subjects.get_subject_in_scope(request.user, plan, unit_id=unit_id,
                                            person_id=person_id)
    unit, person = subject.unit, subject.person
    submission = plan.submissions.filter(**subject.key).first()
    if submission is None:
        raise NotFound(_("This unit is not assessed by the plan."))
    items = list(plan.plan_indicators.select_related("indicator"))
    listed = [i for i in items if scoring.from_lists(i.rule_kind, i.rule)]
    items = [i for i in items if not scoring.from_lists(i.rule_kind, i.rule)]
    evidence = records.value_evidence(actor=request.user, plan=plan, unit=unit)
    for item in items:
        item.evidence_files = evidence.get(item.pk, [])
    stored = {v.plan_indicator_id: v for v in selectors.unit_values(
        actor=request.user, plan=plan, unit=unit, person=person)}
    initial = {}
    for item in items:
        if item.pk in stored:
            initial[f"v_{item.indicator.code}"] = stored[item.pk].value
            initial[f"c_{item.indicator.code}"] = stored[item.pk].comment
    form = UnitValuesForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        uploads = {i: files for i in items if (files := request.FILES.getlist(
            f"e_{i.indicator.code}"))}
        try:
            for item, files in uploads.items():
                records.check_files(files, field=item.indicator.code)
            with transaction.atomic():  # figures, evidence and submission: all or none
                services.values_save(actor=request.user, plan=plan, unit=unit,
                                     person=person, values=form.values())
                for item, files in uploads.items():
                    records.value_evidence_add(actor=request.user, plan=plan, unit=unit,
                                               plan_indicator=item, files=files)
                if "submit" in request.POST:
                    services.submission_submit(actor=request.user, plan=plan, unit=unit,
                                               person=person)
        except ApplicationError as error:
            for item in error.extra.get("errors", []):
                name = f"v_{item['field']}"
                form.add_error(name if name in form.fields else None, item["message"])
            if not error.extra.get("errors"):
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Submitted.") if "submit" in request.POST
                             else _("Saved as a draft."))
            return redirect(subjects.url("unit_values", plan, subject))
    return render(request, "assessment/unit_values.html", {
        "plan": plan, "unit": unit, "subject": subject, "submission": submission, "form": form,
        "editable": _editable(request, plan, submission),
        "can_run": access.can_run(request.user, plan),
        "listed": listed, "accept": record_views.ACCEPT,
    })


def _editable(request: HttpRequest, plan: Any, submission: Any) -> bool:
    """Whether the figures may change now: the same rule as ``services.values_save``."""
    if plan.status == PlanStatus.COLLECTING:
        return submission.status in ("draft", "returned")
    return plan.status == PlanStatus.SCORING and access.can_run(request.user, plan)


@login_required
@require_POST
def submission_review(request: HttpRequest, plan_id: int, unit_id: int | None = None,
                      person_id: int | None = None) -> HttpResponse:
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    subject = subjects.get_subject_in_scope(request.user, plan, unit_id=unit_id,
                                            person_id=person_id)
    try:
        services.submission_review(actor=request.user, plan=plan, unit=subject.unit,
                                   person=subject.person,
                                   approve=request.POST.get("approve") == "1",
                                   reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(subjects.url("unit_values", plan, subject))


BOARD_ROWS = 1000


@login_required
def board(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The ranking board (每月晒): each ranking group with its red, gray and black lists.

    A province-wide plan has thousands of groups; past ``BOARD_ROWS`` results the board shows
    one group at a time, chosen from a list. ``?screen=1`` is the big-screen layout."""
    plan = access.get_plan_in_scope(request.user, plan_id)
    try:
        number = scope.as_id(request.GET["version"]) if request.GET.get("version") else None
    except (TypeError, ValueError):
        raise NotFound(_("No such version.")) from None
    version = selectors.result_version(actor=request.user, plan=plan, number=number)
    results = selectors.results(actor=request.user, version=version)
    sizes = dict(results.order_by("ranking_group").values_list("ranking_group")
                 .annotate(n=Count("pk")))
    group_names = list(sizes)
    chosen, page, keep = None, None, ""
    rows = results.order_by("ranking_group", "group_rank", "unit__code")
    if sum(sizes.values()) > BOARD_ROWS:
        chosen = request.GET.get("group", group_names[0] if group_names else "")
        rows = rows.filter(ranking_group=chosen)
        if sizes.get(chosen, 0) > BOARD_ROWS:
            page, keep = page_of(request, rows)
            rows = page.object_list
    groups: OrderedDict[str, list[Any]] = OrderedDict()
    for row in rows:
        groups.setdefault(row.ranking_group, []).append(row)
    area_id = request.GET.get("area", "")
    area = (version.areas.filter(unit_id=int(area_id)).select_related("unit").first()
            if area_id.isdigit() and len(area_id) < 16 else None)
    return render(request, "assessment/board.html", {
        "plan": plan, "version": version, "groups": groups,
        "page_obj": page, "query_without_page": keep, "area": area,
        "areas": selectors.area_results(version=version,
                                        parent=area.unit_id if area else plan.owner_id),
        "group_names": group_names if chosen is not None else [], "chosen": chosen,
        "list_counts": selectors.list_counts(version=version),
        "screen": request.GET.get("screen") == "1",
        "versions": plan.versions.filter(is_published=True).order_by("-number"),
        "marks": {m.value: m.label for m in ListMark},
    })
