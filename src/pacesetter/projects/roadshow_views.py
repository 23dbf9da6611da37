"""The roadshow pages of the organizer and the chair (路演): the list, the set-up (rubric,
trimming, grade quotas, judge groups), the panel with each judge's personal link and QR code,
the running order, the chair's console, the big screen and the result sheets.

Thin: each view parses, calls ``selectors``/``access`` or one service, and renders. Judges do
not log in: their phone pages are in ``judge_views``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from itertools import zip_longest
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pacesetter.errors import ApplicationError, NotFound, PermissionDenied
from pacesetter.exports import services as export_services
from pacesetter.orgs import scope
from pacesetter.orgs.models import Unit
from pacesetter.pagination import page_of
from pacesetter.projects import access, documents, scoring, selectors, services
from pacesetter.projects.models import (
    Grade,
    Judge,
    Portfolio,
    Presentation,
    PresentationState,
    Roadshow,
    RoadshowPurpose,
    RoadshowState,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_RUBRIC = [{"code": "innovation", "name": "创新性", "max": 30},
                  {"code": "effect", "name": "实效性", "max": 30},
                  {"code": "replicable", "name": "可复制性", "max": 20},
                  {"code": "presentation", "name": "展示效果", "max": 20}]
BLANK_ROWS = 2  # empty rubric and group rows offered under the filled ones
BLANK_JUDGE_ROWS = 5
QUOTA_FIELDS = {grade: f"quota_{grade}" for grade in Grade.values}


# ---------------------------------------------------------------------------------------------
# forms


class RoadshowForm(forms.Form):
    """The roadshow's own fields; the rubric and the judge groups are rows (``SetupRows``)."""

    title = forms.CharField(label=pgettext_lazy("roadshow", "Title"), max_length=200)
    purpose = forms.ChoiceField(label=pgettext_lazy("roadshow", "Purpose"),
                                choices=RoadshowPurpose.choices,
                                initial=RoadshowPurpose.SHOWCASE)
    held_on = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))
    venue = forms.CharField(label=pgettext_lazy("roadshow", "Venue"), max_length=200,
                            required=False)
    drop_highest = forms.IntegerField(label=gettext_lazy("Highest scores dropped"),
                                      min_value=0, max_value=5, initial=1)
    drop_lowest = forms.IntegerField(label=gettext_lazy("Lowest scores dropped"), min_value=0,
                                     max_value=5, initial=1)
    quota_excellent = forms.IntegerField(label=Grade.EXCELLENT.label, min_value=0,
                                         required=False)
    quota_good = forms.IntegerField(label=Grade.GOOD.label, min_value=0, required=False)
    quota_pass = forms.IntegerField(label=Grade.PASS.label, min_value=0, required=False)
    quota_fail = forms.IntegerField(label=Grade.FAIL.label, min_value=0, required=False)

    def quotas(self) -> dict[str, int]:
        return {grade: self.cleaned_data[name] for grade, name in QUOTA_FIELDS.items()
                if self.cleaned_data.get(name) is not None}

    def quota_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in QUOTA_FIELDS.values()]


def _number(text: str) -> float | int | None:
    """A number typed in a row ("30", "12.5", "12,5"), integral ones as int; None if not one."""
    try:
        value = float(text.strip().replace("，", ".").replace(",", "."))
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return int(value) if value.is_integer() else value


PERCENT_SIGNS = ("%", "％")


def _weight(text: str) -> float | None:
    """A judge group's weight as typed: a share ("0.5"), a number ("5") or a percent ("20%",
    that is 0.2); None if not one. An empty weight is 1."""
    text = text.strip()
    if not text:
        return 1.0
    percent = text.endswith(PERCENT_SIGNS)
    value = _number(text.rstrip("".join(PERCENT_SIGNS)))
    if value is None:
        return None
    return value / 100 if percent else float(value)


def _shown(value: float) -> str:
    """A stored number as a form shows it: short ("0.5", "30"), yet read back to the very
    same value, so that saving an unchanged frozen set-up does not count as a change."""
    short = f"{value:g}"
    return short if float(short) == value else repr(float(value))


