"""Forms of the inspection pages: the plan (its team, target units and checklist rows), the
choice of a ranking to inspect the bottom of, a finding entered on a phone, the findings
workbook and the organizer's list of categories.

The forms parse and present; the rules (a title, an end after the start, targets under the
organizer, photo types) are the services', whose messages land on these forms' fields. Units
and people are typed (or picked from a suggestion list) and resolved here within the user's
scope.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from pacesetter.errors import ApplicationError
from pacesetter.orgs import selectors as org_selectors
from pacesetter.orgs.models import Person, Unit
from pacesetter.supervision.models import (
    ChecklistItem,
    FindingCategory,
    Inspection,
    InspectionKind,
    Severity,
)
from pacesetter.supervision.services import TargetData
from pacesetter.userinput import ATTACHMENT_TYPES

#: Between names in a list typed in one box: commas, 、, semicolons or new lines.
SEPARATORS = re.compile(r"[,，、;；\n\r]+")
#: A target line: the unit, then optionally its reason after a colon.
TARGET_LINE = re.compile(r"^(?P<unit>[^:：]+?)\s*(?:[:：]\s*(?P<reason>.*))?$")
PERSON_LABEL = re.compile(r"^(?P<name>.+?)\s*[（(](?P<unit>[^（）()]+)[）)]\s*$")
BLANK_CHECKLIST_ROWS = 3
BLANK_SUGGESTION_ROWS = 2
#: What the file picker offers: photos (the camera on a phone) and the other types kept.
FILE_ACCEPT = ",".join(["image/*", *sorted(ATTACHMENT_TYPES)])
#: How many "N per group" lines a ranking choice may hold.
MAX_GROUPS = 50


BAD_DATE = gettext_lazy("Give the date as year-month-day, e.g. 2026-12-31.")


def date_or_none(text: str) -> datetime.date | None:
    """A date typed as YYYY-MM-DD (what a date input sends), or ``None``."""
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def refusal_problems(error: ApplicationError) -> list[tuple[str, str]]:
    """A service's refusal as ``(field, message)`` pairs (``""`` for no field)."""
    problems = error.extra.get("errors") or [{"field": "", "message": error.message}]
    return [(problem.get("field") or "", str(problem["message"])) for problem in problems]


def show_refusal(form: forms.Form, error: ApplicationError,
                 field_of: Callable[[str], str] | None = None) -> None:
    """A service's refusal on ``form``: each problem on the field it names (``field_of`` maps
    the service's names to the form's), the others above the form."""
    for name, message in refusal_problems(error):
        name = field_of(name) if field_of else name
        form.add_error(name if name in form.fields else None, message)


def unit_label(unit: Unit) -> str:
    """How a unit is typed and shown in a unit field: code, then name."""
    return f"{unit.code} {unit.name}"


def person_label(person: Person) -> str:
    """How a person is typed and shown in a person field: name (unit)."""
    return f"{person.name}（{person.unit.name}）"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _at(values: list[str], n: int) -> str:
    return values[n] if n < len(values) else ""


