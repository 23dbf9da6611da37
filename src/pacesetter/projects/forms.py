"""Forms of the project pages: the plan (with its co-units and milestone rows), progress
reports, claims, decisions, follow-ups and recognition.

The forms parse and present; the rules (a title, a deadline after the start, percents that only
go up, the file types) are the services', whose messages land on these forms' fields. Units and
people are typed or picked from a suggestion list and resolved here within the user's scope.
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
from pacesetter.projects.models import Grade, Milestone, Portfolio, Project
from pacesetter.projects.services import MilestoneData, ProjectData
from pacesetter.userinput import ATTACHMENT_TYPES

TAG_SEPARATORS = re.compile(r"[,，、;；\n]+")
PERSON_LABEL = re.compile(r"^(?P<name>.+?)\s*[（(](?P<unit>[^（）()]+)[）)]\s*$")
BLANK_MILESTONE_ROWS = 2  # empty rows offered without JavaScript
BLANK_CO_UNIT_ROWS = 2
#: What the file picker offers: photos (the camera on a phone) and the types the reports take.
FILE_ACCEPT = ",".join(["image/*", *sorted(ATTACHMENT_TYPES)])


def refusal_problems(error: ApplicationError) -> list[tuple[str, str]]:
    """A service's refusal as ``(field, message)`` pairs: each problem it names (``field`` as
    the service calls it, ``""`` for none), or its message alone when it names none."""
    problems = error.extra.get("errors") or [{"field": "", "message": error.message}]
    return [(problem.get("field") or "", str(problem["message"])) for problem in problems]


def show_refusal(form: forms.Form, error: ApplicationError,
                 field_of: Callable[[str], str] | None = None) -> None:
    """A service's refusal on ``form``: each problem on the form's field of that name
    (``field_of`` maps the service's names to the form's), the others above the form."""
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


class ProjectForm(forms.Form):
    """The plan's single fields; co-units and milestones are rows (``PlanEditor``). Title and
    dates are checked by ``services.project_create``/``project_update``, not here."""

    code = forms.CharField(label=pgettext_lazy("project", "Number"), max_length=32, required=False)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"required": True}))
    category = forms.CharField(label=gettext_lazy("Category"), max_length=64, required=False)
    lead_unit = forms.CharField(
        label=gettext_lazy("Lead unit"), max_length=240, required=False,
        help_text=gettext_lazy("Type a unit code or name and pick it from the list; leave "
                               "empty for a project units will claim."))
    leader = forms.CharField(label=gettext_lazy("Responsible leader"), max_length=240,
                             required=False)
    owner = forms.CharField(label=pgettext_lazy("project", "Owner"), max_length=240, required=False)
    goal = forms.CharField(label=gettext_lazy("Goal"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=gettext_lazy("Measures"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = forms.DateField(label=gettext_lazy("Start"), required=False,
                                widget=_date_input())
    deadline = forms.DateField(label=gettext_lazy("Deadline"), required=False,
                               widget=_date_input())
    budget = forms.DecimalField(label=gettext_lazy("Budget (10k yuan)"), required=False,
                                max_digits=12, decimal_places=2)
    tags = forms.CharField(label=gettext_lazy("Tags"), max_length=500, required=False,
                           help_text=gettext_lazy("Separated by commas or 、."))
    proposed_by = forms.ModelChoiceField(label=gettext_lazy("Proposed by"),
                                         queryset=Unit.objects.none(), required=False,
                                         empty_label=None)

    def __init__(self, *args: Any, organizer: bool = True,
                 proposing_units: Sequence[Unit] = (), creating: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not organizer:
            del self.fields["lead_unit"]
        if organizer or not creating:
            del self.fields["proposed_by"]
        else:
            self.fields["proposed_by"].queryset = Unit.objects.filter(
                pk__in=[u.pk for u in proposing_units]).order_by("path")
            self.fields["proposed_by"].required = True
        for name in ("lead_unit", "leader", "owner"):
            if name in self.fields:
                self.fields[name].widget.attrs.update({"autocomplete": "off",
                                                       "list": f"{name}-options"})


@dataclass
class MilestoneRow:
    """A milestone row as typed, with the problem found in it; ``id`` (a hidden field) names
    the milestone the row edits, so that a renamed milestone keeps its progress."""

    title: str = ""
    due_on: str = ""
    deliverable: str = ""
    error: str = ""
    id: str = ""

    @property
    def blank(self) -> bool:
        return not (self.title.strip() or self.due_on.strip() or self.deliverable.strip())


@dataclass
class CoUnitRow:
    text: str = ""
    error: str = ""


@dataclass
class PlanEditor:
    """The plan form with its rows: what the new-project and edit pages show and read."""

    form: ProjectForm
    milestones: list[MilestoneRow] = field(default_factory=list)
    co_units: list[CoUnitRow] = field(default_factory=list)
    #: Problems of the milestones as a whole (one that cannot be removed), above the rows.
    milestone_errors: list[str] = field(default_factory=list)

    @classmethod
    def bound(cls, post: QueryDict, **form_kwargs: Any) -> PlanEditor:
        """The editor as posted; a row left blank is dropped (a milestone it held is
        removed)."""
        titles, dues = post.getlist("ms_title"), post.getlist("ms_due")
        deliverables, ids = post.getlist("ms_deliverable"), post.getlist("ms_id")
        count = max(len(titles), len(dues), len(deliverables))
        rows = [MilestoneRow(_at(titles, n), _at(dues, n), _at(deliverables, n),
                             id=_at(ids, n).strip()) for n in range(count)]
        return cls(form=ProjectForm(post, **form_kwargs),
                   milestones=[r for r in rows if not r.blank],
                   co_units=[CoUnitRow(t) for t in post.getlist("co_units") if t.strip()])

    @classmethod
    def for_project(cls, project: Project, **form_kwargs: Any) -> PlanEditor:
        """The edit page's editor, filled with the project as it stands."""
        initial = {
            "code": project.code, "title": project.title, "category": project.category,
            "lead_unit": unit_label(project.lead_unit) if project.lead_unit else "",
            "leader": person_label(project.leader) if project.leader else "",
            "owner": person_label(project.owner) if project.owner else "",
            "goal": project.goal, "measures": project.measures,
            "starts_on": project.starts_on, "deadline": project.deadline,
            "budget": project.budget, "tags": "、".join(project.tags)}
        return cls(form=ProjectForm(initial=initial, **form_kwargs),
                   milestones=[MilestoneRow(m.title, m.due_on.isoformat(), m.deliverable,
                                            id=str(m.pk)) for m in project.milestones.all()],
                   co_units=[CoUnitRow(unit_label(u)) for u in project.co_units.all()])

    @property
    def shown_milestones(self) -> list[MilestoneRow]:
        """The rows, and blank ones to fill in without JavaScript."""
        return [*self.milestones, *(MilestoneRow() for _ in range(BLANK_MILESTONE_ROWS))]

    @property
    def shown_co_units(self) -> list[CoUnitRow]:
        return [*self.co_units, *(CoUnitRow() for _ in range(BLANK_CO_UNIT_ROWS))]

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors or self.milestone_errors
                    or any(r.error for r in self.milestones)
                    or any(r.error for r in self.co_units))

    def read(self, *, actor: Any, portfolio: Portfolio, project: Project | None = None
             ) -> tuple[ProjectData, list[MilestoneData]] | None:
        """The plan as the services take it, or ``None`` with the problems on the form.
        Units and people resolve within the actor's scope; a project's current ones stay
        whoever sees them."""
        if not self.form.is_valid():
            return None
        data = self.form.cleaned_data
        resolver = _Resolver(actor=actor, portfolio=portfolio, project=project)
        plan = ProjectData(
            title=data["title"], code=data["code"], category=data["category"],
            goal=data["goal"], measures=data["measures"], starts_on=data["starts_on"],
            deadline=data["deadline"], budget=data["budget"],
            tags=[t.strip() for t in TAG_SEPARATORS.split(data["tags"]) if t.strip()])
        if "lead_unit" in self.fields_present:
            plan.lead_unit = self._resolve_field("lead_unit", resolver.unit)
        plan.leader = self._resolve_field("leader", resolver.person)
        plan.owner = self._resolve_field("owner", resolver.person)
        co_units = []
        for row in self.co_units:
            try:
                co_units.append(resolver.unit(row.text))
            except LookupError as missing:
                row.error = str(missing)
        plan.co_units = list(dict.fromkeys(u for u in co_units if u is not None))
        # a row's id counts only for a milestone the project has (a form left open while
        # another removed it, or a forged id, edits nothing: the row is a new milestone)
        known = set(project.milestones.values_list("pk", flat=True)) if project else set()
        milestones = [self._milestone(number, row, known)
                      for number, row in enumerate(self.milestones, start=1)]
        if self.has_errors:
            return None
        return plan, [m for m in milestones if m is not None]

    @property
    def fields_present(self) -> set[str]:
        return set(self.form.fields)

    def _resolve_field(self, name: str, resolve: Any) -> Any:
        try:
            return resolve(self.form.cleaned_data[name])
        except LookupError as missing:
            self.form.add_error(name, str(missing))
            return None

    @staticmethod
    def _milestone(number: int, row: MilestoneRow, known: set[int]) -> MilestoneData | None:
        try:
            due_on = datetime.date.fromisoformat(row.due_on.strip())
        except ValueError:
            row.error = _("Milestone %(n)d: give its due date.") % {"n": number}
            return None
        return MilestoneData(title=row.title.strip(), due_on=due_on,
                             deliverable=row.deliverable.strip()[:300],
                             id=int(row.id) if row.id.isdigit() and int(row.id) in known
                             else None)

    def show_problems(self, error: ApplicationError) -> None:
        """A service's refusal on the fields it names: ``milestones.N`` on row N,
        ``milestones`` above the rows, the others on the plan's fields or above the form."""
        for name, message in refusal_problems(error):
            number = name.removeprefix("milestones.")
            if number.isdigit() and 0 < int(number) <= len(self.milestones):
                self.milestones[int(number) - 1].error = message
            elif name == "milestones":
                self.milestone_errors.append(message)
            else:
                self.form.add_error(name if name in self.form.fields else None, message)


