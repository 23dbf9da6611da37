"""Supervision and rectification (督查、督导、整改、销号): the closed loop behind assessments.

An inspection (督查 / 督导, or a re-check 回头看) visits target units, often the bottom of a
ranking, with a team and a checklist. Its findings (问题) carry suggestions (整改建议) and
evidence; each finding yields a rectification (督办事项) for the responsible unit, which can also
come from a leader's instruction, a meeting decision, a higher-level assignment or a public
complaint. A rectification moves through its lifecycle (``lifecycle``) to a verified close-out
(销号); its traffic light and its lateness are derived (``schedule``), its history is kept step
by step (``RectificationEvent``) besides the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacesetter.orgs.models import Person, Unit


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    GUIDANCE = "guidance", _("Guidance visit")
    RECHECK = "recheck", _("Re-check")


class InspectionState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("inspection state", "Planned")
    UNDER_WAY = "under_way", pgettext_lazy("inspection state", "Under way")
    CONCLUDED = "concluded", pgettext_lazy("inspection state", "Concluded")


class Severity(models.TextChoices):
    """How grave a finding is; it sets the rectification's default deadline."""

    MINOR = "minor", pgettext_lazy("severity", "Minor")
    MODERATE = "moderate", pgettext_lazy("severity", "Moderate")
    SERIOUS = "serious", pgettext_lazy("severity", "Serious")


