"""The plan editor: a plan's settings, the indicator catalog, and a draft plan's indicators and
weights, set by hand, by an AHP grid (checked live, saving nothing until asked) or by CRITIC /
entropy from the previous plan's figures. Every write goes through ``services``."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pacesetter import engine
from pacesetter.assessment import access, selectors, services
from pacesetter.assessment.editor_forms import (
    AHP_MAX_SIZE,
    SCALE,
    SCALE_MEANINGS,
    AhpForm,
    DataWeightsForm,
    IndicatorForm,
    ManualWeightsForm,
    PlanForm,
    RuleForm,
    RuleFormMixin,
    level_choices,
)
from pacesetter.assessment.models import (
    WEIGHTED_RULES,
    AssessmentPlan,
    Indicator,
    PlanIndicator,
    PlanStatus,
    RuleKind,
    WeightMethod,
)
from pacesetter.errors import ApplicationError, NotFound, PermissionDenied
from pacesetter.orgs import scope
from pacesetter.orgs.models import PeerGroup, Unit

CR_LIMIT = services.CR_LIMIT


def _apply_errors(form: Any, error: ApplicationError) -> None:
    """A service's field errors on the form's fields, the rest on top of it."""
    for item in error.extra.get("errors", []):
        name = item.get("field")
        form.add_error(name if name in form.fields else None, item["message"])
    if not error.extra.get("errors"):
        form.add_error(None, error.message)


def _draft_or_redirect(request: HttpRequest, plan: AssessmentPlan) -> HttpResponse | None:
    if plan.status == PlanStatus.DRAFT:
        return None
    messages.error(request, _("Only a draft plan can be edited; this one is %(status)s.")
                   % {"status": plan.get_status_display()})
    return redirect("assessment:plan_detail", plan.pk)


# --- plan settings -------------------------------------------------------------------------

def _owner_choices(user: Any, plan: AssessmentPlan | None = None) -> QuerySet[Unit]:
    """The units the user administers (their own, not each unit below): a plan's owner."""
    manage = scope.manage_scope(user)
    query = Q(parent__isnull=True) if manage.everything else Q(path__in=manage.paths)
    if plan is not None:
        query |= Q(pk=plan.owner_id)
    return Unit.objects.filter(query).order_by("level", "path")


