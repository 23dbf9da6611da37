"""The inspection pages: the list, a new plan (typed, or from the bottom of a ranking), the plan
with its findings and figures, findings entered on a phone or imported from the team's Excel
sheet, the exports (xlsx and the Word bulletin) and the organizer's categories. Thin: they
parse, call a selector or a service, render. A refusal is shown on the form it came from; a
success flashes a message and redirects (post/redirect/get).

The supervising side (the organizer's administrators and inspectors) plans, records and moves
an inspection; an inspected unit sees the inspections that visit it with its own findings;
anyone else is told the inspection does not exist.
"""

from __future__ import annotations

import datetime
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pacesetter.assessment import selectors as assessment_selectors
from pacesetter.errors import ApplicationError, NotFound, PermissionDenied
from pacesetter.exports import services as export_services
from pacesetter.orgs import scope
from pacesetter.orgs import selectors as org_selectors
from pacesetter.orgs.models import Unit
from pacesetter.pagination import page_of
from pacesetter.supervision import (
    access,
    boards,
    documents,
    forms,
    imports,
    lifecycle,
    schedule,
    selectors,
    services,
    spreadsheets,
)
from pacesetter.supervision.models import (
    Evidence,
    Finding,
    FindingCategory,
    Inspection,
    InspectionKind,
    InspectionState,
    InspectionTarget,
    RectificationState,
    Severity,
)
from pacesetter.surveys import selectors as survey_selectors
from pacesetter.userinput import is_image

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LOOKUP_LIMIT = 20
ORGANIZERS_SHOWN = 500
SOURCES_SHOWN = 200
#: The whole ranking, for the groups and their sizes shown beside the preview.
EVERY_RANK = 10**6
SEVERITY_COLORS = {Severity.MINOR: "#2e7d32", Severity.MODERATE: "#b26a00",
                   Severity.SERIOUS: "#c62828"}
LIGHT_COLORS = {schedule.GREEN: "#2e7d32", schedule.YELLOW: "#f9a825", schedule.RED: "#c62828",
                schedule.NONE: "#9e9e9e"}


def _refusal(error: ApplicationError) -> ApplicationError:
    """A service's refusal to show on a form; not-found and not-allowed go to their pages."""
    if isinstance(error, NotFound | PermissionDenied):
        raise error
    return error


def _require_supervisor(user: Any) -> None:
    if scope.inspect_scope(user).is_empty:
        raise PermissionDenied(str(access.SUPERVISE_DENIED))


def _organizers(user: Any) -> list[tuple[int, str]]:
    """The units a supervisor may organize an inspection for, as offered on the form: the
    units they administer or inspect, and the units right under those (a province's cities,
    a city's counties)."""
    inspect = scope.inspect_scope(user)
    roots = (Unit.objects.filter(parent__isnull=True) if inspect.everything
             else Unit.objects.filter(path__in=inspect.paths))
    units = (Unit.objects.filter(pk__in=roots.values("pk"))
             | Unit.objects.filter(parent__in=roots.values("pk"))).order_by("path")
    base = min((u.level for u in roots), default=1)
    return [(unit.pk, "\u3000" * max(unit.level - base, 0) + unit.name)
            for unit in units[:ORGANIZERS_SHOWN]]


def _owners_with(user: Any, chosen: Any, owners: list[tuple[int, str]]
                 ) -> list[tuple[int, str]]:
    """The organizers offered, and the one posted if it lies further down the supervised
    subtree. A unit outside the user's view is not found; an id no unit has stays the form's
    invalid choice."""
    try:
        pk = scope.as_id(chosen) if chosen else None
    except (TypeError, ValueError):
        return owners
    if pk is None or pk in {p for p, _name in owners} or not Unit.objects.filter(
            pk=pk).exists():
        return owners
    unit = scope.get_unit_in_scope(user, pk)
    if access.can_supervise(user, unit.path):
        return [*owners, (unit.pk, unit.name)]
    return owners