@dataclass
class SetupRows:
    """The rubric's and the judge groups' rows as typed (to show again) and as parsed."""

    criteria_typed: list[dict[str, str]] = field(default_factory=list)
    groups_typed: list[dict[str, str]] = field(default_factory=list)
    criteria: list[dict[str, Any]] = field(default_factory=list)
    groups: list[tuple[str, float]] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


def _setup_rows(post: QueryDict) -> SetupRows:
    """Parse the rubric rows (code, name, maximum points) and the group rows (name, weight).
    Rows left empty are ignored."""
    rows = SetupRows()
    for code, name, maximum in zip_longest(
            post.getlist("criterion_code"), post.getlist("criterion_name"),
            post.getlist("criterion_max"), fillvalue=""):
        code, name, maximum = code.strip(), name.strip()[:100], maximum.strip()
        if code or name or maximum:
            rows.criteria_typed.append({"code": code, "name": name, "max": maximum})
    _parse_criteria(rows)
    for name, weight in zip_longest(post.getlist("group_name"), post.getlist("group_weight"),
                                    fillvalue=""):
        name, weight = name.strip()[:100], weight.strip()
        if name or weight:
            rows.groups_typed.append({"name": name, "weight": weight})
    _parse_groups(rows)
    return rows


def _parse_criteria(rows: SetupRows) -> None:
    """The criteria typed, checked: a code is letters, digits, - and _ (it names the judges'
    form fields), used once; an empty code is made up (c1, c2… by the row's number, skipping
    codes typed on other rows)."""
    typed = {row["code"] for row in rows.criteria_typed if row["code"]}
    used: set[str] = set()
    for n, row in enumerate(rows.criteria_typed, start=1):
        code = row["code"]
        if code and not scoring.CODE.fullmatch(code):
            rows.error("criteria", _("Criterion %(n)d: the code “%(code)s” may hold only "
                                     "letters, digits, - and _ (at most 32).")
                       % {"n": n, "code": code})
            continue
        if code in used:
            rows.error("criteria", _("Criterion %(n)d repeats the code “%(code)s”.")
                       % {"n": n, "code": code})
            continue
        if not code:
            number = n
            while f"c{number}" in typed | used:
                number += 1
            code = f"c{number}"
        used.add(code)
        value = _number(row["max"])
        if value is None:
            rows.error("criteria", _("Criterion %(n)d: the maximum points are not a number.")
                       % {"n": n})
            continue
        rows.criteria.append({"code": code, "name": row["name"], "max": value})


def _parse_groups(rows: SetupRows) -> None:
    """The judge groups typed: a missing weight is 1, "20%" is 0.2. Percents beside plain
    numbers above 1 ("50, 30, 20%") are refused: which was meant cannot be told."""
    for n, row in enumerate(rows.groups_typed, start=1):
        value = _weight(row["weight"])
        if value is None:
            rows.error("groups", _("Judge group %(n)d: the weight is not a number.") % {"n": n})
            continue
        rows.groups.append((row["name"], value))
    weights = [row["weight"] for row in rows.groups_typed if row["weight"]]
    percents = [w for w in weights if w.endswith(PERCENT_SIGNS)]
    if percents and any((_number(w) or 0) > 1 for w in weights if w not in percents):
        rows.error("groups", _("Give the weights all as percents or all as plain numbers "
                               "(0.5, or 5), not both."))


def _typed_from(roadshow: Roadshow | None) -> SetupRows:
    """The rows a form starts with: the roadshow's, or the usual rubric and one group."""
    criteria = roadshow.criteria if roadshow else DEFAULT_RUBRIC
    groups = ([(g.name, g.weight) for g in roadshow.groups.all()] if roadshow
              else [(_("Judges"), 1.0)])
    return SetupRows(
        criteria_typed=[{"code": str(c["code"]), "name": str(c["name"]),
                         "max": _shown(float(c["max"]))} for c in criteria],
        groups_typed=[{"name": name, "weight": _shown(weight)} for name, weight in groups])


def _with_blanks(rows: list[dict[str, str]], keys: tuple[str, ...]) -> list[dict[str, str]]:
    return rows + [dict.fromkeys(keys, "") for _n in range(BLANK_ROWS)]


