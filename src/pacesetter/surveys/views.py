"""The surveys' pages for organizers: questionnaires, campaigns, distribution, live progress,
results, the review of flagged responses and the exports."""

from __future__ import annotations

import io
import re
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pacesetter.errors import ApplicationError, NotFound
from pacesetter.exports import services as export_services
from pacesetter.orgs import scope
from pacesetter.orgs.models import Unit
from pacesetter.pagination import page_of
from pacesetter.surveys import access, demo, documents, forms, selectors, services, spreadsheets
from pacesetter.surveys.models import Campaign, Flag

TEXTS_SHOWN = 50  # answers listed; keywords count the latest 2,000 (selectors.text_answers)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/home.html", {
        "campaigns": selectors.campaign_list(actor=request.user).order_by("-opens_at")[:50],
        "questionnaires": selectors.questionnaire_list(actor=request.user)[:50],
        "can_manage": scope.is_manager(request.user),
    })


@login_required
@require_GET
def questionnaire_detail(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """The questionnaire; its builder too while it has no responses and the user runs it."""
    questionnaire = access.get_questionnaire_in_scope(request.user, questionnaire_id)
    frozen = services.is_frozen(questionnaire)
    can_run = scope.manage_scope(request.user).contains(questionnaire.owner.path)
    return render(request, "surveys/questionnaire.html", {
        "questionnaire": questionnaire,
        "outline": selectors.questionnaire_outline(questionnaire),
        "frozen": frozen, "can_run": can_run, "editable": can_run and not frozen,
        "settings_form": forms.QuestionnaireSettingsForm(initial={
            "title": questionnaire.title, "description": questionnaire.description}),
        "section_form": forms.SectionForm(),
        "item_form": forms.ItemAddForm(),
        "campaigns": access.campaigns_in_scope(request.user).filter(
            questionnaire=questionnaire).order_by("-opens_at")[:20],
    })


@login_required
@require_GET
def questionnaire_xlsform(request: HttpRequest, questionnaire_id: int) -> FileResponse:
    questionnaire = access.get_questionnaire_in_scope(request.user, questionnaire_id)
    name = export_services.file_title(f"{questionnaire.title} v{questionnaire.version}")
    return FileResponse(spreadsheets.xlsform_file(questionnaire), as_attachment=True,
                        filename=f"{name}.xlsx", content_type=XLSX)


@login_required
@require_GET
def sample_xlsform(request: HttpRequest) -> FileResponse:
    return FileResponse(io.BytesIO(demo.sample_xlsform()), as_attachment=True,
                        filename="questionnaire-sample.xlsx", content_type=XLSX)


@login_required
@require_POST
def questionnaire_copy(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = access.get_questionnaire_in_scope(request.user, questionnaire_id,
                                                      for_write=True)
    copy = services.questionnaire_copy(actor=request.user, questionnaire=questionnaire)
    messages.success(request, _("Version %(version)d was created.") % {"version": copy.version})
    return redirect("surveys:questionnaire", questionnaire_id=copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_import(request: HttpRequest) -> HttpResponse:
    """A questionnaire from an XLSForm workbook: saved whole, or nothing with every problem
    named by sheet and row."""
    owner = access.own_unit(request.user)
    form = forms.XlsformUploadForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            draft = spreadsheets.read_xlsform(form.cleaned_data["file"])
            questionnaire = services.questionnaire_create(actor=request.user, owner=owner,
                                                          draft=draft)
        except ApplicationError as refused:
            problems = refused.extra.get("errors", [])
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The questionnaire was imported."))
            return redirect("surveys:questionnaire", questionnaire_id=questionnaire.pk)
    return render(request, "surveys/questionnaire_import.html",
                  {"form": form, "problems": problems, "owner": owner})


def _units_for(form: forms.CampaignForm, user: Any) -> list[Unit]:
    manage = scope.manage_scope(user)
    data = form.cleaned_data
    chosen = Unit.objects.none()
    if data["levels"]:
        chosen = chosen | Unit.objects.filter(level__in=data["levels"])
    if data["peer_groups"]:
        chosen = chosen | Unit.objects.filter(peer_groups__in=data["peer_groups"])
    codes = [c for c in re.split(r"[\s,，、;；]+", data["unit_codes"] or "") if c]
    if codes:
        chosen = chosen | Unit.objects.filter(code__in=codes)
    return list(chosen.filter(manage.q()).distinct().order_by("path")[:20_000])


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    owner = access.own_unit(request.user)
    form = forms.CampaignForm(request.POST or None,
                              questionnaires=access.questionnaires_in_scope(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user, owner=owner, questionnaire=data["questionnaire"],
                title=data["title"], opens_at=data["opens_at"], closes_at=data["closes_at"],
                units=_units_for(form, request.user), mode=data["mode"], roles=data["roles"],
                default_quota=data["default_quota"] or 0, scoring=form.scoring(),
                peer_by=data["peer_by"], bottom_n=data["bottom_n"])
        except ApplicationError as refused:
            for error in refused.extra.get("errors", []):
                field = error["field"] if error["field"] in form.fields else None
                form.add_error(field, error["message"])
            if not refused.extra.get("errors"):
                form.add_error(None, refused.message)
        else:
            messages.success(request, _("The campaign was created as a draft; open it when "
                                        "ready."))
            return redirect("surveys:campaign", campaign_id=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form, "owner": owner})


def _campaign(request: HttpRequest, campaign_id: int, *, for_write: bool = False) -> Campaign:
    return access.get_campaign_in_scope(request.user, campaign_id, for_write=for_write)


@login_required
@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign and its live progress: responses per hour, per unit against its quota."""
    campaign = _campaign(request, campaign_id)
    counts = selectors.target_counts(campaign)
    targets = [{"target": t, "responses": counts.get(t.pk, 0),
                "percent": min(100, counts.get(t.pk, 0) * 100 // t.quota) if t.quota else None}
               for t in access.visible_targets(request.user, campaign)]
    hours = selectors.responses_per_hour(campaign)
    return render(request, "surveys/campaign.html", {
        "campaign": campaign, "targets": targets,
        "totals": selectors.campaign_counts(campaign),
        "can_run": access.can_run(request.user, campaign),
        "chart": {"hours": [h.strftime("%m-%d %H:00") for h, _n in hours],
                  "counts": [n for _h, n in hours], "name": _("Responses per hour")},
    })


@login_required
@require_POST
def campaign_status(request: HttpRequest, campaign_id: int, action: str) -> HttpResponse:
    campaign = _campaign(request, campaign_id, for_write=True)
    steps = {"open": services.campaign_open, "close": services.campaign_close}
    if action not in steps:
        raise NotFound(_("No such step."))
    steps[action](actor=request.user, campaign=campaign)
    return redirect("surveys:campaign", campaign_id=campaign.pk)


def _link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("surveys:respond", kwargs={"token": token}))


@login_required
@require_GET
def distribution(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The printable distribution sheet: each unit's link and QR code."""
    campaign = _campaign(request, campaign_id, for_write=True)
    targets = [{"target": t, "link": _link(request, t.link_token),
                "qr": segno.make(_link(request, t.link_token), error="m").svg_data_uri(
                    scale=3, border=2)}
               for t in campaign.targets.select_related("unit").order_by("unit__path")]
    return render(request, "surveys/distribution.html",
                  {"campaign": campaign, "targets": targets})


@login_required
@require_GET
def distribution_docx(request: HttpRequest, campaign_id: int) -> FileResponse:
    """The same sheet as a Word document, to print or to attach to a notice."""
    campaign = _campaign(request, campaign_id, for_write=True)
    targets = campaign.targets.select_related("unit").order_by("unit__path")
    name = export_services.file_title(f"{campaign.title} {_('QR codes')}")
    return FileResponse(
        documents.distribution_document(campaign, targets,
                                        lambda t: _link(request, t.link_token)),
        as_attachment=True, filename=f"{name}.docx", content_type=DOCX)


@login_required
@require_GET
def target_qr(request: HttpRequest, campaign_id: int, target_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, for_write=True)
    target = campaign.targets.filter(pk=target_id).first()
    if target is None:
        raise NotFound(_("Not found."))
    buffer = io.BytesIO()
    segno.make(_link(request, target.link_token), error="m").save(buffer, kind="png", scale=8,
                                                                  border=3)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Content-Disposition"] = (
        f'attachment; filename="qr-{target.unit.code}.png"')
    return response


@login_required
@require_http_methods(["GET", "POST"])
def panel_codes(request: HttpRequest, campaign_id: int, target_id: int) -> HttpResponse:
    """Issue one-time codes to named respondents, shown once as a printable list."""
    campaign = _campaign(request, campaign_id, for_write=True)
    target = campaign.targets.select_related("unit").filter(pk=target_id).first()
    if target is None:
        raise NotFound(_("Not found."))
    form = forms.PanelCodesForm(request.POST or None)
    issued: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.panel_codes_issue(actor=request.user, target=target,
                                                names=form.cleaned_data["names"].splitlines())
        except ApplicationError as refused:
            form.add_error(None, refused.message)
    return render(request, "surveys/panel_codes.html", {
        "campaign": campaign, "target": target, "form": form, "issued": issued,
        "link": _link(request, target.link_token)})


@login_required
@require_GET
def results(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Indexes with intervals, rankings and bottom-N flags, the heatmap of units × aspects,
    breakdowns by respondent attribute and the free-text answers with their keywords."""
    campaign = _campaign(request, campaign_id)
    can_run = access.can_run(request.user, campaign)
    if can_run and request.GET.get("refresh"):
        services.integrity_review(campaign=campaign)
    data = selectors.results_for(
        actor=request.user, campaign=campaign,
        data=services.results_current(campaign=campaign, refresh=bool(request.GET.get("refresh"))
                                      and can_run))
    texts = []
    for item in selectors.text_items(campaign.questionnaire):
        answers, total = selectors.text_answers(actor=request.user, campaign=campaign, item=item)
        texts.append({"item": item, "answers": answers[:TEXTS_SHOWN], "total": total,
                      "keywords": selectors.keyword_counts([a[1] for a in answers])})
    groups = {}
    for row in sorted(data["targets"], key=lambda r: (r["group"], r["rank"] or 10**6)):
        groups.setdefault(row["group"], []).append(row)
    return render(request, "surveys/results.html", {
        "campaign": campaign, "data": data, "groups": groups, "texts": texts,
        "can_run": can_run, "chart": selectors.results_chart(data),
    })


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Flagged responses, kept and shown for review; the organizer may exclude them (or take
    them back) with a recorded reason."""
    campaign = _campaign(request, campaign_id, for_write=True)
    form = forms.ExclusionForm(request.POST or None)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("response") if v.isdigit()]
        exclude = request.POST.get("action") != "include"
        if not exclude or form.is_valid():
            count = services.responses_exclude(
                actor=request.user, campaign=campaign, response_ids=ids, exclude=exclude,
                reason=form.cleaned_data.get("reason", "") if exclude else "")
            messages.success(request, _("%(count)d responses updated.") % {"count": count})
            return redirect(request.get_full_path())
    flag = request.GET.get("flag")
    rows = selectors.flagged_responses(actor=request.user, campaign=campaign,
                                       flag=int(flag) if flag and flag.isdigit() else None)
    page, query = page_of(request, rows)
    return render(request, "surveys/review.html", {
        "campaign": campaign, "page_obj": page, "query": query, "form": form,
        "flags": [(f.value, f.label) for f in Flag], "flag": flag,
        "labels": {r.pk: selectors.flag_labels(r.flags) for r in page}})


@login_required
@require_http_methods(["GET", "POST"])
def results_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    data = selectors.results_for(actor=request.user, campaign=campaign,
                                 data=services.results_current(campaign=campaign))
    name = export_services.file_title(f"{campaign.title} {_('results')}")
    return FileResponse(spreadsheets.results_file(campaign, data), as_attachment=True,
                        filename=f"{name}.xlsx", content_type=XLSX)


@login_required
@require_POST
def responses_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The raw responses, written by a background job (a province's campaign has millions)."""
    campaign = _campaign(request, campaign_id, for_write=True)
    with transaction.atomic():
        job = export_services.export_request(
            actor=request.user, kind="surveys.responses", params={"campaign": campaign.pk},
            title=f"{campaign.title} {_('responses')}", unit_path=campaign.owner.path,
            rows_total=campaign.responses.count())
    return redirect("exports:detail", export_id=job.pk)
