"""A project's lifecycle: which step moves it from which states to which, and who takes it.

    draft ─list→ open for claims ─(a claim approved)→ approved
    draft ─submit→ under review ─approve→ approved ─start→ in progress
                   under review ─return→ returned ─submit→ under review
    in progress ─request acceptance→ awaiting acceptance ─accept (grade)→ accepted
                                     awaiting acceptance ─rework→ in progress
    any open state ─terminate→ terminated

``organizer``: an administrator of the portfolio's organizer (the department); ``lead``: an
administrator or reporter of the lead unit (of the proposing unit while there is no lead).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

from pacesetter.projects.models import ProjectState as S

ORGANIZER = "organizer"
LEAD = "lead"


@dataclass(frozen=True)
class Step:
    name: str
    label: object
    sources: frozenset[str]
    target: str
    by: str
    note_required: bool = False


STEPS = {step.name: step for step in (
    Step("list", pgettext_lazy("project step", "Publish for claims"), frozenset({S.DRAFT}),
         S.LISTED, ORGANIZER),
    Step("submit", pgettext_lazy("project step", "Submit for approval"),
         frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, LEAD),
    Step("return", pgettext_lazy("project step", "Return for changes"),
         frozenset({S.SUBMITTED}), S.RETURNED, ORGANIZER, note_required=True),
    Step("approve", pgettext_lazy("project step", "Approve into the list"),
         frozenset({S.SUBMITTED}), S.APPROVED, ORGANIZER),
    Step("start", pgettext_lazy("project step", "Start"), frozenset({S.APPROVED}),
         S.IN_PROGRESS, LEAD),
    Step("request_acceptance", pgettext_lazy("project step", "Request acceptance"),
         frozenset({S.IN_PROGRESS}), S.AWAITING_ACCEPTANCE, LEAD),
    Step("rework", pgettext_lazy("project step", "Send back to work"),
         frozenset({S.AWAITING_ACCEPTANCE}), S.IN_PROGRESS, ORGANIZER, note_required=True),
    Step("accept", pgettext_lazy("project step", "Accept with a grade"),
         frozenset({S.AWAITING_ACCEPTANCE}), S.ACCEPTED, ORGANIZER),
    Step("terminate", pgettext_lazy("project step", "Terminate"),
         frozenset({S.LISTED, S.SUBMITTED, S.RETURNED, S.APPROVED, S.IN_PROGRESS,
                    S.AWAITING_ACCEPTANCE}), S.TERMINATED, ORGANIZER, note_required=True),
)}

#: States in which the lead unit still edits the plan (goal, measures, milestones).
EDITABLE_BY_LEAD = frozenset({S.DRAFT, S.RETURNED, S.APPROVED, S.IN_PROGRESS})
#: States in which progress is reported, late reports flagged and follow-ups raised.
RUNNING = frozenset({S.APPROVED, S.IN_PROGRESS})
#: States that are over: nothing changes any more.
FINISHED = frozenset({S.ACCEPTED, S.TERMINATED})
#: States in which a project is not put on a roadshow (one already presenting stays).
NOT_PRESENTABLE = frozenset({S.DRAFT, S.LISTED, S.TERMINATED})


def steps_from(state: str, roles: set[str]) -> list[Step]:
    """The steps open from ``state`` to someone holding ``roles`` (organizer, lead)."""
    return [step for step in STEPS.values() if state in step.sources and step.by in roles]
