"""The public answering pages: the questionnaire of a campaign link, and the thank-you page.

Mobile-first and light (no framework, one small script): a respondent opens the QR code's link
on a phone, answers section by section, and submits. No login in public and panel campaigns.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pacesetter.errors import ApplicationError, Conflict
from pacesetter.surveys import clients, forms_cache, selectors, services
from pacesetter.surveys.models import CampaignMode, ItemKind

STARTED_SALT = "surveys.started"


def _questionnaire_page(request: HttpRequest, token: str, target: forms_cache.TargetInfo, *,
                        errors: dict[str, str] | None = None, values: Any = None,
                        message: str = "", status: int = 200) -> HttpResponse:
    questionnaire = selectors.questionnaire_for_answering(target.questionnaire_id)
    return render(request, "surveys/respond.html", {
        "target": target, "token": token, "questionnaire": questionnaire,
        "sections": selectors.answering_sections(questionnaire),
        "errors": errors or {}, "values": values, "message": message,
        "panel": target.mode == CampaignMode.PANEL,
        "submission": request.POST.get("submission") or uuid.uuid4().hex,
        "started": request.POST.get("started") or signing.dumps(time.time(), salt=STARTED_SALT),
        "kinds": ItemKind,
    }, status=status)


def _closed_page(request: HttpRequest, target: forms_cache.TargetInfo | None, message: str,
                 status: int) -> HttpResponse:
    return render(request, "surveys/respond_closed.html",
                  {"target": target, "message": message}, status=status)


def _answers(request: HttpRequest, form: forms_cache.Form) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for code, item in form.items.items():
        if item.kind == ItemKind.MULTIPLE:
            answers[code] = request.POST.getlist(f"q_{code}")
        else:
            answers[code] = request.POST.get(f"q_{code}", "")
    return answers


def _respondent(request: HttpRequest, target: forms_cache.TargetInfo, device: str) -> str:
    """The panel's one-time code; or the browser-independent fingerprint the page computed
    (screen, time zone, language, processor count, graphics renderer) within the client's
    network, so that a second browser on the same phone is recognized while phones of the same
    model elsewhere are not taken for one; the device cookie without a fingerprint."""
    if target.mode == CampaignMode.PANEL:
        return request.POST.get("code", "")
    fingerprint = request.POST.get("fingerprint", "").strip()[:128]
    if not fingerprint:
        return f"device:{device}"
    return f"fp:{fingerprint}:{services.network_key(clients.client_ip(request))}"


def _duration(request: HttpRequest) -> int | None:
    try:
        started = signing.loads(request.POST.get("started", ""), salt=STARTED_SALT,
                                max_age=86_400)
    except signing.BadSignature:
        return None
    return max(0, int(time.time() - float(started)))


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    target = forms_cache.target_for(token)
    if target is None:
        return _closed_page(request, None, _not_found(), 404)
    if target.mode == CampaignMode.INTERNAL and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "GET":
        refusal = services.refusal(target)
        if refusal:
            return _closed_page(request, target, refusal, 403)
        if _answered_here(request, target):
            return _closed_page(request, target, str(services.ALREADY_ANSWERED), 409)
        return _questionnaire_page(request, token, target)
    device, new_device = clients.device_id(request)
    form = forms_cache.form_for(target.questionnaire_id, target.revision)
    answers = _answers(request, form)
    respondent = _respondent(request, target, device)
    try:
        services.response_submit(
            token=token, respondent=respondent, answers=answers, device=device,
            submission=request.POST.get("submission", ""), duration=_duration(request),
            ip=clients.client_ip(request), honeypot=request.POST.get("website", ""),
            user=request.user)
    except Conflict as refused:
        return _closed_page(request, target, refused.message, 409)
    except services.NotAccepting as refused:
        return _closed_page(request, target, refused.message, 403)
    except ApplicationError as refused:
        errors = {e["field"].removeprefix("answers."): e["message"]
                  for e in refused.extra.get("errors", [])}
        return _questionnaire_page(request, token, target, errors=errors, values=request.POST,
                                   message=refused.message, status=refused.status_code)
    response = redirect("surveys:thanks", token=token)
    if new_device:
        response.set_cookie(clients.DEVICE_COOKIE, device, max_age=clients.DEVICE_COOKIE_AGE,
                            httponly=True, samesite="Lax", secure=request.is_secure())
    return response


def _answered_here(request: HttpRequest, target: forms_cache.TargetInfo) -> bool:
    """This browser has answered about this unit already (a one-time code may be handed to
    another person on the same phone, so panels are asked for the code instead)."""
    device, new_device = clients.device_id(request)
    if new_device or target.mode == CampaignMode.PANEL:
        return False
    return selectors.answered_from_device(
        target.id, services.keyed_hash("device", target.campaign_id, device))


def _not_found() -> str:
    return _("This survey link is not valid. Please check the address or scan the code again.")


def thanks(request: HttpRequest, token: str) -> HttpResponse:
    target = forms_cache.target_for(token)
    if target is None:
        return _closed_page(request, None, _not_found(), 404)
    return render(request, "surveys/respond_thanks.html", {"target": target})
