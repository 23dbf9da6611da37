from typing import Any

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _


class EntryFilterForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=32)
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Object type"), required=False, choices=())
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, object_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("All")),
                                              *[(t, _type_label(t)) for t in object_types]]


def _type_label(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
