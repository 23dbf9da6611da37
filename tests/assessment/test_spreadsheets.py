"""A plan's workbooks: the figures template, its upload, and the streamed exports."""

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from pacesetter.assessment import services, spreadsheets
from pacesetter.assessment.models import IndicatorValue
from pacesetter.audit.models import AuditEntry
from pacesetter.errors import PermissionDenied, ValidationFailed
from pacesetter.orgs.models import Role
from tests.assessment.conftest import figures
from tests.factories import UnitFactory, user_with_role


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def open_plan(plan, province_admin):
    services.plan_open(actor=province_admin, plan=plan)
    return plan


def workbook_of(handle):
    with handle:
        return load_workbook(io.BytesIO(handle.read()))


def sheet_rows(handle):
    return [list(row) for row in workbook_of(handle).worksheets[0].iter_rows(values_only=True)]


def as_upload(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def stored(plan):
    return {(v.unit.code, v.plan_indicator.indicator.code): (v.value, v.comment)
            for v in IndicatorValue.objects.filter(plan=plan).select_related(
                "unit", "plan_indicator__indicator")}


def test_the_template_has_a_row_per_unit_with_stored_figures_and_data_validation(
        open_plan, province_admin, tree):
    # given
    services.values_save(actor=province_admin, plan=open_plan, unit=tree.county_a,
                         values={"A1": (Decimal("98.5"), "会议记录")})
    # when
    book = workbook_of(spreadsheets.template_file(actor=province_admin, plan=open_plan))
    # then
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["Unit code", "Name", "Status", "A1\n三会一课落实率", "A1 Note"]
    assert [r[0] for r in rows[1:]] == ["370502", "370503"]
    assert rows[1][1:5] == ["东营区", "Draft", 98.5, "会议记录"]
    assert rows[2][3:] == [None] * 8
    checks = {str(v.sqref): (v.type, v.formula1, v.formula2)
              for v in sheet.data_validations.dataValidation}
    assert checks == {
        "D2:D3": ("decimal", "-10000000000000", "100"),
        "F2:F3": ("decimal", "-10000000000000", "10000000000000"),
        "H2:H3": ("whole", "-10000000000000", "10000000000000"),
        "J2:J3": ("list", '"0,1"', None),
    }
    notes = [r[0] for r in book["Instructions"].iter_rows(values_only=True)]
    assert any("all or nothing" in (line or "") for line in notes)
    assert ["A1", "三会一课落实率", None, "at most 100"] in [
        list(r) for r in book["Instructions"].iter_rows(values_only=True)]


def test_a_reporters_template_holds_only_their_units(open_plan, reporter):
    rows = sheet_rows(spreadsheets.template_file(actor=reporter, plan=open_plan))
    assert [r[0] for r in rows[1:]] == ["370502"]


def test_someone_who_reports_for_no_unit_gets_no_template(open_plan, tree):
    reviewer = user_with_role(Role.REVIEWER, tree.county_a)
    with pytest.raises(PermissionDenied):
        spreadsheets.template_file(actor=reviewer, plan=open_plan)


def fill(handle, values):
    """The template with ``values`` ({(row, column letter): value}) written in."""
    book = workbook_of(handle)
    for (row, column), value in values.items():
        book.worksheets[0][f"{column}{row}"] = value
    return as_upload(book)


def test_a_filled_template_uploads_and_saves_every_figure(open_plan, province_admin):
    # given
    template = spreadsheets.template_file(actor=province_admin, plan=open_plan)
    upload = fill(template, {(2, "D"): 98, (2, "E"): "会议记录", (2, "F"): 96.5, (2, "H"): 2,
                             (2, "J"): 0, (3, "D"): 70, (3, "F"): 88, (3, "H"): 0,
                             (3, "J"): 1})
    # when
    written = spreadsheets.values_upload(actor=province_admin, plan=open_plan, source=upload)
    # then
    assert written == 8
    assert stored(open_plan) == {
        ("370502", "A1"): (Decimal(98), "会议记录"), ("370502", "A2"): (Decimal("96.5"), ""),
        ("370502", "B1"): (Decimal(2), ""), ("370502", "V1"): (Decimal(0), ""),
        ("370503", "A1"): (Decimal(70), ""), ("370503", "A2"): (Decimal(88), ""),
        ("370503", "B1"): (Decimal(0), ""), ("370503", "V1"): (Decimal(1), ""),
    }


def test_uploading_the_downloaded_template_again_changes_nothing(open_plan, province_admin,
                                                                 tree):
    services.values_save(actor=province_admin, plan=open_plan, unit=tree.county_a,
                         values=figures("98.25", 96, 1, 0))
    audits = AuditEntry.objects.count()
    template = spreadsheets.template_file(actor=province_admin, plan=open_plan)

    written = spreadsheets.values_upload(actor=province_admin, plan=open_plan,
                                         source=io.BytesIO(template.read()))

    assert written == 0
    assert AuditEntry.objects.count() == audits


def test_columns_are_found_by_indicator_code_in_any_order(open_plan, province_admin):
    book = Workbook()
    book.active.append(["V1", "单位代码", "A1 三会一课落实率 (%)", "A1 备注"])
    book.active.append([0, "370503", 91, "抽查"])

    spreadsheets.values_upload(actor=province_admin, plan=open_plan, source=as_upload(book))

    assert stored(open_plan) == {("370503", "A1"): (Decimal(91), "抽查"),
                                 ("370503", "V1"): (Decimal(0), "")}


def test_a_bad_cell_anywhere_saves_nothing_and_every_bad_cell_is_named(open_plan,
                                                                       province_admin):
    # given: good figures, and bad cells on both rows and in the header
    template = spreadsheets.template_file(actor=province_admin, plan=open_plan)
    book = workbook_of(template)
    sheet = book.worksheets[0]
    for row, values in ((2, (98, 96, 1, 0)), (3, (150, "很好", 1.5, 0))):
        for column, value in zip("DFHJ", values, strict=True):
            sheet[f"{column}{row}"] = value
    sheet["L1"] = "合计"
    sheet["A4"], sheet["D4"] = "370502", 90
    sheet["D5"] = 80
    # when
    with pytest.raises(ValidationFailed) as error:
        spreadsheets.values_upload(actor=province_admin, plan=open_plan,
                                   source=as_upload(book))
    # then
    assert [(e["where"], e["message"]) for e in error.value.extra["errors"]] == [
        ("Row 1, column L", "Unknown column “合计”: a column's header starts with the code of "
                            "one of the plan's indicators."),
        ("Row 3, column D", "150.0000 is above the maximum 100.0000."),
        ("Row 3, column F", "“很好” is not a number within ±10¹³."),
        ("Row 3, column H", "Enter a whole number."),
        ("Row 4, column A", "Unit 370502 is already on row 2."),
        ("Row 5, column A", "The unit code is empty."),
    ]
    assert error.value.message == "Nothing was saved: 6 problems in the file."
    assert not IndicatorValue.objects.exists()


def test_a_reporter_uploading_another_countys_row_is_told_it_is_outside_their_scope(
        open_plan, province_admin, reporter):
    template = spreadsheets.template_file(actor=province_admin, plan=open_plan)
    upload = fill(template, {(2, "D"): 98, (3, "D"): 70})

    with pytest.raises(ValidationFailed) as error:
        spreadsheets.values_upload(actor=reporter, plan=open_plan, source=upload)

    assert [(e["where"], e["message"]) for e in error.value.extra["errors"]] == [
        ("Row 3, column A", "Unknown unit “370503”, or not one you report for.")]
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"not a workbook", "The file is not an Excel workbook (.xlsx) that can be read"),
    ([["名称", "A1"], ["东营区", 1]], "The first row must name the columns"),
    ([["单位代码", "名称"], ["370502", "东营区"]], "The first row names none of the plan's"),
    ([["单位代码", "A1"]], "The file has no rows of figures."),
])
def test_a_file_that_is_not_a_figures_workbook_is_refused_whole(open_plan, province_admin,
                                                                 content, message):
    if isinstance(content, bytes):
        source = io.BytesIO(content)
    else:
        book = Workbook()
        for row in content:
            book.active.append(row)
        source = as_upload(book)
    with pytest.raises(ValidationFailed) as error:
        spreadsheets.values_upload(actor=province_admin, plan=open_plan, source=source)
    assert error.value.message.startswith(message)


