"""Cadre assessment (干部考核) beside the plans that score cadres.

An ``Appraisal`` is the year-end multi-source appraisal (一述四评) of a plan of leading cadres:
rater panels (superiors, peers, subordinates) grade each cadre on dimensions through one-time
codes, under grade quotas; with the public survey and the unit's own assessment result they
fill the plan's source indicators, which the plan weights into the result like any other.
An ``IndexRule`` makes a plan of cadres their responsibility index (担当指数) and says which
bands of it call for which action; a ``FollowUp`` records each action called for.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacesetter.orgs.models import Person, Unit


def default_dimensions() -> list[dict[str, Any]]:
    """The five dimensions of the 2019 考核条例's 德能勤绩廉, equally weighted."""
    return [{"name": name, "weight": 20}
            for name in ("政治思想", "业务能力", "工作态度", "工作实绩", "廉洁自律")]


def default_grades() -> list[dict[str, Any]]:
    """The four grades of an annual appraisal, their points, and 优秀 limited to 15%."""
    return [{"name": "优秀", "points": 95, "quota": 0.15}, {"name": "称职", "points": 80},
            {"name": "基本称职", "points": 65}, {"name": "不称职", "points": 40}]


class Source(models.TextChoices):
    SUPERIOR = "superior", _("Superiors' rating")
    PEER = "peer", _("Peers' rating")
    SUBORDINATE = "subordinate", _("Subordinates' and members' rating")
    PUBLIC = "public", _("Public satisfaction survey")
    UNIT_RESULT = "unit_result", _("The unit's assessment result")
    FINDINGS = "findings", _("Inspection findings attributed to the cadre")


RATER_SOURCES = (Source.SUPERIOR, Source.PEER, Source.SUBORDINATE)


class AppraisalStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    RATING = "rating", _("Rating")
    CLOSED = "closed", _("Rating closed")


class QuotaRounding(models.TextChoices):
    FLOOR = "floor", _("Round down")
    HALF_UP = "half_up", _("Round to nearest")


class Appraisal(models.Model):
    """The multi-source appraisal of a plan of cadres.

    ``sources`` maps a source (``Source``) to the code of the plan's indicator it fills; the
    plan's weights are the sources' weights. What has no automatic source (the 述职 score,
    points) is entered on the cadre's figures page; findings count through a deduction item
    fed by the negative list.
    """

    plan = models.OneToOneField("assessment.AssessmentPlan", verbose_name=_("plan"),
                                on_delete=models.PROTECT, related_name="appraisal")
    dimensions = models.JSONField(_("dimensions"), default=default_dimensions)
    grades = models.JSONField(_("grades"), default=default_grades)
    quota_rounding = models.CharField(_("quota rounding"), max_length=8,
                                      choices=QuotaRounding.choices,
                                      default=QuotaRounding.FLOOR)
    drop_highest = models.PositiveSmallIntegerField(_("highest ratings dropped"), default=0)
    drop_lowest = models.PositiveSmallIntegerField(_("lowest ratings dropped"), default=0)
    sources = models.JSONField(_("sources"), default=dict, blank=True)
    survey = models.ForeignKey("surveys.Campaign", verbose_name=_("public survey"),
                               null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    unit_plan = models.ForeignKey("assessment.AssessmentPlan",
                                  verbose_name=_("units' assessment plan"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=AppraisalStatus.choices,
                              default=AppraisalStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("multi-source appraisal")
        verbose_name_plural = _("multi-source appraisals")

    def __str__(self) -> str:
        return str(self.plan)

    @property
    def grade_names(self) -> list[str]:
        return [g["name"] for g in self.grades]

    @property
    def quotas(self) -> dict[str, float]:
        return {g["name"]: float(g["quota"]) for g in self.grades if g.get("quota") is not None}


class RaterRole(models.TextChoices):
    SUPERIOR = "superior", _("Superior")
    PEER = "peer", _("Peer")
    SUBORDINATE = "subordinate", _("Subordinate or member")


class Rater(models.Model):
    """A member of a rater panel: rates, once, the cadres of ``rates_unit``'s subtree, except
    themselves and those they declared a conflict of interest with (relatives, 回避)."""

    appraisal = models.ForeignKey(Appraisal, verbose_name=_("appraisal"),
                                  on_delete=models.CASCADE, related_name="raters")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("panel"), max_length=16, choices=RaterRole.choices)
    rates_unit = models.ForeignKey(Unit, verbose_name=_("rates the cadres of"),
                                   on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("person in the register"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    conflicts = models.ManyToManyField(Person, verbose_name=_("conflicts of interest"),
                                       blank=True, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["appraisal", "role", "rates_unit__path", "pk"]
        verbose_name = _("rater")
        verbose_name_plural = _("raters")
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "person"],
                                    condition=models.Q(person__isnull=False),
                                    name="rater_person_once_per_appraisal"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_role_display()}"


class Rating(models.Model):
    """One rater's rating of one cadre: points per dimension and an overall grade."""

    rater = models.ForeignKey(Rater, verbose_name=_("rater"), on_delete=models.CASCADE,
                              related_name="ratings")
    person = models.ForeignKey(Person, verbose_name=_("leading cadre"),
                               on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade"), max_length=16)
    dimension_points = models.JSONField(_("points per dimension"), default=list)

    class Meta:
        ordering = ["rater", "person"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["rater", "person"], name="rating_once_per_cadre"),
        ]

    def __str__(self) -> str:
        return f"{self.rater} → {self.person}: {self.grade}"


class IndexRule(models.Model):
    """Makes a plan of cadres their responsibility index (担当指数): its total is the index
    (common and individual indicators weighted, e.g. 40/60, a capped bonus for 急难险重, the
    deductions), and ``bands`` say what each range calls for.

    ``bands``: ascending ``[{"min": None, "label": "提醒谈话", "action": "…"}, {"min": 60,
    "label": "…", "action": ""}, {"min": 95, "label": "优先提拔", "action": "…",
    "candidate": true}]``; a band with an action raises a follow-up for each cadre in it,
    a band marked ``candidate`` puts its cadres on the candidate list.
    """

    plan = models.OneToOneField("assessment.AssessmentPlan", verbose_name=_("plan"),
                                on_delete=models.PROTECT, related_name="index_rule")
    bands = models.JSONField(_("bands"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("responsibility index rule")
        verbose_name_plural = _("responsibility index rules")

    def __str__(self) -> str:
        return str(self.plan)


class FollowUpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up status", "Open")
    DONE = "done", pgettext_lazy("follow-up status", "Done")


class FollowUp(models.Model):
    """An action a cadre's index called for (a warning conversation, a promotion review),
    raised when the version is published, closed by the organization department."""

    rule = models.ForeignKey(IndexRule, verbose_name=_("index rule"),
                             on_delete=models.CASCADE, related_name="follow_ups")
    version = models.ForeignKey("assessment.ResultVersion", verbose_name=_("result version"),
                                on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("leading cadre"),
                               on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+")
    index = models.DecimalField(_("index"), max_digits=10, decimal_places=4)
    band = models.CharField(_("band"), max_length=100)
    action = models.CharField(_("action"), max_length=300)
    status = models.CharField(_("status"), max_length=8, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.OPEN)
    outcome = models.TextField(_("outcome"), blank=True, max_length=2000)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        ordering = ["status", "-created_at", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["rule", "version", "person"],
                                    name="follow_up_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.action}"