def _refusal_to_form(refused: ApplicationError, form: RoadshowForm, rows: SetupRows) -> None:
    """Put a service's refusal next to what it is about. A set-up frozen once judges scored
    is refused on "criteria" whatever changed (rubric, trimming, quotas or groups); the form
    is then headed by the frozen notice, which names them all."""
    problems = refused.extra.get("errors", [])
    for problem in problems:
        key = problem.get("field", "")
        if key in ("criteria", "groups", "grade_quotas", "portfolio", "owner"):
            rows.error(key, problem["message"])
        elif key in form.fields:
            form.add_error(key, problem["message"])
        else:
            form.add_error(None, problem["message"])
    if not problems:
        form.add_error(None, refused.message)


#: What no longer changes once a judge has scored (``services.roadshow_update``).
FROZEN_FIELDS = ("drop_highest", "drop_lowest", *QUOTA_FIELDS.values())


def _form_page(request: HttpRequest, form: RoadshowForm, rows: SetupRows, *,
               roadshow: Roadshow | None = None, organizers: list[Unit] | None = None,
               portfolios: list[Portfolio] | None = None, chosen: dict[str, Any] | None = None,
               status: int = 200) -> HttpResponse:
    frozen = roadshow is not None and selectors.roadshow_scored(roadshow)
    if frozen:
        for name in FROZEN_FIELDS:
            form.fields[name].widget.attrs["readonly"] = True
    groups = SetupRows(groups_typed=rows.groups_typed)
    _parse_groups(groups)
    return render(request, "projects/roadshow_form.html", {
        "form": form, "roadshow": roadshow, "rows": rows, "frozen": frozen,
        "criteria_rows": rows.criteria_typed if frozen else _with_blanks(
            rows.criteria_typed, ("code", "name", "max")),
        "group_rows": rows.groups_typed if frozen else _with_blanks(rows.groups_typed,
                                                                    ("name", "weight")),
        "shares": documents.shares(groups.groups),
        "organizers": organizers or [], "portfolios": portfolios or [],
        "chosen": chosen or {},
    }, status=status)


# ---------------------------------------------------------------------------------------------
# list, create, edit


@login_required
@require_GET
def roadshow_list(request: HttpRequest) -> HttpResponse:
    """The roadshows the user sees, newest first."""
    roadshows = access.roadshows_in_scope(request.user).select_related(
        "owner", "portfolio").order_by("-held_on", "-pk")
    page, query = page_of(request, roadshows)
    return render(request, "projects/roadshow_list.html", {
        "page_obj": page, "query_without_page": query,
        "can_create": not scope.manage_scope(request.user).is_empty,
    })


def _is_id(text: str) -> bool:
    try:
        scope.as_id(text)
    except (TypeError, ValueError):
        return False
    return True


def _organizers(user: Any) -> list[Unit]:
    """The units whose administrator the user is (the roots of their managed subtrees; the
    top of the tree for a system administrator)."""
    manage = scope.manage_scope(user)
    if manage.is_empty:
        raise PermissionDenied(_("Only administrators organize roadshows."))
    units = scope.units_in_scope(user, for_write=True)
    units = (units.filter(parent__isnull=True) if manage.everything
             else units.filter(path__in=manage.paths))
    return list(units.order_by("path"))


