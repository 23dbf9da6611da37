"""The judge's phone page (评委打分): no login, the personal link's token is the capability.

The page lists the roadshow's projects in running order, the one open for scoring first. Each
score is saved as soon as it is complete (the page posts it in the background and shows
"已保存" with the total) and can be changed until the chair closes the project. The page asks
every few seconds which projects are open, so a project the chair opens appears without a
reload. Without JavaScript the same forms post normally.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from pacesetter.errors import ApplicationError, NotFound
from pacesetter.projects import scoring, selectors, services
from pacesetter.projects.models import Grade, Judge, PresentationState, RoadshowState
from pacesetter.projects.selectors import JudgeLine


def _texts() -> dict[str, str]:
    """What the page's script says, in the user's language."""
    return {"saving": _("Saving…"), "saved": pgettext("roadshow", "Saved"),
            "unsaved": _("Not saved yet"), "missing": _("%(n)s still to score"),
            "range": _("Give 0 to %(max)s points."), "fix": _("Please correct the points."),
            "offline": _("Not saved: no connection. Retrying…"),
            "failed": _("Not saved: please reload the page."),
            "closed_unsaved": _("Scoring closed before your last change was saved.")}


def _errors_of(refused: ApplicationError) -> dict[str, str]:
    return {e["field"]: e["message"] for e in refused.extra.get("errors", [])}


def _judge(token: str) -> Judge | None:
    try:
        return services.judge_by_token(token)
    except NotFound:
        return None


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/judge_invalid.html", status=404)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _shown(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    return "" if value is None else str(value)


@dataclass
class Failure:
    """A refused score, to show again on its card: what was typed and why it was refused."""

    presentation_id: int
    typed: dict[str, str]
    grade: str
    message: str
    errors: dict[str, str]


def _card(line: JudgeLine, criteria: list[scoring.Criterion],
          failure: Failure | None) -> dict[str, Any]:
    presentation, score = line.presentation, line.score
    failed = failure if failure and failure.presentation_id == presentation.pk else None
    saved = score.points if score else {}
    fields = [{"criterion": c,
               "value": failed.typed.get(c.code, "") if failed else _shown(saved.get(c.code)),
               "error": failed.errors.get(f"points.{c.code}", "") if failed else ""}
              for c in criteria]
    return {"presentation": presentation, "project": presentation.project,
            "conflicted": line.conflicted, "score": score, "fields": fields,
            "open": presentation.state == PresentationState.OPEN,
            "grade": failed.grade if failed else (score.grade if score else ""),
            "grade_error": failed.errors.get("grade", "") if failed else "",
            "message": failed.message if failed else ""}


def _quota_lines(quotas: dict[str, int], used: dict[str, int]) -> list[dict[str, Any]]:
    return [{"code": code, "label": Grade(code).label, "quota": quotas[code],
             "used": used.get(code, 0)} for code in Grade.values if code in quotas]


def _sheet(request: HttpRequest, judge: Judge, *, failure: Failure | None = None,
           status: int = 200) -> HttpResponse:
    roadshow = judge.roadshow
    criteria = scoring.criteria_of(roadshow.criteria)
    lines = selectors.judge_sheet(judge)
    cards = [_card(line, criteria, failure) for line in lines]
    quotas = {k: int(v) for k, v in (roadshow.grade_quotas or {}).items()}
    return render(request, "projects/judge_page.html", {
        "judge": judge, "roadshow": roadshow, "cards": cards, "criteria": criteria,
        "maximum": sum(c.maximum for c in criteria),
        "closed": roadshow.state == RoadshowState.CLOSED,
        "scored": sum(1 for line in lines if line.score is not None),
        "to_score": sum(1 for line in lines if not line.conflicted),
        "quotas": _quota_lines(quotas, selectors.grades_used(judge)) if quotas else [],
        "grades": Grade.choices, "token": judge.token, "texts": _texts(),
        "several_groups": roadshow.groups.count() > 1,
    }, status=status)


@require_GET
@never_cache
def judge_page(request: HttpRequest, token: str) -> HttpResponse:
    judge = _judge(token)
    if judge is None:
        return _invalid(request)
    return _sheet(request, judge)


@require_GET
@never_cache
def judge_state(request: HttpRequest, token: str) -> JsonResponse:
    """What the page polls: each project's state and the grades given so far."""
    judge = _judge(token)
    if judge is None:
        return JsonResponse({"ok": False, "message": _("This scoring link is not valid.")},
                            status=404)
    lines = selectors.judge_sheet(judge)
    return JsonResponse({
        "ok": True, "closed": judge.roadshow.state == RoadshowState.CLOSED,
        "presentations": [{"id": line.presentation.pk, "state": line.presentation.state,
                           "label": str(line.presentation.get_state_display())}
                          for line in lines],
        "used": selectors.grades_used(judge),
    })


def _points(text: str) -> Any:
    """A typed number as a number; anything else is passed on for the service to refuse."""
    text = text.strip().replace("，", ".").replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


# No CSRF check: the judge's 128-bit token in the path is the secret, which a forging site
# cannot know, so the check adds nothing; yet it refused scores (a 403 page the phone cannot
# read) when the CSRF cookie changed under the page, e.g. the chair signing in on the same
# phone, or an in-app browser dropping cookies. Only POST writes; the GET pages only read.
@csrf_exempt
@require_POST
@never_cache
def judge_score(request: HttpRequest, token: str, presentation_id: int) -> HttpResponse:
    """Save the judge's score of one project, at once."""
    judge = _judge(token)
    if judge is None:
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": _("This scoring link is not valid.")},
                                status=404)
        return _invalid(request)
    criteria = scoring.criteria_of(judge.roadshow.criteria)
    typed = {c.code: request.POST.get(f"p_{c.code}", "")[:20] for c in criteria}
    grade = request.POST.get("grade", "")[:16]
    try:
        score = services.score_submit(
            judge=judge, presentation_id=presentation_id,
            points={code: _points(text) for code, text in typed.items()}, grade=grade)
    except ApplicationError as refused:
        errors = _errors_of(refused)
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": refused.message, "errors": errors},
                                status=refused.status_code)
        return _sheet(request, judge, failure=Failure(presentation_id, typed, grade,
                                                      refused.message, errors),
                      status=refused.status_code)
    if _wants_json(request):
        return JsonResponse({"ok": True, "total": score.total, "total_text": f"{score.total:g}",
                             "grade": score.grade, "used": selectors.grades_used(judge)})
    messages.success(request, _("Saved: total %(total)s.") % {"total": f"{score.total:g}"})
    return redirect(reverse("projects:judge", kwargs={"token": token})
                    + f"#p-{presentation_id}")
