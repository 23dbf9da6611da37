"""Every write of projects and roadshows: portfolios, projects and their milestones, lifecycle
steps, claims (认项), progress reports, follow-ups (督办), and roadshow scoring. Each in a
transaction, each audited."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.audit.models import AuditAction
from pacesetter.audit.services import Change, entries_record, entry_record, snapshot
from pacesetter.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pacesetter.notifications.services import notify
from pacesetter.orgs import scope
from pacesetter.orgs.models import Person, Unit, User
from pacesetter.projects import access, lifecycle, scoring
from pacesetter.projects.models import (
    Attachment,
    Cadence,
    Claim,
    ClaimState,
    FollowUp,
    Grade,
    Judge,
    JudgeGroup,
    Milestone,
    Portfolio,
    Presentation,
    PresentationState,
    ProgressUpdate,
    Project,
    ProjectState,
    Roadshow,
    RoadshowPurpose,
    RoadshowState,
    Score,
)
from pacesetter.userinput import (
    ATTACHMENT_MAX_BYTES,
    clean_text,
    file_problems,
)

PROJECT_FIELDS = ("code", "title", "category", "lead_unit", "co_units", "leader", "owner",
                  "goal", "measures", "starts_on", "deadline", "budget", "tags", "state",
                  "grade", "outstanding", "replication_case")
FINISHED_REFUSED = gettext_lazy("This project is finished: it no longer changes.")


# ---------------------------------------------------------------------------------------------
# portfolios


@transaction.atomic
def portfolio_create(*, actor: Any, owner: Unit, title: str, year: int,
                     cadence: str = Cadence.MONTHLY, at_risk_days: int = 14,
                     description: str = "") -> Portfolio:
    if not scope.manage_scope(actor).contains(owner.path):
        raise PermissionDenied(str(access.RUN_DENIED))
    title = clean_text(title)
    _refuse(_portfolio_problems(title, year, cadence, at_risk_days))
    portfolio = Portfolio.objects.create(
        owner=owner, title=title, year=year, cadence=cadence, at_risk_days=at_risk_days,
        description=clean_text(description), created_by=_user_or_none(actor))
    entry_record(actor=actor, obj=portfolio, action=AuditAction.CREATE, unit_path=owner.path,
                 after=snapshot(portfolio, ["title", "year", "cadence", "at_risk_days"]))
    return portfolio


PORTFOLIO_FIELDS = ("title", "year", "description", "cadence", "at_risk_days")


@transaction.atomic
def portfolio_update(*, actor: Any, portfolio: Portfolio, title: str, year: int,
                     cadence: str, at_risk_days: int, description: str = "") -> Portfolio:
    """Change a portfolio's title, year, description, report cadence or at-risk window: the
    organizer's administrators only. The organizer itself does not change."""
    portfolio = Portfolio.objects.select_for_update(of=("self",)).select_related("owner").get(
        pk=portfolio.pk)
    if not access.can_run(actor, portfolio):
        raise PermissionDenied(str(access.RUN_DENIED))
    title = clean_text(title)
    _refuse(_portfolio_problems(title, year, cadence, at_risk_days))
    before = snapshot(portfolio, PORTFOLIO_FIELDS)
    portfolio.title, portfolio.year, portfolio.cadence = title, int(year), cadence
    portfolio.at_risk_days, portfolio.description = int(at_risk_days), clean_text(description)
    portfolio.save(update_fields=list(PORTFOLIO_FIELDS))
    entry_record(actor=actor, obj=portfolio, action=AuditAction.UPDATE,
                 unit_path=portfolio.owner.path, before=before,
                 after=snapshot(portfolio, PORTFOLIO_FIELDS))
    return portfolio


def _portfolio_problems(title: str, year: Any, cadence: str, at_risk_days: Any
                        ) -> dict[str, str]:
    problems = {}
    if not title:
        problems["title"] = _("Give the portfolio a title.")
    elif len(title) > 200:
        problems["title"] = _("Keep the title within 200 characters.")
    if cadence not in Cadence.values:
        problems["cadence"] = _("Choose daily, weekly or monthly reports.")
    if _int_or_none(year) is None or not 2000 <= int(year) <= 2100:
        problems["year"] = _("Give a year between 2000 and 2100.")
    if _int_or_none(at_risk_days) is None or not 0 <= int(at_risk_days) <= 365:
        problems["at_risk_days"] = _("Give 0 to 365 days.")
    return problems


# ---------------------------------------------------------------------------------------------
# projects


@dataclass
class ProjectData:
    """A project's plan as a form or an import gives it (units and people already resolved)."""

    title: str
    code: str = ""
    category: str = ""
    lead_unit: Unit | None = None
    co_units: Sequence[Unit] = ()
    leader: Person | None = None
    owner: Person | None = None
    goal: str = ""
    measures: str = ""
    starts_on: datetime.date | None = None
    deadline: datetime.date | None = None
    budget: Any = None
    tags: Sequence[str] = ()


@dataclass
class MilestoneData:
    """A milestone as a form gives it; ``id`` names the milestone it edits (none: a new one,
    or the one of the same title)."""

    title: str
    due_on: datetime.date
    deliverable: str = ""
    percent: int = 0
    id: int | None = None