class Resolver:
    """Units under ``owner`` (by code, ``code name`` or a unique name) and people (by
    ``name`` or ``name（unit）``) that the actor sees. The messages name the owner's part
    (the organizer of an inspection, the supervising unit of a task) and what a form offers
    to tell people apart (a list to pick from, or nothing but the name and unit)."""

    def __init__(self, *, actor: Any, owner: Unit, missing_unit: Any = None,
                 ambiguous_person: Any = None) -> None:
        self.actor, self.owner = actor, owner
        self.missing_unit = missing_unit or MISSING_UNDER_ORGANIZER
        self.ambiguous_person = ambiguous_person or AMBIGUOUS_PICK

    def unit(self, text: str) -> Unit:
        text = " ".join(text.split())
        units = org_selectors.unit_list(actor=self.actor, under=self.owner)
        found = units.filter(code=text.split(" ", 1)[0]).first()
        if found is not None:
            return found
        named = list(units.filter(name=text)[:2])
        if len(named) == 1:
            return named[0]
        if named:
            raise LookupError(_("Several units are named “%(text)s”: give the code.")
                              % {"text": text})
        raise LookupError(str(self.missing_unit) % {"text": text})

    def person(self, text: str, *, unit: Unit | None = None) -> Person | None:
        """The person typed, or ``None`` for nothing typed; with ``unit``, one of that unit's
        people only (a leading cadre a finding is attributed to)."""
        text = text.strip()
        if not text:
            return None
        name, unit_name = split_person_label(text)
        people = org_selectors.person_list(actor=self.actor, search=name).filter(
            name=name, is_active=True)
        if unit_name:
            people = people.filter(unit__name=unit_name)
        if unit is not None:
            people = people.filter(unit=unit)
        return self.person_among(text, list(people[:2]), unit=unit)

    def person_among(self, text: str, people: Sequence[Person], *,
                     unit: Unit | None = None) -> Person | None:
        """The person typed, among ``people`` (loaded beforehand, each with its unit: the
        findings workbook reads many rows against the people of a few units), or ``None``
        for nothing typed. ``unit`` words the message when no one matches."""
        text = text.strip()
        if not text:
            return None
        name, unit_name = split_person_label(text)
        found = [p for p in people if p.name == name and p.is_active
                 and (not unit_name or p.unit.name == unit_name)]
        if len(found) == 1:
            return found[0]
        if found:
            raise LookupError(str(self.ambiguous_person) % {"text": text})
        if unit is not None:
            raise LookupError(_("No one called “%(text)s” at %(unit)s that you can see.")
                              % {"text": text, "unit": unit.name})
        raise LookupError(_("No one called “%(text)s” that you can see.") % {"text": text})


def split_person_label(text: str) -> tuple[str, str]:
    """A person as typed: ``name`` or ``name（unit）``, as (name, unit name or "")."""
    match = PERSON_LABEL.match(text.strip())
    return (match["name"], match["unit"]) if match else (text.strip(), "")


MISSING_UNDER_ORGANIZER = gettext_lazy("No unit “%(text)s” under the organizer that you can "
                                       "see.")
MISSING_UNDER_SUPERVISOR = gettext_lazy("No unit “%(text)s” under the supervising unit that "
                                        "you can see.")
AMBIGUOUS_PICK = gettext_lazy("Several people are called “%(text)s”: pick one from the list.")
AMBIGUOUS_WRITE_UNIT = gettext_lazy("Several people are called “%(text)s”: write "
                                    "name（unit）.")


# --- the plan ---------------------------------------------------------------------------------

