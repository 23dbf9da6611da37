"""Forms of the surveys' pages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.orgs.forms import UnitImportForm
from pacesetter.orgs.models import PeerGroup, Role
from pacesetter.surveys.definitions import CODE
from pacesetter.surveys.models import CampaignMode, ItemKind, Questionnaire


class XlsformUploadForm(UnitImportForm):
    """The .xlsx file field and its checks, for a questionnaire drafted in Excel."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("An XLSForm workbook: sheets survey, choices and "
                                          "settings. Download the sample to start.")


DATETIME_LOCAL = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> reads and writes


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    questionnaire = forms.ModelChoiceField(label=_("Questionnaire"),
                                           queryset=Questionnaire.objects.none())
    mode = forms.ChoiceField(label=_("Who answers"), choices=CampaignMode.choices)
    roles = forms.MultipleChoiceField(label=_("Roles that may answer (internal mode)"),
                                      choices=Role.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    opens_at = forms.DateTimeField(label=_("Opens at"),
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                           format=DATETIME_LOCAL))
    closes_at = forms.DateTimeField(label=_("Closes at"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                           format=DATETIME_LOCAL))
    levels = forms.TypedMultipleChoiceField(
        label=_("Survey the units of levels"), coerce=int, required=False,
        choices=[(2, _("Level 2 (city)")), (3, _("Level 3 (county)")),
                 (4, _("Level 4 (township)")), (5, _("Level 5 (branch)"))],
        widget=forms.CheckboxSelectMultiple)
    peer_groups = forms.ModelMultipleChoiceField(
        label=_("or the units of peer groups"), queryset=PeerGroup.objects.order_by("name"),
        required=False, widget=forms.CheckboxSelectMultiple)
    unit_codes = forms.CharField(label=_("or these unit codes"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text=_("Separated by spaces, commas or new lines."))
    default_quota = forms.IntegerField(label=_("Target sample per unit"), min_value=0,
                                       initial=0, required=False)
    peer_by = forms.ChoiceField(label=_("Rank within"),
                                choices=[("level", _("Level")), ("peer_group", _("Peer group"))])
    bottom_n = forms.CharField(
        label=_("Bottom-N per ranking group"), required=False,
        help_text=_("One per line: a level number or a peer group name, then N. "
                    "For example “市地 3” and “县(市) 10”."),
        widget=forms.Textarea(attrs={"rows": 2}))
    phone_weight = forms.FloatField(label=_("Weight of phone random dial"), min_value=0,
                                    required=False)
    web_weight = forms.FloatField(label=_("Weight of the online questionnaire"), min_value=0,
                                  required=False)
    min_answered = forms.IntegerField(
        label=_("A ballot is valid when it rates at least this share of the items (%)"),
        min_value=0, max_value=100, required=False, initial=0)

    def __init__(self, *args: Any, questionnaires: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if questionnaires is not None:
            self.fields["questionnaire"].queryset = questionnaires
        if not self.is_bound:
            now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
            self.initial.setdefault("opens_at", now)
            self.initial.setdefault("closes_at", now + datetime.timedelta(days=14))

    def clean_bottom_n(self) -> dict[str, int]:
        rules: dict[str, int] = {}
        for line in self.cleaned_data["bottom_n"].splitlines():
            parts = line.replace("：", " ").replace(":", " ").split()
            if not parts:
                continue
            try:
                rules[" ".join(parts[:-1])] = int(parts[-1])
            except ValueError:
                raise forms.ValidationError(
                    _("“%(line)s” is not a group followed by a number.") % {"line": line}
                ) from None
        return rules

    def scoring(self) -> dict[str, Any]:
        data = self.cleaned_data
        scoring: dict[str, Any] = {}
        channels = {name: data[f"{name}_weight"] for name in ("phone", "web")
                    if data.get(f"{name}_weight")}
        if channels:
            scoring["channels"] = channels
        if data.get("min_answered"):
            scoring["min_answered"] = data["min_answered"] / 100
        return scoring


class ExclusionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PanelCodesForm(forms.Form):
    names = forms.CharField(label=_("Respondents, one per line"),
                            widget=forms.Textarea(attrs={"rows": 6}))


SCALE_CHOICES = [
    ("", _("Keep the options below")),
    ("satisfaction4", _("满意 / 基本满意 / 不满意 / 不了解 (100 / 75 / 55 / not a ballot)")),
    ("satisfaction5", _("Five grades, 非常满意 to 非常不满意 (100 to 20)")),
    ("points5", _("Points 1 to 5")),
    ("points10", _("Points 1 to 10")),
]


class QuestionnaireStartForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    code = forms.RegexField(
        label=_("Code"), regex=CODE, max_length=32, required=False,
        help_text=_("Letters, digits, . - or _; it stays the same across versions. Left "
                    "blank, one is made up."),
        error_messages={"invalid": _("Use 1 to 32 letters, digits, ., - or _, starting "
                                     "with a letter or _.")})
    description = forms.CharField(label=_("Introduction shown to respondents"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    start = forms.ChoiceField(
        label=_("Start from"), initial="blank",
        choices=[("blank", _("An empty questionnaire")),
                 ("sample", _("The sample: 4 aspects and 19 items of public satisfaction "
                              "with organization work"))],
        widget=forms.RadioSelect)


class QuestionnaireSettingsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Introduction shown to respondents"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Aspect"), max_length=200)
    weight = forms.FloatField(label=_("Weight"), min_value=0, initial=1)


class ItemAddForm(forms.Form):
    label = forms.CharField(label=_("Question"), max_length=500)
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices, initial=ItemKind.RATING)
    scale = forms.ChoiceField(label=_("Scale"), choices=SCALE_CHOICES[1:], required=False)
    section = forms.CharField(required=False, widget=forms.HiddenInput)


class ItemForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"), regex=CODE, max_length=32,
        help_text=_("The column of this item in exports and the XLSForm."),
        error_messages={"invalid": _("Use 1 to 32 letters, digits, ., - or _, starting "
                                     "with a letter or _.")})
    label = forms.CharField(label=_("Question"), max_length=500,
                            widget=forms.Textarea(attrs={"rows": 2}))
    hint = forms.CharField(label=_("Hint"), max_length=500, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    section = forms.ChoiceField(label=_("Aspect"), required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    weight = forms.FloatField(label=_("Weight within its aspect"), min_value=0)
    is_attribute = forms.BooleanField(
        label=_("Respondent attribute (age band, occupation…), used for breakdowns"),
        required=False)
    scale = forms.ChoiceField(label=_("Use a ready-made scale"), choices=SCALE_CHOICES,
                              required=False)
    options = forms.CharField(
        label=_("Options, one per line"), required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For a rating scale, follow each option with its share of the item's "
                    "weight in percent, e.g. “满意 100”. An option without a share (不了解) is "
                    "not a valid ballot and is left out of the mean."))

    def __init__(self, *args: Any, sections: list[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("(no aspect)")), *sections]