def _plan_problems(data: ProjectData, portfolio: Portfolio,
                   milestones: Sequence[MilestoneData] = ()) -> dict[str, str]:
    problems: dict[str, str] = {}  # the first problem of each field
    if not data.title.strip():
        problems.setdefault("title", _("Give the project a title."))
    if len(data.title) > 200:
        problems.setdefault("title", _("Keep the title under 200 characters."))
    if data.starts_on and data.deadline and data.deadline < data.starts_on:
        problems.setdefault("deadline", _("The deadline is before the start."))
    for unit in [u for u in (data.lead_unit, *data.co_units) if u is not None]:
        if not unit.path.startswith(portfolio.owner.path):
            problems.setdefault("lead_unit", _("“%(unit)s” is not under the organizer.")
                         % {"unit": unit.name})
    if data.budget is not None and data.budget < 0:
        problems.setdefault("budget", _("The budget cannot be negative."))
    seen: set[str] = set()
    for number, milestone in enumerate(milestones, start=1):
        key = f"milestones.{number}"
        title = milestone.title.strip()
        if title in seen:
            problems.setdefault(key, _("Milestone %(n)d repeats the title “%(title)s”.")
                                % {"n": number, "title": title})
        seen.add(title)
        if not title:
            problems.setdefault(key, _("Milestone %(n)d has no title.") % {"n": number})
        elif not 0 <= milestone.percent <= 100:
            problems.setdefault(key, _("Milestone %(n)d: give 0 to 100%%.") % {"n": number})
        elif data.deadline and milestone.due_on > data.deadline:
            problems.setdefault(key, _("Milestone %(n)d is due after the project's deadline.")
                         % {"n": number})
    return problems


@transaction.atomic
def project_create(*, actor: Any, portfolio: Portfolio, data: ProjectData,
                   milestones: Sequence[MilestoneData] = (),
                   proposed_by: Unit | None = None) -> Project:
    """Create a draft project: by the organizer (for the list or for claims), or proposed by a
    unit under it (``proposed_by``, which the actor administers; it becomes the lead)."""
    if proposed_by is None:
        if not access.can_run(actor, portfolio):
            raise PermissionDenied(str(access.RUN_DENIED))
        proposed_by = portfolio.owner
    else:
        if not scope.manage_scope(actor).contains(proposed_by.path):
            raise PermissionDenied(_("You may propose projects only for units you administer."))
        if not proposed_by.path.startswith(portfolio.owner.path):
            raise ValidationFailed(_("This unit is not under the portfolio's organizer."))
        data.lead_unit = proposed_by
    _refuse(_plan_problems(data, portfolio, milestones))
    project = Project.objects.create(
        portfolio=portfolio, proposed_by=proposed_by, **_plan_values(data))
    project.co_units.set(data.co_units)
    Milestone.objects.bulk_create([
        Milestone(project=project, position=n, title=clean_text(m.title), due_on=m.due_on,
                  deliverable=clean_text(m.deliverable), percent=m.percent,
                  done_on=m.due_on if m.percent >= 100 else None)
        for n, m in enumerate(milestones, start=1)])
    entry_record(actor=actor, obj=project, action=AuditAction.CREATE,
                 unit_path=_project_path(project), after=snapshot(project, PROJECT_FIELDS),
                 note=_("%(count)d milestones") % {"count": len(milestones)})
    return project


def _plan_values(data: ProjectData) -> dict[str, Any]:
    return {"code": clean_text(data.code), "title": clean_text(data.title),
            "category": clean_text(data.category), "lead_unit": data.lead_unit,
            "leader": data.leader, "owner": data.owner, "goal": clean_text(data.goal),
            "measures": clean_text(data.measures), "starts_on": data.starts_on,
            "deadline": data.deadline, "budget": data.budget,
            "tags": [t.strip() for t in data.tags if t.strip()]}


@transaction.atomic
def project_update(*, actor: Any, project: Project, data: ProjectData,
                   milestones: Sequence[MilestoneData] | None = None) -> Project:
    """Change a project's plan, and its milestones when given (checked together: a new
    deadline against the new milestones, else against the milestones it has): the organizer
    while it runs, the lead unit while it is a draft, returned, or running."""
    project = _locked(project)
    _require_plan_editor(actor, project)
    if lifecycle.ORGANIZER not in access.roles_on(actor, project):
        data.lead_unit = project.lead_unit
    current = [MilestoneData(m.title, m.due_on, m.deliverable, m.percent, m.pk)
               for m in project.milestones.all()]
    _refuse(_plan_problems(data, project.portfolio, current if milestones is None else
                           milestones))
    if milestones is not None:
        _milestones_write(actor, project, milestones)
    before = snapshot(project, PROJECT_FIELDS)
    for name, value in _plan_values(data).items():
        setattr(project, name, value)
    project.save()
    project.co_units.set(data.co_units)
    entry_record(actor=actor, obj=project, action=AuditAction.UPDATE,
                 unit_path=_project_path(project), before=before,
                 after=snapshot(project, PROJECT_FIELDS))
    return project


@transaction.atomic
def milestones_replace(*, actor: Any, project: Project, milestones: Sequence[MilestoneData]
                       ) -> list[Milestone]:
    """Set a project's milestones to ``milestones`` in this order (``_milestones_write``)."""
    project = _locked(project)
    _require_plan_editor(actor, project)
    plan = ProjectData(title=project.title, deadline=project.deadline)
    _refuse(_plan_problems(plan, project.portfolio, milestones))
    return _milestones_write(actor, project, milestones)


