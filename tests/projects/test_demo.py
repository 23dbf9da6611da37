"""The demo's innovation year (seed 000): 43 projects of the city's department, five districts
and counties and two development zones, on a battle map that shows every state today, and two
roadshows, the first closed and ranked, the second live.

The demo is loaded once for the module (it takes seconds) inside a transaction rolled back at
the end; each test runs in its own savepoint inside it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from pacesetter.audit.models import AuditEntry
from pacesetter.orgs import demo as orgs_demo
from pacesetter.orgs.models import Person, Unit, User
from pacesetter.projects import access, demo, schedule, selectors
from pacesetter.projects.models import (
    Claim,
    FollowUp,
    Milestone,
    Portfolio,
    PresentationState,
    ProgressUpdate,
    Project,
    ProjectState,
    Roadshow,
    RoadshowState,
    Score,
)

COUNTIES = {"230102", "230103", "230109", "230123", "230184"}
ZONES = {"230171", "230172"}


@dataclass(frozen=True)
class World:
    counts: dict[str, int]
    city_admin: User
    yilan: User
    portfolio: Portfolio


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with (django_db_blocker.unblock(),
          override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
          transaction.atomic()):
        orgs_demo.load(townships_per_county=2, branches_per_township=2, people_per_unit=1)
        counts = demo.load()
        yield World(counts=counts, city_admin=User.objects.get(username="haerbin"),
                    yilan=User.objects.get(username="yilan"),
                    portfolio=Portfolio.objects.get(owner__code="230100"))
        transaction.set_rollback(True)


def _unit_of(project: Project) -> Unit:
    return project.lead_unit or project.proposed_by


def test_43_projects_across_the_department_five_counties_and_two_zones(world, db):
    # given the loaded demo
    portfolio = world.portfolio
    projects = list(portfolio.projects.select_related("lead_unit", "proposed_by", "leader",
                                                       "owner"))
    # then the portfolio is the department's innovation year, reported weekly, of a year
    # whose half-year review day has passed
    assert portfolio.title == f"{portfolio.year}年全市组织工作创新年"
    assert portfolio.cadence == "weekly" and portfolio.owner.code == "230100"
    assert selectors.review_day(portfolio.year, "half") < timezone.localdate()
    assert len(projects) == world.counts["projects"] == 43
    by_unit = Counter(_unit_of(p).code for p in projects)
    assert set(by_unit) == {"230100"} | COUNTIES | ZONES
    assert by_unit["230100"] == 15 and all(by_unit[c] == 4 for c in COUNTIES | ZONES)
    # and the two development zones are units under the city
    zones = Unit.objects.filter(code__in=ZONES)
    assert {z.name for z in zones} == {"哈尔滨经济技术开发区", "哈尔滨高新技术产业开发区"}
    assert all(z.parent.code == "230100" and z.level == 3 for z in zones)
    assert all(z.peer_groups.filter(name="开发区").exists() for z in zones)
    # and every project has a category, a leader, a goal, measures, tags and 3 to 5 milestones
    assert {p.category for p in projects} == {"基层党建", "干部队伍", "人才工作", "组织自身建设"}
    assert all(p.leader and p.goal and p.measures and p.tags and p.deadline for p in projects)
    sizes = Counter(Milestone.objects.filter(project__portfolio=portfolio)
                    .values_list("project", flat=True))
    assert set(sizes.values()) <= {3, 4, 5} and len(sizes) == 43
    # and a project led by a unit has its leader and owner from that unit
    led = [p for p in projects if p.lead_unit is not None]
    assert all(p.owner.unit_id == p.lead_unit_id == p.leader.unit_id for p in led)


def test_the_battle_map_shows_every_health_and_milestone_state_today(world, db):
    # when the department looks at its battle map today
    rows = selectors.portfolio_projects(actor=world.city_admin, portfolio=world.portfolio)
    # then every health is there, and every milestone state
    counts = selectors.health_counts(rows)
    assert all(counts[health] >= 3 for health in schedule.HEALTH_ORDER), counts
    assert {m.state for row in rows for m in row.milestones} == {
        schedule.DONE, schedule.OVERDUE, schedule.AT_RISK, schedule.NOT_DUE}
    # and most running projects report on the weekly cadence, five are late
    running = [row for row in rows if row.project.state == ProjectState.IN_PROGRESS]
    assert len(running) == 29
    assert sum(row.report_late for row in rows) == 5
    # and the lifecycle is spread as the seed's year would be
    assert Counter(row.project.state for row in rows) == {
        ProjectState.IN_PROGRESS: 29, ProjectState.ACCEPTED: 4,
        ProjectState.AWAITING_ACCEPTANCE: 3, ProjectState.LISTED: 2,
        ProjectState.SUBMITTED: 2, ProjectState.RETURNED: 1, ProjectState.APPROVED: 1,
        ProjectState.TERMINATED: 1}
    accepted = [row.project for row in rows if row.project.state == ProjectState.ACCEPTED]
    assert {p.grade for p in accepted} == {"excellent", "good", "pass"}
    returned = next(r.project for r in rows if r.project.state == ProjectState.RETURNED)
    assert "重新报送" in returned.review_note


def test_claims_are_pending_on_the_list_and_one_was_chosen_between_two_units(world, db):
    claims = Claim.objects.filter(project__portfolio=world.portfolio)
    pending = claims.filter(project__state=ProjectState.LISTED)
    assert pending.count() == 4 and set(pending.values_list("state", flat=True)) == {"applied"}
    # two-way selection: 依兰县 and 五常市 applied, 依兰县 got it and leads it
    chosen = Project.objects.get(portfolio=world.portfolio, state=ProjectState.APPROVED)
    assert dict(chosen.claims.values_list("unit__code", "state")) == {
        "230123": "approved", "230184": "declined"}
    assert chosen.lead_unit.code == "230123" and chosen.owner.unit.code == "230123"


def test_follow_ups_are_raised_on_overdue_projects_and_yilan_answered_its_own(world, db):
    follow_ups = FollowUp.objects.filter(project__portfolio=world.portfolio)
    assert follow_ups.count() == world.counts["follow_ups"] == 3
    answered = follow_ups.exclude(reply="").get()
    assert answered.project.lead_unit.code == "230123"
    assert answered.replied_by == world.yilan
    assert all(f.milestone is not None for f in follow_ups)


def test_the_half_year_review_replays_the_reports_up_to_30_june(world, db):
    # given progress reported over past weeks
    assert ProgressUpdate.objects.filter(project__portfolio=world.portfolio).count() > 100
    # when the review is taken at the half year and at the year end
    half = {r.project.pk: r for r in selectors.portfolio_review(
        actor=world.city_admin, portfolio=world.portfolio, period="half")}
    today = {row.project.pk: row.percent for row in selectors.portfolio_projects(
        actor=world.city_admin, portfolio=world.portfolio)}
    # then completion at the half year is lower than today for most projects
    behind = [pk for pk, row in half.items() if row.percent < today[pk]]
    assert len(behind) > 20
    # and the first roadshow, held in April, already counts in the half-year review
    assert sum(r.roadshow_percent is not None for r in half.values()) == 12  # 13 − terminated


def test_the_first_roadshow_is_closed_and_ranked_with_comments(world, db):
    roadshow = Roadshow.objects.get(portfolio=world.portfolio, title="创新项目路演（第一场）")
    standings = selectors.roadshow_standings(roadshow)
    assert roadshow.state == RoadshowState.CLOSED
    assert roadshow.held_on == datetime.date(world.portfolio.year, 4, 8)  # as in the seed
    assert (len(standings.rows), len(standings.judges)) == (13, 7)
    assert [(g.name, g.weight) for g in standings.groups] == [
        ("部领导", 0.5), ("处室负责人", 0.3), ("基层代表", 0.2)]
    assert [c["max"] for c in roadshow.criteria] == [30, 30, 20, 20]
    assert all(s.result is not None and s.count == 7 for s in standings.rows)
    assert sorted(s.rank for s in standings.rows) == list(range(1, 14))
    assert all(s.presentation.state == PresentationState.CLOSED and s.presentation.comment
               for s in standings.rows)
    # the department's own projects presented
    assert {s.project.lead_unit.code for s in standings.rows} == {"230100"}


def test_the_second_roadshow_is_live_with_one_presentation_open(world, db):
    roadshow = Roadshow.objects.get(portfolio=world.portfolio, title="创新项目路演（第二场）")
    standings = selectors.roadshow_standings(roadshow)
    assert roadshow.state == RoadshowState.LIVE and roadshow.held_on == timezone.localdate()
    assert (len(standings.rows), len(standings.judges)) == (28, 7)
    states = Counter(s.presentation.state for s in standings.rows)
    assert states == {PresentationState.CLOSED: 11, PresentationState.OPEN: 1,
                      PresentationState.WAITING: 16}
    assert {s.project.lead_unit.code for s in standings.rows} == COUNTIES | ZONES
    opened = next(s for s in standings.rows if s.presentation.state == PresentationState.OPEN)
    assert 0 < opened.count < 7 and opened.result is not None
    assert all(s.result is None for s in standings.rows
               if s.presentation.state == PresentationState.WAITING)
    # the judge from 依兰县 did not score 依兰县's projects: they have six scores
    county_judge = next(j for j in standings.judges if j.unit is not None)
    assert county_judge.unit.code == "230123"
    yilan_closed = [s for s in standings.rows if s.project.lead_unit.code == "230123"]
    assert yilan_closed and all(s.count == 6 for s in yilan_closed)
    assert not Score.objects.filter(judge=county_judge,
                                    presentation__project__lead_unit__code="230123").exists()
    # and each judge's grades keep within the roadshow's quotas
    for judge in standings.judges:
        used = selectors.grades_used(judge)
        assert all(used.get(g, 0) <= q for g, q in roadshow.grade_quotas.items())


def test_scores_went_through_the_service_and_are_audited(world, db):
    scores = Score.objects.filter(presentation__roadshow__portfolio=world.portfolio)
    assert scores.count() == world.counts["scores"]
    assert AuditEntry.objects.filter(object_type="projects.score").count() == scores.count()


def test_landmark_achievements_and_replication_cases_are_marked(world, db):
    projects = world.portfolio.projects
    assert projects.filter(outstanding=True).count() == 3
    assert set(projects.filter(replication_case=True).values_list("state", flat=True)) == {
        ProjectState.ACCEPTED}


def test_yilan_sees_its_own_projects_and_not_another_countys(world, db):
    seen = access.projects_in_scope(world.yilan).filter(portfolio=world.portfolio)
    units = Counter(_unit_of(p).code for p in seen.select_related("lead_unit", "proposed_by"))
    assert units["230123"] == 4
    assert not set(units) & (COUNTIES - {"230123"} | ZONES)
    # only the department's projects open for claims come from above
    assert all(p.state == ProjectState.LISTED for p in seen if _unit_of(p).code == "230100")


def test_a_second_load_adds_nothing(world, db):
    models = (Unit, Person, Portfolio, Project, Milestone, Claim, ProgressUpdate, FollowUp,
              Roadshow, Score, AuditEntry)
    before = {m.__name__: m.objects.count() for m in models}
    assert set(demo.load().values()) == {0}
    assert {m.__name__: m.objects.count() for m in models} == before
