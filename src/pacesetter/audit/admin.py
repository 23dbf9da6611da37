from __future__ import annotations

from django.contrib import admin

from pacesetter.audit.models import AuditEntry
from pacesetter.orgs.admin import ReadOnly


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnly, admin.ModelAdmin):
    """Read only: the log is append-only, in the admin as everywhere."""

    list_display = ["at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_name", "unit_path"]