def _at(values: list[str], n: int) -> str:
    return values[n] if n < len(values) else ""


class _Resolver:
    """Units (by code, ``code name``, or a name that is unique) under the portfolio's organizer
    and people (by ``name`` or ``name（unit）``) that the actor sees."""

    def __init__(self, *, actor: Any, portfolio: Portfolio, project: Project | None) -> None:
        self.actor, self.portfolio = actor, portfolio
        self.current_units = {}
        self.current_people = {}
        if project is not None:
            units = [u for u in (project.lead_unit, *project.co_units.all()) if u is not None]
            self.current_units = {unit_label(u): u for u in units}
            people = [p for p in (project.leader, project.owner) if p is not None]
            self.current_people = {person_label(p): p for p in people}

    def unit(self, text: str) -> Unit | None:
        text = " ".join(text.split())
        if not text:
            return None
        if text in self.current_units:
            return self.current_units[text]
        units = org_selectors.unit_list(actor=self.actor, under=self.portfolio.owner)
        code = text.split(" ", 1)[0]
        found = units.filter(code=code).first()
        if found is not None:
            return found
        named = list(units.filter(name=text)[:2])
        if len(named) == 1:
            return named[0]
        if named:
            raise LookupError(_("Several units are named “%(text)s”: give the code.")
                              % {"text": text})
        raise LookupError(_("No unit “%(text)s” under the organizer that you can see.")
                          % {"text": text})

    def person(self, text: str) -> Person | None:
        text = text.strip()
        if not text:
            return None
        if text in self.current_people:
            return self.current_people[text]
        match = PERSON_LABEL.match(text)
        name, unit_name = (match["name"], match["unit"]) if match else (text, "")
        people = org_selectors.person_list(actor=self.actor, search=name).filter(
            name=name, is_active=True)
        if unit_name:
            people = people.filter(unit__name=unit_name)
        found = list(people[:2])
        if len(found) == 1:
            return found[0]
        if found:
            raise LookupError(_("Several people are called “%(text)s”: pick one from the "
                                "list.") % {"text": text})
        raise LookupError(_("No one called “%(text)s” that you can see.") % {"text": text})