def _require_plan_editor(actor: Any, project: Project) -> None:
    if project.state in lifecycle.FINISHED:
        raise Conflict(str(FINISHED_REFUSED))
    roles = access.roles_on(actor, project)
    if lifecycle.ORGANIZER not in roles and not (
            lifecycle.LEAD in roles and project.state in lifecycle.EDITABLE_BY_LEAD):
        raise PermissionDenied(_("You may not change this project now."))


def _milestones_write(actor: Any, project: Project, milestones: Sequence[MilestoneData]
                      ) -> list[Milestone]:
    """A milestone named by its id, or else by its unchanged title, is updated in place, so
    its progress, its follow-ups and the reports' percents that name it stay with it. A
    milestone left out is removed, unless it has progress or a follow-up: that history is
    not thrown away by an edit."""
    existing = list(project.milestones.all())
    by_id = {m.pk: m for m in existing}
    by_title = {m.title: m for m in existing}
    before = [_milestone_line(m) for m in existing]
    rows, kept_rows, new_rows, used = [], [], [], set()
    for position, data in enumerate(milestones, start=1):
        title = clean_text(data.title)
        if data.id is not None and data.id not in by_id:
            raise NotFound(_("Milestone not found."))
        kept = by_id.get(data.id) if data.id is not None else by_title.get(title)
        if kept is not None and kept.pk in used:
            kept = None
        percent = max(data.percent, kept.percent if kept else 0)
        milestone = kept or Milestone(project=project)
        milestone.position, milestone.title, milestone.due_on = position, title, data.due_on
        milestone.deliverable, milestone.percent = clean_text(data.deliverable), percent
        if milestone.done_on is None and percent >= 100:
            milestone.done_on = timezone.localdate()
        rows.append(milestone)
        if kept:
            used.add(kept.pk)
            kept_rows.append(milestone)
        else:
            new_rows.append(milestone)
    dropped = [m for m in existing if m.pk not in used]
    chased = set(FollowUp.objects.filter(milestone__in=dropped).values_list("milestone_id",
                                                                             flat=True))
    kept_history = [m.title for m in dropped if m.percent > 0 or m.pk in chased]
    if kept_history:
        raise Conflict(_("“%(title)s” has progress or a follow-up: it cannot be removed.")
                       % {"title": kept_history[0]}, extra={"errors": [
                           {"field": "milestones", "message": _(
                               "“%(title)s” has progress or a follow-up: it cannot be "
                               "removed.") % {"title": title}} for title in kept_history]})
    Milestone.objects.filter(pk__in=[m.pk for m in dropped]).delete()
    Milestone.objects.bulk_update(kept_rows, ["position", "title", "due_on", "deliverable",
                                              "percent", "done_on"])
    Milestone.objects.bulk_create(new_rows)
    entry_record(actor=actor, obj=project, action=AuditAction.UPDATE,
                 unit_path=_project_path(project), before={"milestones": before},
                 after={"milestones": [_milestone_line(m) for m in rows]})
    return rows


def _milestone_line(milestone: Milestone) -> str:
    return f"{milestone.title} · {milestone.due_on:%Y-%m-%d} · {milestone.percent}%"


@transaction.atomic
def project_step(*, actor: Any, project: Project, step: str, note: str = "",
                 grade: str = "") -> Project:
    """Take a lifecycle step (``lifecycle.STEPS``) if the actor may take it from the project's
    state; ``accept`` needs a grade, some steps a note (recorded on the project and in the
    audit log)."""
    project = _locked(project)
    found = lifecycle.STEPS.get(step)
    if found is None:
        raise ValidationFailed(_("Unknown step."))
    if found.by not in access.roles_on(actor, project):
        raise PermissionDenied(_("You may not take this step on this project."))
    if project.state not in found.sources:
        raise Conflict(_("This project is “%(state)s”: it cannot be moved this way now.")
                       % {"state": project.get_state_display()})
    note = clean_text(note)
    if found.note_required and not note:
        raise ValidationFailed(_("Say why."), extra={"errors": [
            {"field": "note", "message": _("A reason is required for this step.")}]})
    if step == "accept" and grade not in Grade.values:
        raise ValidationFailed(_("Choose the acceptance grade."), extra={"errors": [
            {"field": "grade", "message": _("Choose the acceptance grade.")}]})
    if step == "submit" and project.lead_unit is None:
        raise ValidationFailed(_("Name the lead unit before submitting."))
    before = snapshot(project, ["state", "grade", "review_note"])
    project.state = found.target
    if step == "accept":
        project.grade = grade
    if note:
        project.review_note = note
    project.save(update_fields=["state", "grade", "review_note", "updated_at"])
    entry_record(actor=actor, obj=project, action=AuditAction.UPDATE,
                 unit_path=_project_path(project), before=before,
                 after=snapshot(project, ["state", "grade", "review_note"]),
                 note=str(found.label))
    return project


@transaction.atomic
def project_recognize(*, actor: Any, project: Project, outstanding: bool,
                      replication_case: bool) -> Project:
    """Mark a project as a landmark achievement (标志性成果) and/or a case for replication, at
    the half-year or year-end review."""
    project = _locked(project)
    if not access.can_run(actor, project.portfolio):
        raise PermissionDenied(str(access.RUN_DENIED))
    before = snapshot(project, ["outstanding", "replication_case"])
    project.outstanding, project.replication_case = outstanding, replication_case
    project.save(update_fields=["outstanding", "replication_case", "updated_at"])
    entry_record(actor=actor, obj=project, action=AuditAction.UPDATE,
                 unit_path=_project_path(project), before=before,
                 after=snapshot(project, ["outstanding", "replication_case"]))
    return project