def _owner(user: Any, owner_id: int) -> Unit:
    unit = scope.get_unit_in_scope(user, owner_id)
    if not access.can_supervise(user, unit.path):
        raise PermissionDenied(str(access.SUPERVISE_DENIED))
    return unit


def _default_owner(owners: list[tuple[int, str]], request: HttpRequest) -> int | None:
    wanted = request.GET.get("owner", "")
    chosen = boards.id_or_none(wanted)
    if chosen in {pk for pk, _name in owners}:
        return chosen
    return owners[0][0] if owners else None


def _rectification_url(pk: int) -> str:
    """The rectification's page, once the rectification pages exist."""
    try:
        return reverse("supervision:rectification", args=[pk])
    except NoReverseMatch:
        return ""


def _link(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


# --- the list ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ListCounts:
    findings: int = 0
    tasks: int = 0
    rectified: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.rectified / self.tasks, 1) if self.tasks else None


def _list_counts(user: Any, inspections: Sequence[Inspection]) -> dict[int, ListCounts]:
    """The findings and the rectification rate of each inspection, as the user sees them, in
    one query."""
    rows = (access.findings_in_scope(user).filter(inspection__in=[i.pk for i in inspections])
            .values("inspection_id").annotate(
                findings=Count("pk"), tasks=Count("rectification"),
                rectified=Count("rectification",
                                filter=Q(rectification__state__in=lifecycle.RECTIFIED))))
    return {row["inspection_id"]: ListCounts(row["findings"], row["tasks"], row["rectified"])
            for row in rows}


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    """The inspections the user organizes or is visited by: kind, period, targets, findings
    and rectification rate."""
    user = request.user
    visible = (scope.inspect_scope(user).q("owner__path")
               | scope.read_scope(user).q("targets__unit__path"))
    inspections = access.inspections_in_scope(user).select_related("owner").annotate(
        target_count=Count("targets", filter=visible, distinct=True)).order_by(
        "-starts_on", "title", "pk")
    page, query = page_of(request, inspections)
    counts = _list_counts(request.user, page.object_list)
    return render(request, "supervision/inspection_list.html", {
        "page_obj": page, "query_without_page": query,
        "rows": [(i, counts.get(i.pk, ListCounts())) for i in page.object_list],
        "can_create": not scope.inspect_scope(request.user).is_empty,
        "board_url": _link("supervision:rectifications"),
        "queue_url": _link("supervision:rectification_queue"),
    })


# --- a new plan -------------------------------------------------------------------------------

def _earlier(user: Any) -> list[Inspection]:
    """The inspections a re-check may revisit: those the user supervises."""
    inspect = scope.inspect_scope(user)
    return list(Inspection.objects.filter(inspect.q("owner__path")).order_by(
        "-starts_on", "title")[:SOURCES_SHOWN])


def _plan_initial(owner: int | None, earlier: Sequence[Inspection],
                  request: HttpRequest) -> dict[str, Any]:
    """A blank plan, or a re-check of ``?rechecks=<id>`` (one of ``earlier``): its kind and
    title filled in, the targets left for the service to take from the closed findings."""
    today = timezone.localdate()
    initial: dict[str, Any] = {"owner": owner, "kind": InspectionKind.INSPECTION,
                               "starts_on": today, "ends_on": today + datetime.timedelta(days=4)}
    wanted = request.GET.get("rechecks", "")
    chosen = boards.id_or_none(wanted)
    rechecked = next((i for i in earlier if i.pk == chosen), None)
    if rechecked is not None:
        initial.update(kind=InspectionKind.RECHECK, rechecks=rechecked.pk,
                       title=_("%(title)s: re-check") % {"title": rechecked.title})
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    """新建督查: the organizer, title, kind, purpose, period, team, target units and the
    checklist."""
    user = request.user
    _require_supervisor(user)
    owners = _owners_with(user, request.POST.get("owner") or request.GET.get("owner"),
                          _organizers(user))
    earlier = _earlier(user)
    form = forms.InspectionForm(request.POST or None, owners=owners, earlier=earlier,
                                initial=_plan_initial(_default_owner(owners, request), earlier,
                                                      request))
    editor = (forms.PlanEditor.bound(form, request.POST) if request.method == "POST"
              else forms.PlanEditor(form=form))
    if request.method == "POST" and form.is_valid():
        owner = _owner(user, form.cleaned_data["owner"])
        plan = editor.read(actor=user, owner=owner)
        if plan is not None:
            try:
                inspection = services.inspection_create(actor=user, owner=owner, **plan)
            except ApplicationError as refused:
                editor.show_problems(_refusal(refused))
            else:
                messages.success(request, _("The inspection is planned."))
                return redirect("supervision:inspection", inspection_id=inspection.pk)
    return render(request, "supervision/inspection_form.html", {"editor": editor, "form": form},
                  status=422 if editor.has_errors else 200)


