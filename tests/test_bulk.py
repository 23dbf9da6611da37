"""Reading and writing many rows at once gives the same numbers as the ORM, on either database."""

from decimal import Decimal

import numpy as np

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