# ---------------------------------------------------------------------------------------------
# claims (认项)


@transaction.atomic
def claim_apply(*, actor: Any, project: Project, unit: Unit, plan: str) -> Claim:
    """A unit applies to undertake a project open for claims, with a short plan."""
    project = _locked(project)
    if project.state != ProjectState.LISTED:
        raise Conflict(_("This project is not open for claims."))
    if not scope.manage_scope(actor).contains(unit.path):
        raise PermissionDenied(_("You may claim projects only for units you administer."))
    if not unit.path.startswith(project.portfolio.owner.path) or \
            unit.path == project.portfolio.owner.path:
        raise ValidationFailed(_("This unit is not under the portfolio's organizer."))
    plan = clean_text(plan)
    if not plan:
        raise ValidationFailed(_("Describe how your unit will carry the project out."),
                               extra={"errors": [{"field": "plan",
                                                  "message": _("A plan is required.")}]})
    claim, created = Claim.objects.get_or_create(
        project=project, unit=unit,
        defaults={"plan": plan, "applied_by": _user_or_none(actor)})
    if not created:
        if claim.state == ClaimState.APPROVED:
            raise Conflict(_("This unit's claim is already approved."))
        claim.plan, claim.state, claim.applied_by = plan, ClaimState.APPLIED, _user_or_none(actor)
        claim.save(update_fields=["plan", "state", "applied_by"])
    entry_record(actor=actor, obj=claim, action=AuditAction.CREATE if created else
                 AuditAction.UPDATE, unit_path=unit.path,
                 after=snapshot(claim, ["project", "unit", "plan", "state"]))
    return claim


@transaction.atomic
def claim_decide(*, actor: Any, claim: Claim, approve: bool, note: str = "") -> Claim:
    """The organizer approves or declines a claim (two-way selection). An approved claim puts
    a project open for claims into the list (立项); the first approved unit becomes the lead
    (unless the department named one), units approved after it join as co-units."""
    project = _locked(claim.project)
    claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
    if not access.can_run(actor, project.portfolio):
        raise PermissionDenied(str(access.RUN_DENIED))
    if claim.state != ClaimState.APPLIED:
        raise Conflict(_("This claim has already been decided."))
    if project.state not in (ProjectState.LISTED, ProjectState.APPROVED,
                             ProjectState.IN_PROGRESS):
        raise Conflict(_("This project no longer takes claims."))
    before = snapshot(claim, ["state", "decision_note"])
    claim.state = ClaimState.APPROVED if approve else ClaimState.DECLINED
    claim.decided_by, claim.decided_at = _user_or_none(actor), timezone.now()
    claim.decision_note = clean_text(note)[:500]
    claim.save()
    changes = [Change(obj=claim, action=AuditAction.UPDATE, unit_path=claim.unit.path,
                      before=before, after=snapshot(claim, ["state", "decision_note"]))]
    if approve:
        project_before = snapshot(project, ["lead_unit", "co_units", "state"])
        if project.lead_unit is None:
            project.lead_unit = claim.unit
        else:
            project.co_units.add(claim.unit)
        if project.state == ProjectState.LISTED:
            project.state = ProjectState.APPROVED
        project.save(update_fields=["lead_unit", "state", "updated_at"])
        changes.append(Change(obj=project, action=AuditAction.UPDATE,
                              unit_path=_project_path(project), before=project_before,
                              after=snapshot(project, ["lead_unit", "co_units", "state"])))
    entries_record(actor=actor, changes=changes)
    return claim


# ---------------------------------------------------------------------------------------------
# progress and follow-ups


@transaction.atomic
def progress_report(*, actor: Any, project: Project, text: str,
                    percents: Mapping[int, int] | None = None,
                    reported_at: datetime.datetime | None = None,
                    files: Sequence[Any] = ()) -> ProgressUpdate:
    """The lead unit reports progress: a text, the percent complete of milestones (by id),
    and photos or files (uploaded files). A milestone's percent only goes up; at 100% it is
    done that day. The first report on an approved project starts it."""
    project = _locked(project)
    if lifecycle.LEAD not in access.roles_on(actor, project):
        raise PermissionDenied(str(access.LEAD_DENIED))
    if project.state not in lifecycle.RUNNING:
        raise Conflict(_("Progress is reported while a project runs."))
    text = clean_text(text)
    if not text:
        raise ValidationFailed(_("Say what was done."), extra={"errors": [
            {"field": "text", "message": _("Describe the progress.")}]})
    milestones = {m.pk: m for m in project.milestones.all()}
    percents = dict(percents or {})
    errors = []
    for key, value in percents.items():
        milestone = milestones.get(_int_or_none(key))
        if milestone is None:
            errors.append({"field": f"percents.{key}", "message": _("Not a milestone of this "
                                                                    "project.")})
        elif not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            errors.append({"field": f"percents.{key}", "message": _("Give 0 to 100.")})
        elif value < milestone.percent:
            errors.append({"field": f"percents.{key}",
                           "message": _("“%(title)s” was already at %(percent)d%%.")
                           % {"title": milestone.title, "percent": milestone.percent}})
    errors.extend(_file_problems(files))
    if errors:
        raise ValidationFailed(_("Please correct the report below."), extra={"errors": errors})
    now = reported_at or timezone.now()
    changed = []
    for key, value in percents.items():
        milestone = milestones[int(key)]
        if value != milestone.percent:
            milestone.percent = value
            if value >= 100 and milestone.done_on is None:
                milestone.done_on = timezone.localdate(now)
            changed.append(milestone)
    Milestone.objects.bulk_update(changed, ["percent", "done_on"])
    update = ProgressUpdate.objects.create(
        project=project, text=text, author=_user_or_none(actor), reported_at=now,
        percents={str(m.pk): m.percent for m in changed})
    attachments = [Attachment(project=project, update=update, file=f, name=f.name[:200],
                              size=f.size, uploaded_by=_user_or_none(actor)) for f in files]
    for attachment in attachments:
        attachment.save()
    if project.state == ProjectState.APPROVED:
        project.state = ProjectState.IN_PROGRESS
        project.save(update_fields=["state", "updated_at"])
    entry_record(actor=actor, obj=update, action=AuditAction.CREATE,
                 unit_path=_project_path(project),
                 after={"text": text, "milestones": [_milestone_line(m) for m in changed],
                        "files": [a.name for a in attachments]})
    return update


