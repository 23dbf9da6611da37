"""A published result version, and the unit results in it, never change: the database refuses.

PostgreSQL refuses UPDATE and DELETE of published rows (TRUNCATE, used by test teardown, stays
possible); SQLite refuses UPDATE (its test flush empties tables with DELETE). Drafts stay free to
be replaced, and publishing a draft (is_published false → true) is allowed.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION result_version_refuse_change() RETURNS trigger AS $$
BEGIN
    IF OLD.is_published THEN
        RAISE EXCEPTION 'published results are immutable';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER result_version_immutable
    BEFORE UPDATE OR DELETE ON assessment_resultversion
    FOR EACH ROW EXECUTE FUNCTION result_version_refuse_change();

CREATE OR REPLACE FUNCTION unit_result_refuse_change() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM assessment_resultversion
               WHERE id = OLD.version_id AND is_published) THEN
        RAISE EXCEPTION 'published results are immutable';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER unit_result_immutable
    BEFORE UPDATE OR DELETE ON assessment_unitresult
    FOR EACH ROW EXECUTE FUNCTION unit_result_refuse_change();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS result_version_immutable ON assessment_resultversion;
DROP FUNCTION IF EXISTS result_version_refuse_change();
DROP TRIGGER IF EXISTS unit_result_immutable ON assessment_unitresult;
DROP FUNCTION IF EXISTS unit_result_refuse_change();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER result_version_immutable BEFORE UPDATE ON assessment_resultversion
       WHEN OLD.is_published
       BEGIN SELECT RAISE(ABORT, 'published results are immutable'); END;""",
    """CREATE TRIGGER unit_result_immutable BEFORE UPDATE ON assessment_unitresult
       WHEN (SELECT is_published FROM assessment_resultversion WHERE id = OLD.version_id)
       BEGIN SELECT RAISE(ABORT, 'published results are immutable'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS result_version_immutable;",
    "DROP TRIGGER IF EXISTS unit_result_immutable;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