def scored(plan, province_admin, tree, publish=True):
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_a,
                         values=figures(98, 96, 2, 0))
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_b,
                         values=figures(70, 85, 0, 0))
    version = services.plan_score(actor=province_admin, plan=plan)
    if publish:
        version = services.plan_publish(actor=province_admin, plan=plan)
    return version


@pytest.fixture
def writes_only(monkeypatch):
    """Record how each workbook is made: the exports must be write-only (streamed)."""
    modes = []

    def recording(*args, **kwargs):
        modes.append(kwargs.get("write_only", False))
        return Workbook(*args, **kwargs)

    monkeypatch.setattr(spreadsheets, "Workbook", recording)
    return modes


def test_the_results_export_has_every_result_with_its_breakdown(open_plan, province_admin,
                                                                reporter, tree, writes_only):
    # given
    version = scored(open_plan, province_admin, tree)
    # when: a reporter exports the published result, shown whole to all who see the plan
    rows = sheet_rows(spreadsheets.results_file(actor=reporter, plan=open_plan,
                                                version=version))
    # then
    assert writes_only == [True]
    assert rows[0] == ["Rank", "Ranking group", "Rank in group", "Unit code", "Name", "Total",
                       "Weighted score", "Bonus", "Deduction", "Vetoed", "List",
                       "Change of total", "Change of rank in group", "A1 value", "A1 points",
                       "A2 value", "A2 points", "B1 value", "B1 points", "V1 value",
                       "V1 points"]
    assert [r[3] for r in rows[1:]] == ["370502", "370503"]
    first = dict(zip(rows[0], rows[1], strict=True))
    result = version.results.get(unit=tree.county_a)
    assert first["Total"] == float(result.total)
    assert first["List"] == "Red list"
    assert [first["A1 value"], first["B1 value"], first["B1 points"]] == [98, 2, 2]
    assert first["A1 points"] == result.breakdown["points"][0]


