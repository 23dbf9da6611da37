"""The portfolio pages: the list with its counts, the battle map (挂图作战) and its filters, the
board, the review with its formula and marks, and the portfolio form.

The city portfolio below is organized by the province and runs this year:

    P01 逾期项目  county A     基层党建  张三  a milestone 20 days late      → overdue
    P02 风险项目  township A1  基层党建  张三  a milestone due in 5 days, 0% → at risk
    P03 完成项目  county B     人才工作  李四  every milestone done          → done
    P04 正常项目  city 2       人才工作  —     30% of a milestone due later   → on track
"""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pacesetter.audit.models import AuditEntry
from pacesetter.projects import services
from pacesetter.projects.models import Portfolio, Project
from pacesetter.projects.services import JudgeData, MilestoneData, ProjectData
from tests.projects.conftest import RUBRIC, TODAY, days


def started(actor, portfolio, code, title, lead, milestones, *, category="", leader=None,
            co_units=()):
    """A project the organizer put in the list, approved and started."""
    project = services.project_create(
        actor=actor, portfolio=portfolio, milestones=milestones,
        data=ProjectData(title=title, code=code, category=category, lead_unit=lead,
                         leader=leader, starts_on=days(-90), deadline=days(200),
                         co_units=list(co_units)))
    for step in ("submit", "approve", "start"):
        project = services.project_step(actor=actor, project=project, step=step)
    return project


@pytest.fixture
def city(tree, province_admin):
    portfolio = services.portfolio_create(actor=province_admin, owner=tree.province,
                                          title="创新年", year=TODAY.year, cadence="monthly")
    a = province_admin
    started(a, portfolio, "P01", "逾期项目", tree.county_a,
            [MilestoneData("调研", days(-20)), MilestoneData("推开", days(60))],
            category="基层党建", leader=tree.person_a)
    started(a, portfolio, "P02", "风险项目", tree.township_a1, [MilestoneData("试点", days(5))],
            category="基层党建", leader=tree.person_a)
    started(a, portfolio, "P03", "完成项目", tree.county_b,
            [MilestoneData("方案", days(-30), percent=100),
             MilestoneData("总结", days(-5), percent=100)],
            category="人才工作", leader=tree.person_b)
    started(a, portfolio, "P04", "正常项目", tree.city2,
            [MilestoneData("建设", days(100), percent=30)], category="人才工作")
    return portfolio


def codes(page):
    return [line["row"].project.code for line in page.context["lines"]]


# ---- the list --------------------------------------------------------------------------------


def test_the_list_counts_each_portfolios_projects_by_health_and_state(client, city,
                                                                       province_admin):
    # given the city portfolio, its four projects in progress
    client.force_login(province_admin)
    # when
    page = client.get("/portfolios/")
    # then
    text = page.content.decode()
    row = re.search(rf'<tr id="portfolio-{city.pk}">(.*?)</tr>', text, re.S).group(1)
    assert "创新年" in row
    for name, count in (("total", 4), ("overdue", 1), ("at_risk", 1), ("on_track", 1),
                        ("done", 1)):
        assert f'class="count-{name}">{count}<' in row
    assert "推进中 4" in row
    assert 'id="new-portfolio"' in text  # an administrator may open a portfolio


def test_the_list_counts_only_the_projects_the_user_sees(client, city, county_admin):
    # county A sees its own project and its township's, not county B's or city 2's
    client.force_login(county_admin)
    row = re.search(rf'<tr id="portfolio-{city.pk}">(.*?)</tr>',
                    client.get("/portfolios/").content.decode(), re.S).group(1)
    assert 'class="count-total">2<' in row
    assert 'class="count-overdue">1<' in row and 'class="count-done">0<' in row


