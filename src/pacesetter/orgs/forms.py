"""Forms of the unit and people pages; they parse input, services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from pacesetter.orgs.models import Person, Role, Unit, User


class UnitForm(forms.ModelForm):
    peer_group_names = forms.CharField(
        label=_("Peer groups"), required=False, max_length=1000,
        help_text=_("Names separated by commas, e.g. counties, agencies."),
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "sort_order", "is_active", "longitude", "latitude"]


class UnitMoveForm(forms.Form):
    parent_code = forms.CharField(
        label=_("New parent unit code"), max_length=32,
        help_text=_("The unit and its whole subtree move under this unit."),
    )


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "gender", "birth_date", "position", "is_party_member", "phone",
                  "is_active"]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        help_text=_("Columns: code, name, parent code, kind, peer groups. "
                    "Download the template to start."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an .xlsx file."))
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


def role_choices(*, include_system_admin: bool) -> list[tuple[str, str]]:
    return [(value, label) for value, label in Role.choices
            if include_system_admin or value != Role.SYSTEM_ADMIN]


class AccountCreateForm(forms.Form):
    username = forms.CharField(label=_("Login name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput,
                               help_text=_("At least 10 characters, not only digits."))
    role = forms.ChoiceField(label=_("Role"))
    unit_code = forms.CharField(label=_("Scope unit code"), max_length=32,
                                help_text=_("The role reaches this unit and its subtree."))

    def __init__(self, *args: Any, include_system_admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(include_system_admin=include_system_admin)

    def clean(self) -> dict[str, Any]:
        """Check the password here too, so its problems show with the others at once."""
        data = super().clean()
        if data.get("password"):
            candidate = User(username=data.get("username", ""),
                             first_name=data.get("full_name", ""))
            try:
                validate_password(data["password"], candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    unit_code = forms.CharField(label=_("Scope unit code"), max_length=32)

    def __init__(self, *args: Any, include_system_admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(include_system_admin=include_system_admin)


class PasswordSetForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