def test_the_submissions_export_holds_only_the_units_the_page_shows(
        open_plan, province_admin, reporter, tree, writes_only):
    services.values_save(actor=reporter, plan=open_plan, unit=tree.county_a,
                         values=figures(98, 96, 2, 0))
    services.submission_submit(actor=reporter, plan=open_plan, unit=tree.county_a)

    mine = sheet_rows(spreadsheets.submissions_file(actor=reporter, plan=open_plan))
    everyone = sheet_rows(spreadsheets.submissions_file(actor=province_admin, plan=open_plan))

    assert writes_only == [True, True]
    assert mine[0] == ["Unit code", "Name", "Status", "Submitted at", "Values reported",
                       "Values missing", "Reason for return"]
    assert [r[:3] + r[4:6] for r in mine[1:]] == [["370502", "东营区", "Submitted", 4, 0]]
    assert mine[1][3] is not None
    assert sorted(r[0] for r in everyone[1:]) == ["370502", "370503"]


def test_exports_cost_a_fixed_number_of_queries(plan, province_admin, tree,
                                                django_assert_max_num_queries):
    # given: 32 assessed counties
    for _ in range(30):
        UnitFactory(parent=tree.city2)
    services.plan_open(actor=province_admin, plan=plan)
    version = scored(plan, province_admin, tree)
    open_plan = plan
    # then
    with django_assert_max_num_queries(4):
        spreadsheets.results_file(actor=province_admin, plan=open_plan, version=version).close()
    with django_assert_max_num_queries(4):
        spreadsheets.submissions_file(actor=province_admin, plan=open_plan).close()
    with django_assert_max_num_queries(8):
        spreadsheets.template_file(actor=province_admin, plan=open_plan).close()


# --- text users typed stays text -----------------------------------------------------------

FORMULA = '=HYPERLINK("http://x","y")'