def test_the_list_costs_the_same_few_queries_for_many_portfolios(client, city, tree,
                                                                 province_admin):
    client.force_login(province_admin)
    client.get("/portfolios/")  # warm the session and the user's grants
    with CaptureQueriesContext(connection) as one:
        client.get("/portfolios/")
    for year in (2023, 2024, 2025):
        other = services.portfolio_create(actor=province_admin, owner=tree.province,
                                          title=f"{year} 项目", year=year)
        started(province_admin, other, "X1", "项目", tree.county_a,
                [MilestoneData("节点", days(10))])
    with CaptureQueriesContext(connection) as four:
        page = client.get("/portfolios/")
    assert len(page.context["summaries"]) == 4
    assert len(four) == len(one)


# ---- the battle map and its filters ----------------------------------------------------------


def test_the_battle_map_lists_every_project_with_its_derived_health(client, city,
                                                                   province_admin):
    client.force_login(province_admin)
    page = client.get(f"/portfolios/{city.pk}/")
    assert page.status_code == 200
    assert codes(page) == ["P01", "P02", "P03", "P04"]
    text = page.content.decode()
    assert "挂图作战" in text
    for health, count in (("overdue", 1), ("at_risk", 1), ("on_track", 1), ("done", 1)):
        assert f'id="count-{health}">{count}<' in text
    table = re.search(r'<table class="list" id="project-table">(.*?)</table>', text,
                      re.S).group(1)
    p01 = re.search(r'<tr class="health-row-overdue".*?</tr>', table, re.S).group(0)
    assert "逾期项目" in p01 and "东营区" in p01 and "张三" in p01 and "已逾期" in p01
    assert "调研" in p01 and "逾期未报" in p01  # the next milestone not done; no report yet
    assert 'id="new-project"' in text  # the organizer may add a project


def test_the_battle_map_embeds_the_chart_with_the_colors_of_health_and_milestones(
        client, city, province_admin):
    # when
    client.force_login(province_admin)
    text = client.get(f"/portfolios/{city.pk}/").content.decode()
    # then the chart's data is on the page as JSON
    data = json.loads(re.search(
        r'<script id="battlemap-data" type="application/json">(.*?)</script>', text,
        re.S).group(1))
    rows = {row["label"]: row for row in data["rows"]}
    assert {label: (row["health"], row["color"]) for label, row in rows.items()} == {
        "P01 逾期项目": ("overdue", "#d32f2f"), "P02 风险项目": ("at_risk", "#f57c00"),
        "P03 完成项目": ("done", "#9e9e9e"), "P04 正常项目": ("on_track", "#1976d2")}
    late = rows["P01 逾期项目"]
    assert [(m["title"], m["state"], m["color"]) for m in late["milestones"]] == [
        ("调研", "overdue", "#d32f2f"), ("推开", "not_due", "#1976d2")]
    assert late["start"] == days(-90).isoformat() and late["end"] == days(200).isoformat()
    assert late["health_label"] == "已逾期"
    assert [m["color"] for m in rows["P02 风险项目"]["milestones"]] == ["#f57c00"]
    assert {m["color"] for m in rows["P03 完成项目"]["milestones"]} == {"#2e7d32"}
    assert late["url"] == f"/projects/{Project.objects.get(code='P01').pk}/"
    assert data["today"] == TODAY.isoformat()
    assert data["texts"]["today"] == "今天"


