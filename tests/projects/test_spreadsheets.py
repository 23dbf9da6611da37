"""The portfolio's workbooks, opened with openpyxl: the project list with its milestones, the
review, and the wall chart (挂图) set up to print on A3 landscape.

The 2022 portfolio is over, so the health of its projects no longer moves:

    P01 红色物业  county A  2022-03-01 → 2022-08-31  方案制定 04-15 done, 中期检查 07-05 done,
                                                     全面推开 07-20 at 40%       → overdue
    P02 积分超市  county B  2021-10-01 → 2023-03-31  验收 12-10 done            → done
"""

import datetime
import io

import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

from pacesetter.projects import services
from pacesetter.projects.services import MilestoneData, ProjectData
from tests.projects.test_portfolio_pages import reviewed, started  # noqa: F401 - fixtures

D = datetime.date
OVERDUE_TINT, DONE_TINT = "00FFCDD2", "00E0E0E0"
RED, GREEN = "00D32F2F", "002E7D32"
FIRST_MONTH = 11  # column K: the ten columns of facts come first


@pytest.fixture
def year2022(tree, province_admin):
    portfolio = services.portfolio_create(actor=province_admin, owner=tree.province,
                                          title="2022 组织工作创新年", year=2022)
    for code, title, lead, start, deadline, milestones, extra in (
            ("P01", "红色物业", tree.county_a, D(2022, 3, 1), D(2022, 8, 31), [
                MilestoneData("方案制定", D(2022, 4, 15), "实施方案", percent=100),
                MilestoneData("中期检查", D(2022, 7, 5), percent=100),
                MilestoneData("全面推开", D(2022, 7, 20), percent=40)],
             {"leader": tree.person_a, "owner": tree.member_person, "budget": 12.5,
              "tags": ["物业", "治理"], "co_units": [tree.township_a1], "category": "基层党建"}),
            ("P02", "积分超市", tree.county_b, D(2021, 10, 1), D(2023, 3, 31), [
                MilestoneData("验收", D(2022, 12, 10), percent=100)], {})):
        project = services.project_create(
            actor=province_admin, portfolio=portfolio, milestones=milestones,
            data=ProjectData(title=title, code=code, lead_unit=lead, starts_on=start,
                             deadline=deadline, **extra))
        for step in ("submit", "approve", "start"):
            services.project_step(actor=province_admin, project=project, step=step)
    return portfolio


def workbook(client, url, **options):
    answer = client.get(url)
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(io.BytesIO(b"".join(answer.streaming_content)), **options)


def values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# ---- the project list ------------------------------------------------------------------------


def test_the_project_list_has_every_column_and_the_milestones(client, year2022,
                                                              province_admin):
    client.force_login(province_admin)
    book = workbook(client, f"/portfolios/{year2022.pk}/projects.xlsx")
    assert book.sheetnames == ["项目", "节点"]
    header, *rows = values(book["项目"])
    line = dict(zip(header, rows[0], strict=True))
    assert [row[1] for row in rows] == ["P01", "P02"]
    assert (line["项目"], line["牵头单位"], line["配合单位"], line["责任领导"], line["责任人"],
            line["进度状态"], line["完成百分比"]) == (
        "红色物业", "东营区", "文汇街道", "张三", "王五", "已逾期", 80)
    assert (line["下一节点"], line["下一节点时限"].date()) == ("全面推开", D(2022, 7, 20))
    assert line["开始日期"].date() == D(2022, 3, 1) and line["完成时限"].date() == D(2022, 8, 31)
    assert (line["分类"], line["标签"], line["预算（万元）"]) == ("基层党建", "物业、治理", 12.5)
    assert dict(zip(header, rows[1], strict=True))["进度状态"] == "已完成"
    header, *milestones = values(book["节点"])
    assert [(m[0], m[2], m[5], m[7]) for m in milestones] == [
        ("P01", "方案制定", 100, "已完成"), ("P01", "中期检查", 100, "已完成"),
        ("P01", "全面推开", 40, "已逾期"), ("P02", "验收", 100, "已完成")]


