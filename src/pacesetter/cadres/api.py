"""The cadre API: a cadre's profile (each read audited), the candidates, the follow-ups, the
filling of an appraisal's sources, and the rater's ballot for phone clients (no login: the
one-time code is the credential)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from pacesetter.cadres import selectors, services
from pacesetter.cadres.schemas import (
    BallotIn,
    BallotOut,
    CandidateOut,
    FillOut,
    FollowUpCloseIn,
    FollowUpOut,
    ProfileOut,
)
from pacesetter.errors import NotFound

router = Router(tags=["cadres"])
public_router = Router(tags=["public cadre ballots"])


def _tolerated(entry: Any) -> bool:
    try:
        return entry.tolerance is not None
    except ObjectDoesNotExist:
        return False


@router.get("/people/{person_id}/profile", response=ProfileOut,
            summary="A cadre's results, list entries and follow-ups (the read is audited)")
def profile(request: HttpRequest, person_id: int) -> Any:
    person = selectors.cadre_in_scope(request.user, person_id)
    services.record_read(actor=request.user, person=person, what=_("Profile read (API)"))
    found = selectors.profile(actor=request.user, person=person)
    return {
        "person_id": person.pk, "name": person.name, "unit_name": person.unit.name,
        "position": person.position,
        "results": [{"plan_id": r.version.plan_id, "plan_name": r.version.plan.name,
                     "period": r.version.plan.period.label, "total": r.total,
                     "group_rank": r.group_rank, "list_mark": r.list_mark}
                    for r in found.results],
        "entries": [{"id": e.pk, "date": e.date, "kind": e.kind, "source": e.source,
                     "text": e.text, "status": e.status,
                     "origin_label": getattr(e, "origin_label", ""),
                     "origin_url": getattr(e, "origin_url", ""), "tolerated": _tolerated(e)}
                    for e in found.entries],
        "follow_ups": found.follow_ups}


@router.get("/candidates", response=list[CandidateOut],
            summary="Candidates for selection: red lists and the index's candidate bands")
def candidates(request: HttpRequest) -> Any:
    return [{"person_id": c.person.pk, "person_name": c.person.name,
             "unit_name": c.person.unit.name, "position": c.person.position,
             "plan_id": c.plan.pk, "total": c.total, "reason": c.reason}
            for c in selectors.candidates(actor=request.user)]


@router.get("/follow-ups", response=list[FollowUpOut],
            summary="Follow-ups raised by responsibility indexes, open ones by default")
def follow_up_list(request: HttpRequest, status: str = "open") -> Any:
    return list(selectors.follow_ups(actor=request.user, status=status or None)[:1000])


@router.post("/follow-ups/{follow_up_id}/close", response=FollowUpOut,
             summary="Close a follow-up with what was done")
def follow_up_close(request: HttpRequest, follow_up_id: int, payload: FollowUpCloseIn) -> Any:
    found = selectors.follow_up_in_scope(request.user, follow_up_id)
    return services.follow_up_close(actor=request.user, follow_up=found,
                                    outcome=payload.outcome)


@router.post("/plans/{plan_id}/appraisal/fill", response=FillOut,
             summary="Write each cadre's source scores into the appraisal plan")
def appraisal_fill(request: HttpRequest, plan_id: int) -> Any:
    _plan, found = selectors.appraisal_in_scope(request.user, plan_id)
    if found is None:
        raise NotFound(_("Not found."))
    return {"changed": services.appraisal_fill(actor=request.user, appraisal=found)}


@public_router.post("/ballots", auth=None, response=BallotOut,
                    summary="Submit a rater's whole ballot with the one-time code",
                    description="No login. 422 naming each cadre not graded "
                                "(`errors[].field` = `cadre-<person id>`) or the quota "
                                "broken; 409 when the code has voted or rating is closed; "
                                "404 for an unknown code.")
def ballot_submit(request: HttpRequest, payload: BallotIn) -> Any:
    rated = services.ballot_submit(code=payload.code, ratings={
        r.person_id: services.BallotRating(r.grade, list(r.dimension_grades))
        for r in payload.ratings})
    return {"rated": rated}