@pytest.mark.parametrize(("query", "expected"), [
    ("unit={A}", ["P01", "P02"]),  # county A and the township under it
    ("unit={A1}", ["P02"]),
    ("category=人才工作", ["P03", "P04"]),
    ("leader={person_a}", ["P01", "P02"]),
    ("health=overdue", ["P01"]),
    ("health=done", ["P03"]),
    ("category=基层党建&health=at_risk", ["P02"]),
    ("q=风险", ["P02"]),
    ("q=p04", ["P04"]),
    ("state=in_progress", ["P01", "P02", "P03", "P04"]),
    ("state=accepted", []),
    ("unit=abc&health=purple&state=x&leader=-1", ["P01", "P02", "P03", "P04"]),  # ignored
])
def test_filters_narrow_the_battle_map_board_and_list(client, city, tree, province_admin,
                                                      query, expected):
    client.force_login(province_admin)
    query = (query.replace("{A}", str(tree.county_a.pk))
             .replace("{A1}", str(tree.township_a1.pk))
             .replace("{person_a}", str(tree.person_a.pk)))
    page = client.get(f"/portfolios/{city.pk}/?{query}")
    assert page.status_code == 200
    assert codes(page) == expected
    board = client.get(f"/portfolios/{city.pk}/board/?{query}")
    assert sorted(card["row"].project.code for column in board.context["columns"]
                  for card in column["cards"]) == expected


def test_the_filters_offer_the_units_categories_and_leaders_in_use(client, city, tree,
                                                                  province_admin):
    client.force_login(province_admin)
    text = client.get(f"/portfolios/{city.pk}/?category=人才工作").content.decode()
    form = re.search(r'<form method="get" class="filters.*?</form>', text, re.S).group(0)
    assert '<option value="人才工作" selected>' in form
    assert f'<option value="{tree.county_b.pk}">河口区</option>' in form
    assert f'<option value="{tree.person_b.pk}">李四</option>' in form
    # the exports keep the filters
    assert "projects.xlsx?category=" in text and "wallchart.xlsx?category=" in text


def test_a_county_sees_only_its_projects_on_the_battle_map(client, city, county_admin):
    client.force_login(county_admin)
    page = client.get(f"/portfolios/{city.pk}/")
    assert codes(page) == ["P01", "P02"]


def test_a_unit_under_the_organizer_proposes_a_project_from_the_battle_map(
        client, city, tree, county_admin, reporter):
    # given county A's administrator, under the province that organizes the portfolio
    client.force_login(county_admin)
    # when
    text = client.get(f"/portfolios/{city.pk}/").content.decode()
    # then the map offers to propose a project, and the form creates it as county A's draft
    button = re.search(r'<a class="button primary" id="new-project" href="([^"]+)">([^<]+)</a>',
                       text)
    assert button.groups() == (f"/portfolios/{city.pk}/projects/new/", "提议项目")
    answer = client.post(button.group(1), {
        "proposed_by": tree.county_a.pk, "title": "村级议事厅", "ms_title": ["试点"],
        "ms_due": [str(days(30))], "ms_deliverable": [""], "ms_id": [""]})
    assert answer.status_code == 302, answer.content.decode()
    project = Project.objects.get(title="村级议事厅")
    assert (project.state, project.lead_unit, project.proposed_by) == (
        "draft", tree.county_a, tree.county_a)
    # a reporter of county A administers nothing: no button
    client.force_login(reporter)
    assert 'id="new-project"' not in client.get(f"/portfolios/{city.pk}/").content.decode()


def test_the_organizer_creates_a_project_from_the_battle_map(client, city, province_admin):
    client.force_login(province_admin)
    text = client.get(f"/portfolios/{city.pk}/").content.decode()
    assert re.search(r'id="new-project" href="[^"]+">新建项目</a>', text)