def test_the_project_list_keeps_the_filters_and_the_scope(client, year2022, tree,
                                                           province_admin, county_admin):
    client.force_login(province_admin)
    book = workbook(client, f"/portfolios/{year2022.pk}/projects.xlsx?health=done")
    assert [row[1] for row in values(book["项目"])[1:]] == ["P02"]
    assert [row[0] for row in values(book["节点"])[1:]] == ["P02"]
    client.force_login(county_admin)
    book = workbook(client, f"/portfolios/{year2022.pk}/projects.xlsx")
    assert [row[1] for row in values(book["项目"])[1:]] == ["P01"]


def test_text_that_looks_like_a_formula_stays_text(client, tree, province_admin):
    portfolio = services.portfolio_create(actor=province_admin, owner=tree.province,
                                          title="公式", year=2022)
    services.project_create(actor=province_admin, portfolio=portfolio,
                            data=ProjectData(title="=HYPERLINK(\"http://x\")"))
    client.force_login(province_admin)
    for url, sheet, column in (("projects.xlsx", "项目", 3), ("wallchart.xlsx", "挂图", 3)):
        book = workbook(client, f"/portfolios/{portfolio.pk}/{url}")
        row = 2 if url == "projects.xlsx" else 4
        cell = book[sheet].cell(row=row, column=column)
        assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"


def test_names_that_look_like_formulas_stay_text_in_every_workbook(client, tree,
                                                                   province_admin):
    # given units and people whose names a spreadsheet would run as formulas
    evil = {tree.province: "-山东省", tree.county_a: '=HYPERLINK("http://x","东营")',
            tree.township_a1: "@文汇", tree.person_a: '=HYPERLINK("http://x","y")',
            tree.member_person: "+王五"}
    for holder, name in evil.items():
        type(holder).objects.filter(pk=holder.pk).update(name=name)
        holder.refresh_from_db()
    portfolio = services.portfolio_create(actor=province_admin, owner=tree.province,
                                          title="公式", year=D.today().year)
    project = services.project_create(
        actor=province_admin, portfolio=portfolio,
        milestones=[MilestoneData("节点", D.today())],
        data=ProjectData(title="项目", lead_unit=tree.county_a, co_units=[tree.township_a1],
                         leader=tree.person_a, owner=tree.member_person))
    for step in ("submit", "approve", "start"):
        services.project_step(actor=province_admin, project=project, step=step)
    client.force_login(province_admin)
    for url in ("projects.xlsx", "wallchart.xlsx", "review.xlsx"):
        # when
        book = workbook(client, f"/portfolios/{portfolio.pk}/{url}")
        # then no cell is a formula, and the names read back as typed
        cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
        assert [c.coordinate for c in cells if c.data_type == "f"] == [], url
        texts = {c.value for c in cells if isinstance(c.value, str)}
        shown = {name for name in evil.values() if name in texts}
        assert shown == {"projects.xlsx": set(evil.values()),
                         "wallchart.xlsx": {evil[tree.county_a], evil[tree.person_a],
                                            evil[tree.member_person]},
                         "review.xlsx": {evil[tree.county_a]}}[url]


# ---- the wall chart --------------------------------------------------------------------------


def test_the_wall_chart_prints_on_a3_landscape_one_page_wide(client, year2022, province_admin):
    client.force_login(province_admin)
    sheet = workbook(client, f"/portfolios/{year2022.pk}/wallchart.xlsx")["挂图"]
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert setup.paperSize == 8  # A3 in the OOXML paper sizes
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$1:$3"  # the title and the header on every page
    assert sheet.print_area == "'挂图'!$A$1:$V$5"
    assert sheet["A1"].value == "2022 组织工作创新年 · 挂图作战"
    assert "A1:V1" in {str(r) for r in sheet.merged_cells.ranges}
    assert "共 2 个项目" in sheet["A2"].value
    header = [sheet.cell(row=3, column=c).value for c in range(1, 23)]
    assert header[:3] == ["序号", "编号", "项目"]
    assert header[10:] == [f"{m}月" for m in range(1, 13)]