def _sources(user: Any) -> list[tuple[str, str]]:
    """The rankings the user may start from: survey campaigns and assessment plans in
    scope."""
    campaigns = survey_selectors.campaign_list(actor=user).order_by("-opens_at", "title")
    plans = assessment_selectors.plan_list(actor=user)
    survey = pgettext("ranking source", "Survey")
    assessment = pgettext("ranking source", "Assessment")
    return ([(f"survey:{c.pk}", f"{survey} · {c.title}") for c in campaigns[:SOURCES_SHOWN]]
            + [(f"assessment:{p.pk}", f"{assessment} · {p.name}")
               for p in plans[:SOURCES_SHOWN]])


def _ranking(user: Any, kind: str, source_id: int, bottom: Any
             ) -> tuple[Any, list[selectors.RankedTarget]]:
    if kind == "survey":
        return selectors.survey_bottom(actor=user, campaign_id=source_id, bottom=bottom)
    return selectors.assessment_bottom(actor=user, plan_id=source_id, bottom=bottom)


@dataclass(frozen=True)
class Preview:
    origin_title: str
    targets: list[selectors.RankedTarget]
    groups: list[tuple[str, int]]  # every ranking group with its size
    owner_id: int | None  # the ranking's organizer, offered as the inspection's


def _preview(user: Any, ranking: forms.RankingForm) -> Preview | None:
    """The bottom units the chosen ranking gives, or ``None`` with the problem on the form."""
    kind, source_id = ranking.source_parts()
    try:
        origin, targets = _ranking(user, kind, source_id, ranking.cleaned_data["bottom"])
        _origin, everyone = _ranking(user, kind, source_id, EVERY_RANK)
    except ApplicationError as refused:  # the source was offered: not found is "no result"
        if isinstance(refused, PermissionDenied):
            raise
        forms.show_refusal(ranking, refused, lambda _name: "source")
        return None
    groups = dict.fromkeys(r.group for r in everyone)
    sizes = {r.group: r.of for r in everyone}
    return Preview(origin_title=getattr(origin, "title", None) or origin.name,
                   targets=targets, groups=[(g, sizes[g]) for g in groups],
                   owner_id=getattr(origin, "owner_id", None))


