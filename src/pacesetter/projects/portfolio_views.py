"""The portfolios' pages: the list, the battle map (挂图作战), the board, the half-year and
year-end review, and their workbooks. Thin: they parse, call a selector or a service, render.

The battle map, the board and the project list share one set of filters, read from the query
string so that a filtered view can be bookmarked and exported as it is shown.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from pacesetter.errors import ApplicationError, PermissionDenied
from pacesetter.exports import services as export_services
from pacesetter.orgs import scope
from pacesetter.orgs.models import Unit
from pacesetter.pagination import page_of
from pacesetter.projects import access, battlemap, schedule, selectors, services, spreadsheets
from pacesetter.projects.forms import show_refusal
from pacesetter.projects.models import Cadence, Portfolio, ProjectState
from pacesetter.projects.selectors import PortfolioFilters, ProjectRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIODS = ("half", "year")
DEFAULT_WEIGHT = 50
ORGANIZERS_SHOWN = 500


class PortfolioForm(forms.Form):
    """A portfolio's settings; ``owner`` (the organizer) only when it is created."""

    owner = forms.TypedChoiceField(label=gettext_lazy("Organizer"), coerce=int, error_messages={
        "invalid_choice": gettext_lazy("Pick the organizer among the units you administer.")})
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    cadence = forms.ChoiceField(label=gettext_lazy("Progress report cadence"),
                                choices=Cadence.choices)
    at_risk_days = forms.IntegerField(
        label=gettext_lazy("At risk within (days)"), min_value=0, max_value=365,
        help_text=gettext_lazy("A milestone due within this many days with no progress puts "
                               "its project at risk."))
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, owners: list[tuple[int, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = owners


# ---- the list and the portfolio's settings ----------------------------------------------


@login_required
@require_GET
def portfolio_list(request: HttpRequest) -> HttpResponse:
    """The portfolios in the user's scope, each with its projects counted by health and by
    lifecycle state (only the projects the user sees)."""
    portfolios = access.portfolios_in_scope(request.user).select_related("owner").order_by(
        "-year", "title", "pk")
    page, query = page_of(request, portfolios)
    return render(request, "projects/portfolio_list.html", {
        "page_obj": page, "query_without_page": query,
        "summaries": selectors.portfolio_summaries(actor=request.user,
                                                   portfolios=page.object_list),
        "health_labels": _health_choices(),
        "can_create": scope.is_manager(request.user),
    })


def _organizers(user: Any) -> list[tuple[int, str]]:
    """The units a manager may organize a portfolio for, as offered on the form: the units
    they administer and the units right under those (a department's own offices, or the
    cities of a province)."""
    manage = scope.manage_scope(user)
    if manage.everything:
        roots = Unit.objects.filter(parent__isnull=True)
    else:
        roots = Unit.objects.filter(path__in=manage.paths)
    units = (Unit.objects.filter(pk__in=roots.values("pk"))
             | Unit.objects.filter(parent__in=roots.values("pk"))).order_by("path")
    base = min((u.level for u in roots), default=1)
    return [(unit.pk, "\u3000" * max(unit.level - base, 0) + unit.name)
            for unit in units[:ORGANIZERS_SHOWN]]


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_new(request: HttpRequest) -> HttpResponse:
    """新建项目库: an administrator opens a portfolio for a unit they manage."""
    if not scope.is_manager(request.user):
        raise PermissionDenied(str(access.RUN_DENIED))
    owners = _organizers(request.user)
    chosen = _id_or_none(request.POST.get("owner"))
    if (chosen and chosen not in {pk for pk, _name in owners}
            and Unit.objects.filter(pk=chosen).exists()):
        # a unit further down the managed subtree is allowed, one outside it not found; a
        # typo or an id no unit has is the form's invalid choice
        unit = scope.get_unit_in_scope(request.user, chosen, for_write=True)
        owners.append((unit.pk, unit.name))
    form = PortfolioForm(request.POST or None, owners=owners, initial={
        "year": timezone.localdate().year, "cadence": Cadence.MONTHLY, "at_risk_days": 14})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        owner = scope.get_unit_in_scope(request.user, data["owner"], for_write=True)
        try:
            portfolio = services.portfolio_create(
                actor=request.user, owner=owner, title=data["title"], year=data["year"],
                cadence=data["cadence"], at_risk_days=data["at_risk_days"],
                description=data["description"])
        except ApplicationError as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The portfolio was created."))
            return redirect("projects:portfolio", portfolio_id=portfolio.pk)
    return render(request, "projects/portfolio_form.html", {"form": form, "portfolio": None})


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_edit(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    """The organizer changes the portfolio's title, year, cadence or at-risk window."""
    portfolio = access.get_portfolio_in_scope(request.user, portfolio_id, for_write=True)
    form = PortfolioForm(request.POST or None, initial={
        "title": portfolio.title, "year": portfolio.year, "cadence": portfolio.cadence,
        "at_risk_days": portfolio.at_risk_days, "description": portfolio.description})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.portfolio_update(
                actor=request.user, portfolio=portfolio, title=data["title"],
                year=data["year"], cadence=data["cadence"],
                at_risk_days=data["at_risk_days"], description=data["description"])
        except ApplicationError as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The portfolio was saved."))
            return redirect("projects:portfolio", portfolio_id=portfolio.pk)
    return render(request, "projects/portfolio_form.html",
                  {"form": form, "portfolio": portfolio})


# ---- the battle map, the board and the project list --------------------------------------


def _id_or_none(value: str | None) -> int | None:
    try:
        return scope.as_id(value) if value else None
    except (TypeError, ValueError):
        return None


def _filters(request: HttpRequest) -> PortfolioFilters:
    """The filters of the query string; a value that means nothing is ignored."""
    get = request.GET
    state, health = get.get("state", ""), get.get("health", "")
    return PortfolioFilters(
        unit=_id_or_none(get.get("unit")), category=get.get("category", "").strip()[:64],
        leader=_id_or_none(get.get("leader")),
        state=state if state in ProjectState.values else "",
        health=health if health in schedule.HEALTH_ORDER else "",
        text=get.get("q", "").strip()[:100])


def _health_choices() -> list[tuple[str, str]]:
    return [(health, str(battlemap.HEALTH_LABELS[health])) for health in schedule.HEALTH_ORDER]


def _filter_context(request: HttpRequest, portfolio: Portfolio,
                    filters: PortfolioFilters) -> dict[str, Any]:
    options = selectors.portfolio_filter_options(actor=request.user, portfolio=portfolio)
    units = options["units"]
    if filters.unit is not None and all(u["pk"] != filters.unit for u in units):
        # a unit above the lead units (a city over its counties), named in the address
        extra = scope.units_in_scope(request.user).filter(pk=filters.unit).values(
            "pk", "name").first()
        if extra:
            units = [extra, *units]
    return {
        "filters": filters, "options": {**options, "units": units},
        "states": ProjectState.choices, "healths": _health_choices(),
        "filtered": filters != PortfolioFilters(),
        "query": request.GET.urlencode(),
    }


def _project_url(row: ProjectRow) -> str:
    return reverse("projects:project", kwargs={"project_id": row.project.pk})


def _new_project_url(portfolio: Portfolio) -> str | None:
    """The project form of the project pages, once it exists."""
    try:
        return reverse("projects:project_new", kwargs={"portfolio_id": portfolio.pk})
    except NoReverseMatch:
        return None


def _new_project_link(request: HttpRequest, portfolio: Portfolio,
                      can_run: bool) -> tuple[str | None, str]:
    """Where the user adds a project, and what the button says: the organizer creates one
    (新建项目), the administrator of a unit under it proposes one (提议项目)."""
    if can_run:
        return _new_project_url(portfolio), _("New project")
    if selectors.units_acting_under(actor=request.user, portfolio=portfolio):
        return _new_project_url(portfolio), _("Propose a project")
    return None, ""


def _line(row: ProjectRow) -> dict[str, Any]:
    """A project as the table and the board show it: a terminated one says so, in grey."""
    return {"row": row, "status": battlemap.status(row), "color": battlemap.status_color(row),
            "health_label": battlemap.status_label(row)}


def _legend(rows: list[ProjectRow]) -> list[dict[str, Any]]:
    """The counts by health, each a link that filters on it; the terminated projects (done,
    for their health) are counted apart, linked to their lifecycle state."""
    counts = selectors.health_counts(rows)
    stopped = sum(1 for row in rows if battlemap.status(row) == battlemap.TERMINATED)
    counts[schedule.DONE] -= stopped
    legend = [{"id": health, "query": f"health={health}", "label": battlemap.HEALTH_LABELS[health],
               "color": battlemap.HEALTH_COLORS[health], "count": counts[health]}
              for health in schedule.HEALTH_ORDER]
    if stopped:
        legend.append({"id": battlemap.TERMINATED, "query": f"state={battlemap.TERMINATED}",
                       "label": battlemap.STATUS_LABELS[battlemap.TERMINATED],
                       "color": battlemap.STATUS_COLORS[battlemap.TERMINATED],
                       "count": stopped})
    return legend


#: The battle map's table is paged (the chart holds every project): a province's portfolio of
#: thousands of projects would otherwise be a page of megabytes.
TABLE_PAGE = 200


@login_required
@require_GET
def portfolio_detail(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    """挂图作战: every project of the portfolio on one Gantt chart (bars from start to
    deadline colored by health, milestones as diamonds colored by state, a line at today),
    the counts by health, and the same projects as a table."""
    portfolio = access.get_portfolio_in_scope(request.user, portfolio_id)
    today = timezone.localdate()
    filters = _filters(request)
    rows = selectors.portfolio_projects(actor=request.user, portfolio=portfolio,
                                        filters=filters, today=today)
    can_run = access.can_run(request.user, portfolio)
    new_project_url, new_project_label = _new_project_link(request, portfolio, can_run)
    page, query = page_of(request, rows, TABLE_PAGE)
    return render(request, "projects/portfolio.html", {
        "portfolio": portfolio, "today": today, "can_run": can_run,
        "lines": [{**_line(row), "next": battlemap.next_milestone(row)} for row in page],
        "count": len(rows), "page_obj": page, "query_without_page": query,
        "legend": _legend(rows),
        "milestone_legend": [{"label": battlemap.MILESTONE_LABELS[state],
                              "color": battlemap.MILESTONE_COLORS[state]}
                             for state in battlemap.MILESTONE_URGENCY],
        "chart": battlemap.chart_data(rows, portfolio, today, _project_url),
        "new_project_url": new_project_url, "new_project_label": new_project_label,
        **_filter_context(request, portfolio, filters),
    })


@login_required
@require_GET
def portfolio_board(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    """The board: one column per lifecycle state, a card per project."""
    portfolio = access.get_portfolio_in_scope(request.user, portfolio_id)
    filters = _filters(request)
    rows = selectors.portfolio_projects(actor=request.user, portfolio=portfolio,
                                        filters=filters)
    columns = [{"state": state, "label": label, "cards": [_line(row) for row in cards]}
               for state, label, cards in selectors.board_columns(rows)]
    return render(request, "projects/portfolio_board.html", {
        "portfolio": portfolio, "columns": columns, "count": len(rows),
        **_filter_context(request, portfolio, filters),
    })


def _file(source: Any, title: str) -> FileResponse:
    return FileResponse(source, as_attachment=True, content_type=XLSX,
                        filename=f"{export_services.file_title(title)}.xlsx")


@login_required
@require_GET
def portfolio_projects_xlsx(request: HttpRequest, portfolio_id: int) -> FileResponse:
    """The battle map's list as shown (same filters), every column, milestones on sheet 2."""
    portfolio = access.get_portfolio_in_scope(request.user, portfolio_id)
    rows = selectors.portfolio_projects(actor=request.user, portfolio=portfolio,
                                        filters=_filters(request))
    return _file(spreadsheets.projects_file(portfolio=portfolio, rows=rows),
                 _("%(title)s projects") % {"title": portfolio.title})


@login_required
@require_GET
def portfolio_wallchart(request: HttpRequest, portfolio_id: int) -> FileResponse:
    """The wall chart (挂图) to print on A3, with the battle map's filters."""
    portfolio = access.get_portfolio_in_scope(request.user, portfolio_id)
    today = timezone.localdate()
    rows = selectors.portfolio_projects(actor=request.user, portfolio=portfolio,
                                        filters=_filters(request), today=today)
    return _file(spreadsheets.wallchart_file(portfolio=portfolio, rows=rows, today=today),
                 _("%(title)s wall chart") % {"title": portfolio.title})


# ---- the review ---------------------------------------------------------------------------


def _review_input(request: HttpRequest) -> tuple[str, int]:
    """The period (half-year or year end) and the weight of completion in percent."""
    period = request.GET.get("period", "year")
    try:
        weight = min(max(int(request.GET.get("weight", DEFAULT_WEIGHT)), 0), 100)
    except (TypeError, ValueError):
        weight = DEFAULT_WEIGHT
    return (period if period in PERIODS else "year"), weight


def _formula(day: datetime.date, weight: int) -> str:
    """How the review ranks, as the page and the workbook state it (``portfolio_review``)."""
    return _("Composite = %(w)d%% × completion + %(r)d%% × roadshow result. Completion is the "
             "mean percent complete of the project's milestones on %(day)s; the roadshow "
             "result is its best result at a closed roadshow of this portfolio held by that "
             "day, as a share of the rubric's maximum points, and 0 for a project that did "
             "not present. Before any roadshow has been held, the projects are ranked on "
             "completion alone, whatever the weight. The ranks are over the whole portfolio; "
             "equal scores share a rank.") % {
        "w": weight, "r": 100 - weight, "day": day.isoformat()}


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_review(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    """半年展、年终评: the approved projects ranked by completion and roadshow result; the
    organizer marks landmark achievements (标志性成果) and cases for replication."""
    if request.method == "POST":
        return _recognize(request, portfolio_id)
    portfolio = access.get_portfolio_in_scope(request.user, portfolio_id)
    period, weight = _review_input(request)
    rows = selectors.portfolio_review(actor=request.user, portfolio=portfolio, period=period,
                                      completion_weight=weight / 100)
    day = selectors.review_day(portfolio.year, period)
    return render(request, "projects/portfolio_review.html", {
        "portfolio": portfolio, "rows": rows, "period": period, "weight": weight,
        "day": day, "formula": _formula(day, weight),
        "can_run": access.can_run(request.user, portfolio),
        "query": urlencode({"period": period, "weight": weight}),
    })


def _recognize(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    """Save the ticks of the review table: a project changes only where a tick changed, and
    only a project the review ranks (not a draft, say, whatever the request names)."""
    portfolio = access.get_portfolio_in_scope(request.user, portfolio_id, for_write=True)
    period, weight = _review_input(request)
    shown = {i for i in map(_id_or_none, request.POST.getlist("projects")) if i}
    outstanding = set(map(_id_or_none, request.POST.getlist("outstanding")))
    replication = set(map(_id_or_none, request.POST.getlist("replication")))
    reviewed = [row.project for row in selectors.portfolio_review(
        actor=request.user, portfolio=portfolio, period=period,
        completion_weight=weight / 100)]
    changed = 0
    for project in reviewed:
        if project.pk not in shown:
            continue
        marks = (project.pk in outstanding, project.pk in replication)
        if marks != (project.outstanding, project.replication_case):
            services.project_recognize(actor=request.user, project=project,
                                       outstanding=marks[0], replication_case=marks[1])
            changed += 1
    messages.success(request, _("%(count)d projects updated.") % {"count": changed})
    return redirect(f"{reverse('projects:portfolio_review', args=[portfolio.pk])}?"
                    f"{urlencode({'period': period, 'weight': weight})}")


@login_required
@require_GET
def portfolio_review_xlsx(request: HttpRequest, portfolio_id: int) -> FileResponse:
    portfolio = access.get_portfolio_in_scope(request.user, portfolio_id)
    period, weight = _review_input(request)
    rows = selectors.portfolio_review(actor=request.user, portfolio=portfolio, period=period,
                                      completion_weight=weight / 100)
    day = selectors.review_day(portfolio.year, period)
    return _file(spreadsheets.review_file(portfolio=portfolio, rows=rows, period=period,
                                          weight=weight, formula=_formula(day, weight)),
                 _("%(title)s review") % {"title": portfolio.title})
