"""Key projects and roadshow reviews (创新项目、项目化管理、挂图作战、路演评审).

A portfolio (e.g. "2022 组织工作创新年") holds projects. A project has a lead unit (which may
come from a claim, 认项), a responsible leader and an owner, measures and a deadline, and
milestones (节点). Its lifecycle state is set by workflow steps (``services``); its schedule
health (on track, at risk, overdue, done) is derived from the milestones (``schedule``), never
typed. Owners post progress updates; a follow-up (督办) chases a late project.

A roadshow (路演) is an event where projects present in order to a panel of judges, who score
each on a rubric from their phones; each project's result is a trimmed mean of the judges'
totals, per judge group, combined by the groups' weights.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacesetter.orgs.models import Person, Unit


class Cadence(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class Portfolio(models.Model):
    """A set of projects run together by one department, with its reporting cadence."""

    owner = models.ForeignKey(Unit, verbose_name=_("organizer"), on_delete=models.PROTECT,
                              related_name="portfolios")
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    description = models.TextField(_("description"), blank=True)
    cadence = models.CharField(_("progress report cadence"), max_length=16,
                               choices=Cadence.choices, default=Cadence.MONTHLY)
    at_risk_days = models.PositiveSmallIntegerField(
        _("at risk within (days)"), default=14, validators=[MaxValueValidator(365)],
        help_text=_("A milestone due within this many days with no progress puts its project "
                    "at risk."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")

    def __str__(self) -> str:
        return self.title


class ProjectState(models.TextChoices):
    """The lifecycle (``lifecycle.TRANSITIONS`` says who moves it where)."""

    DRAFT = "draft", pgettext_lazy("project state", "Draft")
    LISTED = "listed", pgettext_lazy("project state", "Open for claims")
    SUBMITTED = "submitted", pgettext_lazy("project state", "Under review")
    RETURNED = "returned", pgettext_lazy("project state", "Returned for changes")
    APPROVED = "approved", pgettext_lazy("project state", "Approved")
    IN_PROGRESS = "in_progress", pgettext_lazy("project state", "In progress")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", pgettext_lazy("project state",
                                                               "Awaiting acceptance")
    ACCEPTED = "accepted", pgettext_lazy("project state", "Accepted")
    TERMINATED = "terminated", pgettext_lazy("project state", "Terminated")


class Grade(models.TextChoices):
    """Acceptance grades (验收等次), also the grades judges give at a roadshow."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class Project(models.Model):
    portfolio = models.ForeignKey(Portfolio, verbose_name=_("portfolio"),
                                  on_delete=models.CASCADE, related_name="projects")
    code = models.CharField(_("number"), max_length=32, blank=True)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=64, blank=True)
    lead_unit = models.ForeignKey(Unit, verbose_name=_("lead unit"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="led_projects")
    co_units = models.ManyToManyField(Unit, verbose_name=_("co-units"), blank=True,
                                      related_name="co_projects")
    proposed_by = models.ForeignKey(Unit, verbose_name=_("proposed by"),
                                    on_delete=models.PROTECT, related_name="proposed_projects")
    leader = models.ForeignKey(Person, verbose_name=_("responsible leader"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    owner = models.ForeignKey(Person, verbose_name=pgettext_lazy("project", "owner"),
                              null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    goal = models.TextField(_("goal"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    budget = models.DecimalField(_("budget (10k yuan)"), max_digits=12, decimal_places=2,
                                 null=True, blank=True, validators=[MinValueValidator(0)])
    tags = models.JSONField(_("tags"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=24, choices=ProjectState.choices,
                             default=ProjectState.DRAFT)
    grade = models.CharField(_("acceptance grade"), max_length=16, choices=Grade.choices,
                             blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    outstanding = models.BooleanField(_("landmark achievement"), default=False)
    replication_case = models.BooleanField(_("case for replication"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["portfolio", "code", "pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [models.Index(fields=["portfolio", "state"])]

    def __str__(self) -> str:
        return self.title


class MilestoneState(models.TextChoices):
    """A milestone's schedule health, derived (``schedule.milestone_state``)."""

    NOT_DUE = "not_due", _("Not due")
    AT_RISK = "at_risk", _("At risk")
    OVERDUE = "overdue", _("Overdue")
    DONE = "done", _("Done")


class Milestone(models.Model):
    """A milestone (节点): its progress comes from the owner's reports, its state is derived."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="milestones")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due"))
    deliverable = models.CharField(_("deliverable"), max_length=300, blank=True)
    percent = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MaxValueValidator(100)])
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["project", "position", "due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.CheckConstraint(condition=models.Q(percent__lte=100),
                                              name="milestone_percent_max")]

    def __str__(self) -> str:
        return self.title


class ClaimState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", pgettext_lazy("claim", "Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Claim(models.Model):
    """A unit's application to undertake a listed project (认项), with its plan."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="claims")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="project_claims")
    plan = models.TextField(_("plan"))
    state = models.CharField(_("state"), max_length=16, choices=ClaimState.choices,
                             default=ClaimState.APPLIED)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applied by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    class Meta:
        ordering = ["project", "applied_at"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [models.UniqueConstraint(fields=["project", "unit"],
                                               name="claim_unit_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.project}"


class ProgressUpdate(models.Model):
    """An owner's progress report: text, and the percent complete of milestones."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="updates")
    text = models.TextField(_("progress"))
    percents = models.JSONField(_("milestone percents"), default=dict, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"),
                               null=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), db_index=True)

    class Meta:
        ordering = ["project", "-reported_at"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.project} · {self.reported_at:%Y-%m-%d}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"projects/{instance.project_id}/{filename}"


class Attachment(models.Model):
    """A file or photo of a project, of one of its milestones or of one of its updates."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="attachments")
    update = models.ForeignKey(ProgressUpdate, verbose_name=_("progress update"), null=True,
                               blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["project", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class FollowUp(models.Model):
    """A follow-up (督办) on a late report or an overdue milestone, and the owner's reply."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="follow_ups")
    milestone = models.ForeignKey(Milestone, verbose_name=_("milestone"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("reason"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"),
                                  null=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.project} · {self.raised_at:%Y-%m-%d}"


class RoadshowState(models.TextChoices):
    SETUP = "setup", pgettext_lazy("roadshow state", "Being set up")
    LIVE = "live", pgettext_lazy("roadshow state", "Live")
    CLOSED = "closed", pgettext_lazy("roadshow state", "Closed")


class RoadshowPurpose(models.TextChoices):
    SHOWCASE = "showcase", _("Roadshow")
    MIDTERM = "midterm", _("Mid-term acceptance")
    FINAL = "final", _("Final acceptance")


class Roadshow(models.Model):
    """A roadshow event: its rubric (criteria with maximum points) and its scoring rules."""

    owner = models.ForeignKey(Unit, verbose_name=_("organizer"), on_delete=models.PROTECT,
                              related_name="roadshows")
    portfolio = models.ForeignKey(Portfolio, verbose_name=_("portfolio"), null=True,
                                  blank=True, on_delete=models.SET_NULL,
                                  related_name="roadshows")
    title = models.CharField(_("title"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=16, choices=RoadshowPurpose.choices,
                               default=RoadshowPurpose.SHOWCASE)
    held_on = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    criteria = models.JSONField(_("rubric"), default=list,
                                help_text=_("Criteria with their maximum points."))
    drop_highest = models.PositiveSmallIntegerField(_("highest scores dropped"), default=1,
                                                    validators=[MaxValueValidator(5)])
    drop_lowest = models.PositiveSmallIntegerField(_("lowest scores dropped"), default=1,
                                                   validators=[MaxValueValidator(5)])
    grade_quotas = models.JSONField(_("grade quotas"), default=dict, blank=True,
                                    help_text=_("At most this many of each grade per judge."))
    state = models.CharField(_("state"), max_length=16, choices=RoadshowState.choices,
                             default=RoadshowState.SETUP)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name = _("roadshow")
        verbose_name_plural = _("roadshows")

    def __str__(self) -> str:
        return self.title


class JudgeGroup(models.Model):
    """A group of judges whose trimmed mean counts with a weight (e.g. leaders 50%)."""

    roadshow = models.ForeignKey(Roadshow, verbose_name=_("roadshow"),
                                 on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=100)
    weight = models.FloatField(_("weight"), default=1.0, validators=[MinValueValidator(0)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["roadshow", "position", "pk"]
        verbose_name = _("judge group")
        verbose_name_plural = _("judge groups")
        constraints = [models.UniqueConstraint(fields=["roadshow", "name"],
                                               name="judge_group_name_unique")]

    def __str__(self) -> str:
        return self.name


class Judge(models.Model):
    """A judge on the panel, who scores through a personal link (no account needed)."""

    roadshow = models.ForeignKey(Roadshow, verbose_name=_("roadshow"),
                                 on_delete=models.CASCADE, related_name="judges")
    group = models.ForeignKey(JudgeGroup, verbose_name=_("judge group"),
                              on_delete=models.PROTECT, related_name="judges")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+",
                             help_text=_("A judge does not score projects of this unit."))
    token = models.CharField(max_length=32, unique=True, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["roadshow", "position", "pk"]
        verbose_name = _("judge")
        verbose_name_plural = _("judges")

    def __str__(self) -> str:
        return self.name


class PresentationState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OPEN = "open", _("Scoring")
    CLOSED = "closed", _("Closed")


class Presentation(models.Model):
    """A project presenting at a roadshow, in order; the chair opens and closes its scoring."""

    roadshow = models.ForeignKey(Roadshow, verbose_name=_("roadshow"),
                                 on_delete=models.CASCADE, related_name="presentations")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="presentations")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    state = models.CharField(_("state"), max_length=16, choices=PresentationState.choices,
                             default=PresentationState.WAITING)
    comment = models.TextField(_("comment"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["roadshow", "position", "pk"]
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        constraints = [models.UniqueConstraint(fields=["roadshow", "project"],
                                               name="presentation_project_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.project}"


class Score(models.Model):
    """One judge's score of one presentation: points per criterion, their total, a grade."""

    presentation = models.ForeignKey(Presentation, verbose_name=_("presentation"),
                                     on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(Judge, verbose_name=_("judge"), on_delete=models.CASCADE,
                              related_name="scores")
    points = models.JSONField(_("points"), default=dict)
    total = models.FloatField(_("total"))
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["presentation", "judge"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["presentation", "judge"],
                                               name="score_judge_unique")]

    def __str__(self) -> str:
        return f"{self.judge} · {self.presentation}: {self.total:g}"