@login_required
@require_http_methods(["GET", "POST"])
def inspection_from_ranking(request: HttpRequest) -> HttpResponse:
    """Inspect the bottom of a ranking: choose a survey campaign or an assessment plan and N
    per ranking group, see the units it gives with why and their figures, then plan the
    inspection (its targets are those units)."""
    user = request.user
    _require_supervisor(user)
    data = request.POST if request.method == "POST" else request.GET
    sources = _sources(user)
    if data.get("source") and data["source"] not in dict(sources):
        raise NotFound(_("Not found."))  # a ranking the user does not see
    ranking = forms.RankingForm(data if "source" in data else None, sources=sources)
    preview = _preview(user, ranking) if ranking.is_bound and ranking.is_valid() else None
    owners = _owners_with(user, request.POST.get("owner"), _organizers(user))
    default_owner = _default_owner(owners, request)
    if preview is not None and preview.owner_id in {pk for pk, _name in owners}:
        default_owner = preview.owner_id
    team = forms.RankingPlanForm(request.POST if request.method == "POST" else None, owners=owners,
                            initial={**_plan_initial(default_owner, (), request),
                                     "title": _("Inspection of the bottom of %(title)s") % {
                                         "title": preview.origin_title} if preview else ""})
    editor = (forms.PlanEditor.bound(team, request.POST) if request.method == "POST"
              else forms.PlanEditor(form=team))
    if request.method == "POST" and preview is not None and team.is_valid():
        owner = _owner(user, team.cleaned_data["owner"])
        plan = editor.read(actor=user, owner=owner)
        if plan is not None:
            source_kind, source_id = ranking.source_parts()
            try:
                inspection = services.inspection_from_ranking(
                    actor=user, owner=owner, source_kind=source_kind, source_id=source_id,
                    bottom=ranking.cleaned_data["bottom"], **plan)
            except ApplicationError as refused:
                editor.show_problems(_refusal(refused))
            else:
                messages.success(request, _("The inspection is planned: %(count)d units to "
                                            "visit.") % {"count": inspection.targets.count()})
                return redirect("supervision:inspection", inspection_id=inspection.pk)
    failed = ranking.is_bound and (bool(ranking.errors) or (
        request.method == "POST" and editor.has_errors))
    return render(request, "supervision/inspection_ranking.html", {
        "ranking": ranking, "preview": preview, "editor": editor, "form": team,
    }, status=422 if failed else 200)


@login_required
@require_GET
def unit_options(request: HttpRequest) -> JsonResponse:
    """Units under ``owner`` that the user sees, matching ``q``, as suggestions."""
    query = request.GET.get("q", "").strip()[:100]
    owner = None
    owner_id = boards.id_or_none(request.GET.get("owner"))
    if owner_id is not None:
        owner = Unit.objects.filter(pk=owner_id).first()
    units = (org_selectors.unit_list(actor=request.user, under=owner, search=query,
                                     active=True)[:LOOKUP_LIMIT] if query else [])
    return JsonResponse({"options": [forms.unit_label(u) for u in units]})


@login_required
@require_GET
def person_options(request: HttpRequest) -> JsonResponse:
    """People the user sees, matching ``q``, as suggestions for the team."""
    query = request.GET.get("q", "").strip()[:100]
    people = (org_selectors.person_list(actor=request.user, search=query).filter(
        is_active=True)[:LOOKUP_LIMIT] if query else [])
    return JsonResponse({"options": [forms.person_label(p) for p in people]})


# --- the plan, its findings and figures -------------------------------------------------------

def _findings(user: Any, inspection: Inspection) -> QuerySet[Finding]:
    """The inspection's findings the user sees, with everything the page and the files
    show, in a fixed number of queries."""
    return (access.findings_in_scope(user).filter(inspection=inspection)
            .select_related("unit", "category", "checklist_item", "rectification", "person")
            .prefetch_related("suggestions", Prefetch("evidence", queryset=Evidence.objects
                                                      .order_by("uploaded_at", "pk")))
            .order_by("unit__path", "number"))


def _targets(user: Any, inspection: Inspection) -> list[InspectionTarget]:
    return list(access.targets_visible(user, inspection))