class Inspection(models.Model):
    """An inspection plan: its purpose, period, team, target units and checklist."""

    owner = models.ForeignKey(Unit, verbose_name=_("organizer"), on_delete=models.PROTECT,
                              related_name="inspections")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=InspectionKind.choices,
                            default=InspectionKind.INSPECTION)
    purpose = models.TextField(_("purpose"), blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    leader = models.ForeignKey(Person, verbose_name=_("team leader"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    members = models.ManyToManyField(Person, verbose_name=_("team members"), blank=True,
                                     related_name="+")
    source = models.JSONField(_("source"), default=dict, blank=True,
                              help_text=_("The ranking the targets come from, if any."))
    rechecks = models.ForeignKey("self", verbose_name=_("re-check of"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="rechecked_by")
    state = models.CharField(_("state"), max_length=16, choices=InspectionState.choices,
                             default=InspectionState.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return self.title


class InspectionTarget(models.Model):
    """A unit the inspection visits, with why (e.g. "满意度全省倒数第 2") and the figures."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"),
                                   on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="inspection_targets")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["inspection", "position", "pk"]
        verbose_name = _("inspection target")
        verbose_name_plural = _("inspection targets")
        constraints = [models.UniqueConstraint(fields=["inspection", "unit"],
                                               name="inspection_target_unique")]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.unit}"


class ChecklistItem(models.Model):
    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"),
                                   on_delete=models.CASCADE, related_name="checklist")
    code = models.CharField(_("code"), max_length=32)
    text = models.CharField(_("item"), max_length=300)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["inspection", "position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [models.UniqueConstraint(fields=["inspection", "code"],
                                               name="checklist_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class FindingCategory(models.Model):
    """A category of findings, from the organizer's managed list (e.g. 基层组织建设)."""

    owner = models.ForeignKey(Unit, verbose_name=_("organizer"), on_delete=models.PROTECT,
                              related_name="finding_categories")
    name = models.CharField(pgettext_lazy("category", "name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["owner", "position", "name"]
        verbose_name = _("finding category")
        verbose_name_plural = _("finding categories")
        constraints = [models.UniqueConstraint(fields=["owner", "name"],
                                               name="finding_category_unique")]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    """A problem (问题) the inspection found at a unit, with its suggestions (整改建议)."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"),
                                   on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveIntegerField(_("number"))
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="findings")
    category = models.ForeignKey(FindingCategory, verbose_name=_("category"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="findings")
    checklist_item = models.ForeignKey(ChecklistItem, verbose_name=_("checklist item"),
                                       null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="findings")
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices,
                                default=Severity.MODERATE)
    person = models.ForeignKey(
        Person, verbose_name=_("attributed to"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("The leading cadre of the unit the finding is attributed to, if any: it "
                    "then counts on the cadre's negative list."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["inspection", "number"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [models.UniqueConstraint(fields=["inspection", "number"],
                                               name="finding_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.description[:40]}"


class Suggestion(models.Model):
    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.CASCADE,
                                related_name="suggestions")
    text = models.TextField(_("suggestion"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["finding", "position", "pk"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")

    def __str__(self) -> str:
        return self.text[:40]


class Verdict(models.TextChoices):
    """What a re-check (回头看) concludes of a closed-out finding."""

    HOLDS = "holds", pgettext_lazy("re-check verdict", "Rectification holds")
    REOPENED = "reopened", pgettext_lazy("re-check verdict", "Reopened")


class RecheckVerdict(models.Model):
    """A re-check's word on a closed-out finding of the inspection it revisits: the
    rectification holds, or the problem is back and its task is reopened (with why)."""

    recheck = models.ForeignKey(Inspection, verbose_name=_("re-check"),
                                on_delete=models.CASCADE, related_name="verdicts")
    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.CASCADE,
                                related_name="recheck_verdicts")
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                           blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["recheck", "finding__number"]
        verbose_name = _("re-check verdict")
        verbose_name_plural = _("re-check verdicts")
        constraints = [models.UniqueConstraint(fields=["recheck", "finding"],
                                               name="recheck_verdict_unique")]

    def __str__(self) -> str:
        return f"{self.recheck} · {self.finding.number}: {self.verdict}"


class RectificationSource(models.TextChoices):
    FINDING = "finding", _("Inspection finding")
    LEADER = "leader", _("Leader's instruction")
    MEETING = "meeting", _("Meeting decision")
    HIGHER = "higher", _("Higher-level assignment")
    COMPLAINT = "complaint", _("Public complaint")


class RectificationState(models.TextChoices):
    """The lifecycle (``lifecycle.STEPS`` says who moves it where)."""

    REGISTERED = "registered", pgettext_lazy("rectification state", "Registered")
    ASSIGNED = "assigned", pgettext_lazy("rectification state", "Assigned")
    ACCEPTED = "accepted", pgettext_lazy("rectification state", "Accepted")
    IN_PROGRESS = "in_progress", pgettext_lazy("rectification state", "In progress")
    EXTENSION_REQUESTED = "extension_requested", pgettext_lazy("rectification state",
                                                               "Extension requested")
    REPORTED = "reported", pgettext_lazy("rectification state", "Reported")
    UNDER_REVIEW = "under_review", pgettext_lazy("rectification state", "Under review")
    COMPLETED = "completed", pgettext_lazy("rectification state", "Completed")
    CLOSED = "closed", pgettext_lazy("rectification state", "Closed out")


class FeedbackCadence(models.TextChoices):
    NONE = "none", _("Once, when done")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class Rectification(models.Model):
    """A rectification task (督办事项) of a responsible unit, from a finding or another source,
    tracked to its verified close-out. ``owner`` is the supervising side (the organizer)."""

    owner = models.ForeignKey(Unit, verbose_name=_("supervised by"), on_delete=models.PROTECT,
                              related_name="supervised_rectifications")
    serial = models.CharField(_("serial number"), max_length=32, unique=True)
    source = models.CharField(_("source"), max_length=16, choices=RectificationSource.choices,
                              default=RectificationSource.FINDING)
    source_note = models.CharField(_("source details"), max_length=300, blank=True)
    finding = models.OneToOneField(Finding, verbose_name=_("finding"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="rectification")
    content = models.TextField(_("content"))
    lead_unit = models.ForeignKey(Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT,
                                  related_name="rectifications")
    assisting_units = models.ManyToManyField(Unit, verbose_name=_("assisting units"),
                                             blank=True, related_name="assisted_rectifications")
    responsible = models.ForeignKey(Person, verbose_name=_("person responsible"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    measures = models.TextField(_("measures"), blank=True)
    deadline = models.DateField(_("deadline"))
    feedback_cadence = models.CharField(_("feedback"), max_length=16,
                                        choices=FeedbackCadence.choices,
                                        default=FeedbackCadence.NONE)
    state = models.CharField(_("state"), max_length=24, choices=RectificationState.choices,
                             default=RectificationState.REGISTERED)
    requested_deadline = models.DateField(_("deadline asked for"), null=True, blank=True)
    accepted_late = models.BooleanField(_("accepted late"), default=False)
    reported_late = models.BooleanField(_("reported late"), default=False)
    completed_late = models.BooleanField(_("completed late"), default=False)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed out at"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalation level"), default=0, validators=[MaxValueValidator(2)],
        help_text=_("0: none; 1: the unit's leader was told; 2: the department was told."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["deadline", "serial"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        indexes = [models.Index(fields=["state", "deadline"]),
                   models.Index(fields=["owner", "state"])]

    def __str__(self) -> str:
        return f"{self.serial} {self.content[:30]}"


class RectificationEvent(models.Model):
    """One step of a rectification's history: who moved it from where to where, and why."""

    rectification = models.ForeignKey(Rectification, verbose_name=_("rectification"),
                                      on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=32)
    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["rectification", "at", "pk"]
        verbose_name = _("rectification step")
        verbose_name_plural = _("rectification steps")

    def __str__(self) -> str:
        return f"{self.rectification.serial}: {self.step}"


def _evidence_path(instance: Evidence, filename: str) -> str:
    return f"supervision/{instance.finding_id or 0}/{instance.rectification_id or 0}/{filename}"


class Evidence(models.Model):
    """A photo or file: of a finding on site, or of a rectification's report (with its step)."""

    finding = models.ForeignKey(Finding, verbose_name=_("finding"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="evidence")
    rectification = models.ForeignKey(Rectification, verbose_name=_("rectification"),
                                      null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="evidence")
    event = models.ForeignKey(RectificationEvent, verbose_name=_("step"), null=True,
                              blank=True, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=_evidence_path)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [models.CheckConstraint(
            condition=models.Q(finding__isnull=False) | models.Q(rectification__isnull=False),
            name="evidence_belongs_somewhere")]

    def __str__(self) -> str:
        return self.name
