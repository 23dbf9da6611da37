"""Unit and people pages: parse, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pacesetter.errors import ApplicationError, PermissionDenied
from pacesetter.orgs import scope, selectors, services, spreadsheets
from pacesetter.orgs.forms import PersonForm, UnitForm, UnitImportForm, UnitMoveForm
from pacesetter.orgs.imports import units_import
from pacesetter.orgs.models import Unit
from pacesetter.pagination import page_of

SEARCH_MAX = 50


def _apply_errors(form: Any, error: ApplicationError) -> None:
    """Put a service's field errors on the form, the rest on top of it."""
    for item in error.extra.get("errors", []):
        field = item.get("field")
        form.add_error(field if field in form.fields else None, item["message"])
    if not error.extra.get("errors"):
        form.add_error(None, error.message)


def _trails(user: Any, units: list[Unit]) -> None:
    """Give each unit its ``trail``: the names of the ancestors the user may see, root first,
    read in one query for the whole page."""
    codes = {code for unit in units for code in unit.ancestor_codes}
    names = dict(scope.units_in_scope(user).filter(code__in=codes).values_list("code", "name"))
    for unit in units:
        unit.trail = [names[code] for code in unit.ancestor_codes if code in names]


def _is_fragment_request(request: HttpRequest) -> bool:
    """An htmx swap asks for a fragment; a history restore (Back after a reload) for the page."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    """The tree browser; with ``q``, the units whose name or code matches instead."""
    search = request.GET.get("q", "").strip()[:SEARCH_MAX]
    context: dict[str, Any] = {"q": search, "can_manage": scope.is_manager(request.user)}
    if search:
        page, keep = page_of(request, selectors.unit_list(actor=request.user, search=search))
        _trails(request.user, list(page.object_list))
        context.update(page_obj=page, query_without_page=keep)
    else:
        context["roots"] = selectors.unit_roots(actor=request.user)
    template = ("orgs/unit_tree_body.html" if _is_fragment_request(request)
                else "orgs/unit_tree.html")
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


@login_required
def unit_children(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = scope.get_unit_in_scope(request.user, unit_id)
    children = selectors.unit_children(actor=request.user, unit=unit)
    return render(request, "orgs/unit_tree_nodes.html", {"nodes": children})


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = scope.get_unit_in_scope(request.user, unit_id)
    children = selectors.unit_children(actor=request.user, unit=unit).annotate(
        people_count=Count("people")
    )
    people, keep = page_of(request, selectors.person_list(actor=request.user, unit=unit,
                                                        subtree=False))
    return render(request, "orgs/unit_detail.html", {
        "unit": unit,
        "ancestors": selectors.unit_ancestors(actor=request.user, unit=unit),
        "children": children,
        "peer_groups": unit.peer_groups.all(),
        "page_obj": people,
        "query_without_page": keep,
        "can_manage": scope.manage_scope(request.user).contains(unit.path),
    })


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest, parent_id: int) -> HttpResponse:
    parent = scope.get_unit_in_scope(request.user, parent_id, for_write=True)
    form = UnitForm(request.POST or None, initial={"kind": parent.kind})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "peer_group_names"}
        try:
            unit = services.unit_create(
                actor=request.user, parent=parent, **data,
                peer_group_names=services.split_group_names(
                    form.cleaned_data["peer_group_names"]),
            )
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Unit %(name)s was created.") % {"name": unit.name})
            return redirect("orgs:unit_detail", unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "parent": parent})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = scope.get_unit_in_scope(request.user, unit_id, for_write=True)
    initial = {"peer_group_names": ", ".join(g.name for g in unit.peer_groups.all())}
    form = UnitForm(request.POST or None, instance=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        data["peer_group_names"] = services.split_group_names(
            form.cleaned_data["peer_group_names"])
        try:
            unit = services.unit_update(actor=request.user, unit=unit, data=data)
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Unit %(name)s was saved.") % {"name": unit.name})
            return redirect("orgs:unit_detail", unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = scope.get_unit_in_scope(request.user, unit_id, for_write=True)
    form = UnitMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            parent = scope.get_unit_by_code_in_scope(
                request.user, form.cleaned_data["parent_code"].strip(), for_write=True)
            unit = services.unit_move(actor=request.user, unit=unit, new_parent=parent)
        except ApplicationError as error:
            form.add_error("parent_code", error.message)
        else:
            messages.success(request, _("Unit %(name)s was moved.") % {"name": unit.name})
            return redirect("orgs:unit_detail", unit.pk)
    return render(request, "orgs/unit_move.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def unit_import(request: HttpRequest) -> HttpResponse:
    if not scope.is_manager(request.user):
        raise PermissionDenied(_("Only administrators may import units."))
    form = UnitImportForm(request.POST or None, request.FILES or None)
    row_errors: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = spreadsheets.read_unit_rows(upload)
            result = units_import(actor=request.user, rows=rows,
                                  note=_("Import of %(file)s") % {"file": upload.name})
        except ApplicationError as error:
            row_errors = error.extra.get("errors", [])
            form.add_error(None, error.message)
        else:
            messages.success(request, _(
                "Import finished. Created: %(created)d; updated: %(updated)d "
                "(moved: %(moved)d); unchanged: %(unchanged)d."
            ) % vars(result))
            return redirect("orgs:unit_import")
    return render(request, "orgs/unit_import.html", {"form": form, "row_errors": row_errors})


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def unit_import_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(spreadsheets.template_workbook(), "units-template.xlsx")


@login_required
def unit_export(request: HttpRequest) -> HttpResponse:
    under_id = request.GET.get("under")
    under = scope.get_unit_in_scope(request.user, under_id) if under_id else None
    rows = selectors.units_for_export(actor=request.user, under=under)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx(spreadsheets.units_workbook(rows), f"units-{stamp}.xlsx")


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:SEARCH_MAX]
    unit_id = request.GET.get("unit")
    unit = scope.get_unit_in_scope(request.user, unit_id) if unit_id else None
    page, keep = page_of(request, selectors.person_list(actor=request.user, unit=unit,
                                                      search=search))
    return render(request, "orgs/person_list.html", {
        "page_obj": page, "query_without_page": keep, "q": search, "unit": unit,
    })


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = scope.get_person_in_scope(request.user, person_id)
    can_manage = scope.manage_scope(request.user).contains(person.unit.path)
    return render(request, "orgs/person_detail.html", {
        "person": person,
        "can_manage": can_manage,
        "phone": person.phone if can_manage or person.pk == request.user.person_id
        else person.masked_phone,
        "account": getattr(person, "user", None) if can_manage else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = scope.get_unit_in_scope(request.user, unit_id, for_write=True)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "is_active"}
        try:
            person = services.person_create(actor=request.user, unit=unit, **data)
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": person.name})
            return redirect("orgs:person_detail", person.pk)
    return render(request, "orgs/person_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = scope.get_person_in_scope(request.user, person_id, for_write=True)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_update(actor=request.user, person=person,
                                            data=form.cleaned_data)
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": person.name})
            return redirect("orgs:person_detail", person.pk)
    return render(request, "orgs/person_form.html", {"form": form, "unit": person.unit,
                                                     "person": person})
