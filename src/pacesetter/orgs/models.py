"""The unit hierarchy, people, accounts, roles and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

UNIT_CODE_PATTERN = r"^[0-9A-Za-z_-]{1,32}$"
PATH_SEPARATOR = "/"


class UnitKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General party branch")
    BRANCH = "branch", _("Party branch")
    AGENCY = "agency", _("Agency")
    DEPARTMENT = "department", _("Department")
    TOWNSHIP = "township", _("Township or subdistrict")
    VILLAGE = "village", _("Village or community")
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Public institution")
    OTHER = "other", _("Other")


class PeerGroup(models.Model):
    """A tag that puts units side by side in rankings: all counties, all agencies, ..."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A node of the hierarchy.

    ``path`` is the materialized chain of codes from the root, ``/230000/230100/230102/``, so a
    subtree is one indexed prefix query; ``level`` is its depth (province 1 ... branch 5).
    Both are kept by ``orgs.services`` and rewritten for a whole subtree when a unit moves.
    """

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(UNIT_CODE_PATTERN, _("Use 1 to 32 letters, digits, - or _."))],
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1)])
    path = models.CharField(_("path"), max_length=500, unique=True, editable=False)
    peer_groups = models.ManyToManyField(
        PeerGroup, verbose_name=_("peer groups"), blank=True, related_name="units"
    )
    sort_order = models.IntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["parent", "sort_order", "code"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, level=1)
                | models.Q(parent__isnull=False, level__gt=1),
                name="unit_level_matches_parent",
            ),
            models.CheckConstraint(
                condition=models.Q(path__startswith=PATH_SEPARATOR)
                & models.Q(path__endswith=PATH_SEPARATOR),
                name="unit_path_is_delimited",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.code})"

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to the parent, read from the path without a query."""
        return self.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)[:-1]


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Person(models.Model):
    """A member or cadre belonging to a unit."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people"
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    is_party_member = models.BooleanField(_("party member"), default=True)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\+?[0-9-]{5,20}$", _("Enter a valid phone number."))],
    )
    is_active = models.BooleanField(pgettext_lazy("person", "active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["unit__path", "name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["unit", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        """The phone with its middle hidden, as lists show it: 138****5678."""
        if len(self.phone) < 7:
            return "*" * len(self.phone)
        return f"{self.phone[:3]}****{self.phone[-4:]}"


class User(AbstractUser):
    """A login; linked to the person it belongs to, when there is one."""

    person = models.OneToOneField(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    ORG_ADMIN = "org_admin", _("Organization department administrator")
    REPORTER = "reporter", _("Unit reporter")
    REVIEWER = "reviewer", _("Reviewer or judge")
    INSPECTOR = "inspector", _("Inspector")
    MEMBER = "member", _("Party member (own records)")


class RoleGrant(models.Model):
    """A role held by a user for a scope unit: it reaches that unit's subtree."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("scope unit"), on_delete=models.PROTECT, related_name="role_grants"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored; revoking keeps the row."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