@login_required
@require_http_methods(["GET", "POST"])
def roadshow_new(request: HttpRequest) -> HttpResponse:
    """Set up a roadshow: organizer, portfolio, title, date, venue, rubric, trimming, quotas
    and judge groups."""
    organizers = _organizers(request.user)
    portfolios = list(access.portfolios_in_scope(request.user).filter(
        owner__in=organizers).select_related("owner").order_by("-year", "title")[:200])
    if request.method == "GET":
        chosen = {"portfolio": request.GET.get("portfolio", "")}
        return _form_page(request, RoadshowForm(initial={"held_on": timezone.localdate()}),
                          _typed_from(None), organizers=organizers, portfolios=portfolios,
                          chosen=chosen)
    form, rows = RoadshowForm(request.POST), _setup_rows(request.POST)
    owner_id = request.POST.get("owner", "").strip()
    portfolio_id = request.POST.get("portfolio", "").strip()
    chosen = {"owner": owner_id, "portfolio": portfolio_id}
    # Units and portfolios are looked up in scope: one outside it is not found (404); a
    # choice missing or not an id at all is a mistake to correct on the form.
    owner = portfolio = None
    if _is_id(owner_id):
        owner = scope.get_unit_in_scope(request.user, owner_id, for_write=True)
    else:
        rows.error("owner", _("Choose the organizer."))
    if _is_id(portfolio_id):
        portfolio = access.get_portfolio_in_scope(request.user, portfolio_id)
    elif portfolio_id:
        rows.error("portfolio", _("Choose a portfolio from the list."))
    valid = form.is_valid()  # its problems are shown beside the organizer's
    if owner is not None and valid and not rows.errors:
        data = form.cleaned_data
        try:
            roadshow = services.roadshow_create(
                actor=request.user, owner=owner, portfolio=portfolio, title=data["title"],
                held_on=data["held_on"], venue=data["venue"], purpose=data["purpose"],
                criteria=rows.criteria, drop_highest=data["drop_highest"],
                drop_lowest=data["drop_lowest"], grade_quotas=form.quotas(),
                groups=rows.groups)
        except ApplicationError as refused:
            _refusal_to_form(refused, form, rows)
        else:
            messages.success(request, _("The roadshow was set up: now add the judges and the "
                                        "running order."))
            return redirect("projects:roadshow", roadshow_id=roadshow.pk)
    return _form_page(request, form, rows, organizers=organizers, portfolios=portfolios,
                      chosen=chosen, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def roadshow_edit(request: HttpRequest, roadshow_id: int) -> HttpResponse:
    """Change the set-up; the rubric, trimming, groups and quotas are frozen once a judge has
    scored, and a closed roadshow does not change."""
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id, for_write=True)
    if request.method == "GET" and roadshow.state == RoadshowState.CLOSED:
        messages.info(request, _("The roadshow is closed: its set-up no longer changes."))
        return redirect("projects:roadshow", roadshow_id=roadshow.pk)
    if request.method == "GET":
        quotas = {name: roadshow.grade_quotas.get(grade)
                  for grade, name in QUOTA_FIELDS.items()}
        form = RoadshowForm(initial={
            "title": roadshow.title, "purpose": roadshow.purpose, "held_on": roadshow.held_on,
            "venue": roadshow.venue, "drop_highest": roadshow.drop_highest,
            "drop_lowest": roadshow.drop_lowest, **quotas})
        return _form_page(request, form, _typed_from(roadshow), roadshow=roadshow)
    form, rows = RoadshowForm(request.POST), _setup_rows(request.POST)
    if form.is_valid() and not rows.errors:
        data = form.cleaned_data
        try:
            services.roadshow_update(
                actor=request.user, roadshow=roadshow, title=data["title"],
                held_on=data["held_on"], venue=data["venue"], purpose=data["purpose"],
                criteria=rows.criteria, drop_highest=data["drop_highest"],
                drop_lowest=data["drop_lowest"], grade_quotas=form.quotas(),
                groups=rows.groups)
        except ApplicationError as refused:
            _refusal_to_form(refused, form, rows)
        else:
            messages.success(request, _("The set-up was saved."))
            return redirect("projects:roadshow", roadshow_id=roadshow.pk)
    return _form_page(request, form, rows, roadshow=roadshow, status=422)


# ---------------------------------------------------------------------------------------------
# the set-up page: panel, links, running order


def _judge_link(request: HttpRequest, judge: Judge) -> str:
    return request.build_absolute_uri(reverse("projects:judge", kwargs={"token": judge.token}))