def unit_figures(target: InspectionTarget, findings: Sequence[Finding],
                 today: datetime.date) -> selectors.Figures:
    """A target unit's figures from the findings already loaded (the unit and its subtree),
    counted as ``selectors.figures`` counts them, without a query per unit."""
    mine = [f for f in findings if f.unit.path.startswith(target.unit.path)]
    tasks = [t for t in (getattr(f, "rectification", None) for f in mine) if t is not None]
    rectified = [t for t in tasks if t.state in lifecycle.RECTIFIED]
    open_tasks = [t for t in tasks if t.state in lifecycle.OPEN]
    lights = dict.fromkeys((schedule.GREEN, schedule.YELLOW, schedule.RED, schedule.NONE), 0)
    for task in tasks:
        lights[schedule.traffic_light(task.deadline, today,
                                      task.state not in lifecycle.OPEN)] += 1
    categories: dict[str, int] = {}
    severities: dict[str, int] = {}
    for finding in mine:
        name = finding.category.name if finding.category else _("Uncategorized")
        categories[name] = categories.get(name, 0) + 1
        severities[finding.severity] = severities.get(finding.severity, 0) + 1
    return selectors.Figures(
        findings=len(mine), suggestions=sum(len(f.suggestions.all()) for f in mine),
        by_category=categories, by_severity=severities, tasks=len(tasks),
        rectified=len(rectified),
        rectified_on_time=sum(1 for t in rectified
                              if not t.reported_late and not t.completed_late),
        late=sum(1 for t in open_tasks if t.deadline < today), open=len(open_tasks),
        lights=lights, verifying=sum(1 for t in tasks if t.state in selectors.VERIFYING),
        unassigned=sum(1 for t in tasks if t.state == RectificationState.REGISTERED))


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    light: str
    photos: list[Evidence]
    files: list[Evidence]
    rectification_url: str

    @property
    def light_label(self) -> str:
        return str(spreadsheets.LIGHT_LABELS[self.light])

    @property
    def severity_color(self) -> str:
        return SEVERITY_COLORS.get(self.finding.severity, "#646a73")


def _finding_views(findings: Sequence[Finding], today: datetime.date) -> list[FindingView]:
    views = []
    for finding in findings:
        evidence = list(finding.evidence.all())
        task = getattr(finding, "rectification", None)
        views.append(FindingView(
            finding=finding, light=spreadsheets.light_of(finding, today),
            photos=[e for e in evidence if is_image(e.name)],
            files=[e for e in evidence if not is_image(e.name)],
            rectification_url=_rectification_url(task.pk) if task else ""))
    return views


def _chart(figures: selectors.Figures) -> dict[str, Any]:
    """The dashboard's charts as ECharts wants them, labels already translated."""
    severities = dict(Severity.choices)
    categories = sorted(figures.by_category.items(), key=lambda kv: -kv[1])
    return {
        "categories": {"names": [name for name, _n in categories],
                       "counts": [n for _name, n in categories],
                       "label": _("Findings")},
        "severities": [{"name": str(severities[key]), "value": figures.by_severity.get(key, 0),
                        "itemStyle": {"color": SEVERITY_COLORS[key]}}
                       for key in Severity.values if figures.by_severity.get(key)],
        "lights": [{"name": str(spreadsheets.LIGHT_LABELS[key]), "value": count,
                    "itemStyle": {"color": LIGHT_COLORS[key]}}
                   for key, count in figures.lights.items() if count],
    }


@login_required
@require_GET
def inspection_detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """The plan (team, targets with why and their figures, checklist), its state and the
    buttons that move it, the figures with their charts and the summary sentence, and the
    findings by unit with their suggestions, photos and rectification."""
    user = request.user
    inspection = access.get_inspection_in_scope(user, inspection_id)
    today = timezone.localdate()
    findings = list(_findings(user, inspection))
    figures = selectors.inspection_figures(actor=user, inspection=inspection)
    targets = _targets(user, inspection)
    views = _finding_views(findings, today)
    by_unit: dict[int, list[FindingView]] = {}
    for view in views:
        by_unit.setdefault(view.finding.unit_id, []).append(view)
    supervising = access.can_supervise(user, inspection.owner.path)
    return render(request, "supervision/inspection.html", {
        "inspection": inspection, "figures": figures, "summary": figures.summary(),
        "targets": [(t, unit_figures(t, findings, today)) for t in targets],
        "groups": [(t.unit, by_unit[t.unit_id]) for t in targets if t.unit_id in by_unit],
        "members": list(inspection.members.select_related("unit")),
        "checklist": list(inspection.checklist.all()),
        "supervising": supervising,
        "can_record": supervising and inspection.state != InspectionState.CONCLUDED,
        "can_start": supervising and inspection.state == InspectionState.PLANNED,
        "can_conclude": supervising and inspection.state == InspectionState.UNDER_WAY,
        "chart": _chart(figures),
        "lights": [(key, spreadsheets.LIGHT_LABELS[key], count)
                   for key, count in figures.lights.items()],
        "rechecked_by": list(inspection.rechecked_by.filter(
            pk__in=access.inspections_in_scope(user).values("pk"))),
        "can_plan_recheck": supervising and inspection.kind != InspectionKind.RECHECK
        and any(v.finding.rectification.state == RectificationState.CLOSED
                for v in views if hasattr(v.finding, "rectification")),
        **_recheck_context(user, inspection, supervising),
    })


