"""Check the immutability of published unit results once per statement, not once per row.

Re-scoring a plan deletes the draft's results: at 250,000 units the row trigger of 0002 looked
up the version 250,000 times. A statement trigger sees all the rows a statement touched (its
transition table) and refuses the whole statement if any belongs to a published version, with
one join. PostgreSQL only; SQLite keeps its row trigger (it has no transition tables).
"""

from django.db import migrations

FORWARD = """
DROP TRIGGER IF EXISTS unit_result_immutable ON assessment_unitresult;
DROP FUNCTION IF EXISTS unit_result_refuse_change();
CREATE OR REPLACE FUNCTION unit_results_refuse_change() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows JOIN assessment_resultversion v
               ON v.id = old_rows.version_id WHERE v.is_published) THEN
        RAISE EXCEPTION 'published results are immutable';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER unit_results_immutable_update
    AFTER UPDATE ON assessment_unitresult REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_results_refuse_change();
CREATE TRIGGER unit_results_immutable_delete
    AFTER DELETE ON assessment_unitresult REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_results_refuse_change();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS unit_results_immutable_update ON assessment_unitresult;
DROP TRIGGER IF EXISTS unit_results_immutable_delete ON assessment_unitresult;
DROP FUNCTION IF EXISTS unit_results_refuse_change();
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


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0004_list_entries_and_evidence")]
    operations = [migrations.RunPython(forward, backward)]