@dataclass
class JudgeRows:
    """The add-judges form as typed, with the problems found, to show again."""

    typed: list[dict[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class OrderTyped:
    """The running-order form as posted (the projects ticked and their numbers) with the
    service's refusal, to show again."""

    chosen: list[str]
    positions: dict[str, str]
    errors: list[str]


def _detail(request: HttpRequest, roadshow: Roadshow, *, judge_rows: JudgeRows | None = None,
            panel_errors: list[str] | None = None, order: OrderTyped | None = None,
            status: int = 200) -> HttpResponse:
    standings = selectors.roadshow_standings(roadshow)
    chair = access.can_chair(request.user, roadshow)
    scored_by: dict[int, int] = {}
    final = {row.presentation.pk for row in standings.rows
             if row.presentation.state == PresentationState.CLOSED}
    kept: set[int] = set()  # judges with scores on closed projects stay (services.judge_remove)
    for presentation_id, judge_id in standings.scores:
        scored_by[judge_id] = scored_by.get(judge_id, 0) + 1
        if presentation_id in final:
            kept.add(judge_id)
    judges = [{"judge": j, "scored": scored_by.get(j.pk, 0), "kept": j.pk in kept,
               "link": _judge_link(request, j) if chair else ""} for j in standings.judges]
    candidates = (selectors.roadshow_candidates(actor=request.user, roadshow=roadshow)
                  if chair and roadshow.state != RoadshowState.CLOSED else [])
    judge_rows = judge_rows or JudgeRows()
    return render(request, "projects/roadshow_detail.html", {
        "roadshow": roadshow, "standings": standings, "chair": chair,
        "eligible": selectors.roadshow_eligible(standings),
        "criteria": scoring.criteria_of(roadshow.criteria), "judges": judges,
        "order_rows": _order_rows(standings, candidates, order),
        "order_errors": order.errors if order else [],
        "panel_errors": panel_errors or [],
        "judge_rows": judge_rows.typed + [{"name": "", "group": "", "unit": ""}
                                          for _n in range(BLANK_JUDGE_ROWS)],
        "judge_errors": judge_rows.errors,
        "unit_options": sorted({f"{p.lead_unit.code} {p.lead_unit.name}"
                                for p in candidates if p.lead_unit}),
        "rules": [documents.trimming_rule(roadshow), documents.weights_rule(standings),
                  documents.quotas_rule(roadshow)],
        "closed": roadshow.state == RoadshowState.CLOSED,
    }, status=status)


def _order_rows(standings: selectors.Standings, candidates: list[Any],
                order: OrderTyped | None = None) -> list[dict[str, Any]]:
    """The running-order form: the presenting projects in order, then the other candidates;
    as typed when a refused form is shown again."""
    presenting = {row.project.pk: row for row in standings.rows}
    scored = {pk for (pk, _judge) in standings.scores}
    rows = [{"project": row.project, "position": row.presentation.position, "checked": True,
             "scored": row.presentation.pk in scored} for row in standings.rows]
    rows += [{"project": p, "position": "", "checked": False, "scored": False}
             for p in candidates if p.pk not in presenting]
    if order is not None:
        for row in rows:
            key = str(row["project"].pk)
            row["checked"] = row["scored"] or key in order.chosen
            row["position"] = order.positions.get(key, "") if row["checked"] else ""
    return rows


@login_required
@require_GET
def roadshow_detail(request: HttpRequest, roadshow_id: int) -> HttpResponse:
    """The roadshow: its rules, panel and running order; the chair also manages them here."""
    return _detail(request, access.get_roadshow_in_scope(request.user, roadshow_id))


def _judge_unit(user: Any, text: str) -> Unit | None:
    """The unit typed for a judge ("370502 东营区" or just the code), in the user's scope."""
    code = text.strip().split(" ")[0].strip() if text.strip() else ""
    return scope.get_unit_by_code_in_scope(user, code) if code else None


@login_required
@require_POST
def judges_add(request: HttpRequest, roadshow_id: int) -> HttpResponse:
    """Add several judges at once: name, group, and the unit they come from (they then do not
    score that unit's projects)."""
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id, for_write=True)
    rows = JudgeRows()
    judges: list[services.JudgeData] = []
    for name, group, unit in zip_longest(request.POST.getlist("judge_name"),
                                         request.POST.getlist("judge_group"),
                                         request.POST.getlist("judge_unit"), fillvalue=""):
        if not (name.strip() or unit.strip()):
            continue
        rows.typed.append({"name": name.strip()[:100], "group": group, "unit": unit.strip()})
        number = len(rows.typed)
        try:
            judges.append(services.JudgeData(name=name.strip()[:100], group=group,
                                             unit=_judge_unit(request.user, unit)))
        except NotFound:
            rows.errors.append(_("Judge %(n)d: no unit “%(unit)s” in your scope.")
                               % {"n": number, "unit": unit.strip()})
    if not rows.typed:
        rows.errors.append(_("Type at least one judge's name."))
    if not rows.errors:
        try:
            added = services.judges_add(actor=request.user, roadshow=roadshow, judges=judges)
        except ApplicationError as refused:
            rows.errors += [_("Judge %(n)s: %(message)s") % {
                "n": problem["field"].removeprefix("judges."), "message": problem["message"]}
                for problem in refused.extra.get("errors", [])] or [refused.message]
        else:
            messages.success(request, _("%(count)d judges were added: give each their link or "
                                        "QR code.") % {"count": len(added)})
            return redirect(reverse("projects:roadshow", args=[roadshow.pk]) + "#judges")
    return _detail(request, roadshow, judge_rows=rows, status=422)


def _judge(roadshow: Roadshow, judge_id: int) -> Judge:
    judge = roadshow.judges.select_related("group").filter(pk=judge_id).first()
    if judge is None:
        raise NotFound(_("Judge not found."))
    judge.roadshow = roadshow
    return judge


@login_required
@require_POST
def judge_remove(request: HttpRequest, roadshow_id: int, judge_id: int) -> HttpResponse:
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id, for_write=True)
    judge = _judge(roadshow, judge_id)
    try:
        services.judge_remove(actor=request.user, judge=judge)
    except ApplicationError as refused:
        return _detail(request, roadshow, panel_errors=[refused.message],
                       status=refused.status_code)
    else:
        messages.success(request, _("%(name)s was taken off the panel; their link no longer "
                                    "works.") % {"name": judge.name})
    return redirect(reverse("projects:roadshow", args=[roadshow.pk]) + "#judges")


