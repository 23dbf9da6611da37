"""Forms of the plan editor: a plan's settings, catalog entries with their scoring rule, and
the three ways of setting weights (by hand, AHP grid, from data)."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.assessment import scoring
from pacesetter.assessment.models import (
    WEIGHTED_RULES,
    DataType,
    Direction,
    Indicator,
    PeriodKind,
    PlanIndicator,
    RuleKind,
    SubjectKind,
)

LEVEL_NAMES = {1: _("Province"), 2: _("City"), 3: _("County"), 4: _("Township"),
               5: _("Village or branch")}
NUMBER_LIMIT = 10**13


def level_choices(deepest: int, *, above: int = 1) -> list[tuple[int, str]]:
    """(level, name) for the levels below ``above`` down to ``deepest``."""
    return [(level, str(LEVEL_NAMES.get(level, _("Level %(n)d") % {"n": level})))
            for level in range(above + 1, max(deepest, above + 1) + 1)]


class PlanForm(forms.Form):
    """A plan's settings, as ``services.plan_create`` and ``plan_update`` take them."""

    name = forms.CharField(label=_("Name"), max_length=200)
    series = forms.CharField(
        label=_("Series"), max_length=100, required=False,
        help_text=_("Plans of successive periods with the same series are compared with each "
                    "other, and objective weights are derived from the previous one."))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, empty_label=None)
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    period_day = forms.DateField(label=_("A day in the period"),
                                 widget=forms.DateInput(attrs={"type": "date"},
                                                        format="%Y-%m-%d"))
    subject_kind = forms.ChoiceField(
        label=_("Assessed subjects"), choices=SubjectKind.choices, initial=SubjectKind.UNIT,
        required=False,
        help_text=_("Leading cadres: the people holding the positions below in the assessed "
                    "units, each ranked among the holders of the same position."))
    assessed_positions = forms.CharField(
        label=_("Assessed positions"), required=False, max_length=2000,
        help_text=_("For leading cadres: positions separated by commas, e.g. 县委书记, 县长."))
    assessed_levels = forms.TypedMultipleChoiceField(
        label=_("Assessed levels"), coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every level below the owner."))
    assessed_groups = forms.MultipleChoiceField(
        label=_("Assessed peer groups"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: units of any peer group."))
    ranking_groups = forms.MultipleChoiceField(
        label=_("Ranking peer groups"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Units are ranked within the first of these groups they belong to."))
    assessed_unit_codes = forms.CharField(
        label=_("Assessed units, by code"), required=False, max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: unit codes separated by spaces, commas or new lines. When "
                    "given, exactly these units are assessed and the levels and peer groups "
                    "above are not used."))
    red_top_n = forms.IntegerField(label=_("Red list: top N"), required=False, min_value=0,
                                   max_value=2**31 - 1)
    red_top_percent = forms.DecimalField(label=_("Red list: top %"), required=False,
                                         min_value=0, max_value=100, max_digits=5,
                                         decimal_places=2)
    black_bottom_n = forms.IntegerField(label=_("Black list: bottom N"), required=False,
                                        min_value=0, max_value=2**31 - 1)
    black_bottom_percent = forms.DecimalField(label=_("Black list: bottom %"), required=False,
                                              min_value=0, max_value=100, max_digits=5,
                                              decimal_places=2)
    gray_below_score = forms.DecimalField(label=_("Gray list: below score"), required=False,
                                          max_digits=8, decimal_places=2)

    LIST_RULES = ("red_top_n", "red_top_percent", "black_bottom_n", "black_bottom_percent",
                  "gray_below_score")

    def __init__(self, *args: Any, owners: Any, levels: list[tuple[int, str]],
                 groups: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["assessed_levels"].choices = levels  # type: ignore[attr-defined]
        group_choices = [(name, name) for name in groups]
        self.fields["assessed_groups"].choices = group_choices  # type: ignore[attr-defined]
        self.fields["ranking_groups"].choices = group_choices  # type: ignore[attr-defined]

    def settings(self) -> dict[str, Any]:
        """The cleaned settings as the services take them (the period aside)."""
        data = self.cleaned_data
        return {"owner": data["owner"], "name": data["name"], "series": data["series"],
                "subject_kind": data["subject_kind"] or SubjectKind.UNIT,
                "assessed_positions": [p for p in _LIST_SEPARATORS.split(
                    data["assessed_positions"].strip()) if p],
                "assessed_levels": data["assessed_levels"],
                "assessed_groups": data["assessed_groups"],
                "ranking_groups": data["ranking_groups"],
                "assessed_unit_codes": re.split(r"[\s,，、;；]+",
                                                data["assessed_unit_codes"].strip())
                if data["assessed_unit_codes"].strip() else [],
                **{name: data[name] for name in self.LIST_RULES}}


def _number(label: Any, **kwargs: Any) -> forms.FloatField:
    return forms.FloatField(label=label, required=False, min_value=-NUMBER_LIMIT,
                            max_value=NUMBER_LIMIT,
                            widget=forms.NumberInput(attrs={"step": "any"}), **kwargs)


NORMALIZE_LABELS = {"minmax": _("Min–max (best unit 100, worst 0)"),
                    "target": _("Ratio to target (capped at 100)"),
                    "efficacy": _("Efficacy coefficient (60 at unacceptable, 100 at satisfactory)")}

# For each rule kind: its parameter → the form field that edits it. The first field is where a
# message naming no parameter is shown.
RULE_FIELDS: dict[str, dict[str, str]] = {
    RuleKind.NORMALIZE: {"method": "norm_method", "target": "norm_target",
                         "satisfactory": "norm_satisfactory", "unacceptable": "norm_unacceptable"},
    RuleKind.BANDS: {"bands": "bands"},
    RuleKind.TARGET: {"target": "target_target", "cap": "target_cap"},
    RuleKind.RANK: {"points": "rank_points", "otherwise": "rank_otherwise"},
    RuleKind.DEDUCTION: {"per": "occ_per", "cap": "occ_cap", "source": "occ_source"},
    RuleKind.BONUS: {"per": "occ_per", "cap": "occ_cap", "source": "occ_source"},
    RuleKind.VETO: {"at_least": "veto_at_least"},
}
BAND_ROWS_BLANK = 2
_LIST_SEPARATORS = re.compile(r"[\s,，、;；]+")


class RuleFormMixin(forms.Form):
    """The rule editor: one group of fields per rule kind; ``rule()`` gives the kind and its
    parameters once ``scoring.validate_rule`` has accepted them, whose message is put next
    to the field it concerns. Bands come as rows of ``band_threshold`` / ``band_points``."""

    rule_kind = forms.ChoiceField(label=_("Scoring rule"), choices=RuleKind.choices)
    norm_method = forms.ChoiceField(label=_("Normalization method"), required=False,
                                    choices=[("", "—"), *NORMALIZE_LABELS.items()])
    norm_target = _number(_("Target"))
    norm_satisfactory = _number(_("Satisfactory value"))
    norm_unacceptable = _number(_("Unacceptable value"))
    bands = forms.CharField(label=_("Bands"), required=False, widget=forms.HiddenInput)
    target_target = _number(_("Target"))
    target_cap = _number(_("Cap (ratio)"),
                         help_text=_("1 caps the points at 100; 1.2 rewards up to 120."))
    rank_points = forms.CharField(label=_("Points of the first ranks"), required=False,
                                  max_length=500,
                                  help_text=_("In rank order, separated by commas: 100, 95, 90"))
    rank_otherwise = _number(_("Points of the other ranks"))
    occ_per = _number(_("Points per occurrence"))
    occ_cap = _number(_("Cap"))
    occ_source = forms.ChoiceField(
        label=_("Counted from"), required=False, initial=scoring.SOURCE_VALUES,
        choices=[(scoring.SOURCE_VALUES, _("Reported figure")),
                 (scoring.SOURCE_LIST, _("Achievement and negative lists"))],
        help_text=_("Lists: the unit's confirmed entries under this indicator are counted, a "
                    "bonus from the achievement list, a deduction from the negative list."))
    veto_at_least = _number(_("Vetoed when the value reaches"),
                            help_text=_("1 for a yes/no indicator."))

    def band_rows(self) -> list[tuple[Any, Any]]:
        """The rows of the bands table as shown: as posted, or as stored, then blank rows."""
        if self.is_bound:
            rows = list(zip(self.data.getlist("band_threshold"),
                            self.data.getlist("band_points"), strict=False))
        else:
            rows = [tuple(band) for band in self.initial.get("bands_list", [])]
        return [*rows, *[("", "")] * BAND_ROWS_BLANK]

    def _bands(self) -> list[list[float]]:
        bands = []
        for threshold, points in zip(self.data.getlist("band_threshold"),
                                     self.data.getlist("band_points"), strict=False):
            if not threshold.strip() and not points.strip():
                continue
            try:
                bands.append([float(threshold), float(points)])
            except ValueError:
                raise forms.ValidationError(
                    _("Give each band a number as threshold and as points.")) from None
        return bands

    def _rank_points(self) -> list[float]:
        text = self.cleaned_data.get("rank_points") or ""
        try:
            return [float(p) for p in _LIST_SEPARATORS.split(text.strip()) if p]
        except ValueError:
            raise forms.ValidationError(_("Give numbers separated by commas.")) from None

    def _rule_parameters(self, kind: str) -> dict[str, Any]:
        data = self.cleaned_data
        if kind == RuleKind.BANDS:
            return {"bands": self._bands()}
        if kind == RuleKind.RANK:
            return {"points": self._rank_points(), "otherwise": data.get("rank_otherwise")}
        return {key: data.get(name) for key, name in RULE_FIELDS[kind].items()
                if data.get(name) not in (None, "")}

    def clean_rule(self) -> None:
        """Check the rule of the chosen kind; call from ``clean``."""
        kind = self.cleaned_data.get("rule_kind")
        if not kind or any(name in self.errors for name in RULE_FIELDS[kind].values()):
            return
        try:
            params = self._rule_parameters(kind)
            self.cleaned_rule = scoring.validate_rule(kind, params)
        except forms.ValidationError as error:
            self.add_error(next(iter(RULE_FIELDS[kind].values())), error)
        except scoring.RuleError as error:
            self.add_error(self._field_of(kind, str(error)), str(error))

    def _field_of(self, kind: str, message: str) -> str:
        """The field a rule message concerns: the parameter it names in quotes, else the
        value it compares with (efficacy), else the kind's first field."""
        fields = RULE_FIELDS[kind]
        for key, name in fields.items():
            if f"“{key}”" in message:
                return name
        if kind == RuleKind.NORMALIZE and self.cleaned_data.get("norm_method") == "efficacy":
            return "norm_unacceptable"
        return next(iter(fields.values()))

    def rule(self) -> tuple[str, dict[str, Any]]:
        return self.cleaned_data["rule_kind"], self.cleaned_rule

    @staticmethod
    def rule_initial(kind: str, rule: dict[str, Any]) -> dict[str, Any]:
        """Initial field values showing a stored rule."""
        initial: dict[str, Any] = {"rule_kind": kind}
        if kind == RuleKind.BANDS:
            initial["bands_list"] = [list(band) for band in rule.get("bands", [])]
        elif kind == RuleKind.RANK:
            initial["rank_points"] = ", ".join(f"{p:g}" for p in rule.get("points", []))
            initial["rank_otherwise"] = rule.get("otherwise")
        elif kind in RULE_FIELDS:
            for key, name in RULE_FIELDS[kind].items():
                if key in rule:
                    initial[name] = rule[key]
        return initial


class RuleForm(RuleFormMixin):
    """A plan's own rule for one of its indicators."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_rule()
        return data


class IndicatorForm(RuleFormMixin):
    """A catalog entry: a category (code, name, place) or an indicator with its rule."""

    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    parent = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False,
                                    empty_label=_("(top level)"))
    unit_of_measure = forms.CharField(label=_("Unit of measure"), max_length=20,
                                      required=False)
    direction = forms.TypedChoiceField(label=_("Direction"), choices=Direction.choices,
                                       coerce=int, initial=Direction.HIGHER)
    data_type = forms.ChoiceField(label=_("Data type"), choices=DataType.choices)
    min_value = forms.DecimalField(label=_("Minimum"), required=False, max_digits=18,
                                   decimal_places=4)
    max_value = forms.DecimalField(label=_("Maximum"), required=False, max_digits=18,
                                   decimal_places=4)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    sort_order = forms.IntegerField(label=_("Sort order"), initial=0, min_value=-(2**31),
                                    max_value=2**31 - 1)

    CATEGORY_FIELDS = ("code", "name", "parent", "description", "sort_order")
    INDICATOR_FIELDS = ("code", "name", "parent", "unit_of_measure", "direction", "data_type",
                        "min_value", "max_value", "description", "sort_order")

    def __init__(self, *args: Any, categories: Any, is_category: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_category = is_category
        self.fields["parent"].queryset = categories  # type: ignore[attr-defined]
        if is_category:
            for name in list(self.fields):
                if name not in self.CATEGORY_FIELDS:
                    del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _("The maximum is below the minimum."))
        if not self.is_category:
            self.clean_rule()
        return data

    def entry(self) -> dict[str, Any]:
        """The cleaned fields as ``indicator_create`` / ``indicator_update`` take them."""
        names = self.CATEGORY_FIELDS if self.is_category else self.INDICATOR_FIELDS
        fields = {name: self.cleaned_data[name] for name in names}
        if not self.is_category:
            fields["rule_kind"], fields["rule"] = self.rule()
        return fields

    @classmethod
    def initial_of(cls, indicator: Indicator) -> dict[str, Any]:
        initial = {name: getattr(indicator, name) for name in cls.INDICATOR_FIELDS}
        if not indicator.is_category:
            initial.update(cls.rule_initial(indicator.rule_kind, indicator.rule))
        return initial


class ManualWeightsForm(forms.Form):
    """A weight in percent for each scored indicator of the plan, ``w_<code>``."""

    def __init__(self, *args: Any, items: list[PlanIndicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes = [i.indicator.code for i in items if i.rule_kind in WEIGHTED_RULES]
        for item in items:
            if item.rule_kind in WEIGHTED_RULES:
                self.fields[f"w_{item.indicator.code}"] = forms.DecimalField(
                    label=item.indicator.name, min_value=0, max_value=100, max_digits=7,
                    decimal_places=4, initial=f"{item.weight.normalize():f}",
                    widget=forms.NumberInput(attrs={"step": "any", "data-weight": "",
                                                    "form": "weights-form",
                                                    "class": "weight"}))

    def weights(self) -> dict[str, Decimal]:
        return {code: self.cleaned_data[f"w_{code}"] for code in self.codes}


# Saaty's 1–9 scale: how much more important the row's indicator is than the column's.
SCALE: list[tuple[str, Fraction]] = [
    *[(str(n), Fraction(n)) for n in range(9, 1, -1)], ("1", Fraction(1)),
    *[(f"1/{n}", Fraction(1, n)) for n in range(2, 10)]]
SCALE_VALUES = dict(SCALE)
SCALE_MEANINGS = [(1, _("equally important")), (3, _("moderately more important")),
                  (5, _("strongly more important")), (7, _("very strongly more important")),
                  (9, _("extremely more important"))]
ENTROPY_VARIANT_LABELS = {"minmax": _("min–max standardized"), "raw": _("raw shares"),
                          "shifted": _("standardized and shifted (no ln 0)")}
# The engine's random-index tables reach 15 indicators.
AHP_MAX_SIZE = 15
RI_LABELS = {"saaty": _("Saaty (1980)"), "chinese": _("Chinese textbooks"),
             "tummala_ling": _("Tummala & Ling")}
AHP_METHOD_LABELS = {"eigenvector": _("Eigenvector (特征根法)"),
                     "arithmetic": _("Arithmetic mean (和积法)"),
                     "geometric": _("Geometric mean (方根法)")}


def scale_label(value: float) -> str:
    """The scale entry nearest to a stored judgment (0.3333 → "1/3")."""
    return min(SCALE, key=lambda entry: abs(float(entry[1]) - value))[0]


class AhpForm(forms.Form):
    """The upper triangle of the pairwise matrix over ``codes`` (``a_<i>_<j>`` for i < j, on
    Saaty's scale), the derivation method, the random-index table, and a reason that accepts
    an inconsistent matrix. The lower triangle is the reciprocal, computed exactly."""

    codes = forms.CharField(widget=forms.HiddenInput)
    method = forms.ChoiceField(label=_("Derivation"), choices=list(AHP_METHOD_LABELS.items()))
    ri = forms.ChoiceField(label=_("Random index table"), choices=list(RI_LABELS.items()))
    reason = forms.CharField(label=_("Reason to accept CR ≥ 0.1"), required=False,
                             max_length=500)

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code_list = codes
        self.fields["codes"].initial = ",".join(codes)
        choices = [(label, label) for label, _value in SCALE]
        for i in range(len(codes)):
            for j in range(i + 1, len(codes)):
                self.fields[f"a_{i}_{j}"] = forms.ChoiceField(
                    label=f"{codes[i]} : {codes[j]}", choices=choices, initial="1",
                    widget=forms.Select(attrs={"data-pair": f"{i}-{j}", "class": "pair"}))

    def clean_codes(self) -> str:
        if self.cleaned_data["codes"] != ",".join(self.code_list):
            raise forms.ValidationError(_("The plan's scored indicators have changed; reload "
                                          "the page."))
        return self.cleaned_data["codes"]

    def matrix(self) -> list[list[float]]:
        n = len(self.code_list)
        cells = [[Fraction(1)] * n for _i in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                value = SCALE_VALUES[self.cleaned_data[f"a_{i}_{j}"]]
                cells[i][j], cells[j][i] = value, 1 / value
        return [[float(cell) for cell in row] for row in cells]

    def grid(self) -> list[tuple[str, list[Any]]]:
        """Rows of the grid as shown: (code, cells); a cell is the select above the diagonal,
        the reciprocal's label below it, None on the diagonal."""
        n = len(self.code_list)
        labels = {}
        for i in range(n):
            for j in range(i + 1, n):
                field = self[f"a_{i}_{j}"]
                label = str(field.value() or "1")
                labels[(i, j)] = label
        rows = []
        for i in range(n):
            cells: list[Any] = []
            for j in range(n):
                if j > i:
                    cells.append(("select", self[f"a_{i}_{j}"], f"{i}-{j}"))
                elif j < i:
                    cells.append(("mirror", _reciprocal(labels[(j, i)]), f"{j}-{i}"))
                else:
                    cells.append(("diagonal", "1", ""))
            rows.append((self.code_list[i], cells))
        return rows

    @staticmethod
    def initial_from(details: dict[str, Any], codes: list[str]) -> dict[str, Any]:
        """The stored judgments, when they were made over the same indicators."""
        initial: dict[str, Any] = {"method": details.get("method", "eigenvector"),
                                   "ri": details.get("ri_table", "saaty"),
                                   "reason": details.get("override_reason", "")}
        if details.get("codes") != codes or "pairwise" not in details:
            return {k: v for k, v in initial.items() if k != "reason"}
        pairwise = details["pairwise"]
        for i in range(len(codes)):
            for j in range(i + 1, len(codes)):
                initial[f"a_{i}_{j}"] = scale_label(float(pairwise[i][j]))
        return initial


def _reciprocal(label: str) -> str:
    if label == "1":
        return "1"
    if label.startswith("1/"):
        return label[2:]
    return f"1/{label}"


class DataWeightsForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=[("critic", _("CRITIC")),
                                                           ("entropy", _("Entropy method"))])
    variant = forms.ChoiceField(label=_("Entropy variant"), initial="minmax", required=False,
                                choices=list(ENTROPY_VARIANT_LABELS.items()))
