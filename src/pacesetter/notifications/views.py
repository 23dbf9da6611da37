"""The user's notifications: a list, newest first; opening one marks it read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pacesetter.notifications import selectors, services
from pacesetter.pagination import page_of


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page, keep = page_of(request, selectors.notification_list(user=request.user))
    return render(request, "notifications/notification_list.html", {
        "page_obj": page, "query_without_page": keep})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark a notification read; with ``open`` in the form, go where it leads."""
    notification = services.notification_read(user=request.user,
                                              notification_id=notification_id)
    if "open" in request.POST and notification.url and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()},
            require_https=request.is_secure()):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_read_all(user=request.user)
    messages.success(request, ngettext("%(count)d notification marked read.",
                                       "%(count)d notifications marked read.", count)
                     % {"count": count})
    return redirect("notifications:list")
