"""Model fields of the project's own."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import models


class FloatArrayField(models.Field):
    """A list of floats, any of them None: ``double precision[]`` on PostgreSQL, JSON text on
    SQLite.

    PostgreSQL keeps NULL elements and lets SQL compare and slice the list, and the bulk
    writer (``bulk.copy_arrays``) sends it in COPY's binary format, a copy of memory on the
    server where a JSON document of 40 numbers per row cost the server a numeric parse of
    each. ``django.contrib.postgres``'s ArrayField would do on PostgreSQL alone; the demo
    runs on SQLite, where the same list is stored as JSON.
    """

    description = "List of floats"
    empty_strings_allowed = False

    def db_type(self, connection: Any) -> str:
        return "double precision[]" if connection.vendor == "postgresql" else "text"

    def get_internal_type(self) -> str:
        return "FloatArrayField"

    def from_db_value(self, value: Any, expression: Any, connection: Any
                      ) -> list[float | None] | None:
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)

    def to_python(self, value: Any) -> list[float | None] | None:
        if value is None or isinstance(value, list):
            return value
        if isinstance(value, str):
            return json.loads(value)
        return [None if v is None else float(v) for v in value]

    def get_db_prep_value(self, value: Iterable[Any] | None, connection: Any,
                          prepared: bool = False) -> Any:
        if value is None:
            return None
        floats = [None if v is None else float(v) for v in value]
        return floats if connection.vendor == "postgresql" else json.dumps(floats)

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj))
