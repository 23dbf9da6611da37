"""The audit log page: filter by unit, actor, object type and date. Read only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pacesetter.audit import selectors
from pacesetter.audit.forms import EntryFilterForm
from pacesetter.orgs import scope
from pacesetter.pagination import page_of


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    form = EntryFilterForm(request.GET or None, object_types=selectors.object_types())
    filters = form.cleaned_data if form.is_valid() else {}
    unit_code = filters.get("unit", "").strip()
    unit = scope.get_unit_by_code_in_scope(request.user, unit_code) if unit_code else None
    entries = selectors.entry_list(
        actor=request.user,
        unit_path=unit.path if unit else "",
        actor_name=filters.get("actor", "").strip(),
        object_type=filters.get("object_type", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page, keep = page_of(request, entries)
    return render(request, "audit/entry_list.html", {
        "form": form, "page_obj": page, "query_without_page": keep,
    })