def test_the_wall_chart_colors_the_months_a_project_runs_and_marks_its_milestones(
        client, year2022, province_admin):
    client.force_login(province_admin)
    sheet = workbook(client, f"/portfolios/{year2022.pk}/wallchart.xlsx",
                     rich_text=True)["挂图"]
    # P01 runs March to August and is overdue: those months carry the overdue color
    assert [sheet.cell(row=4, column=c).value for c in (2, 3, 8, 9)] == [
        "P01", "红色物业", "已逾期", "80%"]
    months = [sheet.cell(row=4, column=FIRST_MONTH + m) for m in range(12)]
    assert [cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
            for cell in months] == [None, None] + [OVERDUE_TINT] * 6 + [None] * 4
    # April: the plan, done (green); July: the check, done, and the roll-out, overdue (red)
    april, july = months[3], months[6]
    assert april.value == "◆" and april.font.color.rgb == GREEN
    assert isinstance(july.value, CellRichText) and str(july.value) == "◆◆"
    assert [block.font.color.rgb for block in july.value] == [RED, GREEN]
    assert july.font.color.rgb == RED  # the most urgent state gives the cell its color
    assert all(cell.value is None for n, cell in enumerate(months) if n not in (3, 6))
    # P02 runs from 2021 into 2023 and is done: grey all year, ◀ where it comes from before
    months = [sheet.cell(row=5, column=FIRST_MONTH + m) for m in range(12)]
    assert {cell.fill.fgColor.rgb for cell in months} == {DONE_TINT}
    assert months[0].value == "◀" and months[11].value == "◆"


def test_a_terminated_project_is_printed_as_terminated(client, year2022, province_admin):
    # given P01 (overdue) is terminated
    p01 = year2022.projects.get(code="P01")
    services.project_step(actor=province_admin, project=p01, step="terminate", note="撤并")
    client.force_login(province_admin)
    # when
    sheet = workbook(client, f"/portfolios/{year2022.pk}/wallchart.xlsx")["挂图"]
    header, *rows = values(workbook(client, f"/portfolios/{year2022.pk}/projects.xlsx")["项目"])
    # then it reads 已终止 in dark grey, its months grey, not 已完成
    assert sheet.cell(row=4, column=8).value == "已终止"
    assert sheet.cell(row=4, column=8).font.color.rgb == "00616161"
    assert sheet.cell(row=4, column=FIRST_MONTH + 3).fill.fgColor.rgb == "00BDBDBD"
    assert dict(zip(header, rows[0], strict=True))["进度状态"] == "已终止"


def test_the_wall_chart_takes_the_battle_maps_filters(client, year2022, tree, province_admin):
    client.force_login(province_admin)
    sheet = workbook(client, f"/portfolios/{year2022.pk}/wallchart.xlsx"
                             f"?unit={tree.county_b.pk}")["挂图"]
    assert sheet.cell(row=4, column=2).value == "P02"
    assert sheet.cell(row=5, column=2).value is None


# ---- the review ------------------------------------------------------------------------------


def test_the_review_workbook_ranks_as_the_page_and_states_the_formula(
        client, reviewed, province_admin):  # noqa: F811 - the imported fixture
    client.force_login(province_admin)
    book = workbook(client, f"/portfolios/{reviewed.pk}/review.xlsx?period=year&weight=50")
    header, *rows = values(book["评估"])
    assert header[:7] == ["名次", "编号", "项目", "牵头单位", "评估日完成率（%）",
                          "路演最好成绩（%）", "综合得分"]
    # 0.5·50 + 0.5·90 = 70; B did not present: 0.5·80 + 0 = 40; 0.5·20 + 0.5·60 = 40
    assert [row[:7] for row in rows] == [
        [1, "A", "项目甲", "东营区", 50, 90, 70],
        [2, "B", "项目乙", "河口区", 80, None, 40],
        [2, "C", "项目丙", "日照市", 20, 60, 40]]
    notes = dict(values(book["计算方法"]))
    assert notes["评估"] == "年终评" and notes["完成率权重（%）"] == 50
    assert "50% × 完成率 + 50% × 路演成绩" in notes["公式"]
    assert "未参加路演的项目，路演成绩计 0 分" in notes["公式"]
    assert "尚未举行路演时，只按完成率排名" in notes["公式"]