def test_a_terminated_project_shows_as_terminated_not_done(client, city, province_admin):
    # given P04 (on track) is terminated; P03 is done
    p04 = Project.objects.get(code="P04")
    services.project_step(actor=province_admin, project=p04, step="terminate", note="撤并")
    client.force_login(province_admin)
    # when
    page = client.get(f"/portfolios/{city.pk}/")
    board = client.get(f"/portfolios/{city.pk}/board/")
    # then the table, the chart and the board say 已终止 in dark grey
    text = page.content.decode()
    row = re.search(rf'<tr class="([^"]+)" id="project-{p04.pk}".*?</tr>', text, re.S)
    assert row.group(1) == "health-row-terminated"
    assert '<span class="health-tag" style="background: #616161">已终止</span>' in row.group(0)
    data = json.loads(re.search(
        r'<script id="battlemap-data" type="application/json">(.*?)</script>', text,
        re.S).group(1))
    chart = {r["label"]: (r["health"], r["health_label"], r["color"]) for r in data["rows"]}
    assert chart["P04 正常项目"] == ("terminated", "已终止", "#616161")
    assert chart["P03 完成项目"] == ("done", "已完成", "#9e9e9e")
    # the legend counts it apart from the done ones
    assert 'id="count-done">1<' in text and 'id="count-terminated">1<' in text
    card = re.search(rf'<article class="kanban-card health-terminated" id="card-{p04.pk}".*?'
                     r'</article>', board.content.decode(), re.S).group(0)
    assert "已终止" in card and "已完成" not in card and "#616161" in card


def test_a_portfolio_outside_the_scope_is_not_found(client, tree, outsider, county_admin):
    portfolio = services.portfolio_create(actor=county_admin, owner=tree.county_a,
                                          title="东营区项目", year=TODAY.year)
    client.force_login(outsider)
    for url in ("", "board/", "review/", "projects.xlsx", "wallchart.xlsx", "review.xlsx",
                "edit/"):
        assert client.get(f"/portfolios/{portfolio.pk}/{url}").status_code == 404, url
    assert "东营区项目" not in client.get("/portfolios/").content.decode()


@pytest.mark.parametrize("url", ["", "board/", "review/", "projects.xlsx", "wallchart.xlsx",
                                 "review.xlsx"])
def test_the_pages_and_workbooks_cost_the_same_queries_for_more_projects(
        client, city, tree, province_admin, county_admin, outsider, reporter, url):
    def more(n):
        """A project with co-units, an owner, a progress report, and one open for claims
        with two claims."""
        project = started(province_admin, city, f"Q{n}", f"新增{n}", tree.county_a,
                          [MilestoneData("节点", days(10 + n)), MilestoneData("节点二", days(50))],
                          leader=tree.person_b, co_units=[tree.township_a1, tree.county_b])
        services.progress_report(actor=reporter, project=project, text="推进",
                                 percents={project.milestones.first().pk: 40})
        listed = services.project_create(actor=province_admin, portfolio=city, data=ProjectData(
            title=f"待认领{n}", code=f"L{n}", deadline=days(200)),
            milestones=[MilestoneData("调研", days(20))])
        services.project_step(actor=province_admin, project=listed, step="list")
        services.claim_apply(actor=county_admin, project=listed, unit=tree.county_a, plan="方案")
        services.claim_apply(actor=outsider, project=listed, unit=tree.county_b, plan="方案")

    more(0)
    client.force_login(province_admin)
    client.get(f"/portfolios/{city.pk}/{url}")  # warm the session and the user's grants
    with CaptureQueriesContext(connection) as few:
        client.get(f"/portfolios/{city.pk}/{url}")
    for n in range(1, 5):
        more(n)
    with CaptureQueriesContext(connection) as many:
        answer = client.get(f"/portfolios/{city.pk}/{url}")
    assert answer.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# ---- the board -------------------------------------------------------------------------------


def test_the_board_has_a_column_per_lifecycle_state(client, city, province_admin, tree):
    # given P03 is done and awaits acceptance, and a draft proposed by county A
    services.project_step(actor=province_admin, project=Project.objects.get(code="P03"),
                          step="request_acceptance")
    services.project_create(actor=province_admin, portfolio=city, proposed_by=tree.county_a,
                            data=ProjectData(title="草稿项目", code="P05"))
    client.force_login(province_admin)
    # when
    page = client.get(f"/portfolios/{city.pk}/board/")
    # then
    columns = [(c["label"], [card["row"].project.code for card in c["cards"]])
               for c in page.context["columns"]]
    assert columns == [("草稿", ["P05"]), ("推进中", ["P01", "P02", "P04"]),
                       ("待验收", ["P03"])]
    text = page.content.decode()
    card = re.search(r'<article class="kanban-card health-overdue".*?</article>', text,
                     re.S).group(0)
    assert "逾期项目" in card and "东营区" in card and "#d32f2f" in card
    assert 'style="width: 0%' in card


