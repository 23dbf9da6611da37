"""Results rolled up to the areas above the assessed units; like unit results, refused by the
database once their version is published (PostgreSQL: per statement; SQLite: UPDATE)."""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION area_results_refuse_change() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows JOIN assessment_resultversion v
               ON v.id = old_rows.version_id WHERE v.is_published) THEN
        RAISE EXCEPTION 'published results are immutable';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER area_results_immutable_update
    AFTER UPDATE ON assessment_arearesult REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION area_results_refuse_change();
CREATE TRIGGER area_results_immutable_delete
    AFTER DELETE ON assessment_arearesult REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION area_results_refuse_change();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS area_results_immutable_update ON assessment_arearesult;
DROP TRIGGER IF EXISTS area_results_immutable_delete ON assessment_arearesult;
DROP FUNCTION IF EXISTS area_results_refuse_change();
"""
SQLITE_FORWARD = """CREATE TRIGGER area_result_immutable BEFORE UPDATE ON assessment_arearesult
    WHEN (SELECT is_published FROM assessment_resultversion WHERE id = OLD.version_id)
    BEGIN SELECT RAISE(ABORT, 'published results are immutable'); END;"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS area_result_immutable;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0005_unit_result_immutability_per_statement'),
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='AreaResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('units', models.PositiveIntegerField(verbose_name='assessed units')),
                ('mean_total', models.DecimalField(decimal_places=4, max_digits=10, verbose_name='mean total')),
                ('red', models.PositiveIntegerField(default=0, verbose_name='on the red list')),
                ('gray', models.PositiveIntegerField(default=0, verbose_name='on the gray list')),
                ('black', models.PositiveIntegerField(default=0, verbose_name='on the black list')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.unit')),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='areas', to='assessment.resultversion')),
            ],
            options={
                'verbose_name': 'area result',
                'verbose_name_plural': 'area results',
                'ordering': ['version', 'unit__path'],
                'constraints': [models.UniqueConstraint(fields=('version', 'unit'), name='area_result_unique')],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
