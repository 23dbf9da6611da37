"""The units workbook import: all rows or none, every bad row named, re-import a no-op."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from pacesetter.audit.models import AuditEntry
from pacesetter.errors import ValidationFailed
from pacesetter.orgs.imports import units_import
from pacesetter.orgs.models import Unit
from pacesetter.orgs.selectors import units_for_export
from pacesetter.orgs.spreadsheets import read_unit_rows, units_workbook

HEADER = ["代码", "名称", "上级代码", "类型", "分组"]


def workbook(*rows, header=HEADER) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def import_rows(actor, *rows, **kwargs):
    return units_import(actor=actor, rows=read_unit_rows(workbook(*rows, **kwargs)))


def test_new_rows_are_created_parents_first_whatever_the_order(tree, county_admin):
    result = import_rows(
        county_admin,
        ("370502002001", "甲村党支部", "370502002", "党支部", "农村"),
        ("370502002", "乙镇", "370502", "乡镇(街道)", ""),
    )
    assert result.created == 2
    branch = Unit.objects.get(code="370502002001")
    assert branch.path == "/370000/370500/370502/370502002/370502002001/"
    assert branch.kind == "branch"
    assert [g.name for g in branch.peer_groups.all()] == ["农村"]
    assert AuditEntry.objects.filter(action="create", object_type="orgs.unit").count() == 2


def test_reimporting_the_same_file_changes_nothing(tree, county_admin):
    rows = [("370502002", "乙镇", "370502", "乡镇(街道)", "乡镇")]
    import_rows(county_admin, *rows)
    entries = AuditEntry.objects.count()
    result = import_rows(county_admin, *rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert AuditEntry.objects.count() == entries


def test_a_changed_name_updates_by_code(tree, county_admin):
    result = import_rows(county_admin, ("370502001", "文汇街道办", "370502", "township", ""))
    assert result.updated == 1
    assert Unit.objects.get(code="370502001").name == "文汇街道办"
    entry = AuditEntry.objects.get(action="update")
    assert ("name", "文汇街道", "文汇街道办") in entry.changed_fields


def test_a_new_parent_moves_the_unit_with_its_subtree(tree, province_admin):
    result = import_rows(province_admin, ("370502", "东营区", "371100", "党委", ""))
    assert result.moved == 1
    assert Unit.objects.get(code="370502001001").path.startswith("/370000/371100/370502/")


def test_every_bad_row_is_named_and_nothing_is_written(tree, county_admin):
    rows = [
        ("370502010", "好的一行", "370502", "党支部", ""),           # row 2: fine
        ("370502010", "重复", "370502", "党支部", ""),               # row 3: duplicate code
        ("370502011", "", "370502", "党支部", ""),                   # row 4: empty name
        ("370502012", "未知上级", "999999", "党支部", ""),           # row 5: unknown parent
        ("370502013", "坏类型", "370502", "宇宙飞船", ""),           # row 6: bad kind
        ("370502014", "环甲", "370502015", "党支部", ""),            # row 7: cycle
        ("370502015", "环乙", "370502014", "党支部", ""),            # row 8: cycle
        ("370503001", "越权", "370503", "党支部", ""),               # row 9: parent out of scope
        ("bad code!", "坏代码", "370502", "党支部", ""),             # row 10: bad code
    ]
    with pytest.raises(ValidationFailed) as caught:
        import_rows(county_admin, *rows)
    problems = {(e["row"], e["column"]) for e in caught.value.extra["errors"]}
    assert problems == {
        (3, "代码"), (4, "名称"), (5, "上级代码"), (6, "类型"), (7, "上级代码"),
        (8, "上级代码"), (9, "上级代码"), (10, "代码"),
    }
    assert "9" in caught.value.message or "8" in caught.value.message
    assert not Unit.objects.filter(code__startswith="3705020").exclude(
        code__in=["370502001", "370502001001"]).exists()
    assert not AuditEntry.objects.exists()


def test_a_move_into_the_units_own_subtree_is_a_cycle(tree, province_admin):
    with pytest.raises(ValidationFailed) as caught:
        import_rows(province_admin, ("370500", "东营市", "370502001", "党委", ""))
    assert caught.value.extra["errors"][0]["row"] == 2
    assert Unit.objects.get(code="370500").parent == tree.province


def test_a_code_of_another_subtree_is_refused(tree, county_admin):
    with pytest.raises(ValidationFailed) as caught:
        import_rows(county_admin, ("370503", "河口区", "370502", "党委", ""))
    assert caught.value.extra["errors"][0]["column"] == "代码"
    assert Unit.objects.get(code="370503").parent == tree.city1


def test_english_headers_and_kind_values_are_accepted(tree, county_admin):
    result = import_rows(county_admin, ("370502020", "Branch", "370502", "branch", ""),
                         header=["code", "name", "parent code", "kind"])
    assert result.created == 1


def test_a_missing_column_is_reported_before_any_row(tree, county_admin):
    with pytest.raises(ValidationFailed) as caught:
        read_unit_rows(workbook(("1", "2"), header=["代码", "名称"]))
    assert "上级代码" in caught.value.message


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(ValidationFailed):
        read_unit_rows(io.BytesIO(b"not a zip file"))


def test_an_export_reimports_as_a_no_op(tree, province_admin):
    exported = units_workbook(units_for_export(actor=province_admin))
    rows = read_unit_rows(io.BytesIO(exported))
    assert {r.code for r in rows} == set(Unit.objects.values_list("code", flat=True))
    result = units_import(actor=province_admin, rows=[r for r in rows if r.parent_code])
    assert (result.created, result.updated) == (0, 0)


def test_a_unit_name_typed_as_a_formula_is_exported_as_text_and_reimports_unchanged(
        tree, province_admin):
    # given
    formula = '=HYPERLINK("http://x","y")'
    tree.county_a.name = formula
    tree.county_a.save()
    # when
    exported = units_workbook(units_for_export(actor=province_admin))
    # then: a text cell, not a formula, with the name as typed; coordinates stay as they were
    sheet = load_workbook(io.BytesIO(exported)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    name = next(row[1] for row in sheet.iter_rows() if row[0].value == tree.county_a.code)
    assert (name.data_type, name.value) == ("s", formula)
    # and a re-import reads the name back unchanged
    rows = read_unit_rows(io.BytesIO(exported))
    assert next(r.name for r in rows if r.code == tree.county_a.code) == formula
    result = units_import(actor=province_admin, rows=[r for r in rows if r.parent_code])
    assert (result.created, result.updated) == (0, 0)


def test_import_query_count_does_not_grow_with_rows(tree, county_admin,
                                                    django_assert_max_num_queries):
    rows = [("370502100", "新镇", "370502", "乡镇(街道)", "乡镇")]
    rows += [(f"370502100{i:03d}", f"支部{i}", "370502100", "党支部", "支部") for i in range(300)]
    with django_assert_max_num_queries(40):
        result = import_rows(county_admin, *rows)
    assert result.created == 301


def test_import_units_command_lists_bad_rows(tree, sysadmin, tmp_path, capsys):
    path = tmp_path / "units.xlsx"
    path.write_bytes(workbook(("370502030", "", "370502", "党支部", "")).getvalue())
    with pytest.raises(CommandError):
        call_command("import_units", str(path))
    assert "row 2" in capsys.readouterr().err
    path.write_bytes(workbook(("370502030", "新支部", "370502", "党支部", "")).getvalue())
    call_command("import_units", str(path))
    assert Unit.objects.filter(code="370502030").exists()


def test_changing_many_units_groups_costs_a_fixed_number_of_queries(
        tree, county_admin, django_assert_max_num_queries):
    rows = [(f"370502200{i:03d}", f"支部{i}", "370502001", "党支部", "甲") for i in range(200)]
    import_rows(county_admin, *rows)
    regrouped = [(code, name, parent, kind, "乙、丙") for code, name, parent, kind, _g in rows]
    with django_assert_max_num_queries(30):
        result = import_rows(county_admin, *regrouped)
    assert result.updated == 200
    unit = Unit.objects.get(code="370502200007")
    assert sorted(g.name for g in unit.peer_groups.all()) == ["丙", "乙"]