# ---- the review ------------------------------------------------------------------------------


@pytest.fixture
def reviewed(tree, province_admin):
    """Three projects of this year's portfolio, and a closed roadshow (rubric of 100 points,
    one judge) where A scored 90 and C scored 60; B did not present, so it scores 0 there:

        A  completion 50%  roadshow 90%   composite (w = 50%) 0.5·50 + 0.5·90 = 70
        B  completion 80%  not presented                      0.5·80 + 0.5·0  = 40
        C  completion 20%  roadshow 60%                       0.5·20 + 0.5·60 = 40
    """
    portfolio = services.portfolio_create(actor=province_admin, owner=tree.province,
                                          title="年终评", year=TODAY.year)
    a = province_admin
    project_a = started(a, portfolio, "A", "项目甲", tree.county_a,
                        [MilestoneData("一", days(-3), percent=100),
                         MilestoneData("二", days(30))])
    started(a, portfolio, "B", "项目乙", tree.county_b,
            [MilestoneData("一", days(20), percent=80), MilestoneData("二", days(30),
                                                                     percent=80)])
    project_c = started(a, portfolio, "C", "项目丙", tree.city2,
                        [MilestoneData("一", days(20), percent=20)])
    roadshow = services.roadshow_create(actor=a, owner=tree.province, portfolio=portfolio,
                                        title="路演", held_on=TODAY, criteria=RUBRIC)
    judge = services.judges_add(actor=a, roadshow=roadshow, judges=[JudgeData("评委")])[0]
    shows = services.presentations_set(actor=a, roadshow=roadshow,
                                       projects=[project_a, project_c])
    for show, points in zip(shows, ({"innovation": 27, "effect": 27, "replicable": 18,
                                     "presentation": 18},
                                    {"innovation": 18, "effect": 18, "replicable": 12,
                                     "presentation": 12}), strict=True):
        services.presentation_move(actor=a, presentation=show, state="open")
        services.score_submit(judge=judge, presentation_id=show.pk, points=points)
    services.roadshow_close(actor=a, roadshow=roadshow)
    return portfolio


def ranking(page):
    return [(row.rank, row.project.code, row.percent, row.roadshow_percent, row.composite)
            for row in page.context["rows"]]


def test_the_review_ranks_by_the_stated_formula(client, reviewed, province_admin):
    client.force_login(province_admin)
    page = client.get(f"/portfolios/{reviewed.pk}/review/?period=year&weight=50")
    # B and C tie at 40 and share the second rank
    assert ranking(page) == [(1, "A", 50, 90.0, 70.0), (2, "B", 80, None, 40.0),
                             (2, "C", 20, 60.0, 40.0)]
    text = page.content.decode()
    formula = re.search(r'<p class="formula" id="formula">(.*?)</p>', text, re.S).group(1)
    assert "50% × 完成率 + 50% × 路演成绩" in formula
    assert "未参加路演的项目，路演成绩计 0 分" in formula
    assert "尚未举行路演时，只按完成率排名" in formula
    assert f"{TODAY.year}-12-31" in formula


