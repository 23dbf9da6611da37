"""Validation messages in the user's language for the errors pydantic reports in English."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _


def pydantic_error_message(error: dict[str, Any]) -> str:
    """A translated message for one pydantic error, using its ``type`` and ``ctx``."""
    kind = error.get("type", "")
    ctx = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, (int, float, str))}
    messages = {
        "missing": _("This field is required."),
        "extra_forbidden": _("This field is not allowed."),
        "string_type": _("Enter text."),
        "string_too_short": _("Enter at least %(min_length)s characters."),
        "string_too_long": _("Enter at most %(max_length)s characters."),
        "string_pattern_mismatch": _("The value does not have the expected format."),
        "int_type": _("Enter a whole number."),
        "int_parsing": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "bool_type": _("Enter true or false."),
        "bool_parsing": _("Enter true or false."),
        "float_type": _("Enter a number."),
        "float_parsing": _("Enter a number."),
        "decimal_type": _("Enter a number."),
        "decimal_parsing": _("Enter a number."),
        "decimal_max_digits": _("Enter at most %(max_digits)s digits."),
        "decimal_max_places": _("Enter at most %(decimal_places)s decimal places."),
        "greater_than_equal": _("Enter a value of at least %(ge)s."),
        "greater_than": _("Enter a value above %(gt)s."),
        "less_than_equal": _("Enter a value of at most %(le)s."),
        "less_than": _("Enter a value below %(lt)s."),
        "enum": _("Choose one of: %(expected)s."),
        "literal_error": _("Choose one of: %(expected)s."),
        "date_type": _("Enter a date as YYYY-MM-DD."),
        "date_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_from_datetime_inexact": _("Enter a date as YYYY-MM-DD."),
        "list_type": _("Enter a list."),
        "too_long": _("Enter at most %(max_length)s items."),
        "model_type": _("Enter an object."),
        "model_attributes_type": _("Enter an object."),
        "dict_type": _("Enter an object."),
        "json_invalid": _("The request body is not valid JSON."),
    }
    if isinstance(ctx.get("expected"), str):  # pydantic lists the choices in English
        ctx["expected"] = re.sub(r",? or |, ", "、", ctx["expected"])
    template = messages.get(kind, _("This value is not valid."))
    try:
        return template % ctx if "%(" in template else template
    except (KeyError, TypeError, ValueError):
        return _("This value is not valid.")
