"""The surveys API: the public submission endpoint, and campaigns with their results."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router
from ninja.pagination import paginate

from pacesetter.orgs.api import Page
from pacesetter.surveys import access, clients, selectors, services
from pacesetter.surveys.schemas import CampaignOut, CampaignResultsOut, ResponseIn, ResponseOut

router = Router(tags=["surveys"])
public_router = Router(tags=["public surveys"])


@public_router.post(
    "/surveys/{link_token}/responses", auth=None,
    response={201: ResponseOut, 200: ResponseOut},
    summary="Submit a response through a campaign's public link",
    description="No login. 201 when recorded; 200 with the first id when the same submission "
                "arrives again (a retry); 409 when this respondent already answered about the "
                "unit; 422 naming each invalid item (`errors[].field` = `answers.<code>`); "
                "403 when the campaign is not open; 429 when one address sends too many.")
def response_create(request: HttpRequest, link_token: str, payload: ResponseIn) -> Any:
    response_id, created = services.response_submit(
        token=link_token, respondent=payload.respondent, answers=payload.answers,
        submission=payload.submission or "", duration=payload.duration,
        ip=clients.client_ip(request), user=request.user)
    # Answered as is: the schemas above document it; validating these two fields cost a tenth
    # of the request on the busiest endpoint.
    return JsonResponse({"id": response_id, "created": created}, status=201 if created else 200)


@router.get("/campaigns", response=list[CampaignOut], summary="Survey campaigns the caller sees")
@paginate(Page)
def campaign_list(request: HttpRequest) -> Any:
    return selectors.campaign_list(actor=request.user).order_by("-opens_at", "-pk")


@router.get("/campaigns/{campaign_id}/results", response=CampaignResultsOut,
            summary="A campaign's satisfaction indexes, rankings and bottom-N flags")
def campaign_results(request: HttpRequest, campaign_id: int) -> Any:
    campaign = access.get_campaign_in_scope(request.user, campaign_id)
    data = services.results_current(campaign=campaign)
    return selectors.results_for(actor=request.user, campaign=campaign, data=data)
