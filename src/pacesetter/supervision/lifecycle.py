"""A rectification's lifecycle: which step moves it from which states to which, and who takes it.

    registered ─assign (交办)→ assigned ─accept (签收)→ accepted ─start→ in progress
    in progress ─request extension→ extension requested ─approve / decline→ in progress
    in progress ─report (反馈, with evidence)→ reported ─review→ under review
    under review ─return (退回重办, with a reason)→ in progress
    under review ─complete (办结)→ completed ─close out (销号)→ closed
    closed ─reopen (回头看, with a reason)→ in progress

``supervisor``: an administrator or inspector of the supervising unit (the organizer);
``unit``: an administrator or reporter of the lead unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

from pacesetter.supervision.models import RectificationState as S

SUPERVISOR = "supervisor"
UNIT = "unit"


@dataclass(frozen=True)
class Step:
    name: str
    label: object
    sources: frozenset[str]
    target: str
    by: str
    note_required: bool = False
    evidence_required: bool = False


def _step(name: str, label: object, sources: set[str], target: str, by: str,
          **rules: bool) -> Step:
    return Step(name, label, frozenset(sources), target, by, **rules)


STEPS = {step.name: step for step in (
    _step("assign", pgettext_lazy("rectification step", "Assign"),
          {S.REGISTERED}, S.ASSIGNED, SUPERVISOR),
    _step("accept", pgettext_lazy("rectification step", "Accept"),
          {S.ASSIGNED}, S.ACCEPTED, UNIT),
    _step("start", pgettext_lazy("rectification step", "Start"),
          {S.ACCEPTED}, S.IN_PROGRESS, UNIT),
    _step("request_extension", pgettext_lazy("rectification step", "Request an extension"),
          {S.IN_PROGRESS}, S.EXTENSION_REQUESTED, UNIT, note_required=True),
    _step("approve_extension", pgettext_lazy("rectification step", "Approve the extension"),
          {S.EXTENSION_REQUESTED}, S.IN_PROGRESS, SUPERVISOR),
    _step("decline_extension", pgettext_lazy("rectification step", "Decline the extension"),
          {S.EXTENSION_REQUESTED}, S.IN_PROGRESS, SUPERVISOR, note_required=True),
    _step("report", pgettext_lazy("rectification step", "Report the rectification"),
          {S.IN_PROGRESS}, S.REPORTED, UNIT, note_required=True, evidence_required=True),
    _step("review", pgettext_lazy("rectification step", "Take up for review"),
          {S.REPORTED}, S.UNDER_REVIEW, SUPERVISOR),
    _step("return", pgettext_lazy("rectification step", "Return for more work"),
          {S.UNDER_REVIEW}, S.IN_PROGRESS, SUPERVISOR, note_required=True),
    _step("complete", pgettext_lazy("rectification step", "Complete"),
          {S.UNDER_REVIEW}, S.COMPLETED, SUPERVISOR),
    _step("close", pgettext_lazy("rectification step", "Verify and close out"),
          {S.COMPLETED}, S.CLOSED, SUPERVISOR),
    _step("reopen", pgettext_lazy("rectification step", "Reopen"),
          {S.CLOSED}, S.IN_PROGRESS, SUPERVISOR, note_required=True),
)}

#: States in which the deadline still binds: the task is the unit's to finish.
OPEN = frozenset({S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS, S.EXTENSION_REQUESTED})
#: States in which the unit's part is done (reported, or completed, or closed out).
DONE_BY_UNIT = frozenset({S.REPORTED, S.UNDER_REVIEW, S.COMPLETED, S.CLOSED})
#: States the rectification rate counts as rectified.
RECTIFIED = frozenset({S.COMPLETED, S.CLOSED})


def steps_from(state: str, roles: set[str]) -> list[Step]:
    """The steps open from ``state`` to someone holding ``roles`` (supervisor, unit)."""
    return [step for step in STEPS.values() if state in step.sources and step.by in roles]
