"""An inspection's files: the team's findings sheet (the template with its drop-down lists, and
its import, all rows or none with every bad row named by its Excel row number), the export of
the findings with their rectification, and the Word bulletin (通报) made from the data."""

import datetime
import io
from urllib.parse import unquote

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from pacesetter.supervision import imports, services, spreadsheets
from pacesetter.supervision.models import Finding, Rectification
from pacesetter.supervision.services import FindingData
from tests.supervision.conftest import TODAY, days

HEADERS = ["单位编码", "单位名称(参考)", "问题类别", "检查事项编号", "严重程度(一般/较重/严重)",
           "问题描述", "整改建议(多条用换行或；分隔)", "整改时限(可空)"]


def sheet_bytes(rows, headers=HEADERS) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "问题清单.xlsx"
    return buffer


def content(answer) -> bytes:
    return b"".join(answer.streaming_content)


# --- the template -------------------------------------------------------------------------------

def test_the_template_names_the_columns_and_offers_this_inspections_lists(
        client, inspection, inspector, tree, categories):
    # given
    client.force_login(inspector)
    # when
    answer = client.get(f"/inspections/{inspection.pk}/findings/template.xlsx")
    # then
    assert answer.status_code == 200
    assert "问题清单模板" in unquote(answer["Content-Disposition"])
    workbook = load_workbook(io.BytesIO(content(answer)))
    sheet, options = workbook.worksheets[0], workbook.worksheets[1]
    assert [c.value for c in sheet[1]] == [*HEADERS, spreadsheets.column_label("person")]
    lists = {str(v.sqref).split(":")[0][0]: v.formula1
             for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert set(lists) == {"A", "C", "D", "E"}  # unit, category, checklist item, severity
    assert lists["A"] == "'选项'!$A$2:$A$3"
    values = [[c.value for c in column[1:]] for column in options.iter_cols()]
    assert values[0][:2] == [tree.county_a.code, tree.county_b.code]
    assert values[2][:3] == ["基层组织建设", "干部队伍建设", "作风建设"]
    assert values[3][:2] == ["C1", "C2"]
    assert values[5] == ["一般", "较重", "严重"]
    assert "全部不导入" in " ".join(str(c.value) for c in workbook.worksheets[2]["A"])


# --- the import ---------------------------------------------------------------------------------

def test_a_filled_sheet_records_every_finding_with_its_suggestions(
        client, inspection, inspector, tree, categories):
    client.force_login(inspector)
    upload = sheet_bytes([
        [tree.county_a.code, "东营区", "基层组织建设", "C1", "严重", "“三会一课”记录不全",
         "建立月检制度；开展培训\n落实整改台账", days(10)],
        [None, "河口区", None, None, "一般", "党员活动室闲置", "盘活场所", None],
        [None, None, None, None, None, None, None, None],  # a blank row is skipped
        [tree.county_b.code, None, "作风建设", "C2", "moderate", "整顿不到位", None,
         f"{days(20):%Y/%m/%d}"],
    ])
    answer = client.post(f"/inspections/{inspection.pk}/findings/import/", {"file": upload},
                         follow=True)
    assert "已录入 3 个问题" in answer.content.decode()
    first, second, third = Finding.objects.order_by("number")
    assert [s.text for s in first.suggestions.all()] == ["建立月检制度", "开展培训",
                                                         "落实整改台账"]
    assert (first.unit, first.severity, first.category.name, first.checklist_item.code) == (
        tree.county_a, "serious", "基层组织建设", "C1")
    assert first.rectification.deadline == days(10)
    assert second.unit == tree.county_b and second.rectification.deadline == days(60)
    assert third.rectification.deadline == days(20)


def test_a_bad_row_is_named_by_its_excel_row_and_nothing_is_recorded(
        client, inspection, inspector, tree, categories):
    client.force_login(inspector)
    upload = sheet_bytes([
        [tree.county_a.code, None, None, None, "一般", "好的一行", None, None],
        [tree.township_a1.code, None, None, None, "一般", "不是检查对象", None, None],
        [tree.county_a.code, None, "不存在的类别", "C9", "很严重", None, None, "明天"],
        [tree.county_b.code, None, None, None, "较重", "时限已过", None, days(-3)],
    ])
    answer = client.post(f"/inspections/{inspection.pk}/findings/import/", {"file": upload})
    page = answer.content.decode()
    assert answer.status_code == 422
    assert "请更正下列行，本次未录入任何问题。" in page
    assert f"“{tree.township_a1.code}”不是本次督查检查对象的单位编码。" in page
    for text in ("第 3 行", "第 4 行", "第 5 行", "“不存在的类别”不在组织单位的问题类别清单中。",
                 "没有编号为“C9”的事项", "“很严重”不是有效的严重程度", "“明天”不是有效日期",
                 "请描述问题。", "整改时限已过。"):
        assert text in page
    assert "第 2 行" not in page
    assert not Finding.objects.exists() and not Rectification.objects.exists()


def test_the_import_errors_carry_row_column_and_chinese_message(inspection, inspector, tree,
                                                                 categories):
    from pacesetter.errors import ValidationFailed

    upload = sheet_bytes([[tree.county_a.code, None, None, None, "", "描述", None, None]])
    with pytest.raises(ValidationFailed) as refused:
        imports.findings_import(actor=inspector, inspection=inspection, source=upload)
    assert refused.value.extra["errors"] == [{
        "row": 2, "field": "severity", "column": "严重程度(一般/较重/严重)",
        "message": "请填写严重程度：一般、较重或严重。"}]


def test_a_sheet_with_short_headers_reads_as_well(inspection, inspector, tree):
    upload = sheet_bytes([["方正问题", tree.county_a.code, "严重"]],
                         headers=["问题描述", "单位编码", "严重程度"])
    (finding,) = imports.findings_import(actor=inspector, inspection=inspection, source=upload)
    assert (finding.description, finding.unit, finding.severity) == (
        "方正问题", tree.county_a, "serious")


@pytest.mark.parametrize(("upload", "message"), [
    (io.BytesIO(b"MZ not a workbook"), "该文件不是可读取的 Excel 工作簿（.xlsx）。"),
    (sheet_bytes([["x"]], headers=["随便"]), "第一行须为列名；缺少：单位编码、问题描述"),
    (sheet_bytes([]), "表格标题行下没有问题数据。"),
])
def test_a_file_that_is_not_a_findings_sheet_is_refused_in_chinese(
        client, inspection, inspector, upload, message):
    client.force_login(inspector)
    upload.name = "问题.xlsx"
    answer = client.post(f"/inspections/{inspection.pk}/findings/import/", {"file": upload})
    assert answer.status_code == 422
    assert message in answer.content.decode()
    assert not Finding.objects.exists()


def test_an_inspected_unit_may_not_import(client, inspection, county_admin, tree):
    client.force_login(county_admin)
    upload = sheet_bytes([[tree.county_a.code, None, None, None, "一般", "自报", None, None]])
    answer = client.post(f"/inspections/{inspection.pk}/findings/import/", {"file": upload})
    assert answer.status_code == 403
    assert not Finding.objects.exists()


# --- the exports --------------------------------------------------------------------------------

@pytest.fixture
def recorded(inspection, inspector, tree, categories):
    return services.findings_record(actor=inspector, inspection=inspection, rows=[
        (FindingData(tree.county_a, "“三会一课”记录不全", "serious", categories[0],
                     inspection.checklist.get(code="C1"), ["建立月检制度", "开展培训"]), []),
        (FindingData(tree.county_b, "=HYPERLINK(\"http://x\")", "minor",
                     suggestions=["整改台账"]), [])])


def test_the_findings_workbook_lists_each_finding_with_its_rectification(
        client, recorded, inspection, province_admin, tree):
    client.force_login(province_admin)
    answer = client.get(f"/inspections/{inspection.pk}/findings.xlsx")
    assert answer.status_code == 200
    workbook = load_workbook(io.BytesIO(content(answer)))
    findings, by_unit = workbook.worksheets
    rows = [[c.value for c in row] for row in findings.iter_rows()]
    header = rows[0]
    assert header[:8] == ["序号", "单位编码", "单位", "问题类别", "检查事项", "严重程度",
                          "问题描述", "整改建议"]
    first = dict(zip(header, rows[1], strict=True))
    task = recorded[0].rectification
    assert first["单位"] == tree.county_a.name and first["严重程度"] == "严重"
    assert first["整改建议"] == "1. 建立月检制度\n2. 开展培训"
    assert first["检查事项"] == "C1 “三会一课”落实情况"
    assert (first["编号"], first["状态"]) == (task.serial, "已登记")
    assert first["完成时限"].date() == task.deadline
    assert first["红黄绿灯"] == "未亮灯"
    assert rows[2][6] == '=HYPERLINK("http://x")'  # stays text, never a formula
    assert findings.cell(row=3, column=7).data_type == "s"
    units = {row[1]: row for row in by_unit.iter_rows(min_row=2, values_only=True)}
    assert units[tree.county_a.name][2:5] == ("满意度全省倒数第1", 1, 2)


def test_an_inspected_units_export_holds_its_own_findings_only(client, recorded, inspection,
                                                                 county_admin):
    client.force_login(county_admin)
    workbook = load_workbook(io.BytesIO(content(
        client.get(f"/inspections/{inspection.pk}/findings.xlsx"))))
    descriptions = [row[6] for row in workbook.worksheets[0].iter_rows(min_row=2,
                                                                       values_only=True)]
    assert descriptions == ["“三会一课”记录不全"]


def test_the_bulletin_is_written_from_the_data(client, recorded, inspection, province_admin,
                                               tree):
    from pacesetter.supervision.models import Inspection

    Inspection.objects.filter(pk=inspection.pk).update(leader=tree.person_a)
    inspection.members.set([tree.person_b])
    client.force_login(province_admin)
    answer = client.get(f"/inspections/{inspection.pk}/report.docx")
    assert answer.status_code == 200 and "通报" in unquote(answer["Content-Disposition"])
    document = Document(io.BytesIO(content(answer)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == "关于满意度后进县督查情况的通报"
    assert f"{TODAY:%Y-%m-%d} 至 {(TODAY + datetime.timedelta(days=5)):%Y-%m-%d}" in text
    assert "组长：张三" in text and "组员：李四" in text
    assert "东营区（满意度全省倒数第1）" in text and "河口区（满意度全省倒数第2）" in text
    assert "指出问题 2 个，提出整改建议 3 条" in text
    assert "整改建议 1：建立月检制度" in text and "整改建议 2：开展培训" in text
    assert recorded[0].rectification.serial in text
    assert "请各被督查单位对照上述问题逐条抓好整改" in text
    table = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert table[0][:3] == ["单位", "问题", "整改建议"]
    assert table[1][:3] == ["东营区", "1", "2"] and table[-1][:3] == ["合计", "2", "3"]
    assert document.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"


# --- the leading cadre a finding is attributed to -------------------------------------------------

def test_the_sheet_attributes_findings_to_cadres_of_their_units(inspection, inspector, tree):
    from tests.factories import PersonFactory

    namesake = PersonFactory(unit=tree.county_b, name=tree.person_a.name)
    upload = sheet_bytes([
        [tree.county_a.code, None, None, None, "严重", "信访积案化解不力", None, None,
         tree.person_a.name],
        [tree.county_b.code, None, None, None, "一般", "阵地建设不达标", None, None,
         f"{namesake.name}（{tree.county_b.name}）"],
        [tree.county_b.code, None, None, None, "一般", "无人担责", None, None, None],
    ], headers=[*HEADERS, "责任领导干部"])
    findings = imports.findings_import(actor=inspector, inspection=inspection, source=upload)
    assert [f.person for f in findings] == [tree.person_a, namesake, None]


def test_a_cadre_not_found_at_the_rows_unit_names_the_row_and_nothing_is_recorded(
        inspection, inspector, tree):
    from pacesetter.errors import ValidationFailed

    upload = sheet_bytes([
        [tree.county_a.code, None, None, None, "严重", "问题一", None, None, tree.person_a.name],
        [tree.county_a.code, None, None, None, "严重", "问题二", None, None, tree.person_b.name],
        [tree.county_b.code, None, None, None, "一般", "问题三", None, None, "查无此人"],
    ], headers=[*HEADERS, "责任领导干部"])
    with pytest.raises(ValidationFailed) as refused:
        imports.findings_import(actor=inspector, inspection=inspection, source=upload)
    assert [(e["row"], e["field"], e["column"]) for e in refused.value.extra["errors"]] == [
        (3, "person", spreadsheets.column_label("person")),
        (4, "person", spreadsheets.column_label("person"))]
    assert tree.person_b.name in refused.value.extra["errors"][0]["message"]
    assert not Finding.objects.exists()


def test_the_findings_workbook_names_the_cadre_a_finding_is_attributed_to(
        client, inspection, inspector, province_admin, tree):
    from django.utils.translation import gettext

    services.findings_record(actor=inspector, inspection=inspection, rows=[
        (FindingData(tree.county_a, "信访积案化解不力", person=tree.person_a), []),
        (FindingData(tree.county_b, "无人担责"), [])])
    client.force_login(province_admin)
    workbook = load_workbook(io.BytesIO(content(
        client.get(f"/inspections/{inspection.pk}/findings.xlsx"))))
    rows = [[c.value for c in row] for row in workbook.worksheets[0].iter_rows()]
    column = rows[0].index(gettext("Attributed to"))
    assert [row[column] for row in rows[1:]] == [
        f"{tree.person_a.name} {tree.person_a.position}", None]