def _recheck_context(user: Any, inspection: Inspection, supervising: bool) -> dict[str, Any]:
    """A re-check's part of its page: the revisited findings with their verdicts, and its
    figures; whether the visitor may judge them."""
    if inspection.kind != InspectionKind.RECHECK:
        return {}
    items = selectors.recheck_items(actor=user, recheck=inspection)
    figures = selectors.recheck_figures(items)
    return {"recheck_items": items, "recheck_figures": figures,
            "recheck_summary": figures.summary(),
            "can_judge": supervising and inspection.state != InspectionState.CONCLUDED}


@login_required
@require_POST
def recheck_verdict(request: HttpRequest, inspection_id: int, finding_id: int) -> HttpResponse:
    """回头看: the rectification of a closed-out finding holds, or the problem is back and its
    task is reopened with the reason and a new deadline."""
    user = request.user
    inspection = access.get_inspection_in_scope(user, inspection_id, for_write=True)
    finding = access.get_finding_in_scope(user, finding_id)
    deadline = request.POST.get("deadline", "")
    if deadline.strip() and forms.date_or_none(deadline) is None:
        messages.error(request, _("Finding %(number)d: %(problem)s") % {
            "number": finding.number, "problem": forms.BAD_DATE})
        return redirect(reverse("supervision:inspection", args=[inspection.pk]) + "#recheck")
    try:
        row = services.recheck_verdict_record(
            actor=user, recheck=inspection, finding=finding,
            verdict=request.POST.get("verdict", ""), note=request.POST.get("note", ""),
            deadline=forms.date_or_none(deadline))
    except ApplicationError as refused:
        messages.error(request, _("Finding %(number)d: %(problem)s") % {
            "number": finding.number, "problem": _problem_text(_refusal(refused))})
    else:
        messages.success(request, _("Finding %(number)d: %(verdict)s.") % {
            "number": finding.number, "verdict": row.get_verdict_display()})
    return redirect(reverse("supervision:inspection", args=[inspection.pk]) + "#recheck")


def _problem_text(error: ApplicationError) -> str:
    """The refusal with the fields' problems, as one line for a flash message."""
    problems = [message for _name, message in forms.refusal_problems(error)]
    return "；".join(problems) if problems else error.message