def test_the_weight_changes_the_ranking(client, reviewed, province_admin):
    client.force_login(province_admin)
    roadshow_only = client.get(f"/portfolios/{reviewed.pk}/review/?weight=0")
    assert ranking(roadshow_only) == [(1, "A", 50, 90.0, 90.0), (2, "C", 20, 60.0, 60.0),
                                      (3, "B", 80, None, 0.0)]
    assert "0% × 完成率 + 100% × 路演成绩" in roadshow_only.content.decode()
    completion_only = client.get(f"/portfolios/{reviewed.pk}/review/?weight=100")
    assert ranking(completion_only) == [(1, "B", 80, None, 80.0), (2, "A", 50, 90.0, 50.0),
                                        (3, "C", 20, 60.0, 20.0)]
    # 0.75·50 + 0.25·90 = 60 = 0.75·80 + 0.25·0: A and B share the first rank
    ahead = client.get(f"/portfolios/{reviewed.pk}/review/?weight=75")
    assert ranking(ahead) == [(1, "A", 50, 90.0, 60.0), (1, "B", 80, None, 60.0),
                              (3, "C", 20, 60.0, 30.0)]
    nonsense = client.get(f"/portfolios/{reviewed.pk}/review/?weight=x&period=q")
    assert (nonsense.context["weight"], nonsense.context["period"]) == (50, "year")


def test_before_any_roadshow_the_review_ranks_on_completion_alone(client, tree,
                                                                  province_admin):
    # given two projects and a roadshow not closed yet, whatever its scores
    portfolio = services.portfolio_create(actor=province_admin, owner=tree.province,
                                          title="年中", year=TODAY.year)
    started(province_admin, portfolio, "X", "项目戊", tree.county_a,
            [MilestoneData("一", days(20), percent=30)])
    started(province_admin, portfolio, "Y", "项目己", tree.county_b,
            [MilestoneData("一", days(20), percent=70)])
    services.roadshow_create(actor=province_admin, owner=tree.province, portfolio=portfolio,
                             title="路演", held_on=TODAY, criteria=RUBRIC)
    client.force_login(province_admin)
    # when the weight asks for the roadshow alone
    page = client.get(f"/portfolios/{portfolio.pk}/review/?weight=0")
    # then
    assert ranking(page) == [(1, "Y", 70, None, 70.0), (2, "X", 30, None, 30.0)]


def test_the_review_marks_only_the_projects_it_ranks(client, reviewed, tree, province_admin):
    # given a draft and a terminated project in the portfolio, not in the review
    draft = services.project_create(actor=province_admin, portfolio=reviewed,
                                    data=ProjectData(title="草稿", lead_unit=tree.county_a))
    stopped = started(province_admin, reviewed, "T", "终止项目", tree.county_a,
                      [MilestoneData("一", days(20))])
    services.project_step(actor=province_admin, project=stopped, step="terminate", note="撤并")
    project_a = Project.objects.get(code="A")
    client.force_login(province_admin)
    # when a forged form ticks them all
    answer = client.post(f"/portfolios/{reviewed.pk}/review/", {
        "projects": [draft.pk, stopped.pk, project_a.pk],
        "outstanding": [draft.pk, stopped.pk, project_a.pk]})
    # then only A, which the review ranks, is marked
    assert answer.status_code == 302
    assert set(Project.objects.filter(outstanding=True).values_list("code", flat=True)) == {
        "A"}


def test_the_organizer_marks_landmark_achievements_and_cases(client, reviewed,
                                                            province_admin):
    project_a = Project.objects.get(code="A")
    project_b = Project.objects.get(code="B")
    client.force_login(province_admin)
    page = client.get(f"/portfolios/{reviewed.pk}/review/")
    assert 'name="outstanding"' in page.content.decode()
    # when A is ticked a landmark achievement and B a case for replication
    answer = client.post(f"/portfolios/{reviewed.pk}/review/?period=half&weight=40", {
        "projects": [project_a.pk, project_b.pk], "outstanding": [project_a.pk],
        "replication": [project_b.pk]})
    # then, back on the same review
    assert answer.status_code == 302
    assert answer["Location"] == f"/portfolios/{reviewed.pk}/review/?period=half&weight=40"
    project_a.refresh_from_db()
    project_b.refresh_from_db()
    assert (project_a.outstanding, project_a.replication_case) == (True, False)
    assert (project_b.outstanding, project_b.replication_case) == (False, True)
    assert AuditEntry.objects.filter(object_id=str(project_a.pk),
                                     after__outstanding=True).exists()
    # and unticking takes the mark back
    client.post(f"/portfolios/{reviewed.pk}/review/", {"projects": [project_a.pk]})
    project_a.refresh_from_db()
    assert project_a.outstanding is False