@login_required
@require_GET
def judge_links(request: HttpRequest, roadshow_id: int) -> HttpResponse:
    """The printable sheet of the judges' personal links, one card with a QR code each."""
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id, for_write=True)
    judges = roadshow.judges.select_related("group", "unit")
    cards = [{"judge": j, "link": _judge_link(request, j),
              "qr": documents.qr_svg_uri(_judge_link(request, j))} for j in judges]
    return render(request, "projects/roadshow_links.html", {"roadshow": roadshow,
                                                            "cards": cards})


@login_required
@require_GET
def judge_qr(request: HttpRequest, roadshow_id: int, judge_id: int) -> HttpResponse:
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id, for_write=True)
    judge = _judge(roadshow, judge_id)
    response = HttpResponse(documents.qr_png(_judge_link(request, judge)),
                            content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="judge-{judge.pk}.png"'
    return response


def _positions(post: QueryDict, chosen: list[str]) -> list[str]:
    """The chosen project ids in the order typed in their "order" boxes (a box left empty goes
    after the numbered ones, in the order listed)."""
    def key(item: tuple[int, str]) -> tuple[float, int]:
        listed, project_id = item
        value = _number(post.get(f"position_{project_id}", ""))
        return (float(value) if value is not None else math.inf, listed)
    return [project_id for _listed, project_id in sorted(enumerate(chosen), key=key)]


@login_required
@require_POST
def order_set(request: HttpRequest, roadshow_id: int) -> HttpResponse:
    """The running order: the projects ticked, in the order of their numbers. A project of
    the roadshow's portfolio that can no longer present (terminated since the page was drawn)
    goes to the service, which says why; any other project is not found."""
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id, for_write=True)
    candidates = {str(p.pk): p for p in selectors.roadshow_candidates(actor=request.user,
                                                                      roadshow=roadshow)}
    chosen = list(dict.fromkeys(request.POST.getlist("project")))
    for project_id in chosen:
        if project_id not in candidates:
            candidates[project_id] = _roadshow_project(request.user, roadshow, project_id)
    try:
        services.presentations_set(actor=request.user, roadshow=roadshow, projects=[
            candidates[project_id] for project_id in _positions(request.POST, chosen)])
    except ApplicationError as refused:
        order = OrderTyped(chosen=chosen, errors=[refused.message], positions={
            project_id: request.POST.get(f"position_{project_id}", "")[:10]
            for project_id in chosen})
        return _detail(request, roadshow, order=order, status=refused.status_code)
    else:
        messages.success(request, _("The running order was saved: %(count)d projects.")
                         % {"count": len(chosen)})
    return redirect(reverse("projects:roadshow", args=[roadshow.pk]) + "#order")


