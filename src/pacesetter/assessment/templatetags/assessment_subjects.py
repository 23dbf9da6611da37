"""The subject of an assessment row in templates: its name and its pages."""

from __future__ import annotations

from typing import Any

from django import template

from pacesetter.assessment import subjects

register = template.Library()


@register.simple_tag
def subject_url(name: str, plan: Any, row: Any) -> str:
    return subjects.url(name, plan, row)


@register.filter
def subject_name(row: Any) -> str:
    return subjects.label(row.unit, row.person if row.person_id else None)