def test_only_the_organizer_may_mark_projects(client, reviewed, county_admin):
    project_a = Project.objects.get(code="A")  # led by county A: the county sees it
    client.force_login(county_admin)
    page = client.get(f"/portfolios/{reviewed.pk}/review/")
    assert page.status_code == 200
    assert [row.project.code for row in page.context["rows"]] == ["A"]
    # its rank is the one it holds in the whole portfolio
    assert ranking(client.get(f"/portfolios/{reviewed.pk}/review/?weight=100")) == [
        (2, "A", 50, 90.0, 50.0)]
    assert 'name="outstanding"' not in page.content.decode()
    answer = client.post(f"/portfolios/{reviewed.pk}/review/",
                         {"projects": [project_a.pk], "outstanding": [project_a.pk]})
    assert answer.status_code == 403
    project_a.refresh_from_db()
    assert project_a.outstanding is False


# ---- creating and editing a portfolio --------------------------------------------------------


def test_an_administrator_creates_a_portfolio(client, tree, county_admin):
    client.force_login(county_admin)
    form = client.get("/portfolios/new/")
    assert form.status_code == 200
    owners = dict(form.context["form"].fields["owner"].choices)
    assert set(owners) == {tree.county_a.pk, tree.township_a1.pk}
    answer = client.post("/portfolios/new/", {
        "owner": tree.county_a.pk, "title": " 2026 组织工作创新年 ", "year": 2026,
        "cadence": "weekly", "at_risk_days": 10, "description": "四十三个重点创新项目"})
    portfolio = Portfolio.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/portfolios/{portfolio.pk}/"
    assert (portfolio.owner, portfolio.title, portfolio.year, portfolio.cadence,
            portfolio.at_risk_days) == (tree.county_a, "2026 组织工作创新年", 2026, "weekly", 10)
    assert portfolio.created_by == county_admin
    assert AuditEntry.objects.filter(object_type="projects.portfolio").count() == 1


def test_bad_input_is_refused_in_chinese_and_changes_nothing(client, tree, county_admin):
    client.force_login(county_admin)
    audit = AuditEntry.objects.count()
    answer = client.post("/portfolios/new/", {
        "owner": tree.county_a.pk, "title": "  ", "year": 1999, "cadence": "yearly",
        "at_risk_days": 400})
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert errors["title"] == ["此项为必填项。"]
    assert errors["year"] == ["确保该值大于或等于2000。"]
    assert errors["cadence"] == ["选择一个有效的选项。 yearly 不在可用的选项中。"]
    assert errors["at_risk_days"] == ["确保该值小于或等于365。"]
    assert "此项为必填项。" in answer.content.decode()
    assert not Portfolio.objects.exists()
    assert AuditEntry.objects.count() == audit


def test_a_portfolio_is_only_created_for_a_unit_the_user_manages(client, tree, county_admin,
                                                                 reporter):
    client.force_login(county_admin)
    data = {"title": "越权", "year": 2026, "cadence": "monthly", "at_risk_days": 14}
    # a unit of another county, or one above: not found
    assert client.post("/portfolios/new/", {**data, "owner": tree.county_b.pk}
                       ).status_code == 404
    assert client.post("/portfolios/new/", {**data, "owner": tree.city1.pk}
                       ).status_code == 404
    # a typo, an id no unit has, nothing: the form says so
    for owner, error in (("37o502", "请从您管理的单位中选择组织单位。"),
                         (10**9, "请从您管理的单位中选择组织单位。"), ("", "此项为必填项。")):
        answer = client.post("/portfolios/new/", {**data, "owner": owner})
        assert answer.status_code == 200, owner
        assert answer.context["form"].errors["owner"] == [error]
        assert error in answer.content.decode()
    assert client.post("/portfolios/new/", {**data, "owner": tree.branch_a1a.pk}
                       ).status_code == 302  # deeper in the subtree: allowed
    client.force_login(reporter)
    assert client.get("/portfolios/new/").status_code == 403
    assert "new-portfolio" not in client.get("/portfolios/").content.decode()
    assert list(Portfolio.objects.values_list("owner", flat=True)) == [tree.branch_a1a.pk]