# --- progress ---------------------------------------------------------------------------------

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; their types and sizes are ``progress_report``'s to check."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": FILE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def percent_field_name(milestone: Milestone) -> str:
    return f"percent_{milestone.pk}"


class ProgressForm(forms.Form):
    """A progress report: what was done, each milestone's percent (never below where it
    stands: the service refuses a drop), photos and files."""

    text = forms.CharField(label=gettext_lazy("Progress"), required=False,
                           widget=forms.Textarea(attrs={"rows": 5, "required": True}))
    files = MultipleFileField(
        label=gettext_lazy("Photos and files"), required=False,
        help_text=gettext_lazy("Photos, PDF or Office files; up to 9, each under 20 MB."))

    def __init__(self, *args: Any, milestones: Sequence[Milestone] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.milestones = list(milestones)
        for milestone in self.milestones:
            self.fields[percent_field_name(milestone)] = forms.IntegerField(
                label=milestone.title, required=False, initial=milestone.percent,
                widget=forms.NumberInput(attrs={"min": milestone.percent, "max": 100,
                                                "step": 1, "inputmode": "numeric"}))
        self.order_fields(["text", *(percent_field_name(m) for m in self.milestones), "files"])

    def percent_fields(self) -> list[Any]:
        return [self[percent_field_name(m)] for m in self.milestones]

    def percents(self) -> dict[int, int]:
        """The percents given (an empty box leaves the milestone as it is)."""
        return {m.pk: self.cleaned_data[percent_field_name(m)] for m in self.milestones
                if self.cleaned_data.get(percent_field_name(m)) is not None}

    def show_problems(self, error: ApplicationError) -> None:
        """A refusal of ``progress_report``: ``percents.<id>`` on that milestone's box."""
        show_refusal(self, error, lambda name: f"percent_{name[len('percents.'):]}"
                     if name.startswith("percents.") else name)


# --- the project page's small forms ----------------------------------------------------------

class StepForm(forms.Form):
    """A lifecycle step: the note and the grade are checked by ``services.project_step``."""

    step = forms.CharField(max_length=32)
    note = forms.CharField(label=gettext_lazy("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    grade = forms.ChoiceField(label=gettext_lazy("Acceptance grade"), required=False,
                              choices=[("", "—"), *Grade.choices])


class ClaimForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("Claim for"),
                                  queryset=Unit.objects.none(), empty_label=None)
    plan = forms.CharField(label=gettext_lazy("How your unit will carry it out"),
                           required=False, widget=forms.Textarea(attrs={"rows": 3,
                                                                         "required": True}))

    def __init__(self, *args: Any, units: Sequence[Unit] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("decline", "decline")])
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


class FollowUpForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("What is to be done"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3, "required": True}))
    milestone = forms.ModelChoiceField(label=gettext_lazy("Milestone"),
                                       queryset=Milestone.objects.none(), required=False,
                                       empty_label=gettext_lazy("The whole project"))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = project.milestones.all()


class ReplyForm(forms.Form):
    reply = forms.CharField(label=gettext_lazy("Reply"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2, "required": True}))


class RecognizeForm(forms.Form):
    outstanding = forms.BooleanField(label=gettext_lazy("Landmark achievement"),
                                     required=False)
    replication_case = forms.BooleanField(label=gettext_lazy("Case for replication"),
                                          required=False)