def formulas(book):
    return [cell.coordinate for sheet in book.worksheets for row in sheet.iter_rows()
            for cell in row if cell.data_type == "f"]


def test_a_note_typed_as_a_formula_is_text_in_the_template_and_uploads_back_unchanged(
        open_plan, province_admin, tree):
    # given: a note, an indicator name and a unit name that a spreadsheet would run
    services.values_save(actor=province_admin, plan=open_plan, unit=tree.county_a,
                         values={"A1": (Decimal("98.5"), FORMULA)})
    tree.county_b.name = "-cmd|' /C calc'!A0"
    tree.county_b.save()
    indicator = open_plan.plan_indicators.get(indicator__code="A2").indicator
    indicator.name = "@SUM(1+1)"
    indicator.save()
    # when
    book = workbook_of(spreadsheets.template_file(actor=province_admin, plan=open_plan))
    # then: text cells holding the text as typed; the figure is still a number
    sheet = book.worksheets[0]
    assert formulas(book) == []
    assert (sheet["E2"].data_type, sheet["E2"].value) == ("s", FORMULA)
    assert sheet["E2"].quotePrefix
    assert (sheet["B3"].data_type, sheet["B3"].value) == ("s", "-cmd|' /C calc'!A0")
    assert (sheet["D2"].data_type, sheet["D2"].value) == ("n", 98.5)
    assert ["A2", "@SUM(1+1)"] in [list(r[:2]) for r in
                                   book["Instructions"].iter_rows(values_only=True)]
    # and when the file is uploaded again, after a round trip through a spreadsheet program
    audits = AuditEntry.objects.count()
    written = spreadsheets.values_upload(actor=province_admin, plan=open_plan,
                                         source=as_upload(book))
    # then the note is read back as it was, and nothing changes
    assert written == 0
    assert AuditEntry.objects.count() == audits
    assert stored(open_plan)[("370502", "A1")] == (Decimal("98.5"), FORMULA)


def test_a_formula_typed_as_a_note_is_saved_from_the_template_as_its_text(open_plan,
                                                                            province_admin):
    template = spreadsheets.template_file(actor=province_admin, plan=open_plan)
    upload = fill(template, {(2, "D"): 98, (2, "E"): "-5 分，见 =A1"})

    spreadsheets.values_upload(actor=province_admin, plan=open_plan, source=upload)
    book = workbook_of(spreadsheets.template_file(actor=province_admin, plan=open_plan))

    assert stored(open_plan)[("370502", "A1")] == (Decimal(98), "-5 分，见 =A1")
    note = book.worksheets[0]["E2"]
    assert (note.data_type, note.value, note.quotePrefix) == ("s", "-5 分，见 =A1", True)


def test_unit_names_and_return_reasons_typed_as_formulas_are_text_in_the_exports(
        open_plan, province_admin, reporter, tree):
    # given
    tree.county_a.name = FORMULA
    tree.county_a.save()
    services.values_save(actor=province_admin, plan=open_plan, unit=tree.county_b,
                         values=figures(70, 85, 0, 0))
    services.submission_submit(actor=province_admin, plan=open_plan, unit=tree.county_b)
    services.submission_review(actor=province_admin, plan=open_plan, unit=tree.county_b,
                               approve=False, reason='+HYPERLINK("http://x")')
    version = scored(open_plan, province_admin, tree)
    # when
    results = workbook_of(spreadsheets.results_file(actor=reporter, plan=open_plan,
                                                    version=version))
    reporting = workbook_of(spreadsheets.submissions_file(actor=province_admin,
                                                          plan=open_plan))
    # then
    assert formulas(results) == formulas(reporting) == []
    name = next(row[4] for row in results.worksheets[0].iter_rows(min_row=2)
                if row[3].value == "370502")
    assert (name.data_type, name.value) == ("s", FORMULA)
    rows = {row[0].value: row for row in reporting.worksheets[0].iter_rows(min_row=2)}
    assert (rows["370502"][1].data_type, rows["370502"][1].value) == ("s", FORMULA)
    assert rows["370503"][6].value == '+HYPERLINK("http://x")'
    assert rows["370503"][4].data_type == "n"
