"""Pages of the achievement and negative lists (实绩清单、负面表现清单), tolerance decisions
(容错认定) on their negative entries, and evidence files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pacesetter.assessment import access, records, scoring, spreadsheets
from pacesetter.assessment.file_views import _download
from pacesetter.assessment.models import (
    AssessmentPlan,
    EntryKind,
    EntrySource,
    EntryStatus,
    PlanIndicator,
)
from pacesetter.errors import ApplicationError, NotFound
from pacesetter.orgs import scope
from pacesetter.pagination import page_of

ACCEPT = ",".join(f".{extension}" for extension in records.EVIDENCE_TYPES)


class _ItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanIndicator) -> str:
        label = f"{obj.indicator.code} {obj.indicator.name}（{obj.get_rule_kind_display()}）"
        if scoring.from_lists(obj.rule_kind, obj.rule):
            label += " · " + _("counted from the lists")
        return label


class EntryForm(forms.Form):
    """A new list entry; its evidence files come as ``files`` beside the form fields."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of entry"), choices=EntryKind.choices)
    date = forms.DateField(label=gettext_lazy("Date"),
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=EntrySource.choices,
                               initial=EntrySource.OTHER)
    plan_indicator = _ItemChoice(
        label=gettext_lazy("Counts under"), queryset=PlanIndicator.objects.none(),
        required=False, empty_label=gettext_lazy("— no bonus or deduction item —"),
        help_text=gettext_lazy("An achievement counts under a bonus item, a negative entry "
                               "under a deduction item, once confirmed."))
    text = forms.CharField(label=gettext_lazy("Description"), max_length=records.TEXT_LIMIT,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, plan: AssessmentPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_indicator"].queryset = plan.plan_indicators.select_related(
            "indicator").filter(pk__in=[item.pk for item in records.list_items(plan)])


def _choice(value: str | None, choices: Any) -> str | None:
    return value if value in choices.values else None


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _listing(request: HttpRequest, plan: AssessmentPlan, unit: Any) -> dict[str, Any]:
    kind = _choice(request.GET.get("kind"), EntryKind)
    status = _choice(request.GET.get("status"), EntryStatus)
    rows = records.entries(actor=request.user, plan=plan, unit=unit, kind=kind, status=status)
    page, keep = page_of(request, rows)
    for entry in page:
        entry.reviewable = (entry.status == EntryStatus.REPORTED
                            and records.may_confirm(request.user, entry.unit, plan))
        entry.tolerable = (plan.status in records.OPEN_PLAN and records.tolerable(entry)
                           and records.may_tolerate(request.user, entry, plan))
    counts = records.entry_counts(actor=request.user, plan=plan, unit=unit)
    return {
        "plan": plan, "unit": unit, "page_obj": page, "query_without_page": keep,
        "kind": kind or "", "status": status or "",
        "kinds": EntryKind.choices, "statuses": EntryStatus.choices,
        "summary": [(label, sum(n for (k, _s), n in counts.items() if k == value),
                     counts.get((value, EntryStatus.CONFIRMED), 0),
                     counts.get((value, EntryStatus.REPORTED), 0))
                    for value, label in EntryKind.choices],
        "can_run": access.can_run(request.user, plan),
        "plan_open": plan.status in records.OPEN_PLAN,
    }