ATTACHMENTS_PER_REPORT = 9


def _file_problems(files: Sequence[Any]) -> list[dict[str, str]]:
    problems = [_("Attach at most %(n)d files.") % {"n": ATTACHMENTS_PER_REPORT}] if len(
        files) > ATTACHMENTS_PER_REPORT else []
    problems += file_problems(files, ATTACHMENT_MAX_BYTES)
    return [{"field": "files", "message": message} for message in problems]


@transaction.atomic
def follow_up_raise(*, actor: Any, project: Project, reason: str,
                    milestone: Milestone | None = None) -> FollowUp:
    """The organizer chases a late or overdue project (督办): the owner and the leader are
    notified, and the follow-up waits for the lead unit's reply."""
    if not access.can_run(actor, project.portfolio):
        raise PermissionDenied(str(access.RUN_DENIED))
    if project.state in lifecycle.FINISHED:
        raise Conflict(str(FINISHED_REFUSED))
    reason = clean_text(reason)
    if not reason:
        raise ValidationFailed(_("Say what is to be done."), extra={"errors": [
            {"field": "reason", "message": _("A reason is required.")}]})
    if milestone is not None and milestone.project_id != project.pk:
        raise NotFound(_("Milestone not found."))
    follow_up = FollowUp.objects.create(project=project, milestone=milestone, reason=reason,
                                        raised_by=_user_or_none(actor))
    recipients = User.objects.filter(person__in=[p for p in (project.owner, project.leader)
                                                 if p is not None], is_active=True)
    notify(recipients=recipients, kind="projects.follow_up",
           title=_("Follow-up on “%(project)s”") % {"project": project.title}, body=reason,
           url=reverse("projects:project", args=[project.pk]),
           unit_path=_project_path(project))
    entry_record(actor=actor, obj=follow_up, action=AuditAction.CREATE,
                 unit_path=_project_path(project), after={"reason": reason})
    return follow_up


@transaction.atomic
def follow_up_reply(*, actor: Any, follow_up: FollowUp, reply: str) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related(
        "project__portfolio__owner", "project__lead_unit", "project__proposed_by").get(
        pk=follow_up.pk)
    if lifecycle.LEAD not in access.roles_on(actor, follow_up.project):
        raise PermissionDenied(str(access.LEAD_DENIED))
    if follow_up.replied_at is not None:
        raise Conflict(_("This follow-up has already been answered."))
    reply = clean_text(reply)
    if not reply:
        raise ValidationFailed(_("Write the reply."))
    follow_up.reply, follow_up.replied_by = reply, _user_or_none(actor)
    follow_up.replied_at = timezone.now()
    follow_up.save(update_fields=["reply", "replied_by", "replied_at"])
    if follow_up.raised_by_id:
        notify(recipients=[follow_up.raised_by_id], kind="projects.follow_up_reply",
               title=_("Reply on “%(project)s”") % {"project": follow_up.project.title},
               body=reply, url=reverse("projects:project", args=[follow_up.project_id]),
               unit_path=_project_path(follow_up.project))
    entry_record(actor=actor, obj=follow_up, action=AuditAction.UPDATE,
                 unit_path=_project_path(follow_up.project), after={"reply": reply})
    return follow_up


# ---------------------------------------------------------------------------------------------
# roadshows


@dataclass
class JudgeData:
    name: str
    group: str = ""
    unit: Unit | None = None


@transaction.atomic
def roadshow_create(*, actor: Any, owner: Unit, title: str, held_on: datetime.date,
                    criteria: Sequence[Mapping[str, Any]], venue: str = "",
                    portfolio: Portfolio | None = None,
                    purpose: str = RoadshowPurpose.SHOWCASE, drop_highest: int = 1,
                    drop_lowest: int = 1, grade_quotas: Mapping[str, int] | None = None,
                    groups: Sequence[tuple[str, float]] = ()) -> Roadshow:
    """Set up a roadshow: its rubric, trimming, grade quotas, and its judge groups with their
    weights (one group "评委" of weight 1 when none are given)."""
    if not scope.manage_scope(actor).contains(owner.path):
        raise PermissionDenied(str(access.RUN_DENIED))
    group_list = list(groups) or [(_("Judges"), 1.0)]
    problems = _roadshow_problems(title, criteria, drop_highest, drop_lowest, grade_quotas,
                                  group_list)
    quotas = {k: int(v) for k, v in (grade_quotas or {}).items()}
    if portfolio is not None and portfolio.owner_id != owner.pk:
        problems["portfolio"] = _("The portfolio belongs to another organizer.")
    _refuse(problems)
    roadshow = Roadshow.objects.create(
        owner=owner, portfolio=portfolio, title=clean_text(title), held_on=held_on,
        venue=clean_text(venue), purpose=purpose, criteria=[dict(c) for c in criteria],
        drop_highest=drop_highest, drop_lowest=drop_lowest, grade_quotas=quotas)
    JudgeGroup.objects.bulk_create([
        JudgeGroup(roadshow=roadshow, name=name, weight=float(weight), position=n)
        for n, (name, weight) in enumerate(group_list)])
    entry_record(actor=actor, obj=roadshow, action=AuditAction.CREATE, unit_path=owner.path,
                 after=snapshot(roadshow, ["title", "held_on", "criteria", "drop_highest",
                                           "drop_lowest", "grade_quotas"]))
    return roadshow


