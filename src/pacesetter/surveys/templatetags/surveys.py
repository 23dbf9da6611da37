"""Small filters for the surveys' templates."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def answer(values: Any, code: str) -> str:
    """The posted answer to an item, to show again after a refused submission."""
    return "" if values is None else str(values.get(f"q_{code}", ""))


@register.filter
def chosen(values: Any, code: str) -> list[str]:
    return [] if values is None else list(values.getlist(f"q_{code}"))


@register.filter
def contains(values: list[str], value: str) -> bool:
    return value in values


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, [])