def _plan_form(request: HttpRequest, owners: QuerySet[Unit], initial: dict[str, Any]
               ) -> PlanForm:
    top = min((u.level for u in owners), default=1)
    deepest = Unit.objects.filter(scope.manage_scope(request.user).q()).aggregate(
        n=Max("level"))["n"] or top + 1
    return PlanForm(request.POST or None, initial=initial, owners=owners,
                    levels=level_choices(deepest, above=top),
                    groups=list(PeerGroup.objects.values_list("name", flat=True)))


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    owners = _owner_choices(request.user)
    if not owners.exists():
        raise PermissionDenied(_("Only administrators of a unit may create plans."))
    form = _plan_form(request, owners, {"owner": owners.first(), "period_kind": "month",
                                        "period_day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        settings = form.settings()
        owner = scope.get_unit_in_scope(request.user, settings.pop("owner").pk, for_write=True)
        try:
            period = services.period_get(kind=form.cleaned_data["period_kind"],
                                         day=form.cleaned_data["period_day"])
            plan = services.plan_create(actor=request.user, owner=owner, period=period,
                                        **settings)
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Plan created. Now choose its indicators and weights."))
            return redirect("assessment:plan_editor", plan.pk)
    return render(request, "assessment/plan_form.html", {"form": form, "plan": None})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    if (refused := _draft_or_redirect(request, plan)) is not None:
        return refused
    initial = {"name": plan.name, "series": plan.series, "owner": plan.owner,
               "period_kind": plan.period.kind, "period_day": plan.period.start,
               "assessed_levels": plan.assessed_levels,
               "subject_kind": plan.subject_kind,
               "assessed_positions": "、".join(plan.assessed_positions),
               "assessed_groups": [g.name for g in plan.assessed_groups.all()],
               "ranking_groups": [g.name for g in plan.ranking_groups.all()],
               "assessed_unit_codes": "\n".join(
                   plan.assessed_units.order_by("code").values_list("code", flat=True)),
               **{name: getattr(plan, name) for name in PlanForm.LIST_RULES}}
    form = _plan_form(request, _owner_choices(request.user, plan), initial)
    if request.method == "POST" and form.is_valid():
        settings = form.settings()
        settings["owner"] = scope.get_unit_in_scope(request.user, settings["owner"].pk,
                                                    for_write=True)
        try:
            period = services.period_get(kind=form.cleaned_data["period_kind"],
                                         day=form.cleaned_data["period_day"])
            services.plan_update(actor=request.user, plan=plan, period=period, **settings)
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("assessment:plan_detail", plan.pk)
    return render(request, "assessment/plan_form.html", {"form": form, "plan": plan})


# --- the catalog as a tree ----------------------------------------------------------------

@dataclass
class Row:
    """One line of a catalog tree: a category or an indicator at ``depth``, the categories
    above it, and in the plan editor the plan's use of it and a category's weight subtotal."""

    indicator: Indicator
    depth: int
    categories: list[int]
    item: PlanIndicator | None = None
    subtotal: Decimal = Decimal(0)
    weight_field: Any = None
    children: list[Row] = field(default_factory=list)

    @property
    def indent(self) -> str:
        return f"{self.depth * 1.3:.1f}"

    @property
    def category_list(self) -> str:
        return " ".join(str(pk) for pk in self.categories)

    @property
    def is_weighted(self) -> bool:
        return self.item is not None and self.item.rule_kind in WEIGHTED_RULES


def _catalog_tree(indicators: list[Indicator], items: dict[int, PlanIndicator] | None = None
                  ) -> list[tuple[Unit, list[Row]]]:
    """Each catalog (by owner, from the top) as its rows in tree order. An entry whose
    category lies in another catalog is shown at the top of its own."""
    items = items or {}
    catalogs: dict[int, tuple[Unit, list[Indicator]]] = {}
    for indicator in indicators:
        catalogs.setdefault(indicator.owner_id, (indicator.owner, []))[1].append(indicator)
    tree = []
    for owner, entries in catalogs.values():
        ids = {e.pk for e in entries}
        children: dict[int | None, list[Indicator]] = {}
        for entry in entries:
            parent = entry.parent_id if entry.parent_id in ids else None
            children.setdefault(parent, []).append(entry)
        rows: list[Row] = []

        def walk(parent: int | None, depth: int, above: list[int], rows: list[Row] = rows,
                 children: dict[int | None, list[Indicator]] = children) -> None:
            for entry in children.get(parent, []):
                row = Row(entry, depth, above, items.get(entry.pk))
                rows.append(row)
                if entry.is_category:
                    walk(entry.pk, depth + 1, [*above, entry.pk])

        walk(None, 0, [])
        by_id = {row.indicator.pk: row for row in rows}
        for row in rows:
            if row.is_weighted and row.item is not None:
                for category in row.categories:
                    by_id[category].subtotal += row.item.weight
        tree.append((owner, rows))
    return tree


@login_required
def catalog_home(request: HttpRequest) -> HttpResponse:
    """The catalog of the user's own unit."""
    read = scope.read_scope(request.user)
    units = Unit.objects.filter(parent__isnull=True) if read.everything else Unit.objects.filter(
        path__in=read.paths)
    unit = units.order_by("level", "path").first()
    if unit is None:
        raise NotFound(_("Unit not found."))
    return redirect("assessment:catalog", unit.pk)


@login_required
def catalog(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The unit's indicator catalog and the catalogs above it, as trees of categories."""
    unit = scope.get_unit_in_scope(request.user, unit_id)
    manage = scope.manage_scope(request.user)
    tree = [(owner, rows, manage.contains(owner.path)) for owner, rows in _catalog_tree(
        list(selectors.catalog(actor=request.user, unit=unit)))]
    if not any(owner.pk == unit.pk for owner, _rows, _edit in tree):
        tree.append((unit, [], manage.contains(unit.path)))
    return render(request, "assessment/catalog.html", {
        "unit": unit, "catalogs": tree, "can_add": manage.contains(unit.path)})


def _categories(request: HttpRequest, owner: Unit) -> QuerySet[Indicator]:
    return selectors.catalog(actor=request.user, unit=owner).filter(owner=owner,
                                                                    is_category=True)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = scope.get_unit_in_scope(request.user, unit_id, for_write=True)
    is_category = (request.POST or request.GET).get("category") == "1"
    initial: dict[str, Any] = {"parent": request.GET.get("parent") or None}
    if not is_category:
        initial.update(RuleFormMixin.rule_initial(RuleKind.NORMALIZE, {"method": "minmax"}))
    form = IndicatorForm(request.POST or None, initial=initial,
                         categories=_categories(request, unit), is_category=is_category)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_create(actor=request.user, owner=unit, is_category=is_category,
                                      **form.entry())
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("assessment:catalog", unit.pk)
    return render(request, "assessment/indicator_form.html", {
        "form": form, "unit": unit, "indicator": None, "is_category": is_category,
        "back": reverse("assessment:catalog", args=[unit.pk])})


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, unit_id: int, indicator_id: int) -> HttpResponse:
    unit = scope.get_unit_in_scope(request.user, unit_id)
    indicator = selectors.catalog_indicator(actor=request.user, unit=unit,
                                            indicator_id=indicator_id)
    if not scope.manage_scope(request.user).contains(indicator.owner.path):
        raise PermissionDenied(_("You may not change this unit's indicator catalog."))
    form = IndicatorForm(request.POST or None, initial=IndicatorForm.initial_of(indicator),
                         categories=_categories(request, indicator.owner).exclude(
                             pk=indicator.pk),
                         is_category=indicator.is_category)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(actor=request.user, indicator=indicator, **form.entry())
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("assessment:catalog", unit.pk)
    return render(request, "assessment/indicator_form.html", {
        "form": form, "unit": unit, "indicator": indicator,
        "is_category": indicator.is_category,
        "back": reverse("assessment:catalog", args=[unit.pk])})


# --- a draft plan's indicators and weights ---------------------------------------------------

def _ahp_data(form: AhpForm) -> dict[str, Any]:
    """The grid's form as posted data, to check and preview the judgments shown."""
    data = {"codes": ",".join(form.code_list), "method": form["method"].value() or "",
            "ri": form["ri"].value() or "", "reason": form["reason"].value() or ""}
    for name in form.fields:
        if name.startswith("a_"):
            data[name] = form[name].value()
    return data


def _ahp_preview(form: AhpForm, items: list[PlanIndicator]) -> dict[str, Any]:
    """What the grid gives: weights, λmax, CI, RI, CR, or the reason it gives nothing."""
    names = {i.indicator.code: i.indicator.name for i in items}
    preview: dict[str, Any] = {"form": form, "size": len(form.code_list)}
    if not 2 <= len(form.code_list) <= AHP_MAX_SIZE:
        return preview
    preview["errors"] = [e for errors in form.errors.values() for e in errors]
    needed = [name for name in form.fields if name.startswith("a_")] + ["method", "ri"]
    if any(name not in form.cleaned_data for name in needed):
        return preview
    try:
        result = engine.ahp_weights(form.matrix(), method=form.cleaned_data["method"],
                                    ri=form.cleaned_data["ri"])
    except engine.EngineError as error:
        preview["errors"] = [str(error)]
        return preview
    preview.update(
        result=result, inconsistent=result.cr >= CR_LIMIT,
        weights=[(code, names.get(code, ""), float(w) * 100)
                 for code, w in zip(form.code_list, result.weights, strict=True)])
    return preview


def _editor(request: HttpRequest, plan: AssessmentPlan, *, manual: ManualWeightsForm | None
            = None, ahp: AhpForm | None = None, tab: str = "manual", status: int = 200
            ) -> HttpResponse:
    items = list(plan.plan_indicators.select_related("indicator").order_by("sort_order", "pk"))
    by_indicator = {item.indicator_id: item for item in items}
    manual = manual or ManualWeightsForm(items=items)
    tree = _catalog_tree(list(selectors.catalog(actor=request.user, unit=plan.owner)),
                         by_indicator)
    for _owner, rows in tree:
        for row in rows:
            name = f"w_{row.indicator.code}"
            if row.is_weighted and name in manual.fields:
                row.weight_field = manual[name]
    scored = [item for item in items if item.rule_kind in WEIGHTED_RULES]
    codes = [item.indicator.code for item in scored]
    if ahp is None:
        details = plan.weight_details if plan.weight_method == WeightMethod.AHP else {}
        blank = AhpForm(codes=codes, initial=AhpForm.initial_from(details, codes))
        ahp = AhpForm(_ahp_data(blank), codes=codes)
    return render(request, "assessment/plan_editor.html", {
        "plan": plan, "tree": tree, "items": items, "scored": scored,
        "total": sum((item.weight for item in scored), Decimal(0)),
        "manual": manual, "ahp": _ahp_preview(ahp, items), "scale": SCALE,
        "scale_meanings": SCALE_MEANINGS, "data_form": DataWeightsForm(), "tab": tab,
        "max_ahp": AHP_MAX_SIZE, "cr_limit": CR_LIMIT,
    }, status=status)


def _editable_plan(request: HttpRequest, plan_id: int) -> AssessmentPlan:
    return access.get_plan_in_scope(request.user, plan_id, for_write=True)


@login_required
def plan_editor(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    if (refused := _draft_or_redirect(request, plan)) is not None:
        return refused
    return _editor(request, plan)


def _back_to_editor(plan: AssessmentPlan, anchor: str = "") -> HttpResponse:
    return redirect(reverse("assessment:plan_editor", args=[plan.pk]) + anchor)


@login_required
@require_POST
def plan_indicator_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    indicator = selectors.catalog_indicator(actor=request.user, unit=plan.owner,
                                            indicator_id=request.POST.get("indicator"))
    try:
        services.plan_indicator_set(actor=request.user, plan=plan, indicator=indicator)
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back_to_editor(plan, f"#row-{indicator.pk}")


@login_required
@require_POST
def plan_indicator_remove(request: HttpRequest, plan_id: int, indicator_id: int
                          ) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    indicator = selectors.catalog_indicator(actor=request.user, unit=plan.owner,
                                            indicator_id=indicator_id)
    try:
        services.plan_indicator_remove(actor=request.user, plan=plan, indicator=indicator)
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back_to_editor(plan, f"#row-{indicator.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def plan_indicator_rule(request: HttpRequest, plan_id: int, indicator_id: int
                        ) -> HttpResponse:
    """The plan's own rule for one of its indicators (the catalog's stays as it is)."""
    plan = _editable_plan(request, plan_id)
    item = plan.plan_indicators.select_related("indicator").filter(
        indicator_id=scope.as_id(indicator_id)).first()
    if item is None:
        raise NotFound(_("The plan does not use this indicator."))
    if (refused := _draft_or_redirect(request, plan)) is not None:
        return refused
    form = RuleForm(request.POST or None,
                    initial=RuleFormMixin.rule_initial(item.rule_kind, item.rule))
    if request.method == "POST" and form.is_valid():
        kind, rule = form.rule()
        try:
            services.plan_indicator_set(actor=request.user, plan=plan, indicator=item.indicator,
                                        weight=item.weight, rule_kind=kind, rule=rule)
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return _back_to_editor(plan, f"#row-{item.indicator_id}")
    return render(request, "assessment/indicator_form.html", {
        "form": form, "plan": plan, "indicator": item.indicator, "is_category": False,
        "back": reverse("assessment:plan_editor", args=[plan.pk])})


@login_required
@require_POST
def weights_manual(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    items = list(plan.plan_indicators.select_related("indicator"))
    form = ManualWeightsForm(request.POST, items=items)
    if form.is_valid():
        try:
            services.plan_weights_set(actor=request.user, plan=plan, weights=form.weights())
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Weights saved."))
            return _back_to_editor(plan)
    return _editor(request, plan, manual=form, tab="manual", status=422)


def _ahp_posted(request: HttpRequest, plan: AssessmentPlan
                ) -> tuple[list[PlanIndicator], list[str], AhpForm]:
    """The plan's indicators, the codes of the weighted ones, and the grid posted over them."""
    items = list(plan.plan_indicators.select_related("indicator"))
    codes = [i.indicator.code for i in items if i.rule_kind in WEIGHTED_RULES]
    return items, codes, AhpForm(request.POST, codes=codes)


@login_required
@require_POST
def ahp_preview(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The grid's weights and consistency, computed as the user changes it; nothing saved."""
    plan = _editable_plan(request, plan_id)
    items, _codes, form = _ahp_posted(request, plan)
    return render(request, "assessment/_ahp_result.html",
                  {"ahp": _ahp_preview(form, items), "cr_limit": CR_LIMIT})


@login_required
@require_POST
def weights_ahp(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    _items, codes, form = _ahp_posted(request, plan)
    if form.is_valid():
        try:
            services.plan_weights_from_ahp(
                actor=request.user, plan=plan, codes=codes, pairwise=form.matrix(),
                method=form.cleaned_data["method"], ri=form.cleaned_data["ri"],
                override_reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Weights saved from the AHP judgments."))
            return _back_to_editor(plan)
    return _editor(request, plan, ahp=form, tab="ahp", status=422)


@login_required
@require_POST
def weights_data(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    form = DataWeightsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose CRITIC or the entropy method."))
        return _back_to_editor(plan, "#objective")
    try:
        weights = services.plan_weights_from_data(
            actor=request.user, plan=plan, method=form.cleaned_data["method"],
            variant=form.cleaned_data["variant"] or "minmax")
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Weights saved: %(weights)s.") % {"weights": ", ".join(
            f"{code} {weight:.2f}" for code, weight in weights.items())})
    return _back_to_editor(plan, "#objective")
