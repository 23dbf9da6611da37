"""Paging a list page: the requested page, and the query string to keep on its links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def page_of(request: HttpRequest, items: Any, per_page: int | None = None
            ) -> tuple[Page, str]:
    """The page of ``items`` that ``?page=`` asks for (the last one if beyond it), and the other
    query parameters as ``a=1&b=2&``, ready to be followed by ``page=N``."""
    page = Paginator(items, per_page or settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return page, f"{encoded}&" if encoded else ""
