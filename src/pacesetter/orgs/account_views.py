"""Account pages: administrators open logins and grant roles within their own subtrees."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pacesetter.errors import ApplicationError, NotFound, PermissionDenied
from pacesetter.orgs import scope, services
from pacesetter.orgs.forms import AccountCreateForm, GrantForm, PasswordSetForm
from pacesetter.orgs.models import RoleGrant
from pacesetter.pagination import page_of

SEARCH_MAX = 50


def _require_manager(request: HttpRequest) -> None:
    if not scope.is_manager(request.user):
        raise PermissionDenied(_("Only administrators manage accounts."))


def _is_sysadmin(request: HttpRequest) -> bool:
    return scope.manage_scope(request.user).everything


def _form_error(form: Any, error: ApplicationError, default_field: str | None = None) -> None:
    items = error.extra.get("errors") or [{"field": default_field, "message": error.message}]
    for item in items:
        field = item.get("field")
        form.add_error(field if field in form.fields else None, item["message"])


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    search = request.GET.get("q", "").strip()[:SEARCH_MAX]
    accounts = scope.users_in_scope(request.user).prefetch_related(
        Prefetch("role_grants", queryset=RoleGrant.objects.select_related("unit")))
    if search:
        accounts = accounts.filter(Q(username__icontains=search) | Q(first_name__icontains=search))
    page, keep = page_of(request, accounts.order_by("username"))
    return render(request, "orgs/account_list.html",
                  {"page_obj": page, "q": search, "query_without_page": keep})


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    person = (scope.get_person_in_scope(request.user, request.GET["person"], for_write=True)
              if request.GET.get("person") else None)
    initial = {"full_name": person.name, "unit_code": person.unit.code,
               "role": "member"} if person else {}
    form = AccountCreateForm(request.POST or None, initial=initial,
                             include_system_admin=_is_sysadmin(request))
    unit = _scope_unit(request, form) if request.method == "POST" else None
    if request.method == "POST" and form.is_valid() and unit is not None:
        data = form.cleaned_data
        try:
            account = services.user_create(
                actor=request.user, username=data["username"], password=data["password"],
                role=data["role"], unit=unit, full_name=data["full_name"], person=person)
        except ApplicationError as error:
            _form_error(form, error, "unit_code")
        else:
            messages.success(request, _("Account %(name)s was opened.")
                             % {"name": account.username})
            return redirect("orgs:account_detail", account.pk)
    return render(request, "orgs/account_form.html", {"form": form, "person": person})


def _scope_unit(request: HttpRequest, form: Any) -> Any:
    """The unit named in the form's ``unit_code``, if the user manages it; else a form error."""
    form.is_valid()
    code = form.cleaned_data.get("unit_code", "").strip()
    if not code:
        return None
    try:
        return scope.get_unit_by_code_in_scope(request.user, code, for_write=True)
    except ApplicationError as error:
        form.add_error("unit_code", error.message)
        return None


@login_required
def account_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_manager(request)
    account = scope.get_user_in_scope(request.user, user_id)
    return render(request, "orgs/account_detail.html", _detail_context(request, account))


def _detail_context(request: HttpRequest, account: Any, **forms: Any) -> dict[str, Any]:
    manage = scope.manage_scope(request.user)
    grants = list(account.role_grants.select_related("unit").order_by("unit__path", "role"))
    for grant in grants:
        grant.revocable = manage.contains(grant.unit.path) and account.pk != request.user.pk
    return {
        "account": account,
        "grants": grants,
        "grant_form": forms.get("grant_form")
        or GrantForm(include_system_admin=_is_sysadmin(request)),
        "password_form": forms.get("password_form") or PasswordSetForm(),
        "is_self": account.pk == request.user.pk,
    }


@login_required
@require_POST
def account_grant(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_manager(request)
    account = scope.get_user_in_scope(request.user, user_id)
    form = GrantForm(request.POST, include_system_admin=_is_sysadmin(request))
    unit = _scope_unit(request, form)
    if form.is_valid() and unit is not None:
        try:
            services.role_grant_create(actor=request.user, user=account,
                                       role=form.cleaned_data["role"], unit=unit)
        except ApplicationError as error:
            _form_error(form, error, "unit_code")
        else:
            messages.success(request, _("The role was granted."))
            return redirect("orgs:account_detail", account.pk)
    return render(request, "orgs/account_detail.html",
                  _detail_context(request, account, grant_form=form))


@login_required
@require_POST
def account_revoke(request: HttpRequest, user_id: int, grant_id: int) -> HttpResponse:
    _require_manager(request)
    account = scope.get_user_in_scope(request.user, user_id)
    grant = account.role_grants.select_related("unit", "user").filter(pk=grant_id).first()
    if grant is None or not scope.manage_scope(request.user).contains(grant.unit.path):
        raise NotFound(_("Role not found."))
    services.role_grant_revoke(actor=request.user, grant=grant)
    messages.success(request, _("The role was revoked."))
    return redirect("orgs:account_detail", account.pk)


@login_required
@require_POST
def account_password(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_manager(request)
    account = scope.get_user_in_scope(request.user, user_id, for_write=True)
    form = PasswordSetForm(request.POST)
    if form.is_valid():
        try:
            services.user_password_set(actor=request.user, user=account,
                                       password=form.cleaned_data["password"])
        except ApplicationError as error:
            _form_error(form, error, "password")
        else:
            messages.success(request, _("The new password is in effect."))
            return redirect("orgs:account_detail", account.pk)
    return render(request, "orgs/account_detail.html",
                  _detail_context(request, account, password_form=form))


@login_required
@require_POST
def account_active(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_manager(request)
    account = scope.get_user_in_scope(request.user, user_id, for_write=True)
    services.user_set_active(actor=request.user, user=account,
                             is_active=request.POST.get("is_active") == "true")
    messages.success(request, _("The account was updated."))
    return redirect("orgs:account_detail", account.pk)