def _roadshow_project(user: Any, roadshow: Roadshow, project_id: str) -> Any:
    """A project of the roadshow's portfolio (of its organizer's portfolios when it has none)
    in the user's scope, whatever its state; else ``NotFound``."""
    project = access.get_project_in_scope(user, project_id)
    if (project.portfolio_id != roadshow.portfolio_id if roadshow.portfolio_id
            else project.portfolio.owner_id != roadshow.owner_id):
        raise NotFound(_("Project not found."))
    return project


# ---------------------------------------------------------------------------------------------
# the chair's console


def _console_context(roadshow: Roadshow) -> dict[str, Any]:
    standings = selectors.roadshow_standings(roadshow)
    eligible = selectors.roadshow_eligible(standings)
    return {"roadshow": roadshow, "standings": standings,
            "live": _live_data(standings, eligible),
            "items": [{"row": row, "scored": row.count, "of": len(eligible[row.presentation.pk])}
                      for row in standings.rows],
            "closed": roadshow.state == RoadshowState.CLOSED}


@login_required
@require_GET
def console(request: HttpRequest, roadshow_id: int) -> HttpResponse:
    """The chair opens and closes each project's scoring, records the comments, watches the
    judges' progress and the live standings, and closes the roadshow."""
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id, for_write=True)
    return render(request, "projects/roadshow_console.html", _console_context(roadshow))


def login_required_polled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``login_required`` for what a page polls: once the session has expired the answer is
    401 with a message, not a redirect to the login page, which fetch and htmx would follow
    and draw in place of the standings. The page then says "please sign in again"."""
    @wraps(view)
    def polled(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"ok": False, "message": _(
                "Your session has expired: please sign in again.")}, status=401)
        return view(request, *args, **kwargs)
    return polled


@login_required_polled
@require_GET
@never_cache
def console_standings(request: HttpRequest, roadshow_id: int) -> HttpResponse:
    """The console's standings and judges' counts, polled every few seconds."""
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id, for_write=True)
    context = _console_context(roadshow)
    # htmx stops polling on 286: nothing changes once the roadshow is closed.
    return render(request, "projects/roadshow_standings.html", {**context, "oob": True},
                  status=286 if context["closed"] else 200)


def _presentation(roadshow: Roadshow, presentation_id: int) -> Presentation:
    presentation = roadshow.presentations.select_related("project").filter(
        pk=presentation_id).first()
    if presentation is None:
        raise NotFound(_("This project is not on the roadshow."))
    presentation.roadshow = roadshow
    return presentation


def _back_to_console(roadshow: Roadshow, presentation: Presentation | None = None
                     ) -> HttpResponse:
    anchor = f"#p-{presentation.pk}" if presentation else ""
    return redirect(reverse("projects:roadshow_console", args=[roadshow.pk]) + anchor)


MOVES = {"open": PresentationState.OPEN, "close": PresentationState.CLOSED,
         "reopen": PresentationState.OPEN, "wait": PresentationState.WAITING}


@login_required
@require_POST
def presentation_move(request: HttpRequest, roadshow_id: int, presentation_id: int
                      ) -> HttpResponse:
    """Open a project's scoring, close it, or reopen it; the console's move buttons send the
    comments box with them, so that comments typed first are kept."""
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id, for_write=True)
    presentation = _presentation(roadshow, presentation_id)
    move = request.POST.get("move", "")
    if move not in MOVES:
        messages.error(request, _("Unknown state."))
        return _back_to_console(roadshow, presentation)
    comment = request.POST.get("comment")
    comment = comment[:5000] if comment is not None else None
    try:
        services.presentation_move(actor=request.user, presentation=presentation,
                                   state=MOVES[move], comment=comment)
    except ApplicationError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, {
            "open": _("Scoring of “%(project)s” is open: the judges see it now."),
            "reopen": _("Scoring of “%(project)s” is open again."),
            "close": _("Scoring of “%(project)s” is closed: its scores are final."),
            "wait": _("“%(project)s” is back to waiting."),
        }[move] % {"project": presentation.project.title})
    return _back_to_console(roadshow, presentation)


@login_required
@require_POST
def presentation_comment(request: HttpRequest, roadshow_id: int, presentation_id: int
                         ) -> HttpResponse:
    """Record the comments (点评) on a project, whatever its state, also once the roadshow is
    closed (a comment is not a score)."""
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id, for_write=True)
    presentation = _presentation(roadshow, presentation_id)
    try:
        services.presentation_move(actor=request.user, presentation=presentation,
                                   state=presentation.state,
                                   comment=request.POST.get("comment", "")[:5000])
    except ApplicationError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The comments on “%(project)s” were saved.")
                         % {"project": presentation.project.title})
    return _back_to_console(roadshow, presentation)


@login_required
@require_POST
def roadshow_close(request: HttpRequest, roadshow_id: int) -> HttpResponse:
    """End the roadshow: every project's scoring closes and the results are final."""
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id, for_write=True)
    try:
        services.roadshow_close(actor=request.user, roadshow=roadshow)
    except ApplicationError as refused:
        messages.error(request, refused.message)
        return _back_to_console(roadshow)
    messages.success(request, _("The roadshow is closed; the results are final."))
    return redirect("projects:roadshow", roadshow_id=roadshow.pk)