@login_required
@require_POST
def inspection_move(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """Start or conclude the inspection."""
    inspection = access.get_inspection_in_scope(request.user, inspection_id, for_write=True)
    state = request.POST.get("state", "")
    try:
        moved = services.inspection_move(actor=request.user, inspection=inspection,
                                         state=state)
    except ApplicationError as refused:
        messages.error(request, _refusal(refused).message)
    else:
        messages.success(request, _("The inspection is now “%(state)s”.")
                         % {"state": moved.get_state_display()})
    return redirect("supervision:inspection", inspection_id=inspection.pk)


@login_required
@require_GET
def finding_evidence(request: HttpRequest, inspection_id: int,
                     evidence_id: int) -> FileResponse:
    """A photo or file of a finding, to those who see the finding: photos shown in the page,
    other files downloaded."""
    inspection = access.get_inspection_in_scope(request.user, inspection_id)
    evidence = Evidence.objects.filter(
        pk=evidence_id, finding__in=access.findings_in_scope(request.user).filter(
            inspection=inspection)).first()
    if evidence is None:
        raise NotFound(_("File not found."))
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("File not found.")) from None
    image = is_image(evidence.name)
    content_type = mimetypes.guess_type(evidence.name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not image, filename=evidence.name,
                            content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600" if image else "private, no-store"
    return response


# --- findings: on a phone, from the team's sheet ----------------------------------------------

def _attributed(user: Any, inspection: Inspection, form: forms.FindingForm) -> Any:
    """The leading cadre typed on a valid finding form, one of its unit's people; the problem
    on the form's field otherwise."""
    if not form.is_valid():
        return None
    try:
        return forms.Resolver(actor=user, owner=inspection.owner).person(
            form.cleaned_data["person"], unit=form.cleaned_data["unit"])
    except LookupError as missing:
        form.add_error("person", str(missing))
        return None


@login_required
@require_http_methods(["GET", "POST"])
def finding_new(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """录入问题, made for a phone on site: the unit, category, checklist item, severity, the
    problem, suggestions (rows), photos (the camera or the gallery) and an optional deadline.
    After saving, the form is there again for the next finding, on the same unit."""
    user = request.user
    inspection = access.get_inspection_in_scope(user, inspection_id, for_write=True)
    post = request.POST if request.method == "POST" else None
    unit = request.GET.get("unit", "")
    form = forms.FindingForm(post, request.FILES or None, inspection=inspection,
                             initial={"unit": boards.id_or_none(unit)})
    suggestions = forms.suggestion_rows(post)
    person = _attributed(user, inspection, form) if post is not None else None
    if post is not None and form.is_valid():
        data = form.cleaned_data
        try:
            finding = services.finding_record(
                actor=user, inspection=inspection, files=data["files"],
                data=services.FindingData(
                    unit=data["unit"], description=data["description"],
                    severity=data["severity"], category=data["category"],
                    checklist_item=data["checklist_item"], suggestions=suggestions,
                    deadline=data["deadline"], person=person))
        except ApplicationError as refused:
            forms.show_refusal(form, _refusal(refused))
        else:
            task = getattr(finding, "rectification", None)
            messages.success(request, _(
                "Finding %(number)d of %(unit)s is recorded (rectification %(serial)s, due "
                "%(deadline)s). Next finding:") % {
                "number": finding.number, "unit": finding.unit.name,
                "serial": task.serial if task else "—",
                "deadline": f"{task.deadline:%Y-%m-%d}" if task else "—"})
            return redirect(f"{reverse('supervision:finding_new', args=[inspection.pk])}"
                            f"?unit={finding.unit_id}")
    return render(request, "supervision/finding_form.html", {
        "inspection": inspection, "form": form,
        "suggestions": [*suggestions, *([""] * forms.BLANK_SUGGESTION_ROWS)],
        "recorded": inspection.findings.count(),
    }, status=422 if form.errors else 200)


@login_required
@require_GET
def findings_template(request: HttpRequest, inspection_id: int) -> FileResponse:
    """The team's findings sheet, with the drop-down lists of this inspection."""
    inspection = access.get_inspection_in_scope(request.user, inspection_id, for_write=True)
    handle = spreadsheets.findings_template(
        inspection=inspection, units=[t.unit for t in _targets(request.user, inspection)],
        categories=list(FindingCategory.objects.filter(owner_id=inspection.owner_id,
                                                       is_active=True)),
        checklist=list(inspection.checklist.all()))
    return _file(handle, _("%(title)s findings template") % {"title": inspection.title},
                 XLSX, "xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def findings_import(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """Upload the team's sheet: every finding recorded, or none with every bad row named."""
    user = request.user
    inspection = access.get_inspection_in_scope(user, inspection_id, for_write=True)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        try:
            recorded = imports.findings_import(actor=user, inspection=inspection,
                                               source=form.cleaned_data["file"])
        except ApplicationError as refused:
            error = _refusal(refused)
            problems = list(error.extra.get("errors", []))
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(count)d findings are recorded, each with its "
                                        "rectification.") % {"count": len(recorded)})
            return redirect("supervision:inspection", inspection_id=inspection.pk)
    return render(request, "supervision/inspection_import.html", {
        "inspection": inspection, "form": form, "problems": problems,
    }, status=422 if form.errors else 200)


# --- exports ----------------------------------------------------------------------------------

def _file(handle: Any, title: str, content_type: str, suffix: str) -> FileResponse:
    return FileResponse(handle, as_attachment=True, content_type=content_type,
                        filename=f"{export_services.file_title(title)}.{suffix}")


@login_required
@require_GET
def findings_xlsx(request: HttpRequest, inspection_id: int) -> FileResponse:
    """The findings (as the user sees them) with their suggestions and rectification, and
    each target unit's figures."""
    user = request.user
    inspection = access.get_inspection_in_scope(user, inspection_id)
    today = timezone.localdate()
    findings = list(_findings(user, inspection))
    handle = spreadsheets.findings_file(
        inspection=inspection, findings=findings, today=today,
        targets=[(t, unit_figures(t, findings, today)) for t in _targets(user, inspection)])
    return _file(handle, _("%(title)s findings") % {"title": inspection.title}, XLSX, "xlsx")


@login_required
@require_GET
def report_docx(request: HttpRequest, inspection_id: int) -> FileResponse:
    """The bulletin (通报) of the inspection in Word."""
    user = request.user
    inspection = access.get_inspection_in_scope(user, inspection_id)
    today = timezone.localdate()
    findings = list(_findings(user, inspection))
    handle = documents.report_document(
        inspection=inspection,
        figures=selectors.inspection_figures(actor=user, inspection=inspection),
        targets=[(t, unit_figures(t, findings, today)) for t in _targets(user, inspection)],
        findings=findings, members=list(inspection.members.all()),
        recheck=(selectors.recheck_items(actor=user, recheck=inspection)
                 if inspection.kind == InspectionKind.RECHECK else None))
    return _file(handle, _("%(title)s bulletin") % {"title": inspection.title}, DOCX, "docx")


# --- categories -------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    """The organizer's list of finding categories (问题类别), in the order offered."""
    user = request.user
    _require_supervisor(user)
    asked = (request.POST if request.method == "POST" else request.GET).get("owner", "")
    owners = _owners_with(user, asked, _organizers(user))
    chosen = boards.id_or_none(asked)
    if chosen is None and request.method == "GET" and owners:
        chosen = owners[0][0]
    if chosen not in {pk for pk, _name in owners}:
        raise NotFound(_("Unit not found."))
    owner = _owner(user, chosen)
    existing = list(FindingCategory.objects.filter(owner=owner).annotate(
        used=Count("findings")).order_by("-is_active", "position", "name"))
    form = forms.CategoriesForm(request.POST or None, initial={
        "names": "\n".join(c.name for c in existing if c.is_active)})
    if request.method == "POST" and form.is_valid():
        try:
            services.categories_set(actor=user, owner=owner,
                                    names=form.cleaned_data["names"].splitlines())
        except ApplicationError as refused:
            forms.show_refusal(form, _refusal(refused), lambda _name: "names")
        else:
            messages.success(request, _("The categories of %(unit)s are saved.")
                             % {"unit": owner.name})
            return redirect(f"{reverse('supervision:categories')}?owner={owner.pk}")
    return render(request, "supervision/inspection_categories.html", {
        "form": form, "owner": owner, "owners": owners, "existing": existing,
    }, status=422 if form.errors else 200)