def test_the_organizer_edits_the_portfolio(client, city, province_admin, county_admin):
    client.force_login(county_admin)  # sees the portfolio, does not run it
    assert client.get(f"/portfolios/{city.pk}/edit/").status_code == 403
    client.force_login(province_admin)
    form = client.get(f"/portfolios/{city.pk}/edit/")
    assert "owner" not in form.context["form"].fields
    bad = client.post(f"/portfolios/{city.pk}/edit/", {
        "title": "", "year": TODAY.year, "cadence": "weekly", "at_risk_days": 7})
    assert bad.status_code == 200 and "此项为必填项。" in bad.content.decode()
    answer = client.post(f"/portfolios/{city.pk}/edit/", {
        "title": "创新年（调整）", "year": TODAY.year, "cadence": "weekly", "at_risk_days": 7})
    assert answer.status_code == 302
    city.refresh_from_db()
    assert (city.title, city.cadence, city.at_risk_days) == ("创新年（调整）", "weekly", 7)
    entry = AuditEntry.objects.filter(object_type="projects.portfolio").latest("pk")
    assert entry.before["title"] == "创新年" and entry.after["title"] == "创新年（调整）"


def test_a_shorter_at_risk_window_changes_the_health_on_the_map(client, city, province_admin):
    # P02's milestone is due in 5 days: at risk within 14 days, on track within 3
    client.force_login(province_admin)
    client.post(f"/portfolios/{city.pk}/edit/", {
        "title": "创新年", "year": TODAY.year, "cadence": "monthly", "at_risk_days": 3})
    page = client.get(f"/portfolios/{city.pk}/?health=at_risk")
    assert codes(page) == []


def test_the_review_day_of_a_past_half_year_reads_the_history(client, reviewed,
                                                              province_admin):
    """On 30 June of this year nothing had been reported: completion is 0 for all (the
    milestones were created with their percents, not reported)."""
    client.force_login(province_admin)
    page = client.get(f"/portfolios/{reviewed.pk}/review/?period=half")
    day = datetime.date(TODAY.year, 6, 30)
    if day >= TODAY:
        pytest.skip("the half-year review day is still ahead")
    assert {row.percent for row in page.context["rows"]} == {0}
    assert page.context["day"] == day


def test_the_battle_map_table_is_paged_while_the_chart_holds_every_project(
        client, portfolio, province_admin, monkeypatch):
    import json

    from pacesetter.projects import portfolio_views
    from pacesetter.projects.models import Project

    monkeypatch.setattr(portfolio_views, "TABLE_PAGE", 3)
    Project.objects.bulk_create([
        Project(portfolio=portfolio, code=f"P{n:02d}", title=f"项目{n}",
                proposed_by=portfolio.owner) for n in range(7)])
    client.force_login(province_admin)
    first = client.get(f"/portfolios/{portfolio.pk}/")
    last = client.get(f"/portfolios/{portfolio.pk}/?page=3")
    assert len(json.loads(json.dumps(first.context["chart"]))["rows"]) == 7
    assert [line["row"].project.code for line in first.context["lines"]] == ["P00", "P01",
                                                                             "P02"]
    assert [line["row"].project.code for line in last.context["lines"]] == ["P06"]
    assert "第 1 / 3 页，共 7 条" in first.content.decode()
