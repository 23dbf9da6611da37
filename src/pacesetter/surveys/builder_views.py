"""The questionnaire builder: start a questionnaire, then add, change, move and remove its
aspects and items on its page. Every action is a plain form post, saved at once and whole
(``services.questionnaire_edit``), so nothing is lost between steps and the page works without
a script."""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pacesetter.errors import ApplicationError, NotFound, ValidationFailed
from pacesetter.surveys import access, builder, demo, forms, services, spreadsheets
from pacesetter.surveys.definitions import ItemDraft, QuestionnaireDraft, scale_options
from pacesetter.surveys.models import ItemKind, Questionnaire


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_new(request: HttpRequest) -> HttpResponse:
    """A new questionnaire, empty or from the sample, to be built on its page."""
    owner = access.own_unit(request.user)
    form = forms.QuestionnaireStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["start"] == "sample":
            draft = spreadsheets.read_xlsform(io.BytesIO(demo.sample_xlsform()))
        else:
            draft = QuestionnaireDraft(code="", title="")
        draft.title, draft.description = data["title"], data["description"]
        draft.code = data["code"] or made_up_code()
        try:
            if Questionnaire.objects.filter(owner=owner, code=draft.code).exists():
                raise ValidationFailed(_("A questionnaire with this code exists: open it and "
                                         "copy it into a new version."), extra={"errors": [
                    {"field": "code", "message": _("A questionnaire with this code exists: "
                                                   "open it and copy it into a new version.")}]})
            questionnaire = services.questionnaire_create(actor=request.user, owner=owner,
                                                          draft=draft, complete=False)
        except ApplicationError as refused:
            _form_errors(form, refused)
        else:
            messages.success(request, _("The questionnaire was created; add its aspects and "
                                        "items below."))
            return redirect("surveys:questionnaire", questionnaire_id=questionnaire.pk)
    return render(request, "surveys/questionnaire_new.html", {"form": form, "owner": owner})


def made_up_code() -> str:
    """A code for a questionnaire whose author left it blank: ``qn``, the day, and four random
    hex digits (readable, and two authors on one day do not collide)."""
    return f"qn{timezone.localdate():%Y%m%d}{secrets.token_hex(2)}"


def _form_errors(form: Any, refused: ApplicationError) -> None:
    errors = refused.extra.get("errors") or [{"field": None, "message": refused.message}]
    for error in errors:
        field = error["field"] if error["field"] in form.fields else None
        where = "" if field or not error["field"] else f"{error['field']}: "
        form.add_error(field, where + error["message"])


def _questionnaire(request: HttpRequest, questionnaire_id: int) -> Questionnaire:
    return access.get_questionnaire_in_scope(request.user, questionnaire_id, for_write=True)


def _back(questionnaire: Questionnaire, anchor: str = "") -> HttpResponse:
    url = reverse("surveys:questionnaire", kwargs={"questionnaire_id": questionnaire.pk})
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _save(request: HttpRequest, questionnaire: Questionnaire,
          edit: Callable[[QuestionnaireDraft], Any], *, done: str) -> bool:
    """Save one edit and say so, or tell every reason it was refused."""
    try:
        services.questionnaire_edit(actor=request.user, questionnaire=questionnaire, edit=edit)
    except ApplicationError as refused:
        messages.error(request, refused.message)
        for error in refused.extra.get("errors", []):
            messages.error(request, f"{error['field']}: {error['message']}")
        return False
    messages.success(request, done)
    return True


def _apply(request: HttpRequest, questionnaire: Questionnaire,
           edit: Callable[[QuestionnaireDraft], Any], *, done: str, anchor: str = ""
           ) -> HttpResponse:
    """Save one edit (or say why not), then back to the builder."""
    _save(request, questionnaire, edit, done=done)
    return _back(questionnaire, anchor)


def _invalid(request: HttpRequest, questionnaire: Questionnaire, form: Any) -> HttpResponse:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return _back(questionnaire)


@login_required
@require_POST
def questionnaire_settings(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id)
    form = forms.QuestionnaireSettingsForm(request.POST)
    if not form.is_valid():
        return _invalid(request, questionnaire, form)

    def edit(draft: QuestionnaireDraft) -> None:
        draft.title = form.cleaned_data["title"]
        draft.description = form.cleaned_data["description"]

    return _apply(request, questionnaire, edit, done=_("The title was saved."))


@login_required
@require_POST
def section_add(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id)
    form = forms.SectionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, questionnaire, form)
    return _apply(request, questionnaire, lambda draft: builder.section_add(
        draft, title=form.cleaned_data["title"], weight=form.cleaned_data["weight"]),
        done=_("The aspect was added."), anchor="add-aspect")


