"""Migrations that rewrite stored results keep every number, and the results stay locked."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessment", "0007_plan_assessed_units")]
AFTER = [("assessment", "0008_scoring_storage_at_province_scale")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def published_result_with_breakdown(apps) -> int:
    """A published version holding one unit's result, as 0007 stored it."""
    user = apps.get_model("orgs", "User").objects.create(username="migrator")
    unit = apps.get_model("orgs", "Unit").objects.create(
        code="370000", name="山东省", kind="province", level=1, path="/370000/")
    period = apps.get_model("assessment", "Period").objects.create(
        kind="month", start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 31),
        label="2026年10月")
    plan = apps.get_model("assessment", "AssessmentPlan").objects.create(
        owner=unit, name="十月考核", period=period, created_by=user)
    version = apps.get_model("assessment", "ResultVersion").objects.create(
        plan=plan, number=1, weights={"A1": "100"}, is_published=True)
    result = apps.get_model("assessment", "UnitResult").objects.create(
        version=version, unit=unit, total=87.5, weighted_score=87.5, rank=1, group_rank=1,
        breakdown={"raw": [96.25, None, 0], "points": [87.5, 0.0, 0.0]})
    return result.pk


@pytest.mark.django_db(transaction=True)
def test_0008_moves_each_breakdown_into_two_arrays_and_keeps_the_result_locked():
    pk = published_result_with_breakdown(migrate(BEFORE))
    try:
        apps = migrate(AFTER)
        result = apps.get_model("assessment", "UnitResult").objects.get(pk=pk)
        assert result.raw_values == [96.25, None, 0.0]
        assert result.points == [87.5, 0.0, 0.0]
        with pytest.raises(DatabaseError), transaction.atomic():
            apps.get_model("assessment", "UnitResult").objects.filter(pk=pk).update(
                points=[1.0])
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