@login_required
def plan_lists(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Every entry of a plan the user may see, filtered by list, status and unit."""
    plan = access.get_plan_in_scope(request.user, plan_id)
    unit_id = request.GET.get("unit")
    unit = scope.get_unit_in_scope(request.user, unit_id) if unit_id else None
    return render(request, "assessment/plan_lists.html", _listing(request, plan, unit))


@login_required
@require_http_methods(["GET", "POST"])
def unit_lists(request: HttpRequest, plan_id: int, unit_id: int) -> HttpResponse:
    """One unit's entries in a plan, and the form to add one with its evidence."""
    plan = access.get_plan_in_scope(request.user, plan_id)
    unit = scope.get_unit_in_scope(request.user, unit_id)
    if not plan.plan_units.filter(unit=unit).exists():
        raise NotFound(_("This unit is not assessed by the plan."))
    may_add = records.may_add(request.user, unit, plan) and plan.status in records.OPEN_PLAN
    form = EntryForm(request.POST or None, plan=plan,
                     initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            records.list_entry_create(
                actor=request.user, unit=unit, plan=plan, kind=data["kind"], date=data["date"],
                text=data["text"], source=data["source"],
                plan_indicator=data["plan_indicator"], files=request.FILES.getlist("files"))
        except ApplicationError as error:
            if error.status_code == 403:
                raise
            for item in error.extra.get("errors", []):
                field = item["field"] if item["field"] in form.fields else None
                form.add_error(field, item["message"])
            if not error.extra.get("errors"):
                form.add_error(None, error.message)
        else:
            messages.success(request, _("The entry is recorded."))
            return redirect("assessment:unit_lists", plan.pk, unit.pk)
    context = _listing(request, plan, unit)
    context.update({"form": form, "may_add": may_add, "accept": ACCEPT,
                    "confirms": records.may_confirm(request.user, unit, plan)})
    return render(request, "assessment/unit_lists.html", context)


@login_required
@require_POST
def entry_review(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Confirm a reported entry, or reject it with a reason."""
    entry = records.get_entry_in_scope(request.user, entry_id)
    try:
        records.list_entry_review(actor=request.user, entry=entry,
                                  confirm=request.POST.get("confirm") == "1",
                                  reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        if error.status_code == 403:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    if entry.plan_id is None:
        return _back(request, reverse("assessment:plan_list"))
    return _back(request, reverse("assessment:plan_lists", args=[entry.plan_id]))


@login_required
@require_POST
def entry_tolerance(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Record a tolerance decision (容错认定) on a confirmed negative entry: the reason and who
    approved it; the entry then counts under no deduction."""
    entry = records.get_entry_in_scope(request.user, entry_id)
    try:
        records.tolerance_decide(actor=request.user, entry=entry,
                                 reason=request.POST.get("reason", ""),
                                 approver=request.POST.get("approver", ""))
    except ApplicationError as error:
        if error.status_code == 403:
            raise
        problems = [str(e["message"]) for e in error.extra.get("errors", [])]
        messages.error(request, " ".join(problems) if problems else error.message)
    else:
        messages.success(request, _("The tolerance decision is recorded: the entry counts "
                                    "under no deduction."))
    if entry.plan_id is None:
        return _back(request, reverse("assessment:plan_list"))
    return _back(request, reverse("assessment:plan_lists", args=[entry.plan_id]))


@login_required
def evidence_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """An evidence file, to those who see its unit (or run its plan), always as a download."""
    attachment = records.get_attachment_in_scope(request.user, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("File not found.")) from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_delete(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """Remove a figure's evidence file while the figure may change."""
    attachment = records.get_attachment_in_scope(request.user, attachment_id)
    try:
        records.value_evidence_delete(actor=request.user, attachment=attachment)
    except ApplicationError as error:
        if error.status_code == 403:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("The file is removed."))
    if attachment.plan_id is None:
        return _back(request, reverse("assessment:plan_list"))
    return _back(request, reverse("assessment:unit_values",
                                  args=[attachment.plan_id, attachment.unit_id]))


@login_required
@require_GET
def plan_lists_export(request: HttpRequest, plan_id: int) -> FileResponse:
    """The plan's entries the user may see, as an Excel workbook streamed from a temporary
    file."""
    plan = access.get_plan_in_scope(request.user, plan_id)
    kind = _choice(request.GET.get("kind"), EntryKind)
    status = _choice(request.GET.get("status"), EntryStatus)
    return _download(spreadsheets.lists_file(actor=request.user, plan=plan, kind=kind,
                                             status=status), plan, _("lists"))