@transaction.atomic
def roadshow_update(*, actor: Any, roadshow: Roadshow, title: str, held_on: datetime.date,
                    criteria: Sequence[Mapping[str, Any]], venue: str = "",
                    purpose: str = RoadshowPurpose.SHOWCASE, drop_highest: int = 1,
                    drop_lowest: int = 1, grade_quotas: Mapping[str, int] | None = None,
                    groups: Sequence[tuple[str, float]] = ()) -> Roadshow:
    """Change a roadshow's set-up. Once a judge has scored, only its title, date, venue and
    purpose change: the rubric, trimming, groups, weights and quotas are frozen, so that no
    result already announced moves. A closed roadshow does not change at all. Groups are
    matched by name; a group with judges cannot be taken away."""
    roadshow = _roadshow_locked(actor, roadshow)
    if roadshow.state == RoadshowState.CLOSED:
        raise Conflict(_("The roadshow is closed."))
    problems = _roadshow_problems(title, criteria, drop_highest, drop_lowest, grade_quotas,
                                  groups)
    existing = {g.name: g for g in roadshow.groups.all()}
    wanted = {name.strip(): float(weight) for name, weight in groups}
    if Score.objects.filter(presentation__roadshow=roadshow).exists():
        frozen = _("Judges have already scored: the rubric, the trimming, the judge groups "
                   "and the quotas can no longer change.")
        quotas = {k: int(v) for k, v in (grade_quotas or {}).items()}
        if ([dict(c) for c in criteria] != roadshow.criteria
                or (drop_highest, drop_lowest) != (roadshow.drop_highest, roadshow.drop_lowest)
                or quotas != roadshow.grade_quotas
                or (wanted and wanted != {g.name: g.weight for g in existing.values()})):
            problems["criteria"] = frozen
    staffed = set(Judge.objects.filter(roadshow=roadshow).values_list("group__name", flat=True))
    if wanted and staffed - set(wanted):
        problems["groups"] = _("A group that has judges cannot be removed.")
    _refuse(problems)
    before = snapshot(roadshow, ROADSHOW_FIELDS)
    roadshow.title, roadshow.held_on, roadshow.venue = clean_text(title), held_on, clean_text(venue)
    roadshow.purpose, roadshow.criteria = purpose, [dict(c) for c in criteria]
    roadshow.drop_highest, roadshow.drop_lowest = drop_highest, drop_lowest
    roadshow.grade_quotas = {k: int(v) for k, v in (grade_quotas or {}).items()}
    roadshow.save()
    if wanted:
        JudgeGroup.objects.filter(roadshow=roadshow).exclude(name__in=list(wanted)).delete()
        for position, (name, weight) in enumerate(wanted.items()):
            group = existing.get(name) or JudgeGroup(roadshow=roadshow, name=name)
            group.weight, group.position = weight, position
            group.save()
    entry_record(actor=actor, obj=roadshow, action=AuditAction.UPDATE,
                 unit_path=roadshow.owner.path, before=before,
                 after=snapshot(roadshow, ROADSHOW_FIELDS))
    return roadshow


ROADSHOW_FIELDS = ["title", "held_on", "venue", "purpose", "criteria", "drop_highest",
                   "drop_lowest", "grade_quotas"]


def _roadshow_problems(title: str, criteria: Sequence[Mapping[str, Any]], drop_highest: int,
                       drop_lowest: int, grade_quotas: Mapping[str, int] | None,
                       groups: Sequence[tuple[str, float]]) -> dict[str, str]:
    problems = {}
    if not title.strip():
        problems["title"] = _("Give the roadshow a title.")
    if scoring.rubric_problems(criteria):
        problems["criteria"] = _("Give each criterion a distinct code, a name and maximum "
                                 "points between 0 and 1,000.")
    if not (0 <= drop_highest <= 5 and 0 <= drop_lowest <= 5):
        problems["drop_highest"] = _("Drop 0 to 5 scores at each end.")
    quotas = grade_quotas or {}
    if any(k not in Grade.values or int(v) < 0 for k, v in quotas.items()):
        problems["grade_quotas"] = _("Quotas are counts of the grades 优秀, 良好, 合格, 不合格.")
    names = [name.strip() for name, _weight in groups]
    if len(set(names)) != len(names) or not all(names) or any(
            weight <= 0 for _name, weight in groups):
        problems["groups"] = _("Give each judge group a distinct name and a positive weight.")
    return problems


