"""Forms of the assessment pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.assessment.models import PlanIndicator

VALUE_LIMIT = 10**13


class UnitValuesForm(forms.Form):
    """One value and one comment field per indicator of the plan."""

    def __init__(self, *args: Any, items: list[PlanIndicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            indicator = item.indicator
            label = f"{indicator.code} {indicator.name}"
            if indicator.unit_of_measure:
                label += f"（{indicator.unit_of_measure}）"
            self.fields[f"v_{indicator.code}"] = forms.DecimalField(
                label=label, required=False, max_digits=18, decimal_places=4,
                min_value=-VALUE_LIMIT, max_value=VALUE_LIMIT,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
            self.fields[f"c_{indicator.code}"] = forms.CharField(
                label=_("Note"), required=False, max_length=500)

    def rows(self) -> list[tuple[Any, Any, PlanIndicator]]:
        return [(self[f"v_{i.indicator.code}"], self[f"c_{i.indicator.code}"], i)
                for i in self.items]

    def values(self) -> dict[str, tuple[Any, str]]:
        return {i.indicator.code: (self.cleaned_data[f"v_{i.indicator.code}"],
                                   self.cleaned_data[f"c_{i.indicator.code}"])
                for i in self.items}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
