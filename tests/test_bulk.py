"""Reading and writing many rows at once gives the same numbers as the ORM, on either database."""

from decimal import Decimal

import numpy as np
import pytest
from django.db import connection

from pacesetter import bulk
from pacesetter.orgs.models import Unit

QUERY = "SELECT id, latitude FROM orgs_unit WHERE path LIKE %s ORDER BY id"


def test_read_columns_returns_every_row_with_nulls_as_nan(tree):
    # given one unit with coordinates and the rest without
    Unit.objects.filter(pk=tree.county_a.pk).update(latitude=Decimal("37.434564"))
    # when
    data = bulk.read_columns(QUERY, [f"{tree.city1.path}%"], model=Unit,
                             columns=("id", "latitude"))
    # then
    expected = list(Unit.objects.filter(path__startswith=tree.city1.path).order_by("pk")
                    .values_list("pk", "latitude"))
    assert data.shape == (len(expected), 2)
    assert sorted(data[:, 0].astype(int).tolist()) == [pk for pk, _lat in expected]
    by_id = {int(i): lat for i, lat in data}
    assert by_id[tree.county_a.pk] == 37.434564
    assert np.isnan(by_id[tree.county_b.pk])


def test_read_columns_of_no_rows_is_an_empty_table(tree):
    data = bulk.read_columns(QUERY, ["/nowhere/%"], model=Unit, columns=("id", "latitude"))
    assert data.shape == (0, 2)


def test_read_columns_sends_integer_columns_as_int4_and_gives_the_same_numbers(tree):
    data = bulk.read_columns("SELECT id, level FROM orgs_unit WHERE path LIKE %s",
                             [f"{tree.province.path}%"], model=Unit, columns=("id", "level"),
                             integers=("id", "level"))
    expected = sorted(Unit.objects.values_list("pk", "level"))
    assert sorted((int(i), int(level)) for i, level in data) == expected


needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                      reason="COPY is PostgreSQL's")


@needs_postgresql
def test_copy_arrays_writes_every_type_it_takes_bit_for_bit(db):
    # given columns of each kind, with the awkward values: negatives, NaN, ±∞, 0 and 1 rows
    rows = np.array([1, -2, 2**40], dtype=np.int64)
    data = (rows, np.array([7, -7, 0], dtype=np.int32), np.array([1, -1, 0], dtype=np.int16),
            np.array([0.1, np.nan, -np.inf]), np.array([True, False, True]),
            np.array([[1.5, np.nan], [-0.0, 1e-300], [np.inf, 2.0]]))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copied (a bigint, b integer, c smallint, "
                       "d float8, e boolean, f float8[])")
        # when
        bulk.copy_arrays(cursor.cursor, "copied", "abcdef", data)
        cursor.execute("SELECT a, b, c, d, e, f FROM copied ORDER BY a")
        stored = cursor.fetchall()
        cursor.execute("DROP TABLE copied")
    # then
    expected = sorted(zip(*(column.tolist() for column in data), strict=True))
    assert len(stored) == 3
    for got, want in zip(stored, expected, strict=True):
        assert got[:3] == want[:3] and got[4] == want[4]
        np.testing.assert_array_equal([got[3], *got[5]], [want[3], *want[5]])


@needs_postgresql
def test_copy_arrays_refuses_what_it_cannot_encode(db):
    with connection.cursor() as cursor, pytest.raises(TypeError):
        bulk.copy_arrays(cursor.cursor, "nowhere", ["a"], [np.array(["text"])])
    with connection.cursor() as cursor, pytest.raises(ValueError, match="lengths"):
        bulk.copy_arrays(cursor.cursor, "nowhere", ["a", "b"],
                         [np.zeros(2), np.zeros(3)])