@login_required
@require_POST
def section_update(request: HttpRequest, questionnaire_id: int, code: str) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id)
    form = forms.SectionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, questionnaire, form)
    return _apply(request, questionnaire, lambda draft: builder.section_update(
        draft, code, title=form.cleaned_data["title"], weight=form.cleaned_data["weight"]),
        done=_("The aspect was saved."), anchor=f"aspect-{code}")


@login_required
@require_POST
def section_remove(request: HttpRequest, questionnaire_id: int, code: str) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id)
    return _apply(request, questionnaire, lambda draft: builder.section_remove(draft, code),
                  done=_("The aspect was removed."))


def _step(request: HttpRequest) -> int:
    return -1 if request.POST.get("step") == "up" else 1


@login_required
@require_POST
def section_move(request: HttpRequest, questionnaire_id: int, code: str) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id)
    step = _step(request)
    return _apply(request, questionnaire,
                  lambda draft: builder.section_move(draft, code, step),
                  done=_("The aspect was moved."), anchor=f"aspect-{code}")


@login_required
@require_POST
def item_add(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id)
    form = forms.ItemAddForm(request.POST)
    if not form.is_valid():
        return _invalid(request, questionnaire, form)
    data = form.cleaned_data
    added: list[str] = []

    def edit(draft: QuestionnaireDraft) -> None:
        group = data["section"]
        inside = group not in (builder.OPENING, builder.CLOSING)
        item = builder.new_item(draft, kind=data["kind"], label=data["label"],
                                section=group if inside else None, scale=data["scale"])
        builder.item_add(draft, item, group=group)
        added.append(item.code)

    if not _save(request, questionnaire, edit, done=_("The item was added.")):
        return _back(questionnaire)
    if data["kind"] in (ItemKind.SINGLE, ItemKind.MULTIPLE):
        messages.info(request, _("Now name its options."))
        return redirect("surveys:item_edit", questionnaire_id=questionnaire.pk, code=added[0])
    return _back(questionnaire, f"item-{added[0]}")


def _item_form_initial(item: ItemDraft) -> dict[str, Any]:
    return {"code": item.code, "label": item.label, "hint": item.hint, "kind": item.kind,
            "section": item.section or "", "required": item.required, "weight": item.weight,
            "is_attribute": item.is_attribute,
            "options": builder.options_text(item.options)}


def _item_from_form(form: forms.ItemForm, current: ItemDraft) -> ItemDraft:
    data = form.cleaned_data
    if data["scale"]:
        options = scale_options(data["scale"])
    else:
        options = builder.parse_options(data["options"], current.options)
    if data["kind"] == ItemKind.TEXT:
        options = []
    elif data["kind"] != ItemKind.RATING:
        for option in options:  # only a rating scale scores its options
            option.share = None
    return ItemDraft(code=data["code"], kind=data["kind"], label=data["label"],
                     section=data["section"] or None, hint=data["hint"],
                     required=data["required"], weight=data["weight"],
                     is_attribute=data["is_attribute"], options=options)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, questionnaire_id: int, code: str) -> HttpResponse:
    """One item's whole form: question, kind, aspect, weight, required, attribute, options."""
    questionnaire = _questionnaire(request, questionnaire_id)
    if services.is_frozen(questionnaire):
        messages.error(request, _("This questionnaire already has responses and cannot be "
                                  "changed; copy it into a new version instead."))
        return _back(questionnaire)
    draft = services.draft_of(questionnaire)
    current = next((i for i in draft.items if i.code == code), None)
    if current is None:
        raise NotFound(_("There is no item “%(code)s”.") % {"code": code})
    sections = [(s.code, s.title) for s in draft.sections]
    form = forms.ItemForm(request.POST or None, sections=sections,
                          initial=_item_form_initial(current))
    if request.method == "POST" and form.is_valid():
        try:
            item = _item_from_form(form, current)
            services.questionnaire_edit(
                actor=request.user, questionnaire=questionnaire,
                edit=lambda d: builder.item_replace(d, code, item))
        except builder.EditRefused as refused:
            form.add_error("options", str(refused))
        except ApplicationError as refused:
            _form_errors(form, refused)
        else:
            messages.success(request, _("The item was saved."))
            return _back(questionnaire, f"item-{item.code}")
    return render(request, "surveys/item_form.html",
                  {"questionnaire": questionnaire, "item": current, "form": form})


@login_required
@require_POST
def item_remove(request: HttpRequest, questionnaire_id: int, code: str) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id)
    return _apply(request, questionnaire, lambda draft: builder.item_remove(draft, code),
                  done=_("The item was removed."))


@login_required
@require_POST
def item_move(request: HttpRequest, questionnaire_id: int, code: str) -> HttpResponse:
    questionnaire = _questionnaire(request, questionnaire_id)
    step = _step(request)
    return _apply(request, questionnaire, lambda draft: builder.item_move(draft, code, step),
                  done=_("The item was moved."), anchor=f"item-{code}")