@transaction.atomic
def judge_remove(*, actor: Any, judge: Judge) -> None:
    """Take a judge off the panel, with their scores (their link stops working); not once a
    project they scored is closed, since that result is final."""
    roadshow = _roadshow_locked(actor, judge.roadshow)
    if roadshow.state == RoadshowState.CLOSED:
        raise Conflict(_("The roadshow is closed."))
    if judge.scores.filter(presentation__state=PresentationState.CLOSED).exists():
        raise Conflict(_("%(name)s has scored projects whose scoring is closed: the judge "
                         "stays on the panel.") % {"name": judge.name})
    scores = judge.scores.count()
    entry_record(actor=actor, obj=judge, action=AuditAction.DELETE,
                 unit_path=roadshow.owner.path,
                 before={"name": judge.name, "group": judge.group.name, "scores": scores})
    judge.delete()


@transaction.atomic
def judges_add(*, actor: Any, roadshow: Roadshow, judges: Sequence[JudgeData]) -> list[Judge]:
    """Add judges to the panel; each gets a personal scoring link."""
    roadshow = _roadshow_locked(actor, roadshow)
    if roadshow.state == RoadshowState.CLOSED:
        raise Conflict(_("The roadshow is closed."))
    groups = {g.name: g for g in roadshow.groups.all()}
    default = next(iter(groups.values()))
    rows, errors = [], []
    start = roadshow.judges.count()
    for number, data in enumerate(judges, start=1):
        group = groups.get(data.group.strip()) if data.group.strip() else default
        if not data.name.strip():
            errors.append({"field": f"judges.{number}", "message": _("A judge needs a name.")})
        elif group is None:
            errors.append({"field": f"judges.{number}",
                           "message": _("No judge group “%(name)s”.") % {"name": data.group}})
        else:
            rows.append(Judge(roadshow=roadshow, group=group, name=clean_text(data.name),
                              unit=data.unit, token=secrets.token_urlsafe(16),
                              position=start + number))
    if errors:
        raise ValidationFailed(_("Please correct the judges below."), extra={"errors": errors})
    Judge.objects.bulk_create(rows)
    entries_record(actor=actor, changes=[
        Change(obj=j, action=AuditAction.CREATE, unit_path=roadshow.owner.path,
               after={"name": j.name, "group": j.group.name,
                      "unit": j.unit.name if j.unit else ""}) for j in rows])
    return rows


@transaction.atomic
def presentations_set(*, actor: Any, roadshow: Roadshow, projects: Sequence[Project]
                      ) -> list[Presentation]:
    """The projects presenting, in this order: projects of the roadshow's portfolio (when it
    has one). Presentations already scored stay."""
    roadshow = _roadshow_locked(actor, roadshow)
    if roadshow.state == RoadshowState.CLOSED:
        raise Conflict(_("The roadshow is closed."))
    ids = [p.pk for p in projects]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("A project is listed twice."))
    candidates = access.projects_in_scope(actor).filter(pk__in=ids)
    if roadshow.portfolio_id is not None:
        candidates = candidates.filter(portfolio=roadshow.portfolio_id)
    states = dict(candidates.values_list("pk", "state"))
    if len(states) != len(ids):
        raise NotFound(_("Project not found."))
    existing = {p.project_id: p for p in roadshow.presentations.all()}
    unready = [p.title for p in projects if p.pk not in existing
               and states[p.pk] in lifecycle.NOT_PRESENTABLE]
    if unready:
        raise ValidationFailed(_("“%(title)s” is a draft, open for claims or terminated: it "
                                 "does not present.") % {"title": unready[0]})
    scored = set(Score.objects.filter(presentation__roadshow=roadshow).values_list(
        "presentation__project_id", flat=True))
    if scored - set(ids):
        raise Conflict(_("Projects already scored cannot be taken off the roadshow."))
    roadshow.presentations.exclude(project_id__in=ids).delete()
    rows = []
    for position, project in enumerate(projects, start=1):
        presentation = existing.get(project.pk) or Presentation(roadshow=roadshow,
                                                                project=project)
        presentation.position, presentation.project = position, project
        rows.append(presentation)
    Presentation.objects.bulk_update([p for p in rows if p.pk], ["position"])
    Presentation.objects.bulk_create([p for p in rows if not p.pk])
    entry_record(actor=actor, obj=roadshow, action=AuditAction.UPDATE,
                 unit_path=roadshow.owner.path,
                 after={"presentations": [f"{p.position}. {p.project.title}" for p in rows]})
    return rows


@transaction.atomic
def presentation_move(*, actor: Any, presentation: Presentation, state: str,
                      comment: str | None = None) -> Presentation:
    """The chair opens a presentation for scoring, closes it (judges can no longer change
    their scores), or reopens it; and records the comments (点评), also after the roadshow
    closed (a comment is not a score). Opening one starts the roadshow."""
    roadshow = _roadshow_locked(actor, presentation.roadshow)
    presentation = Presentation.objects.select_for_update(of=("self",)).select_related(
        "project").get(pk=presentation.pk)
    if roadshow.state == RoadshowState.CLOSED and not (
            state == presentation.state and comment is not None):
        raise Conflict(_("The roadshow is closed."))
    if state not in PresentationState.values:
        raise ValidationFailed(_("Unknown state."))
    before = snapshot(presentation, ["state", "comment"])
    if state != presentation.state:  # a comment alone keeps the time it was closed
        presentation.closed_at = timezone.now() if state == PresentationState.CLOSED else None
    presentation.state = state
    if comment is not None:
        presentation.comment = clean_text(comment)
    presentation.save()
    if state == PresentationState.OPEN and roadshow.state == RoadshowState.SETUP:
        roadshow.state = RoadshowState.LIVE
        roadshow.save(update_fields=["state"])
    entry_record(actor=actor, obj=presentation, action=AuditAction.UPDATE,
                 unit_path=roadshow.owner.path, before=before,
                 after=snapshot(presentation, ["state", "comment"]))
    return presentation


