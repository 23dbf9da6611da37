"""Projects and roadshows at province scale: the battle map, the review, the live ranking and
a judge's score.

    python bench/bench_projects.py [--units 250000] [--projects 5000] [--runs 5] [--reuse]

Set-up (not timed): a scratch PostgreSQL database (BENCH_DATABASE_URL) with the province of
``bench_orgs.py``; a province portfolio of ``--projects`` projects led by counties and
townships, 5 milestones each (done, overdue, at risk, not due), 20 weekly progress reports
each with their percents; a roadshow of 60 presentations scored by 30 judges in 3 weighted
groups. Timed, median of ``--runs``, each beside a baseline in the same run:

- the battle map's rows (``selectors.portfolio_projects``) for the province and for one
  county, against ``project_overview`` called project by project (the per-project page's read),
  on a sample and extrapolated;
- the battle map page itself (``GET /portfolios/<id>/``, rendered), when it exists;
- the half-year review (completion on 30 June from the progress history) against reading
  each project's reports one project at a time;
- the live ranking (``roadshow_standings``) against one query per presentation and judge;
- one judge's score (``services.score_submit``, locks, checks, audit) against a bare
  ``UPDATE`` of the score row.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_orgs

MILESTONES = 5
REPORTS = 20
PRESENTATIONS = 60
JUDGES = 30
SAMPLE = 300


def setup(units: int, projects: int):
    from django.utils import timezone

    from pacesetter.orgs.imports import units_import
    from pacesetter.orgs.models import Unit
    from pacesetter.projects import services
    from pacesetter.projects.models import Milestone, ProgressUpdate, Project, ProjectState

    admin = bench_orgs.load_root_and_admin()
    units_import(actor=admin, rows=bench_orgs.province_rows(units))
    root = Unit.objects.get(code="230000")
    today = timezone.localdate()
    portfolio = services.portfolio_create(actor=admin, owner=root, title="全省重点创新项目",
                                          year=today.year, cadence="weekly")
    leads = list(Unit.objects.filter(level__in=(3, 4)).order_by("pk"))
    rng = np.random.default_rng(5)
    Project.objects.bulk_create([
        Project(portfolio=portfolio, code=f"P{n:05d}", title=f"创新项目{n}",
                category=("基层党建", "干部队伍", "人才工作", "组织自身建设")[n % 4],
                lead_unit=leads[n % len(leads)], proposed_by=leads[n % len(leads)],
                state=ProjectState.IN_PROGRESS, starts_on=today - datetime.timedelta(days=150),
                deadline=today + datetime.timedelta(days=200))
        for n in range(projects)], batch_size=2000)
    ids = list(Project.objects.filter(portfolio=portfolio).order_by("pk")
               .values_list("pk", flat=True))
    offsets = (-60, -5, 7, 60, 150)  # done, overdue, at risk, not due, not due
    Milestone.objects.bulk_create([
        Milestone(project_id=pid, position=m, title=f"节点{m}",
                  due_on=today + datetime.timedelta(days=offsets[m]),
                  percent=100 if m == 0 else int(rng.integers(0, 2)) * 40 if m > 2 else 0,
                  done_on=today - datetime.timedelta(days=61) if m == 0 else None)
        for pid in ids for m in range(MILESTONES)], batch_size=5000)
    first_milestone = dict(Milestone.objects.filter(position=0).values_list("project_id", "pk"))
    now = timezone.now()
    ProgressUpdate.objects.bulk_create([
        ProgressUpdate(project_id=pid, text=f"第{w}周进展",
                       reported_at=now - datetime.timedelta(weeks=REPORTS - w),
                       percents={str(first_milestone[pid]): min(100, 5 * (w + 1))})
        for pid in ids for w in range(REPORTS)], batch_size=5000)
    return admin, portfolio, roadshow_setup(admin, root, portfolio, ids[:PRESENTATIONS], rng)


def roadshow_setup(admin, root, portfolio, project_ids, rng):
    from django.utils import timezone

    from pacesetter.projects import services
    from pacesetter.projects.models import Presentation, Project, Score
    from pacesetter.projects.services import JudgeData

    rubric = [{"code": "innovation", "name": "创新性", "max": 30},
              {"code": "effect", "name": "实效性", "max": 30},
              {"code": "replicable", "name": "可复制性", "max": 20},
              {"code": "presentation", "name": "展示效果", "max": 20}]
    roadshow = services.roadshow_create(
        actor=admin, owner=root, portfolio=portfolio, title="全省路演",
        held_on=timezone.localdate(), criteria=rubric,
        groups=[("领导", 0.5), ("处室负责人", 0.3), ("基层代表", 0.2)])
    groups = ("领导", "处室负责人", "基层代表")
    judges = services.judges_add(actor=admin, roadshow=roadshow, judges=[
        JudgeData(f"评委{j}", groups[j % 3]) for j in range(JUDGES)])
    projects = list(Project.objects.filter(pk__in=project_ids).order_by("pk"))
    services.presentations_set(actor=admin, roadshow=roadshow, projects=projects)
    presentations = list(Presentation.objects.filter(roadshow=roadshow))
    Presentation.objects.filter(roadshow=roadshow).update(state="open")
    rows = []
    for presentation in presentations:
        for judge in judges:
            points = {"innovation": int(rng.integers(15, 31)), "effect": int(rng.integers(15, 31)),
                      "replicable": int(rng.integers(10, 21)),
                      "presentation": int(rng.integers(10, 21))}
            rows.append(Score(presentation=presentation, judge=judge, points=points,
                              total=float(sum(points.values()))))
    Score.objects.bulk_create(rows)
    return roadshow


def median_of(runs: int, action) -> float:
    return statistics.median(bench_orgs.timed(action)[0] for _ in range(runs))


def battle_map(admin, county_admin, portfolio, runs: int) -> dict[str, float]:
    from pacesetter.projects import selectors
    from pacesetter.projects.models import Project

    province = median_of(runs, lambda: selectors.portfolio_projects(actor=admin,
                                                                    portfolio=portfolio))
    county = median_of(runs, lambda: selectors.portfolio_projects(actor=county_admin,
                                                                  portfolio=portfolio))
    sample = list(Project.objects.filter(portfolio=portfolio).select_related(
        "portfolio__owner", "lead_unit", "proposed_by", "leader", "owner")[:SAMPLE])

    def one_by_one():
        for project in sample:
            selectors.project_overview(actor=admin, project=project)

    naive = median_of(max(1, runs // 2), one_by_one) / SAMPLE
    return {"province": province, "county": county, "naive_per_project": naive}


def battle_map_page(admin, portfolio, runs: int) -> float | None:
    from django.conf import settings
    from django.test import Client, override_settings
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("projects:portfolio", args=[portfolio.pk])
    except NoReverseMatch:
        return None
    client = Client()
    client.force_login(admin)
    plain_static = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # no manifest

    def get():
        answer = client.get(url)
        assert answer.status_code == 200, answer.status_code

    with override_settings(STORAGES=plain_static):
        get()
        return median_of(runs, get)


def review(admin, portfolio, runs: int) -> dict[str, float]:
    from pacesetter.projects import selectors
    from pacesetter.projects.models import ProgressUpdate, Project

    portfolio.year -= 1  # the half-year is in the past: completion comes from the history
    day = selectors.review_day(portfolio.year + 1, "half")
    ours = median_of(runs, lambda: selectors.portfolio_review(actor=admin, portfolio=portfolio,
                                                              period="half"))
    sample = list(Project.objects.filter(portfolio=portfolio)[:SAMPLE])

    def one_by_one():
        for project in sample:
            list(ProgressUpdate.objects.filter(project=project, reported_at__date__lte=day)
                 .values_list("percents", flat=True))
            list(project.milestones.all())

    naive = median_of(max(1, runs // 2), one_by_one) / SAMPLE
    portfolio.year += 1
    return {"review": ours, "naive_per_project": naive}


def standings(roadshow, runs: int) -> dict[str, float]:
    from pacesetter.projects import selectors
    from pacesetter.projects.models import Score

    ours = median_of(runs, lambda: selectors.roadshow_standings(roadshow))
    presentations = list(roadshow.presentations.all())
    judges = list(roadshow.judges.all())

    def one_by_one():
        for presentation in presentations:
            for judge in judges:
                Score.objects.filter(presentation=presentation, judge=judge).first()

    return {"standings": ours, "naive": median_of(max(1, runs // 2), one_by_one)}


def scoring(roadshow, calls: int) -> dict[str, float]:
    from pacesetter.projects import services
    from pacesetter.projects.models import Score

    judge = roadshow.judges.first()
    presentations = list(roadshow.presentations.values_list("pk", flat=True))
    ours, bare = [], []
    for n in range(calls):
        points = {"innovation": 20 + n % 10, "effect": 25, "replicable": 15, "presentation": 15}
        pid = presentations[n % len(presentations)]
        started = time.perf_counter()
        services.score_submit(judge=judge, presentation_id=pid, points=points)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        Score.objects.filter(presentation_id=pid, judge=judge).update(
            points=points, total=float(sum(points.values())))
        bare.append(time.perf_counter() - started)
    return {"score_submit": statistics.median(ours), "bare_update": statistics.median(bare)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=250_000)
    parser.add_argument("--projects", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database of an earlier run of this script")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", bench_orgs.DEFAULT_URL)
    if not args.reuse:
        bench_orgs.recreate_database(url)
    bench_orgs.setup_django(url)
    from pacesetter.orgs.models import Role, RoleGrant, Unit, User
    from pacesetter.projects.models import Portfolio, Roadshow

    if args.reuse:
        portfolio, roadshow = Portfolio.objects.get(), Roadshow.objects.get()
        admin = User.objects.get(username="bench")
    else:
        started = time.perf_counter()
        admin, portfolio, roadshow = setup(args.units, args.projects)
        print(f"set-up {time.perf_counter() - started:.0f} s", flush=True)
    county = Unit.objects.filter(level=3).order_by("pk").first()
    county_admin, _ = User.objects.get_or_create(username="bench_county")
    RoleGrant.objects.get_or_create(user=county_admin, role=Role.ORG_ADMIN, unit=county)
    mapped = battle_map(admin, county_admin, portfolio, args.runs)
    page = battle_map_page(admin, portfolio, args.runs)
    reviewed = review(admin, portfolio, args.runs)
    ranked = standings(roadshow, args.runs)
    scored = scoring(roadshow, 200)
    n = portfolio.projects.count()
    in_county = portfolio.projects.filter(lead_unit__path__startswith=county.path).count()
    print(f"\nmachine: {platform.node()} · {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · PostgreSQL · median of {args.runs} runs")
    print(f"units {Unit.objects.count():,} · projects {n:,} × {MILESTONES} milestones · "
          f"{n * REPORTS:,} progress reports · roadshow {PRESENTATIONS} × {JUDGES} judges")
    naive_all = mapped["naive_per_project"] * n
    print(f"battle map rows, province ({n:,} projects)   {mapped['province'] * 1000:8.0f} ms"
          f"   project by project: {naive_all * 1000:8.0f} ms "
          f"({naive_all / mapped['province']:.0f}×)")
    print(f"battle map rows, one county ({in_county} projects)    "
          f"{mapped['county'] * 1000:8.1f} ms")
    if page is not None:
        print(f"battle map page GET, province               {page * 1000:8.0f} ms")
    naive_review = reviewed["naive_per_project"] * n
    print(f"half-year review from the history            {reviewed['review'] * 1000:8.0f} ms"
          f"   project by project: {naive_review * 1000:8.0f} ms "
          f"({naive_review / reviewed['review']:.0f}×)")
    print(f"live ranking, {PRESENTATIONS} × {JUDGES}                     "
          f"{ranked['standings'] * 1000:8.1f} ms   query per cell: "
          f"{ranked['naive'] * 1000:8.0f} ms ({ranked['naive'] / ranked['standings']:.0f}×)")
    print(f"a judge's score (median of 200)              "
          f"{scored['score_submit'] * 1000:8.2f} ms   bare UPDATE: "
          f"{scored['bare_update'] * 1000:8.2f} ms "
          f"({scored['score_submit'] / scored['bare_update']:.1f}×)")


if __name__ == "__main__":
    main()
