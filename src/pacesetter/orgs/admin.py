"""The admin shows the organization read-only: changes go through the pages and the API, which
check scope and write the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from pacesetter.orgs import scope
from pacesetter.orgs.models import ApiToken, PeerGroup, Person, RoleGrant, Unit, User


class ReadOnly:
    """System administrators may look; nobody changes anything here."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff and scope.manage_scope(request.user).everything

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RoleGrantInline(ReadOnly, admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class PacesetterUserAdmin(ReadOnly, UserAdmin):
    list_display = ["username", "first_name", "is_active", "is_superuser", "last_login"]
    inlines = [RoleGrantInline]


@admin.register(Unit)
class UnitAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "level", "is_active"]
    search_fields = ["code", "name"]
    list_filter = ["level", "kind"]


@admin.register(Person)
class PersonAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "unit", "position"]
    search_fields = ["name"]


@admin.register(PeerGroup)
class PeerGroupAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "description"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
