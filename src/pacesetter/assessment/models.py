"""Assessment (考核): periods, the indicator catalog, plans, collected values, published results."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from pacesetter.fields import FloatArrayField
from pacesetter.orgs.models import PeerGroup, Person, Unit


class PeriodKind(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF_YEAR = "half_year", _("Half-year")
    YEAR = "year", _("Year")


class Period(models.Model):
    """A reporting period of the cadence (每日报、每月晒、半年展、年终评)."""

    kind = models.CharField(_("kind"), max_length=16, choices=PeriodKind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    label = models.CharField(_("label"), max_length=50)

    class Meta:
        ordering = ["-start", "kind"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.UniqueConstraint(fields=["kind", "start"], name="period_unique"),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")),
                                   name="period_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.label


class Direction(models.IntegerChoices):
    HIGHER = 1, _("Higher is better")
    LOWER = -1, _("Lower is better")


class DataType(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENT = "percent", _("Percent")
    BOOLEAN = "boolean", _("Yes / no")
    COUNT = "count", _("Count")


class RuleKind(models.TextChoices):
    NORMALIZE = "normalize", _("Normalization")
    BANDS = "bands", _("Bands")
    TARGET = "target", _("Ratio to target")
    RANK = "rank", _("Points by rank")
    DEDUCTION = "deduction", _("Deduction per occurrence")
    BONUS = "bonus", _("Bonus per occurrence")
    VETO = "veto", _("Veto")


WEIGHTED_RULES = frozenset({RuleKind.NORMALIZE, RuleKind.BANDS, RuleKind.TARGET, RuleKind.RANK})


class Indicator(models.Model):
    """A node of an indicator catalog: a category (no rule) or a measured indicator.

    The catalog belongs to the unit whose department keeps it; plans copy an indicator's
    default rule and may change it.
    """

    owner = models.ForeignKey(Unit, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="indicators")
    parent = models.ForeignKey("self", verbose_name=_("category"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    code = models.CharField(_("code"), max_length=32, validators=[
        RegexValidator(r"^[0-9A-Za-z_.-]{1,32}$", _("Use 1 to 32 letters, digits, ., - or _."))])
    name = models.CharField(_("name"), max_length=200)
    is_category = models.BooleanField(_("category"), default=False)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=20, blank=True)
    direction = models.SmallIntegerField(_("direction"), choices=Direction.choices,
                                         default=Direction.HIGHER)
    data_type = models.CharField(_("data type"), max_length=16, choices=DataType.choices,
                                 default=DataType.NUMBER)
    min_value = models.DecimalField(_("minimum"), max_digits=18, decimal_places=4, null=True,
                                    blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=18, decimal_places=4, null=True,
                                    blank=True)
    rule_kind = models.CharField(_("scoring rule"), max_length=16, choices=RuleKind.choices,
                                 blank=True)
    rule = models.JSONField(_("rule parameters"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["owner", "sort_order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="indicator_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COLLECTING = "collecting", _("Collecting data")
    SCORING = "scoring", _("Scoring")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class WeightMethod(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    AHP = "ahp", _("AHP")
    CRITIC = "critic", _("CRITIC")
    ENTROPY = "entropy", _("Entropy method")


class SubjectKind(models.TextChoices):
    UNIT = "unit", _("Units")
    LEADERSHIP = "leadership", _("Leadership teams")
    CADRE = "cadre", _("Leading cadres")


class AssessmentPlan(models.Model):
    """One assessment (考核方案) of a set of subjects over a period.

    The subjects are units, their leadership teams (领导班子: the unit stands for its team),
    or leading cadres (领导干部): the people holding ``assessed_positions`` in the assessed
    units, ranked among the holders of the same position (all county party secretaries).
    Every assessed-subject row then carries the person beside the unit. A cadre plan is a
    personnel record: only organization-department administrators read it.

    ``series`` links the plans of successive periods (e.g. "县级党建月度考核"), so a result is
    compared with the previous period's published one.
    """

    owner = models.ForeignKey(Unit, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="assessment_plans")
    name = models.CharField(_("name"), max_length=200)
    series = models.CharField(_("series"), max_length=100, blank=True)
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT,
                               related_name="plans")
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    subject_kind = models.CharField(_("assessed subjects"), max_length=16,
                                    choices=SubjectKind.choices, default=SubjectKind.UNIT)
    assessed_positions = models.JSONField(
        _("assessed positions"), default=list, blank=True,
        help_text=_("For leading cadres: the positions assessed, e.g. 县委书记, 县长."))
    assessed_levels = models.JSONField(_("assessed levels"), default=list, blank=True)
    assessed_groups = models.ManyToManyField(PeerGroup, verbose_name=_("assessed peer groups"),
                                             blank=True, related_name="+")
    ranking_groups = models.ManyToManyField(PeerGroup, verbose_name=_("ranking peer groups"),
                                            blank=True, related_name="+")
    assessed_units = models.ManyToManyField(
        Unit, verbose_name=_("assessed units (explicit list)"), blank=True, related_name="+",
        help_text=_("When given, exactly these units are assessed, whatever the levels and "
                    "peer groups say."))
    weight_method = models.CharField(_("weight method"), max_length=16,
                                     choices=WeightMethod.choices, default=WeightMethod.MANUAL)
    weight_details = models.JSONField(_("weight derivation"), default=dict, blank=True)
    red_top_n = models.PositiveIntegerField(_("red list: top N"), null=True, blank=True)
    red_top_percent = models.DecimalField(
        _("red list: top %"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)])
    black_bottom_n = models.PositiveIntegerField(_("black list: bottom N"), null=True,
                                                 blank=True)
    black_bottom_percent = models.DecimalField(
        _("black list: bottom %"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)])
    gray_below_score = models.DecimalField(_("gray list: below score"), max_digits=8,
                                           decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-period__start", "name"]
        verbose_name = _("assessment plan")
        verbose_name_plural = _("assessment plans")

    def __str__(self) -> str:
        return f"{self.name}({self.period})"

    @property
    def of_people(self) -> bool:
        return self.subject_kind == SubjectKind.CADRE


class PlanIndicator(models.Model):
    """An indicator as a plan uses it: its weight (percent of the total) and its rule."""

    plan = models.ForeignKey(AssessmentPlan, verbose_name=_("plan"), on_delete=models.CASCADE,
                             related_name="plan_indicators")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"),
                                  on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(_("weight (%)"), max_digits=7, decimal_places=4, default=0,
                                 validators=[MinValueValidator(0), MaxValueValidator(100)])
    rule_kind = models.CharField(_("scoring rule"), max_length=16, choices=RuleKind.choices)
    rule = models.JSONField(_("rule parameters"), default=dict, blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["plan", "sort_order", "pk"]
        verbose_name = _("plan indicator")
        verbose_name_plural = _("plan indicators")
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator"], name="plan_indicator_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.weight}%"


def unique_per_subject(*fields: str, name: str) -> models.UniqueConstraint:
    """One row per subject: per unit (``person`` empty) or per person and their unit, with
    ``fields`` around it (the first is the plan or version). An expression index, since NULLs
    never collide in a plain one, whose leading columns still serve every read by plan or
    version and unit."""
    head, tail = fields[:1], fields[1:]
    return models.UniqueConstraint(
        *(F(f) for f in head), F("unit"),
        Coalesce(F("person"), Value(0), output_field=models.BigIntegerField()),
        *(F(f) for f in tail), name=name)


class PlanUnit(models.Model):
    """A subject assessed by a plan (a unit, or a leading cadre and their unit), with the
    peer group it is ranked in."""

    plan = models.ForeignKey(AssessmentPlan, on_delete=models.CASCADE, related_name="plan_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("leading cadre"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", db_index=False)
    ranking_group = models.CharField(_("ranking group"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("assessed unit")
        verbose_name_plural = _("assessed units")
        constraints = [unique_per_subject("plan", name="plan_unit_unique")]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.unit}" if self.person_id else str(self.unit)


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Submission(models.Model):
    """A subject's data for a plan, as a whole: drafted, submitted, approved or returned."""

    plan = models.ForeignKey(AssessmentPlan, on_delete=models.CASCADE, related_name="submissions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("leading cadre"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", db_index=False)
    status = models.CharField(_("status"), max_length=16, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.DRAFT)
    return_reason = models.CharField(_("reason for return"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [unique_per_subject("plan", name="submission_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_status_display()}"


class IndicatorValue(models.Model):
    """One figure a unit reported for one indicator of a plan. ``value`` is the figure as
    entered; ``value_float`` the same as a double, kept by the database so that scoring reads
    millions of them without converting each numeric (a third of the read at 5 million)."""

    plan = models.ForeignKey(AssessmentPlan, on_delete=models.CASCADE, related_name="values")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("leading cadre"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", db_index=False)
    plan_indicator = models.ForeignKey(PlanIndicator, on_delete=models.CASCADE,
                                       related_name="values")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True,
                                blank=True)
    value_float = models.GeneratedField(
        expression=Cast("value", models.FloatField()), output_field=models.FloatField(),
        db_persist=True, verbose_name=_("value as a float"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            unique_per_subject("plan", "plan_indicator", name="indicator_value_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.plan_indicator.indicator.code} = {self.value}"


class PublishedIsImmutable(Exception):
    """Raised on any attempt to change a published result."""


class ResultVersion(models.Model):
    """A computed result of a plan. A draft is replaced by the next scoring; a published
    version never changes, and a correction publishes the next version beside it."""

    plan = models.ForeignKey(AssessmentPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    is_published = models.BooleanField(_("published"), default=False)
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)
    weights = models.JSONField(_("weights used"), default=dict)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("result version")
        verbose_name_plural = _("result versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="result_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and ResultVersion.objects.filter(
                pk=self.pk, is_published=True).exists():
            raise PublishedIsImmutable("a published result cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.is_published:
            raise PublishedIsImmutable("a published result cannot be deleted")
        return super().delete(*args, **kwargs)


class ListMark(models.TextChoices):
    RED = "red", _("Red list")
    GRAY = "gray", _("Gray list")
    BLACK = "black", _("Black list")
    NONE = "", _("None")


class UnitResult(models.Model):
    """A unit's result in a version. ``raw_values`` and ``points``: each indicator's reported
    value (None if none) and points, in the plan's indicator order (``selectors.scored_items``);
    the weights are the version's, the rules the plan's.

    Results are written only by ``services.plan_score``, hundreds of thousands in one
    statement, and only for the plan's assessed units (a join on ``PlanUnit``, whose own
    foreign keys hold the units). The database therefore checks no foreign key per result
    row: at 250,000 rows those checks cost PostgreSQL 2.7 s at commit, a quarter of the time
    from database to results. Deleting a unit or a version that still has results is refused
    by Django (PROTECT, and CASCADE in order) and, on PostgreSQL, by a statement trigger.
    For the same reason the one index besides the primary key is (version, unit): every read
    names the version (a unit's trend goes through its plans' versions), and each further
    index costs every write of a version.
    """

    version = models.ForeignKey(ResultVersion, on_delete=models.CASCADE, related_name="results",
                                db_constraint=False, db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+",
                             db_constraint=False, db_index=False)
    person = models.ForeignKey(Person, verbose_name=_("leading cadre"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               db_constraint=False, db_index=False)
    total = models.DecimalField(_("total"), max_digits=10, decimal_places=4)
    weighted_score = models.DecimalField(_("weighted score"), max_digits=10, decimal_places=4)
    bonus = models.DecimalField(_("bonus"), max_digits=10, decimal_places=4, default=0)
    deduction = models.DecimalField(_("deduction"), max_digits=10, decimal_places=4, default=0)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    rank = models.PositiveIntegerField(_("rank"))
    ranking_group = models.CharField(_("ranking group"), max_length=100, blank=True)
    group_rank = models.PositiveIntegerField(_("rank in group"))
    list_mark = models.CharField(_("list"), max_length=8, choices=ListMark.choices, blank=True)
    total_change = models.DecimalField(_("change of total"), max_digits=10, decimal_places=4,
                                       null=True, blank=True)
    rank_change = models.IntegerField(_("change of rank in group"), null=True, blank=True)
    raw_values = FloatArrayField(_("reported values"), default=list)
    points = FloatArrayField(_("points per indicator"), default=list)

    class Meta:
        ordering = ["version", "rank", "unit__code"]
        verbose_name = _("unit result")
        verbose_name_plural = _("unit results")
        constraints = [unique_per_subject("version", name="unit_result_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.total}"

    @property
    def breakdown(self) -> dict[str, list[float | None]]:
        """Reported values and points together, as the API and the explanation present them."""
        return {"raw": self.raw_values, "points": self.points}


class EntryKind(models.TextChoices):
    ACHIEVEMENT = "achievement", _("Achievement")
    NEGATIVE = "negative", _("Negative")


class EntrySource(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    PROJECT = "project", _("Project")
    ROADSHOW = "roadshow", _("Roadshow")
    INSPECTION = "inspection", _("Inspection")
    COMPLAINT = "complaint", _("Complaint")
    AWARD = "award", _("Award")
    OTHER = "other", _("Other")


class EntryStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class ListEntry(models.Model):
    """An entry of a unit's or a leading cadre's achievement list (实绩清单) or negative list
    (负面表现清单).

    ``unit`` places the entry in the hierarchy (who sees it); ``person``, when given, is the
    cadre it is about (their unit's entry, read only by organization departments). An entry
    may belong to a plan and count under one of its bonus or deduction items
    (``plan_indicator``); a confirmed entry then adds one occurrence to that item when the
    plan is scored. Entries a unit reports itself wait for confirmation by the plan's
    administrators or by administrators above the unit; entries those administrators record
    are confirmed at once.
    """

    kind = models.CharField(_("kind of entry"), max_length=16, choices=EntryKind.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("leading cadre"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(AssessmentPlan, verbose_name=_("plan"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="list_entries")
    plan_indicator = models.ForeignKey(PlanIndicator, verbose_name=_("counts under"),
                                       null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="list_entries")
    date = models.DateField(_("date"))
    text = models.TextField(_("description"), max_length=2000)
    source = models.CharField(_("source"), max_length=16, choices=EntrySource.choices,
                              default=EntrySource.OTHER)
    status = models.CharField(_("status"), max_length=16, choices=EntryStatus.choices,
                              default=EntryStatus.REPORTED)
    reject_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+",
                                    help_text=_("Empty for an entry recorded automatically."))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    origin_type = models.CharField(
        _("origin"), max_length=64, blank=True,
        help_text=_("What the entry was collected from, e.g. projects.project or "
                    "supervision.finding; empty for an entry recorded by hand."))
    origin_id = models.PositiveBigIntegerField(_("origin id"), null=True, blank=True)
    origin_label = models.CharField(_("origin label"), max_length=300, blank=True)
    origin_url = models.CharField(_("origin link"), max_length=300, blank=True,
                                  help_text=_("A path inside the site."))

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        indexes = [
            models.Index(fields=["plan", "status", "plan_indicator"],
                         name="list_entry_plan_status"),
            models.Index(fields=["unit", "kind", "date"], name="list_entry_unit_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan_indicator__isnull=True) | models.Q(plan__isnull=False),
                name="list_entry_item_needs_plan"),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reject_reason=""),
                name="list_entry_rejection_has_reason"),
            # Collected twice, an origin gives one entry per subject and list: a unit's entry
            # (no person) counts as person 0, since NULLs never clash in a unique index.
            models.UniqueConstraint(
                F("origin_type"), F("origin_id"),
                Coalesce(F("person"), Value(0), output_field=models.BigIntegerField()),
                F("kind"), condition=models.Q(origin_id__isnull=False),
                name="list_entry_origin_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_kind_display()} · {self.date}"

    @property
    def automatic(self) -> bool:
        """Collected from another area (``origin_*``) rather than recorded by someone."""
        return self.recorded_by_id is None


class ToleranceDecision(models.Model):
    """A tolerance decision (容错认定, "三个区分开来") on a confirmed negative-list entry: the
    failing is judged a good-faith error made while trying (in reform or innovation), so it
    is exempt from deduction. Recorded once, with the reason and who approved it (a leader or
    a body, e.g. "县委常委会 2026-05-12"); never changed afterwards."""

    entry = models.OneToOneField(ListEntry, verbose_name=_("list entry"),
                                 on_delete=models.PROTECT, related_name="tolerance")
    reason = models.TextField(_("reason"), max_length=2000)
    approver = models.CharField(
        _("approved by"), max_length=200,
        help_text=_("The leader or body who approved it, with the post or date, e.g. "
                    "县委常委会 2026-05-12."))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("tolerance decision")
        verbose_name_plural = _("tolerance decisions")

    def __str__(self) -> str:
        return f"{self.entry} · {self.approver}"


class Attachment(models.Model):
    """An evidence file (佐证材料) for a list entry or for a reported figure.

    Files are stored under a random name and served only through a view that checks the
    reader's scope over ``unit`` (or that they run ``plan``); they never get a public URL.
    """

    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+")
    plan = models.ForeignKey(AssessmentPlan, verbose_name=_("plan"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    entry = models.ForeignKey(ListEntry, verbose_name=_("list entry"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="evidence")
    value = models.ForeignKey(IndicatorValue, verbose_name=_("indicator value"), null=True,
                              blank=True, on_delete=models.CASCADE, related_name="evidence")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entry__isnull=True, value__isnull=False)
                | models.Q(entry__isnull=False, value__isnull=True),
                name="attachment_belongs_to_one"),
        ]

    def __str__(self) -> str:
        return self.original_name


class AreaResult(models.Model):
    """A version's results rolled up to a unit above the assessed ones (a city, a county…):
    how many assessed units lie below it, their mean total, and how many of them are on each
    list. Written with the version's unit results, so it never disagrees with them."""

    version = models.ForeignKey(ResultVersion, on_delete=models.CASCADE,
                                related_name="areas")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    units = models.PositiveIntegerField(_("assessed units"))
    mean_total = models.DecimalField(_("mean total"), max_digits=10, decimal_places=4)
    red = models.PositiveIntegerField(_("on the red list"), default=0)
    gray = models.PositiveIntegerField(_("on the gray list"), default=0)
    black = models.PositiveIntegerField(_("on the black list"), default=0)

    class Meta:
        ordering = ["version", "unit__path"]
        verbose_name = _("area result")
        verbose_name_plural = _("area results")
        constraints = [
            models.UniqueConstraint(fields=["version", "unit"], name="area_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.mean_total}"
