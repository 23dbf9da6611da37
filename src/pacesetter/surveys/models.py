"""Satisfaction surveys (满意度测评): questionnaires, campaigns over target units, responses.

A questionnaire is a tree of sections (aspects, 方面) and items (测评项) with their options.
A campaign applies one questionnaire to a set of target units over a time window; each target
has its own public link. A response answers the questionnaire about one target. Single-choice
answers (rating scales, single choice, respondent attributes) are kept as one byte per item,
in the questionnaire's order of single-choice items (0: no answer, k: the k-th option), so a
million responses are read for results as one byte string (``selectors.response_matrix``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacesetter.orgs.models import Unit

CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z_][0-9A-Za-z_.-]{0,31}$",
    _("Use 1 to 32 letters, digits, ., - or _, starting with a letter or _."))


class Questionnaire(models.Model):
    """A questionnaire, versioned: once a campaign has responses it is frozen and can only be
    copied into the next version (``source`` points back)."""

    owner = models.ForeignKey(Unit, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="questionnaires")
    code = models.CharField(_("code"), max_length=32, validators=[CODE_VALIDATOR])
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("introduction"), blank=True)
    revision = models.PositiveIntegerField(default=0, editable=False)
    source = models.ForeignKey("self", verbose_name=_("copied from"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="copies")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["owner", "code", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [models.UniqueConstraint(fields=["owner", "code", "version"],
                                               name="questionnaire_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Section(models.Model):
    """An aspect (方面) of a questionnaire; its weight is its share of the index."""

    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("questionnaire"),
                                      on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=32, validators=[CODE_VALIDATOR])
    title = models.CharField(_("title"), max_length=200)
    weight = models.FloatField(_("weight"), default=1.0, validators=[MinValueValidator(0)])
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["questionnaire", "position"]
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"],
                                               name="section_code_unique")]

    def __str__(self) -> str:
        return self.title


class ItemKind(models.TextChoices):
    RATING = "rating", _("Rating scale")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")


SINGLE_CHOICE_KINDS = (ItemKind.RATING, ItemKind.SINGLE)


class Item(models.Model):
    """A question. A rating item's options carry shares of its weight and make the index; a
    respondent attribute (age band, occupation…) is a single-choice item used for breakdowns."""

    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("questionnaire"),
                                      on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, verbose_name=_("aspect"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=32, validators=[CODE_VALIDATOR])
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    label = models.CharField(_("question"), max_length=500)
    hint = models.CharField(_("hint"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    weight = models.FloatField(_("weight"), default=1.0, validators=[MinValueValidator(0)])
    is_attribute = models.BooleanField(_("respondent attribute"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["questionnaire", "position"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"],
                                               name="item_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def is_single_choice(self) -> bool:
        return self.kind in SINGLE_CHOICE_KINDS


class Option(models.Model):
    """A choice of an item. ``share`` is the part of the item's weight the answer earns
    (满意 1.0, 基本满意 0.75, 不满意 0.55); blank means the answer is not a valid ballot for
    the item (不了解) and is left out of its mean."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE,
                             related_name="options")
    code = models.CharField(_("value"), max_length=32, validators=[CODE_VALIDATOR])
    label = models.CharField(_("label"), max_length=200)
    share = models.FloatField(_("share of the weight"), null=True, blank=True,
                              validators=[MinValueValidator(0), MaxValueValidator(1)])
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["item", "position"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [models.UniqueConstraint(fields=["item", "code"],
                                               name="option_code_unique")]

    def __str__(self) -> str:
        return self.label


class CampaignMode(models.TextChoices):
    PUBLIC = "public", _("Public: anyone with the link")
    INTERNAL = "internal", _("Internal: signed-in users of given roles")
    PANEL = "panel", _("Panel: one-time codes for named respondents")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("campaign status", "Open")
    CLOSED = "closed", _("Closed")


class Channel(models.TextChoices):
    WEB = "web", _("Online questionnaire")
    PHONE = "phone", _("Phone random dial")
    PAPER = "paper", _("Paper questionnaire")


class Campaign(models.Model):
    """A questionnaire put to the public (or staff, or a panel) about a set of target units.

    ``scoring`` holds the rules as data: ``shares`` overrides option shares by option value
    (``{"bmy": 0.55, "bly": null}``), ``channels`` weighs the channels combined
    (``{"phone": 6, "web": 4}``), ``min_answered`` is the share of rating items a ballot must
    answer validly to count. ``peer_by`` ranks targets by level or by peer group.
    """

    owner = models.ForeignKey(Unit, verbose_name=_("organizer"), on_delete=models.PROTECT,
                              related_name="survey_campaigns")
    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("questionnaire"),
                                      on_delete=models.PROTECT, related_name="campaigns")
    title = models.CharField(_("title"), max_length=200)
    mode = models.CharField(_("mode"), max_length=16, choices=CampaignMode.choices,
                            default=CampaignMode.PUBLIC)
    roles = models.JSONField(_("roles that may answer"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    scoring = models.JSONField(_("scoring rules"), default=dict, blank=True)
    default_quota = models.PositiveIntegerField(_("target sample per unit"), default=0)
    peer_by = models.CharField(_("rank within"), max_length=16, default="level",
                               choices=[("level", _("Level")), ("peer_group", _("Peer group"))])
    bottom_n = models.JSONField(_("bottom-N per ranking group"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        constraints = [models.CheckConstraint(
            condition=models.Q(closes_at__gt=models.F("opens_at")),
            name="campaign_closes_after_opening")]

    def __str__(self) -> str:
        return self.title

    def accepting(self, now: datetime.datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.status == CampaignStatus.OPEN and self.opens_at <= moment < self.closes_at


class Target(models.Model):
    """A unit surveyed by a campaign, with its own link token and sample quota."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="targets")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="survey_targets")
    link_token = models.CharField(_("link token"), max_length=32, unique=True)
    quota = models.PositiveIntegerField(_("target sample"), default=0)

    class Meta:
        ordering = ["campaign", "unit__path"]
        verbose_name = _("surveyed unit")
        verbose_name_plural = _("surveyed units")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"],
                                               name="target_unit_unique")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"


class PanelCode(models.Model):
    """A one-time code issued to a named respondent of a panel campaign; only its keyed hash
    is kept, the code itself is shown once on the printed list."""

    target = models.ForeignKey(Target, verbose_name=_("surveyed unit"), on_delete=models.CASCADE,
                               related_name="panel_codes")
    respondent_name = models.CharField(_("respondent"), max_length=100)
    code_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["target", "pk"]
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return self.respondent_name


class Flag(models.IntegerChoices):
    """Integrity flags (bits of ``Response.flags``) for gaming documented in the field."""

    TOP_BURST = 1, _("Burst of identical top answers")
    NETWORK_BURST = 2, _("Many responses from one network")
    TOO_FAST = 4, _("Answered implausibly fast")


class Response(models.Model):
    """One respondent's answers about one target unit.

    ``respondent_key`` and ``device_key`` are keyed hashes (HMAC with the site's secret) of
    the respondent's opaque key or one-time code and of the device cookie; the raw values are
    never stored. Each is unique per target: a second browser defeats the cookie but not the
    fingerprint, a cleared fingerprint not the cookie. ``submission_key`` hashes the whole
    submission, so that a retry of the same submission is recognized and not counted twice.
    """

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="responses", db_index=False)
    target = models.ForeignKey(Target, verbose_name=_("surveyed unit"), on_delete=models.CASCADE,
                               related_name="responses", db_index=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices,
                               default=Channel.WEB)
    respondent_key = models.CharField(max_length=64)
    device_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    submission_key = models.CharField(max_length=64)
    network_key = models.IntegerField(default=0)
    choices = models.BinaryField(_("single-choice answers"))
    extra = models.JSONField(_("other answers"), default=dict, blank=True)
    duration = models.PositiveIntegerField(_("seconds spent"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    flags = models.PositiveSmallIntegerField(_("integrity flags"), default=0)
    excluded = models.BooleanField(_("excluded from results"), default=False)
    exclusion_reason = models.CharField(_("reason for exclusion"), max_length=300, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["target", "respondent_key"],
                                    name="response_one_per_respondent"),
            models.UniqueConstraint(fields=["target", "device_key"],
                                    name="response_one_per_device"),
        ]
        indexes = [models.Index(fields=["campaign", "submitted_at"],
                                name="response_campaign_time")]

    def __str__(self) -> str:
        return f"#{self.pk}"


class ResultSnapshot(models.Model):
    """The last computed results of a campaign (``results.compute`` as data), so that pages
    do not recompute a million responses on every view. Recomputed when stale: a response
    excluded or taken back, or an open campaign's snapshot older than a few minutes."""

    campaign = models.OneToOneField(Campaign, verbose_name=_("campaign"),
                                    on_delete=models.CASCADE, related_name="snapshot")
    computed_at = models.DateTimeField(_("computed at"))
    stale = models.BooleanField(default=False)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("results snapshot")
        verbose_name_plural = _("results snapshots")

    def __str__(self) -> str:
        return f"{self.campaign} @ {self.computed_at}"