# ---------------------------------------------------------------------------------------------
# the big screen


def _live_data(standings: selectors.Standings, eligible: dict[int, set[int]]
               ) -> dict[str, Any]:
    """The standings as the big screen draws them, best first."""
    roadshow = standings.roadshow
    several = len(standings.groups) > 1
    return {
        "title": roadshow.title, "state": roadshow.state,
        "state_label": str(roadshow.get_state_display()),
        "maximum": standings.maximum,
        "groups": [g.name for g in standings.groups] if several else [],
        "open": [row.project.title for row in standings.rows
                 if row.presentation.state == PresentationState.OPEN],
        "updated": f"{timezone.localtime():%H:%M:%S}",
        "rows": [{
            "presentation": row.presentation.pk, "position": row.presentation.position,
            "rank": row.rank or None, "project": row.project.title,
            "unit": row.project.lead_unit.name if row.project.lead_unit else "",
            "count": row.count, "of": len(eligible.get(row.presentation.pk, ())),
            "result": row.result, "result_text": documents.number(row.result),
            "means": [documents.number(m) for m in row.group_means] if several else [],
            "state": row.presentation.state,
            "state_label": str(row.presentation.get_state_display()),
        } for row in standings.ranked],
    }


def _live_of(request: HttpRequest, roadshow_id: int) -> dict[str, Any]:
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id)
    standings = selectors.roadshow_standings(roadshow)
    return _live_data(standings, selectors.roadshow_eligible(standings))


@login_required
@require_GET
def live(request: HttpRequest, roadshow_id: int) -> HttpResponse:
    """The live ranking for the big screen: dark, full screen, redrawn every 3 seconds."""
    data = _live_of(request, roadshow_id)
    return render(request, "projects/bigscreen.html", {
        "data": data, "roadshow_id": roadshow_id,
        "live_url": reverse("projects:roadshow_live_json", args=[roadshow_id])})


@login_required_polled
@require_GET
@never_cache
def live_json(request: HttpRequest, roadshow_id: int) -> JsonResponse:
    return JsonResponse(_live_of(request, roadshow_id))


# ---------------------------------------------------------------------------------------------
# result sheets


def _file_name(roadshow: Roadshow, extension: str) -> str:
    title = documents.xml_text(roadshow.title).replace("\n", " ").replace("\t", " ")
    title = export_services.file_title(_("%(title)s results") % {"title": title})
    return f"{title}.{extension}"


@login_required
@require_GET
def results_docx(request: HttpRequest, roadshow_id: int) -> FileResponse:
    """The result sheet in Word, to sign and file (provisional until the roadshow closes)."""
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id)
    standings = selectors.roadshow_standings(roadshow)
    return FileResponse(
        documents.results_document(standings, selectors.roadshow_eligible(standings)),
        as_attachment=True, filename=_file_name(roadshow, "docx"), content_type=DOCX)


@login_required
@require_GET
def results_xlsx(request: HttpRequest, roadshow_id: int) -> FileResponse:
    """Every judge's total per project: for the chair, who checks the arithmetic."""
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id, for_write=True)
    standings = selectors.roadshow_standings(roadshow)
    return FileResponse(
        documents.results_workbook(standings, selectors.roadshow_eligible(standings)),
        as_attachment=True, filename=_file_name(roadshow, "xlsx"), content_type=XLSX)