@transaction.atomic
def roadshow_close(*, actor: Any, roadshow: Roadshow) -> Roadshow:
    """End the roadshow: every presentation is closed and its results are final."""
    roadshow = _roadshow_locked(actor, roadshow)
    now = timezone.now()
    roadshow.presentations.exclude(state=PresentationState.CLOSED).update(
        state=PresentationState.CLOSED, closed_at=now)
    before = snapshot(roadshow, ["state"])
    roadshow.state = RoadshowState.CLOSED
    roadshow.save(update_fields=["state"])
    entry_record(actor=actor, obj=roadshow, action=AuditAction.UPDATE,
                 unit_path=roadshow.owner.path, before=before, after={"state": roadshow.state})
    return roadshow


def judge_by_token(token: str) -> Judge:
    try:
        return Judge.objects.select_related("roadshow__owner", "group", "unit").get(
            token=str(token)[:32])
    except Judge.DoesNotExist:
        raise NotFound(_("This scoring link is not valid.")) from None


@transaction.atomic
def score_submit(*, judge: Judge, presentation_id: Any, points: Mapping[str, Any],
                 grade: str = "") -> Score:
    """A judge's score of one presentation, saved at once and changeable until the chair
    closes the presentation. The presentation row is locked, so a score and the chair's close
    never cross, and each judge's grades are counted under a lock on the judge, so two quick
    taps cannot both take the last 优秀."""
    try:
        judge = Judge.objects.select_for_update(of=("self",)).select_related(
            "roadshow__owner", "unit").get(pk=judge.pk)
    except Judge.DoesNotExist:  # taken off the panel a moment ago
        raise NotFound(_("This scoring link is not valid.")) from None
    try:
        presentation = Presentation.objects.select_for_update(of=("self",)).select_related(
            "project__lead_unit").get(pk=scope.as_id(presentation_id),
                                      roadshow_id=judge.roadshow_id)
    except (Presentation.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("This project is not on the roadshow.")) from None
    roadshow = judge.roadshow
    if presentation.state != PresentationState.OPEN or roadshow.state == RoadshowState.CLOSED:
        raise Conflict(_("Scoring of this project is closed.") if
                       presentation.state == PresentationState.CLOSED else
                       _("Scoring of this project has not started yet."))
    co_paths = presentation.project.co_units.values_list("path", flat=True)
    if access.conflicted(judge, presentation.project, co_paths):
        raise PermissionDenied(_("You are from the presenting unit: you do not score this "
                                 "project."))
    criteria = scoring.criteria_of(roadshow.criteria)
    problems = scoring.points_problems(criteria, points)
    if problems:
        raise ValidationFailed(_("Please correct the points below."), extra={"errors": [
            {"field": f"points.{code}",
             "message": (_("Give 0 to %(max)s points.") % {"max": f"{maximum:g}"})
             if maximum is not None else _("Not a criterion of this roadshow.")}
            for code, maximum in problems.items()]})
    if roadshow.grade_quotas and grade not in Grade.values:
        raise ValidationFailed(_("Choose a grade."), extra={"errors": [
            {"field": "grade", "message": _("Choose a grade.")}]})
    if grade and grade not in Grade.values:
        raise ValidationFailed(_("Unknown grade."))
    others = list(Score.objects.filter(judge=judge).exclude(presentation=presentation)
                  .values_list("grade", flat=True))
    if scoring.quota_exceeded(roadshow.grade_quotas, others, grade):
        message = (_("You have already given %(count)d × “%(grade)s”, the most allowed.")
                   % {"count": roadshow.grade_quotas[grade], "grade": Grade(grade).label})
        raise Conflict(message, extra={"errors": [{"field": "grade", "message": message}]})
    values = {c.code: float(points[c.code]) for c in criteria}
    score, created = Score.objects.update_or_create(
        presentation=presentation, judge=judge,
        defaults={"points": values, "total": scoring.total_of(criteria, values),
                  "grade": grade})
    score.judge, score.presentation = judge, presentation  # for the audit entry's label
    entry_record(actor=None, obj=score, action=AuditAction.CREATE if created else
                 AuditAction.UPDATE, unit_path=roadshow.owner.path,
                 after={"judge": judge.name, "project": presentation.project.title,
                        "points": values, "grade": grade},
                 note=_("Scored by judge %(name)s") % {"name": judge.name})
    return score


# ---------------------------------------------------------------------------------------------
# helpers


def _roadshow_locked(actor: Any, roadshow: Roadshow) -> Roadshow:
    roadshow = Roadshow.objects.select_for_update(of=("self",)).select_related("owner").get(
        pk=roadshow.pk)
    if not access.can_chair(actor, roadshow):
        raise PermissionDenied(str(access.RUN_DENIED))
    return roadshow


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update(of=("self",)).select_related(
        "portfolio__owner", "lead_unit", "proposed_by").get(pk=project.pk)


def _project_path(project: Project) -> str:
    return (project.lead_unit or project.proposed_by).path


def _refuse(problems: Mapping[str, str]) -> None:
    if problems:
        raise ValidationFailed(_("Please correct the fields below."), extra={"errors": [
            {"field": key, "message": message} for key, message in problems.items()]})


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None

