"""Reading exports: a user sees the ones they asked for, and no others."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pacesetter.errors import NotFound
from pacesetter.exports.models import ExportJob
from pacesetter.orgs import scope


def export_list(*, actor: Any) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(requested_by=actor)


def export_get(*, actor: Any, export_id: Any) -> ExportJob:
    try:
        return export_list(actor=actor).get(pk=scope.as_id(export_id))
    except (ExportJob.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Export not found.")) from None