class TeamFields(forms.Form):
    """What every plan has, whether its targets are typed or come from a ranking."""

    owner = forms.TypedChoiceField(
        label=gettext_lazy("Organizer"), coerce=int, error_messages={
            "invalid_choice": gettext_lazy("Pick the organizer among the units you "
                                           "supervise.")})
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"required": True}))
    purpose = forms.CharField(label=pgettext_lazy("inspection", "Purpose"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(label=gettext_lazy("Start"), widget=_date_input())
    ends_on = forms.DateField(label=gettext_lazy("End"), widget=_date_input())
    leader = forms.CharField(label=gettext_lazy("Team leader"), max_length=240,
                             required=False)
    members = forms.CharField(
        label=gettext_lazy("Team members"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Names separated by 、 or commas; “name（unit）” when two "
                               "people share a name."))

    def __init__(self, *args: Any, owners: Sequence[tuple[int, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = list(owners)
        self.fields["leader"].widget.attrs.update({"autocomplete": "off",
                                                   "list": "person-options"})


class RankingPlanForm(TeamFields):
    """The plan of an inspection of a ranking's bottom: an inspection or a guidance visit."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=[
        (k, label) for k, label in InspectionKind.choices if k != InspectionKind.RECHECK])

    field_order = ["owner", "title", "kind"]


class InspectionForm(TeamFields):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=InspectionKind.choices)
    targets = forms.CharField(
        label=gettext_lazy("Units to inspect"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One unit per line, by code or name; a reason may follow a "
                               "colon, e.g. “230123 依兰县：满意度倒数第一”. A re-check left "
                               "blank visits the units with closed-out findings."))
    rechecks = forms.TypedChoiceField(
        label=gettext_lazy("Re-check of"), coerce=int, required=False, empty_value=None,
        help_text=gettext_lazy("For a re-check (回头看): the inspection whose findings it "
                               "revisits."))

    field_order = ["owner", "title", "kind", "rechecks", "purpose", "starts_on", "ends_on",
                   "leader", "members", "targets"]

    def __init__(self, *args: Any, earlier: Sequence[Inspection] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rechecks"].choices = [("", "—"), *(
            (i.pk, f"{i.title}（{i.starts_on:%Y-%m-%d}）") for i in earlier)]
        self.earlier = {i.pk: i for i in earlier}


@dataclass
class ChecklistRow:
    code: str = ""
    text: str = ""

    @property
    def blank(self) -> bool:
        return not (self.code.strip() or self.text.strip())


@dataclass
class PlanEditor:
    """The plan form with its checklist rows, as the new-inspection pages show and read it."""

    form: TeamFields
    checklist: list[ChecklistRow] = field(default_factory=list)
    checklist_errors: list[str] = field(default_factory=list)

    @classmethod
    def bound(cls, form: TeamFields, post: QueryDict) -> PlanEditor:
        codes, texts = post.getlist("cl_code"), post.getlist("cl_text")
        rows = [ChecklistRow(_at(codes, n).strip(), _at(texts, n).strip())
                for n in range(max(len(codes), len(texts)))]
        return cls(form=form, checklist=[r for r in rows if not r.blank])

    @property
    def shown_checklist(self) -> list[ChecklistRow]:
        return [*self.checklist, *(ChecklistRow() for _ in range(BLANK_CHECKLIST_ROWS))]

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors or self.checklist_errors)

    def read(self, *, actor: Any, owner: Unit) -> dict[str, Any] | None:
        """The plan's keyword arguments for ``services.inspection_create`` (without the
        organizer), or ``None`` with the problems on the form."""
        data = self.form.cleaned_data
        resolver = Resolver(actor=actor, owner=owner)
        plan: dict[str, Any] = {
            "title": data["title"], "purpose": data["purpose"],
            "starts_on": data["starts_on"], "ends_on": data["ends_on"],
            "checklist": [(row.code, row.text) for row in self.checklist]}
        plan["leader"] = self._person(resolver, "leader", data["leader"])
        plan["members"] = self._people(resolver, data["members"])
        if "kind" in data:
            plan["kind"] = data["kind"]
        if isinstance(self.form, InspectionForm):
            plan["targets"] = self._targets(resolver, data["targets"])
            plan["rechecks"] = self.form.earlier.get(data["rechecks"]) if data[
                "rechecks"] else None
        return None if self.has_errors else plan

    def _person(self, resolver: Resolver, name: str, text: str) -> Person | None:
        try:
            return resolver.person(text)
        except LookupError as missing:
            self.form.add_error(name, str(missing))
            return None

    def _people(self, resolver: Resolver, text: str) -> list[Person]:
        people = []
        for name in SEPARATORS.split(text):
            if name.strip():
                person = self._person(resolver, "members", name)
                if person is not None:
                    people.append(person)
        return list(dict.fromkeys(people))

    def _targets(self, resolver: Resolver, text: str) -> list[TargetData]:
        targets = []
        for line in text.splitlines():
            match = TARGET_LINE.match(line.strip())
            if not match:
                continue
            try:
                unit = resolver.unit(match["unit"])
            except LookupError as missing:
                self.form.add_error("targets", str(missing))
                continue
            targets.append(TargetData(unit=unit, reason=(match["reason"] or "").strip()))
        return targets

    def show_problems(self, error: ApplicationError) -> None:
        """A service's refusal: ``checklist`` above the rows, the others on the fields."""
        for name, message in refusal_problems(error):
            if name == "checklist":
                self.checklist_errors.append(message)
            else:
                self.form.add_error(name if name in self.form.fields else None, message)


# --- from a ranking ---------------------------------------------------------------------------

class RankingForm(forms.Form):
    """Which ranking, and how many units of its bottom per ranking group."""

    source = forms.ChoiceField(label=gettext_lazy("Ranking"), error_messages={
        "invalid_choice": gettext_lazy("Pick a survey or an assessment from the list.")})
    bottom = forms.CharField(
        label=gettext_lazy("Bottom N"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One number for every ranking group (e.g. 3), or one line per "
                               "group: its name and a number (e.g. “市 3” and “县 10”)."))

    def __init__(self, *args: Any, sources: Sequence[tuple[str, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "—"), *sources]

    def clean_bottom(self) -> int | dict[str, int]:
        return parse_bottom(self.cleaned_data["bottom"])

    def source_parts(self) -> tuple[str, int]:
        kind, _sep, number = self.cleaned_data["source"].partition(":")
        return kind, int(number)


def parse_bottom(text: str) -> int | dict[str, int]:
    """“3” for three of every group; “市 3 / 县 10” lines for a number per group."""
    text = text.strip()
    if text.isdecimal() and text.isascii():
        return _positive(int(text))
    wanted: dict[str, int] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        name, _sep, number = re.sub(r"[:：=]", " ", line).rpartition(" ")
        if not name.strip() or not (number.strip().isdecimal() and number.strip().isascii()):
            raise forms.ValidationError(
                _("“%(line)s”: write the group's name, then a number.") % {"line": line})
        wanted[name.strip()] = _positive(int(number))
    if not wanted or len(wanted) > MAX_GROUPS:
        raise forms.ValidationError(_("Give a number, or one line per ranking group."))
    return wanted


def _positive(number: int) -> int:
    if not 0 < number <= 1000:
        raise forms.ValidationError(_("The number is between 1 and 1000."))
    return number


# --- a finding --------------------------------------------------------------------------------

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; their types and sizes are the service's to check."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": FILE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class FindingForm(forms.Form):
    """A finding as entered on site: the unit among the targets, the organizer's categories,
    the inspection's checklist. The suggestions are rows (``suggestions``)."""

    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none(),
                                  empty_label="—")
    category = forms.ModelChoiceField(label=gettext_lazy("Finding category"), required=False,
                                      queryset=FindingCategory.objects.none(),
                                      empty_label="—")
    checklist_item = forms.ModelChoiceField(label=gettext_lazy("Checklist item"),
                                            required=False,
                                            queryset=ChecklistItem.objects.none(),
                                            empty_label="—")
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), choices=Severity.choices,
                                 initial=Severity.MODERATE, widget=forms.RadioSelect)
    description = forms.CharField(label=gettext_lazy("The problem"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4, "required": True}))
    files = MultipleFileField(
        label=gettext_lazy("Photos and files"), required=False,
        help_text=gettext_lazy("Take photos or pick them; PDF or Office files too, each "
                               "under 20 MB."))
    deadline = forms.DateField(
        label=gettext_lazy("Deadline for the rectification"), required=False,
        widget=_date_input(),
        help_text=gettext_lazy("Leave empty to set it by the severity: serious 15 days, "
                               "moderate 30, minor 60."))
    person = forms.CharField(
        label=gettext_lazy("Attributed to (leading cadre)"), max_length=240, required=False,
        help_text=gettext_lazy("A leading cadre of the unit the problem is attributed to, by "
                               "name; it then counts on the cadre's negative list. Leave "
                               "empty when no one is named."))

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.attrs.update({"autocomplete": "off",
                                                   "list": "person-options"})
        self.fields["unit"].queryset = Unit.objects.filter(
            inspection_targets__inspection=inspection).order_by("inspection_targets__position")
        self.fields["category"].queryset = FindingCategory.objects.filter(
            owner_id=inspection.owner_id, is_active=True)
        self.fields["checklist_item"].queryset = inspection.checklist.all()
        self.fields["unit"].label_from_instance = unit_label
        self.fields["unit"].error_messages["invalid_choice"] = _(
            "Pick a unit this inspection visits.")


def suggestion_rows(post: QueryDict | None) -> list[str]:
    texts = [t.strip() for t in post.getlist("suggestions")] if post is not None else []
    return [t for t in texts if t]


# --- the workbook, the categories ---------------------------------------------------------------

class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Findings workbook (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class CategoriesForm(forms.Form):
    names = forms.CharField(
        label=gettext_lazy("Categories"), required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("One per line, in the order they are offered. A category left "
                               "out is set aside, never deleted: the findings keep it."))
