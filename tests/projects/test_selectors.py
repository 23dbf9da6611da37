"""What the projects' pages read: the battle map's rows and filters, the board, the review's
ranking, the roadshow standings and the judge's sheet; and what the leading cadres' lists are
collected from: accepted projects and roadshow results with their responsible leader."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.projects import schedule, selectors, services
from pacesetter.projects.models import ProjectState
from pacesetter.projects.selectors import PortfolioFilters
from pacesetter.projects.services import JudgeData, MilestoneData, ProjectData
from tests.projects.conftest import RUBRIC, days


def _project(actor, portfolio, title, milestones, **plan):
    return services.project_create(actor=actor, portfolio=portfolio,
                                   data=ProjectData(title, **plan), milestones=milestones)


@pytest.fixture
def mixed(portfolio, province_admin, tree, running):
    """Four projects of the province portfolio: overdue (township A1 leads), at risk (county
    B leads, category 人才), done, and county A's running one (on track? its 5-day milestone
    at 0% makes it at risk)."""
    overdue = _project(province_admin, portfolio, "逾期项目",
                       [MilestoneData("调研", days(-3))], lead_unit=tree.township_a1,
                       category="基层党建", leader=tree.person_a)
    at_risk = _project(province_admin, portfolio, "预警项目",
                       [MilestoneData("试点", days(7))], lead_unit=tree.county_b,
                       category="人才工作")
    done = _project(province_admin, portfolio, "完成项目",
                    [MilestoneData("总结", days(-1), percent=100)], lead_unit=tree.county_b)
    on_track = _project(province_admin, portfolio, "正常项目",
                        [MilestoneData("推进", days(60))], lead_unit=tree.county_b)
    return {"overdue": overdue, "at_risk": at_risk, "done": done, "on_track": on_track,
            "running": running}


def test_the_battle_map_derives_each_projects_health(mixed, portfolio, province_admin):
    rows = {r.project.title: r for r in selectors.portfolio_projects(actor=province_admin,
                                                                     portfolio=portfolio)}
    assert rows["逾期项目"].health == schedule.OVERDUE
    assert rows["预警项目"].health == schedule.AT_RISK
    assert rows["完成项目"].health == schedule.DONE
    assert rows["正常项目"].health == schedule.ON_TRACK
    assert rows["完成项目"].percent == 100
    assert [m.state for m in rows["红色物业"].milestones] == ["done", "at_risk", "not_due"]
    assert selectors.health_counts(rows.values()) == {
        "overdue": 1, "at_risk": 2, "on_track": 1, "done": 1}


def test_filters_narrow_by_unit_subtree_category_leader_and_health(mixed, portfolio,
                                                                    province_admin, tree):
    def titles(**filters):
        return {r.project.title for r in selectors.portfolio_projects(
            actor=province_admin, portfolio=portfolio, filters=PortfolioFilters(**filters))}

    assert titles(unit=tree.county_a.pk) == {"逾期项目", "红色物业"}  # its township's too
    assert titles(category="人才工作") == {"预警项目"}
    assert titles(leader=tree.person_a.pk) == {"逾期项目"}
    assert titles(health="at_risk") == {"预警项目", "红色物业"}
    assert titles(state=ProjectState.IN_PROGRESS) == {"红色物业"}
    assert titles(text="完成") == {"完成项目"}
    assert titles(unit=999_999) == set()


def test_a_county_sees_on_the_battle_map_only_the_projects_it_may_see(mixed, portfolio,
                                                                      county_admin):
    rows = selectors.portfolio_projects(actor=county_admin, portfolio=portfolio)
    assert {r.project.title for r in rows} == {"逾期项目", "红色物业"}


def test_the_battle_map_reads_in_a_fixed_number_of_queries(mixed, portfolio, province_admin,
                                                           django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        rows = selectors.portfolio_projects(actor=province_admin, portfolio=portfolio)
        [m.state for r in rows for m in r.milestones]


def test_the_board_has_a_column_per_state_in_lifecycle_order(mixed, listed, portfolio,
                                                             province_admin):
    rows = selectors.portfolio_projects(actor=province_admin, portfolio=portfolio)
    columns = selectors.board_columns(rows)
    assert [code for code, _label, _rows in columns] == ["draft", "listed", "in_progress"]
    assert columns[0][1] == "草稿"
    assert len(columns[0][2]) == 4


def test_filter_options_list_what_is_in_use(mixed, portfolio, province_admin, tree):
    options = selectors.portfolio_filter_options(actor=province_admin, portfolio=portfolio)
    assert options["categories"] == ["人才工作", "基层党建"]
    assert {u["name"] for u in options["units"]} == {tree.township_a1.name, tree.county_b.name,
                                                     tree.county_a.name}
    assert [p["pk"] for p in options["leaders"]] == [tree.person_a.pk]


# --- the review -------------------------------------------------------------------------------

def _scored_roadshow(actor, portfolio, owner, projects, totals_by_judge, held_on):
    """A closed roadshow where each judge gives each project the points so that its total is
    the given number (split 30 : 30 : 20 : 20 over the four criteria)."""
    roadshow = services.roadshow_create(actor=actor, owner=owner, portfolio=portfolio,
                                        title="路演", held_on=held_on, criteria=RUBRIC,
                                        drop_highest=0, drop_lowest=0)
    judges = services.judges_add(actor=actor, roadshow=roadshow, judges=[
        JudgeData(f"评委{n}") for n in range(len(totals_by_judge))])
    presentations = services.presentations_set(actor=actor, roadshow=roadshow,
                                               projects=projects)
    for presentation in presentations:
        services.presentation_move(actor=actor, presentation=presentation, state="open")
    for judge, totals in zip(judges, totals_by_judge, strict=True):
        for presentation, total in zip(presentations, totals, strict=True):
            services.score_submit(judge=judge, presentation_id=presentation.pk, points={
                "innovation": total * 0.3, "effect": total * 0.3, "replicable": total * 0.2,
                "presentation": total * 0.2})
    services.roadshow_close(actor=actor, roadshow=roadshow)
    return roadshow


def test_the_year_end_review_ranks_by_completion_and_roadshow_score(
        portfolio, province_admin, county_admin, tree, running):
    # given: two more running projects; 红色物业 is at 33% (one milestone of three done)
    a = _project(province_admin, portfolio, "甲", [MilestoneData("一", days(30))],
                 lead_unit=tree.county_b)
    b = _project(province_admin, portfolio, "乙", [MilestoneData("一", days(30))],
                 lead_unit=tree.county_b)
    for project in (a, b):
        services.project_step(actor=province_admin, project=project, step="submit")
        services.project_step(actor=province_admin, project=project, step="approve")
    services.milestones_replace(actor=province_admin, project=a,
                                milestones=[MilestoneData("一", days(30), percent=80)])
    # and a roadshow where 甲 scores 60 of 100 and 乙 90
    _scored_roadshow(province_admin, portfolio, tree.province, [a, b], [[60, 90], [60, 90]],
                     timezone.localdate())
    portfolio.year = timezone.localdate().year
    # when
    rows = selectors.portfolio_review(actor=province_admin, portfolio=portfolio,
                                      period="year", completion_weight=0.5)
    # then: 甲 0.5·80 + 0.5·60 = 70; 乙 0.5·0 + 0.5·90 = 45; 红色物业 did not present:
    # 0.5·33 + 0.5·0 = 16.5
    assert [(r.project.title, r.percent, r.roadshow_percent, r.composite, r.rank)
            for r in rows] == [("甲", 80, 60.0, 70.0, 1), ("乙", 0, 90.0, 45.0, 2),
                               ("红色物业", 33, None, 16.5, 3)]
    # and county A, which sees only its own project, sees it ranked third of the three
    county_rows = selectors.portfolio_review(actor=county_admin, portfolio=portfolio,
                                             period="year")
    assert [(r.project.title, r.rank) for r in county_rows] == [("红色物业", 3)]


def test_the_half_year_review_reads_completion_as_it_stood_on_30_june(
        portfolio, province_admin, county_admin, running):
    # given: 红色物业 reported 50% on 全面推开 in May and 100% in August of last year
    portfolio.year = timezone.localdate().year - 1
    portfolio.save()
    pushing = running.milestones.get(title="全面推开")
    for month, percent in ((5, 50), (8, 100)):
        services.progress_report(
            actor=county_admin, project=running, text=f"{month}月进展",
            percents={pushing.pk: percent},
            reported_at=timezone.make_aware(datetime.datetime(portfolio.year, month, 15)))
    pushing.refresh_from_db()
    # when
    half = selectors.portfolio_review(actor=province_admin, portfolio=portfolio, period="half")
    year = selectors.portfolio_review(actor=province_admin, portfolio=portfolio, period="year")
    # then: 方案制定 was done when created (today, after both review days), so it does not
    # count on 30 June of last year; 全面推开 stood at 50% then and at 100% at the year end
    assert pushing.done_on == datetime.date(portfolio.year, 8, 15)
    assert [r.percent for r in half] == [round((0 + 50 + 0) / 3)]
    assert [r.percent for r in year] == [round((0 + 100 + 0) / 3)]


def test_review_days():
    assert selectors.review_day(2022, "half") == datetime.date(2022, 6, 30)
    assert selectors.review_day(2022, "year") == datetime.date(2022, 12, 31)


# --- roadshows --------------------------------------------------------------------------------

def test_standings_are_group_weighted_trimmed_means_ranked(
        tree, province_admin, portfolio, running, approved):
    # given: leaders (weight 0.6, three judges) and staff (0.4, three judges), trimming 1 and 1
    roadshow = services.roadshow_create(
        actor=province_admin, owner=tree.province, portfolio=portfolio, title="路演",
        held_on=timezone.localdate(), criteria=RUBRIC, groups=[("领导", 0.6), ("职工", 0.4)])
    judges = services.judges_add(actor=province_admin, roadshow=roadshow, judges=[
        JudgeData(f"领导{n}", "领导") for n in range(3)] + [
        JudgeData(f"职工{n}", "职工") for n in range(3)])
    first, second = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                               projects=[running, approved])
    for presentation in (first, second):
        services.presentation_move(actor=province_admin, presentation=presentation,
                                   state="open")
    totals = {first.pk: [80, 90, 70, 60, 64, 100], second.pk: [88, 86, 84, 40, 50, 60]}
    for presentation_id, row in totals.items():
        for judge, total in zip(judges, row, strict=True):
            services.score_submit(judge=judge, presentation_id=presentation_id, points={
                "innovation": total * 0.3, "effect": total * 0.3, "replicable": total * 0.2,
                "presentation": total * 0.2})
    # when
    standings = selectors.roadshow_standings(roadshow)
    # then: trimming leaves the middle judge of each group of three
    by_title = {s.project.title: s for s in standings.rows}
    assert by_title["红色物业"].group_means == [80.0, 64.0]
    assert by_title["红色物业"].result == pytest.approx(0.6 * 80 + 0.4 * 64)   # 73.6
    assert by_title["人才服务专员"].result == pytest.approx(0.6 * 86 + 0.4 * 50)  # 71.6
    assert [s.project.title for s in standings.ranked] == ["红色物业", "人才服务专员"]
    assert [s.rank for s in standings.ranked] == [1, 2]
    assert by_title["红色物业"].count == 6
    assert standings.maximum == 100
    assert len(standings.scores) == 12


def test_standings_before_anyone_scores(roadshow, running, province_admin):
    services.presentations_set(actor=province_admin, roadshow=roadshow, projects=[running])
    standings = selectors.roadshow_standings(roadshow)
    assert [(s.result, s.rank, s.count) for s in standings.rows] == [(None, 0, 0)]


def test_a_judges_sheet_lists_the_running_order_with_own_scores_and_conflicts(
        roadshow, running, approved, province_admin, tree):
    own, _outside = services.judges_add(actor=province_admin, roadshow=roadshow, judges=[
        JudgeData("日照评委", unit=tree.city2), JudgeData("外部评委")])
    first, _second = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                               projects=[approved, running])
    services.presentation_move(actor=province_admin, presentation=first, state="open")
    services.score_submit(judge=own, presentation_id=first.pk, points={
        "innovation": 20, "effect": 20, "replicable": 10, "presentation": 10})
    sheet = selectors.judge_sheet(own)
    assert [(line.presentation.project.title, line.conflicted) for line in sheet] == [
        ("人才服务专员", False), ("红色物业", False)]
    assert sheet[0].score.total == 60 and sheet[1].score is None
    # a judge of county A, or of a township inside it, is conflicted on county A's project
    county, township = services.judges_add(actor=province_admin, roadshow=roadshow, judges=[
        JudgeData("甲县评委", unit=tree.county_a), JudgeData("乡镇评委", unit=tree.township_a1)])
    assert [line.conflicted for line in selectors.judge_sheet(county)] == [False, True]
    assert [line.conflicted for line in selectors.judge_sheet(township)] == [False, True]
    assert selectors.grades_used(own) == {}


def test_the_review_reads_in_a_fixed_number_of_queries(mixed, portfolio, province_admin,
                                                       django_assert_max_num_queries):
    portfolio.year = timezone.localdate().year - 1  # from the progress history
    # projects, their last reports, milestones, the progress history, the roadshows, and
    # which projects the actor sees
    with django_assert_max_num_queries(6):
        selectors.portfolio_review(actor=province_admin, portfolio=portfolio, period="half")


def test_units_under_the_organizer_see_its_portfolio_to_propose_but_not_others_projects(
        portfolio, mixed, county_admin, member):
    from pacesetter.projects import access

    assert list(access.portfolios_in_scope(county_admin)) == [portfolio]
    assert not access.portfolios_in_scope(member).exists()
    assert {p.title for p in access.projects_in_scope(county_admin)} == {"逾期项目", "红色物业"}


def test_an_acceptance_panel_proposes_the_grade_most_judges_gave(
        tree, province_admin, portfolio, running, approved):
    assert selectors.panel_verdict(running) is None
    roadshow = services.roadshow_create(
        actor=province_admin, owner=tree.province, portfolio=portfolio, title="终期验收",
        held_on=timezone.localdate(), criteria=[{"code": "t", "name": "综合", "max": 100}],
        purpose="final", drop_highest=0, drop_lowest=0)
    judges = services.judges_add(actor=province_admin, roadshow=roadshow,
                                 judges=[JudgeData(f"专家{n}") for n in range(4)])
    first, second = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                               projects=[running, approved])
    for presentation in (first, second):
        services.presentation_move(actor=province_admin, presentation=presentation,
                                   state="open")
    for judge, (grade_a, grade_b) in zip(judges, [("excellent", "good"), ("excellent", "pass"),
                                                  ("good", "good"), ("good", "pass")],
                                         strict=True):
        services.score_submit(judge=judge, presentation_id=first.pk, points={"t": 90},
                              grade=grade_a)
        services.score_submit(judge=judge, presentation_id=second.pk, points={"t": 70},
                              grade=grade_b)
    assert selectors.panel_verdict(running) is None  # not before the panel closes
    services.roadshow_close(actor=province_admin, roadshow=roadshow)
    verdict = selectors.panel_verdict(running)
    # 2 × 优秀 and 2 × 良好: the panel has not agreed on 优秀, it proposes 良好
    assert (verdict.roadshow, verdict.result, verdict.rank, verdict.of, verdict.grade) == (
        roadshow, 90.0, 1, 2, "good")
    assert selectors.panel_verdict(approved).grade == "pass"  # 2 × 良好, 2 × 合格


def test_the_done_filter_leaves_terminated_projects_out(mixed, portfolio, province_admin):
    services.project_step(actor=province_admin, project=mixed["on_track"], step="list")
    services.project_step(actor=province_admin, project=mixed["on_track"], step="terminate",
                          note="合并到其他项目")
    done = selectors.portfolio_projects(actor=province_admin, portfolio=portfolio,
                                        filters=PortfolioFilters(health="done"))
    assert [r.project.title for r in done] == ["完成项目"]


# --- the leading cadres' achievements, for their lists --------------------------------------------

def _accepted(actor, portfolio, title, grade="excellent", **plan):
    project = _project(actor, portfolio, title, [MilestoneData("验收", days(30))], **plan)
    for step in ("submit", "approve", "start", "request_acceptance"):
        project = services.project_step(actor=actor, project=project, step=step)
    return services.project_step(actor=actor, project=project, step="accept", grade=grade)


def test_accepted_projects_with_leader_are_dated_by_their_acceptance(
        portfolio, province_admin, tree, django_assert_num_queries):
    from pacesetter.audit.models import AuditEntry
    from pacesetter.projects.models import Project

    # given: two projects accepted with a grade and a leader, one without a leader, one of a
    # leader still running, and one set accepted without the services (no audit entry)
    first = _accepted(province_admin, portfolio, "红色物业", lead_unit=tree.county_a,
                      leader=tree.person_a)
    second = _accepted(province_admin, portfolio, "人才专员", grade="good",
                       lead_unit=tree.county_b, leader=tree.person_b)
    _accepted(province_admin, portfolio, "无责任领导", lead_unit=tree.county_b)
    running = _project(province_admin, portfolio, "在建项目", [MilestoneData("一", days(9))],
                       lead_unit=tree.county_b, leader=tree.person_b)
    quiet = _project(province_admin, portfolio, "导入项目", [], lead_unit=tree.county_a,
                     leader=tree.person_a)
    Project.objects.filter(pk=quiet.pk).update(state=ProjectState.ACCEPTED, grade="pass")
    Project.objects.filter(pk=first.pk).update(outstanding=True)  # a later change
    # when
    with django_assert_num_queries(1):
        rows = [(p.title, p.grade, p.leader.name, p.leader.unit.name, p.accepted_at)
                for p in selectors.accepted_projects_with_leader()]
    # then: the acceptance is the audited step that moved the project to accepted
    accepted_at = {p.pk: AuditEntry.objects.filter(
        object_type="projects.project", object_id=str(p.pk), after__state="accepted").get().at
        for p in (first, second)}
    quiet.refresh_from_db()
    assert sorted(rows, key=lambda r: r[0]) == sorted([
        ("红色物业", "excellent", tree.person_a.name, tree.county_a.name, accepted_at[first.pk]),
        ("人才专员", "good", tree.person_b.name, tree.county_b.name, accepted_at[second.pk]),
        ("导入项目", "pass", tree.person_a.name, tree.county_a.name, quiet.updated_at),
    ], key=lambda r: r[0])
    assert running.pk not in {p.pk for p in selectors.accepted_projects_with_leader()}
    assert selectors.project_path(first) == f"/projects/{first.pk}/"
    # and ``since`` leaves out what was accepted before that day
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert not selectors.accepted_projects_with_leader(tomorrow).exists()
    Project.objects.filter(pk=quiet.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=10))
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    assert {p.title for p in selectors.accepted_projects_with_leader(week_ago)} == {
        "红色物业", "人才专员"}


def test_roadshow_results_with_leader_are_the_standings_of_closed_roadshows(
        portfolio, province_admin, tree):
    # given: three projects presenting at a closed roadshow (one without a leader), and a
    # project with a leader scored at a roadshow still live
    led_a = _project(province_admin, portfolio, "甲", [], lead_unit=tree.county_a,
                     leader=tree.person_a)
    led_b = _project(province_admin, portfolio, "乙", [], lead_unit=tree.county_b,
                     leader=tree.person_b)
    unled = _project(province_admin, portfolio, "丙", [], lead_unit=tree.county_b)
    for project in (led_a, led_b, unled):
        services.project_step(actor=province_admin, project=project, step="submit")
        services.project_step(actor=province_admin, project=project, step="approve")
    closed = _scored_roadshow(province_admin, portfolio, tree.province, [led_a, led_b, unled],
                              [[70, 90, 80], [72, 88, 84], [74, 86, 82]],
                              held_on=days(-3))
    live = services.roadshow_create(actor=province_admin, owner=tree.province,
                                    portfolio=portfolio, title="未结束的路演", held_on=days(0),
                                    criteria=RUBRIC)
    services.presentations_set(actor=province_admin, roadshow=live, projects=[led_a])
    # when
    results = selectors.roadshow_results_with_leader()
    # then: the led projects' results, ranked as the standings rank them
    standings = {row.project.pk: row for row in selectors.roadshow_standings(closed).rows}
    assert [(r.roadshow, r.project, r.leader, r.result, r.rank, r.of) for r in results] == [
        (closed, led_b, tree.person_b, standings[led_b.pk].result, 1, 3),
        (closed, led_a, tree.person_a, standings[led_a.pk].result, 3, 3)]
    assert results[0].result == 88.0 and results[0].maximum == 100
    assert results[0].presentation == standings[led_b.pk].presentation
    assert results[0].path == f"/roadshows/{closed.pk}/"
    assert selectors.roadshow_results_with_leader(days(-2)) == []
