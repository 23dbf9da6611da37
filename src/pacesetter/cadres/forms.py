"""Forms of the cadre pages. Lists (dimensions, grades, bands) are typed one per line, the
way an organization department writes them in a notice, and parsed here; the services
check them."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.cadres.models import QuotaRounding, RaterRole, Source

SPLIT = re.compile(r"[\s|｜,，]+")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_dimensions(text: str) -> list[dict[str, Any]]:
    """"政治思想 20" per line (the weight may be left out: 1)."""
    rows = []
    for line in _lines(text):
        parts = SPLIT.split(line)
        rows.append({"name": parts[0], "weight": parts[1] if len(parts) > 1 else 1})
    return rows


def parse_grades(text: str) -> list[dict[str, Any]]:
    """"优秀 95 15%" per line: name, points, and an optional quota as a percentage."""
    rows = []
    for line in _lines(text):
        parts = SPLIT.split(line)
        row: dict[str, Any] = {"name": parts[0], "points": parts[1] if len(parts) > 1 else ""}
        if len(parts) > 2:
            quota = parts[2].rstrip("%％")
            try:
                row["quota"] = float(quota) / 100
            except ValueError:
                row["quota"] = quota
        rows.append(row)
    return rows


def parse_bands(text: str) -> list[dict[str, Any]]:
    """"下限|名称|行动|候选" per line, lowest first; the first line has no lower edge."""
    rows = []
    for line in _lines(text):
        parts = [p.strip() for p in re.split(r"[|｜]", line)]
        parts += [""] * (4 - len(parts))
        rows.append({"min": parts[0] or None, "label": parts[1], "action": parts[2],
                     "candidate": parts[3] in ("候选", "candidate", "1", "是", "yes")})
    return rows


def dimensions_text(rows: list[dict[str, Any]]) -> str:
    return "\n".join(f"{r['name']} {r['weight']:g}" for r in rows)


def grades_text(rows: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{r['name']} {r['points']:g}" + (f" {r['quota'] * 100:g}%" if "quota" in r else "")
        for r in rows)


def bands_text(rows: list[dict[str, Any]]) -> str:
    return "\n".join("|".join([
        "" if r["min"] is None else f"{r['min']:g}", r["label"], r["action"],
        "候选" if r.get("candidate") else ""]).rstrip("|") for r in rows)


class AppraisalForm(forms.Form):
    dimensions = forms.CharField(
        label=gettext_lazy("Dimensions rated"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One per line: name and weight, e.g. 政治思想 20."))
    grades = forms.CharField(
        label=gettext_lazy("Grades"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Best first, one per line: name, points and, for a limited "
                               "grade, the largest share of a ballot, e.g. 优秀 95 15%."))
    quota_rounding = forms.ChoiceField(label=gettext_lazy("Quota rounding"),
                                       choices=QuotaRounding.choices)
    drop_highest = forms.IntegerField(label=gettext_lazy("Highest ratings dropped"),
                                      min_value=0, max_value=5, initial=0)
    drop_lowest = forms.IntegerField(label=gettext_lazy("Lowest ratings dropped"),
                                     min_value=0, max_value=5, initial=0)
    survey = forms.ModelChoiceField(label=gettext_lazy("Public survey"), queryset=None,
                                    required=False)
    unit_plan = forms.ModelChoiceField(label=gettext_lazy("Units' assessment plan"),
                                       queryset=None, required=False)

    def __init__(self, *args: Any, codes: list[str], surveys: Any, unit_plans: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = surveys
        self.fields["unit_plan"].queryset = unit_plans
        choices = [("", _("— not used —")), *[(c, c) for c in codes]]
        for source, label in Source.choices:
            self.fields[f"source_{source}"] = forms.ChoiceField(
                label=_("%(source)s fills") % {"source": label}, choices=choices,
                required=False)

    def source_fields(self) -> list[Any]:
        return [self[f"source_{s}"] for s in Source.values]

    def sources(self) -> dict[str, str]:
        return {s: self.cleaned_data.get(f"source_{s}") or "" for s in Source.values}


class RatersForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Panel"), choices=RaterRole.choices)
    unit_code = forms.CharField(label=gettext_lazy("Rates the cadres of (unit code)"),
                                max_length=32)
    names = forms.CharField(
        label=gettext_lazy("Raters"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("One name per line. A rater found by name in the register is "
                               "kept off their own ballot."))


class ConflictsForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Cadres this rater must not rate"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, cadres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = cadres


class BandsForm(forms.Form):
    bands = forms.CharField(
        label=gettext_lazy("Bands of the index"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Lowest first, one per line: lower edge | name | action | "
                               "候选 if its cadres are candidates for selection. The first "
                               "line has no lower edge, e.g. |提醒谈话|组织部约谈提醒."))


class CloseFollowUpForm(forms.Form):
    outcome = forms.CharField(label=gettext_lazy("What was done"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Your one-time code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off",
                                                         "autocapitalize": "characters",
                                                         "inputmode": "latin"}))
