"""The rater's ballot on a phone: no login; the one-time code opens the ballot, which lists
the cadres the rater rates, each with a grade on every dimension and an overall grade, and is
submitted whole, once, within the grade quotas."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pacesetter.cadres import forms, services
from pacesetter.cadres.models import AppraisalStatus
from pacesetter.errors import ApplicationError, NotFound

SESSION_KEY = "cadre_rater_key"  # the code's keyed hash, never the code


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest) -> HttpResponse:
    """Ask for the one-time code; a valid, unused code opens the ballot."""
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        try:
            rater = services.rater_for_code(code)
        except NotFound as error:
            form.add_error("code", error.message)
        else:
            if rater.submitted_at is not None:
                form.add_error("code", _("This code has already been used to vote."))
            elif rater.appraisal.status != AppraisalStatus.RATING:
                form.add_error("code", _("Rating is not open."))
            else:
                request.session[SESSION_KEY] = services.code_key(code)
                return redirect("cadres:ballot")
    return render(request, "cadres/rate.html", {"form": form})


def _posted(request: HttpRequest, cadres: list[Any], width: int
            ) -> dict[int, services.BallotRating]:
    ratings = {}
    for subject in cadres:
        pid = subject.person_id
        grade = request.POST.get(f"grade-{pid}", "")
        dims = [request.POST.get(f"dim-{pid}-{k}", "") for k in range(width)]
        if grade or any(dims):
            ratings[pid] = services.BallotRating(grade, dims)
    return ratings


@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest) -> HttpResponse:
    key = request.session.get(SESSION_KEY, "")
    try:
        rater = services.rater_for_key(key)
    except NotFound:
        return redirect("cadres:rate")
    if rater.submitted_at is not None:
        request.session.pop(SESSION_KEY, None)
        return render(request, "cadres/ballot_done.html", {"rater": rater})
    appraisal = rater.appraisal
    cadres = services.ballot_cadres(rater)
    errors: dict[str, str] = {}
    message = ""
    chosen: dict[int, services.BallotRating] = {}
    if request.method == "POST":
        chosen = _posted(request, cadres, len(appraisal.dimensions))
        try:
            services.ballot_submit(key=key, ratings=chosen)
        except ApplicationError as error:
            message = error.message
            errors = {e["field"]: e["message"] for e in error.extra.get("errors", [])}
        else:
            request.session.pop(SESSION_KEY, None)
            return render(request, "cadres/ballot_done.html", {"rater": rater})
    quotas = [(name, services.engine.quota_allowed(share, len(cadres),
                                                   rounding=appraisal.quota_rounding))
              for name, share in appraisal.quotas.items()]
    rows = [{"subject": s, "error": errors.get(f"cadre-{s.person_id}", ""),
             "grade": chosen[s.person_id].grade if s.person_id in chosen else "",
             "dims": [(k, d["name"], chosen[s.person_id].dimension_grades[k]
                       if s.person_id in chosen else "")
                      for k, d in enumerate(appraisal.dimensions)]}
            for s in cadres]
    return render(request, "cadres/ballot.html", {
        "rater": rater, "appraisal": appraisal, "rows": rows, "quotas": quotas,
        "message": message, "grades": appraisal.grade_names},
        status=400 if message else 200)
