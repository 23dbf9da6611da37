"""Inserting many rows at once: PostgreSQL COPY where available, ``bulk_create`` elsewhere.

COPY loads rows several times faster than multi-row INSERT (DESIGN.md measured 1,000,000 rows
in ~2.5 s against ~50 s for ``bulk_create``). Primary keys are not set on the objects: callers
that need them read the rows back by a natural key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import orjson
from django.db import connections, models, router


def bulk_insert(model: type[models.Model], objects: Sequence[models.Model], *,
                batch_size: int = 2000) -> None:
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=batch_size)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {table} ({columns}) FROM STDIN"
    ) as copy:
        for obj in objects:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, add=True), connection)
                            for f in fields])


def copy_rows(model: type[models.Model], columns: Sequence[str],
              rows: Iterable[Sequence[object]]) -> None:
    """Insert plain tuples (one value per column, in ``columns`` order) with COPY on PostgreSQL,
    ``bulk_create`` elsewhere: for the largest writes, where building model instances and
    preparing every field one by one would cost more than the database does. A dict is a
    JSON column's value (encoded by orjson: at 250,000 rows the standard library's encoder
    was a fifth of the whole scoring run)."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        attnames = [model._meta.get_field(c).attname for c in columns]
        model._default_manager.bulk_create(
            [model(**dict(zip(attnames, row, strict=True))) for row in rows], batch_size=2000)
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column)
                      for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([orjson.dumps(v).decode() if isinstance(v, dict) else v
                            for v in row])


def read_columns(query: str, params: Sequence[object], *, model: type[models.Model],
                 columns: Sequence[str], integers: Sequence[str] = ()) -> np.ndarray:
    """The numeric ``columns`` of ``query``'s rows as a float array (rows × columns), NULL as
    NaN.

    On PostgreSQL the rows come back as one row of arrays in their binary form
    (``array_send(array_agg(column))``), decoded by numpy without a Python step per value:
    reading 5 million values this way takes a fraction of a second, where iterating a COPY
    row by row took seconds. The columns named in ``integers`` (ids, counts) travel as
    ``int4``, two thirds of a ``float8`` element: they must not be NULL, and PostgreSQL refuses
    a value beyond 2³¹ rather than truncate it. Elsewhere a plain cursor.
    """
    connection = connections[router.db_for_read(model)]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            data = np.array(cursor.fetchall(), dtype=np.float64)
        return data.reshape(-1, len(columns))
    import psycopg  # only the PostgreSQL backend has it

    if not all(c.isidentifier() for c in columns):
        raise ValueError(f"not column names: {columns}")

    arrays = ", ".join(f"array_send(array_agg(q.{c}::int4))" if c in integers
                       else f"array_send(array_agg(coalesce(q.{c}::float8, 'NaN')))"
                       for c in columns)
    connection.ensure_connection()
    # Django's cursors bind on the client side, which cannot ask for binary results.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(f"SELECT {arrays} FROM ({query}) AS q",  # noqa: S608 code's own SQL
                       params, binary=True)
        blobs = cursor.fetchone()
    if blobs is None or blobs[0] is None:
        return np.zeros((0, len(columns)))
    return np.column_stack([array_values(blob) for blob in blobs])


_ARRAY_HEADER = 20  # ndim, has-nulls flag, element type, length and lower bound: int32 each
_FLOAT8_OID, _INT4_OID, _INT8_OID = 701, 23, 20
_FLOAT8_ELEMENT = np.dtype([("length", ">i4"), ("value", ">f8")])
_ELEMENTS = {_FLOAT8_OID: _FLOAT8_ELEMENT,
             _INT4_OID: np.dtype([("length", ">i4"), ("value", ">i4")]),
             _INT8_OID: np.dtype([("length", ">i4"), ("value", ">i8")])}


def array_values(blob: bytes) -> np.ndarray:
    """A one-dimensional float8[], int4[] or int8[] without NULLs, in PostgreSQL's binary
    array format, as floats (exact for integers below 2⁵³)."""
    element = _ELEMENTS[int.from_bytes(blob[8:12], "big")]
    return np.frombuffer(blob, dtype=element, offset=_ARRAY_HEADER)["value"].astype(np.float64)


_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
_COPY_TRAILER = b"\xff\xff"
_SCALAR_TYPES = {np.dtype(np.int64): ">i8", np.dtype(np.int32): ">i4", np.dtype(np.int16): ">i2",
                 np.dtype(np.float64): ">f8", np.dtype(np.bool_): "u1"}


def copy_arrays(cursor: Any, table: str, columns: Sequence[str], data: Sequence[np.ndarray],
                *, chunk: int = 20_000) -> None:
    """Send rows given column by column as numpy arrays with ``COPY … (FORMAT binary)``.

    A 1-D array of int16/int32/int64, float64 or bool is a column of that type; a 2-D float64
    array of shape (rows, k) is a ``float8[]`` column holding k elements per row. With every
    field of fixed width, a chunk of rows is one numpy record array whose bytes are COPY's
    binary rows (field count, then each field's length and big-endian value), built without a
    Python step per row or per value: at 250,000 rows × 40 numbers, formatting them as text
    took seconds where this takes a fraction of one. No NULLs (NaN is a float's own value):
    callers turn sentinels into NULL on the server. ``cursor`` is a psycopg cursor; the
    connection runs no other query while the COPY is open.
    """
    rows = len(data[0]) if data else 0
    if any(len(column) != rows for column in data):
        raise ValueError("columns of different lengths")
    record = np.dtype([("fields", ">i2")] + [
        field for i, column in enumerate(data) for field in _copy_fields(i, column)])
    names = ", ".join(columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT binary)") as copy:
        copy.write(_COPY_HEADER)
        for start in range(0, rows, chunk):
            copy.write(_copy_records(record, data, start, min(start + chunk, rows)).tobytes())
        copy.write(_COPY_TRAILER)


def _copy_fields(i: int, column: np.ndarray) -> list[tuple[Any, ...]]:
    if column.ndim == 1 and column.dtype in _SCALAR_TYPES:
        return [(f"length{i}", ">i4"), (f"value{i}", _SCALAR_TYPES[column.dtype])]
    if column.ndim == 2 and column.dtype == np.float64:
        return [(f"length{i}", ">i4"), (f"header{i}", ">i4", (5,)),
                (f"value{i}", _FLOAT8_ELEMENT, (column.shape[1],))]
    raise TypeError(f"no COPY binary field for an array of {column.dtype}, {column.ndim}-D")


def _copy_records(record: np.dtype, data: Sequence[np.ndarray], start: int, stop: int
                  ) -> np.ndarray:
    records = np.empty(stop - start, dtype=record)
    records["fields"] = len(data)
    for i, column in enumerate(data):
        values = column[start:stop]
        if column.ndim == 1:
            records[f"length{i}"] = column.dtype.itemsize
            records[f"value{i}"] = values
        else:
            k = column.shape[1]
            records[f"length{i}"] = _ARRAY_HEADER + _FLOAT8_ELEMENT.itemsize * k
            records[f"header{i}"] = (1, 0, _FLOAT8_OID, k, 1)
            records[f"value{i}"]["length"] = 8
            records[f"value{i}"]["value"] = values
    return records

