"""Cadre assessment at province scale: rater ballots, filling the sources, a cadre's profile.

    python bench/bench_cadres.py [--units 250000] [--results 1000000] [--runs 5] [--reuse]

Set-up (not timed): a scratch PostgreSQL database (BENCH_DATABASE_URL) with the province of
``bench_orgs.py``; a party secretary and a county head in each of its 128 counties (256
cadres); their year-end appraisal (superiors, peers and subordinates on five dimensions, at most
15 % 优秀) with codes for about 3,000 raters: 5 superiors per city rating the city's cadres, every
cadre rating the peers of their city, 20 subordinates per county rating its two leaders;
``--results`` unit results of a unit plan (the table a cadre's results share) and 12 monthly
published cadre plans, with 20 list entries per cadre. Timed, each beside a baseline in the same
run:

- a ballot (``services.ballot_submit``, a city's ~20 cadres graded on 5 dimensions) against the
  same ballot saved rating by rating (one INSERT each), then every ballot of the appraisal;
- the sources table (``services.source_table``: every panel's scores from ~11,000
  ratings) against reading each cadre's ratings with a query of its own, then the fill (the
  scores written as the cadres' figures, audited);
- a cadre's profile (``selectors.profile`` and the page) against reading the cadre's results
  by person alone, a scan of the results table.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_orgs

SUPERIORS_PER_CITY = 5
SUBORDINATES_PER_COUNTY = 20
MONTHS = 12
ENTRIES_PER_CADRE = 20
POSITIONS = ["县委书记", "县长"]
RESULT_COLUMNS = ["version", "unit", "person", "total", "weighted_score", "rank", "group_rank",
                  "ranking_group", "bonus", "deduction", "vetoed", "list_mark", "raw_values",
                  "points"]
SOURCES = (("SUP", "superior", 40), ("PEER", "peer", 30), ("SUB", "subordinate", 30))


def _cadres(counties):
    from pacesetter.orgs.models import Person

    Person.objects.bulk_create([
        Person(unit=county, name=f"{county.name}{position}", gender="male", position=position)
        for county in counties for position in POSITIONS])
    return list(Person.objects.filter(position__in=POSITIONS).select_related("unit"))


def _plan(admin, owner, name: str, period, weights: dict[str, int]):
    from pacesetter.assessment import services as assessment

    plan = assessment.plan_create(actor=admin, owner=owner, name=name, period=period,
                                  assessed_levels=[3], subject_kind="cadre",
                                  assessed_positions=POSITIONS)
    indicators = {i.code: i for i in plan.owner.indicators.all()}
    for code in weights:
        indicator = indicators.get(code) or assessment.indicator_create(
            actor=admin, owner=owner, code=code, name=code, rule_kind="target",
            rule={"target": 100, "cap": 1})
        assessment.plan_indicator_set(actor=admin, plan=plan, indicator=indicator)
    assessment.plan_weights_set(actor=admin, plan=plan,
                                weights={c: Decimal(w) for c, w in weights.items()})
    assessment.plan_open(actor=admin, plan=plan)
    return plan


def _raters(admin, appraisal, cadres, cities, counties):
    """Codes for every panel, in ballot order: superiors, peers, subordinates."""
    from pacesetter.cadres import services

    codes = []
    for city in cities:
        codes += [c for _r, c in services.raters_issue(
            actor=admin, appraisal=appraisal, role="superior", rates_unit=city,
            raters=[(f"{city.name}领导{n}", None) for n in range(SUPERIORS_PER_CITY)])]
    for city in cities:
        peers = [p for p in cadres if p.unit.path.startswith(city.path)]
        codes += [c for _r, c in services.raters_issue(
            actor=admin, appraisal=appraisal, role="peer", rates_unit=city,
            raters=[(p.name, p) for p in peers])]
    for county in counties:
        codes += [c for _r, c in services.raters_issue(
            actor=admin, appraisal=appraisal, role="subordinate", rates_unit=county,
            raters=[(f"{county.name}干部{n}", None) for n in range(SUBORDINATES_PER_COUNTY)])]
    return codes


def _results_table(unit_plan_owner, admin, rows: int, cadres) -> None:
    """``rows`` results of a unit plan's versions, and 12 published monthly cadre plans."""
    from django.utils import timezone

    from pacesetter.assessment import services as assessment
    from pacesetter.assessment.models import AssessmentPlan, ResultVersion, UnitResult
    from pacesetter.bulk import copy_rows
    from pacesetter.orgs.models import Unit

    now = timezone.now()
    unit_ids = list(Unit.objects.order_by("path").values_list("pk", flat=True))
    period = assessment.period_get(kind="year", day=datetime.date(2025, 1, 1))
    unit_plan = AssessmentPlan.objects.create(owner=unit_plan_owner, name="单位考核", period=period,
                                              created_by=admin)
    versions = max(1, rows // len(unit_ids))
    for number in range(1, versions + 1):
        version = ResultVersion.objects.create(plan=unit_plan, number=number, is_published=True,
                                               published_at=now)
        copy_rows(UnitResult, RESULT_COLUMNS,
                  ((version.pk, uid, None, 80, 80, n + 1, n + 1, "", 0, 0, False, "", [], [])
                   for n, uid in enumerate(unit_ids)))
    for month in range(1, MONTHS + 1):
        period = assessment.period_get(kind="month", day=datetime.date(2026, month, 1))
        plan = AssessmentPlan.objects.create(
            owner=unit_plan_owner, name=f"担当指数{month}", period=period, created_by=admin,
            subject_kind="cadre", assessed_positions=POSITIONS, assessed_levels=[3])
        version = ResultVersion.objects.create(plan=plan, number=1, is_published=True,
                                               published_at=now)
        copy_rows(UnitResult, RESULT_COLUMNS,
                  ((version.pk, p.unit_id, p.pk, 70 + n % 30, 70, n + 1, n + 1, p.position, 0,
                    0, False, "", [], []) for n, p in enumerate(cadres)))


def _entries(admin, cadres) -> None:
    from pacesetter.assessment.models import ListEntry

    today = datetime.date(2026, 11, 1)
    ListEntry.objects.bulk_create([
        ListEntry(unit=p.unit, person=p, kind="achievement" if n % 3 else "negative",
                  date=today - datetime.timedelta(days=n * 9), text=f"事项{n}", source="other",
                  recorded_by=admin, status="confirmed")
        for p in cadres for n in range(ENTRIES_PER_CADRE)], batch_size=5000)


def setup(units: int, results: int):
    from pacesetter.assessment import services as assessment
    from pacesetter.cadres import services
    from pacesetter.orgs.imports import units_import
    from pacesetter.orgs.models import Unit

    admin = bench_orgs.load_root_and_admin()
    units_import(actor=admin, rows=bench_orgs.province_rows(units))
    root = Unit.objects.get(level=1)
    counties = list(Unit.objects.filter(level=3).order_by("path"))
    cities = list(Unit.objects.filter(level=2).order_by("path"))
    cadres = _cadres(counties)
    period = assessment.period_get(kind="year", day=datetime.date(2026, 1, 1))
    plan = _plan(admin, root, "年度考核", period, {code: w for code, _s, w in SOURCES})
    appraisal = services.appraisal_save(actor=admin, plan=plan,
                                        sources={s: code for code, s, _w in SOURCES})
    codes = _raters(admin, appraisal, cadres, cities, counties)
    services.appraisal_status_set(actor=admin, appraisal=appraisal, status="rating")
    _results_table(root, admin, results, cadres)
    _entries(admin, cadres)
    return admin, plan, codes


def _ballot(appraisal, code: str, rng):
    from pacesetter.cadres import services
    from pacesetter.engine import quota_allowed

    on_ballot = services.ballot_cadres(services.rater_for_code(code))
    grades = [g["name"] for g in appraisal.grades]
    allowed = quota_allowed(appraisal.quotas[grades[0]], len(on_ballot))
    ratings = {}
    for n, subject in enumerate(on_ballot):
        grade = grades[0] if n < allowed else grades[1 + int(rng.integers(0, 3))]
        ratings[subject.person_id] = services.BallotRating(
            grade, [grades[int(rng.integers(0, 4))] for _d in appraisal.dimensions])
    return ratings


def rating_by_rating(code: str, ratings) -> None:
    """The baseline ballot: the same checks' outcome saved one INSERT per rating, the code
    spent, audited, inside a transaction rolled back."""
    from django.db import transaction
    from django.utils import timezone

    from pacesetter.audit.models import AuditAction
    from pacesetter.audit.services import entry_record
    from pacesetter.cadres import services
    from pacesetter.cadres.models import Rating

    with transaction.atomic():
        rater = services.rater_for_code(code)
        points = {g["name"]: g["points"] for g in rater.appraisal.grades}
        for person_id, rating in ratings.items():
            Rating.objects.create(rater=rater, person_id=person_id, grade=rating.grade,
                                  dimension_points=[points[g] for g in rating.dimension_grades])
        rater.submitted_at = timezone.now()
        rater.save(update_fields=["submitted_at"])
        entry_record(actor=None, obj=rater, action=AuditAction.UPDATE,
                     unit_path=rater.rates_unit.path, note="baseline")
        transaction.set_rollback(True)


def ballots(plan, codes, runs: int) -> dict[str, float]:
    from pacesetter.cadres import services
    from pacesetter.cadres.models import Appraisal, Rating

    appraisal = Appraisal.objects.get(plan=plan)
    rng = np.random.default_rng(7)
    superiors = codes[:runs]
    prepared = [(code, _ballot(appraisal, code, rng)) for code in superiors]
    baseline = statistics.median(
        bench_orgs.timed(lambda c=code, r=ratings: rating_by_rating(c, r))[0]
        for code, ratings in prepared)
    one = statistics.median(
        bench_orgs.timed(lambda c=code, r=ratings: services.ballot_submit(code=c, ratings=r))[0]
        for code, ratings in prepared)
    rest = [(code, _ballot(appraisal, code, rng)) for code in codes[runs:]]
    seconds, _ = bench_orgs.timed(lambda: [services.ballot_submit(code=c, ratings=r)
                                           for c, r in rest])
    return {"one": one, "baseline": baseline, "size": len(prepared[0][1]),
            "all": seconds, "ballots": len(rest), "ratings": Rating.objects.count()}


def per_cadre_scores(appraisal) -> dict[int, dict[str, float]]:
    """The baseline: each cadre's ratings read with a query of its own, averaged per panel."""
    from pacesetter.assessment import selectors as assessment_selectors
    from pacesetter.cadres.models import Rating

    weights = np.array([d["weight"] for d in appraisal.dimensions], dtype=float)
    scores = {}
    for subject in assessment_selectors.plan_subjects(plan=appraisal.plan):
        by_role: dict[str, list[list[float]]] = {}
        for role, points in Rating.objects.filter(
                rater__appraisal=appraisal, rater__submitted_at__isnull=False,
                person_id=subject.person_id).values_list("rater__role", "dimension_points"):
            by_role.setdefault(role, []).append(points)
        scores[subject.person_id] = {
            role: float(np.mean(rows, axis=0) @ weights / weights.sum())
            for role, rows in by_role.items()}
    return scores


def fill(admin, plan, runs: int) -> dict[str, float]:
    from pacesetter.cadres import services
    from pacesetter.cadres.models import Appraisal

    appraisal = Appraisal.objects.get(plan=plan)
    _sources, rows = services.source_table(appraisal)
    expected = per_cadre_scores(appraisal)
    for row in rows:  # both ways give the same scores
        assert abs(row.scores[0] - expected[row.subject.person_id]["superior"]) < 1e-9
    table = statistics.median(bench_orgs.timed(lambda: services.source_table(appraisal))[0]
                              for _ in range(runs))
    baseline = statistics.median(bench_orgs.timed(lambda: per_cadre_scores(appraisal))[0]
                                 for _ in range(runs))
    written, changed = bench_orgs.timed(lambda: services.appraisal_fill(actor=admin,
                                                                        appraisal=appraisal))
    again = statistics.median(bench_orgs.timed(
        lambda: services.appraisal_fill(actor=admin, appraisal=appraisal))[0]
        for _ in range(runs))
    return {"table": table, "baseline": baseline, "fill": written, "changed": changed,
            "again": again, "cadres": len(rows)}


def profile(admin, runs: int) -> dict[str, float]:
    from django.test import Client

    from pacesetter.assessment.models import UnitResult
    from pacesetter.cadres import selectors
    from pacesetter.orgs.models import Person

    person = Person.objects.filter(position=POSITIONS[0]).order_by("pk").last()

    def read():
        found = selectors.profile(actor=admin, person=person)
        assert len(found.results) == MONTHS and len(found.entries) == ENTRIES_PER_CADRE
        return found

    def by_person_alone():
        return list(UnitResult.objects.filter(person=person)
                    .select_related("version__plan__period", "unit"))

    client = Client()
    client.force_login(admin)

    def page():
        answer = client.get(f"/cadres/people/{person.pk}/")
        assert answer.status_code == 200, answer.status_code

    return {"profile": statistics.median(bench_orgs.timed(read)[0] for _ in range(runs)),
            "baseline": statistics.median(bench_orgs.timed(by_person_alone)[0]
                                          for _ in range(runs)),
            "page": statistics.median(bench_orgs.timed(page)[0] for _ in range(runs)),
            "results": UnitResult.objects.count()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=250_000)
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database of an earlier run (its ballots already cast)")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", bench_orgs.DEFAULT_URL)
    if not args.reuse:
        bench_orgs.recreate_database(url)
    bench_orgs.setup_django(url)
    from django.test import override_settings

    from pacesetter.assessment.models import AssessmentPlan
    from pacesetter.orgs.models import Unit, User

    if args.reuse:
        admin = User.objects.get(username="bench")
        plan = AssessmentPlan.objects.get(name="年度考核")
        voted = None
    else:
        started = time.perf_counter()
        admin, plan, codes = setup(args.units, args.results)
        print(f"set-up {time.perf_counter() - started:.0f} s", flush=True)
        voted = ballots(plan, codes, args.runs)
    filled = fill(admin, plan, args.runs)
    with override_settings(STORAGES={"default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage"}, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
        read = profile(admin, args.runs)
    print(f"\nmachine: {platform.node()} · {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · PostgreSQL · median of {args.runs} runs")
    print(f"units {Unit.objects.count():,} · cadres {filled['cadres']} · "
          f"results {read['results']:,}")
    if voted:
        print(f"one ballot ({voted['size']} cadres × 5 dimensions)   "
              f"{voted['one'] * 1000:8.1f} ms   rating by rating: "
              f"{voted['baseline'] * 1000:8.1f} ms ({voted['baseline'] / voted['one']:.1f}×)")
        print(f"every other ballot ({voted['ballots']:,}, {voted['ratings']:,} ratings in all)  "
              f"{voted['all']:8.1f} s   ({voted['ballots'] / voted['all']:.0f} ballots/s)")
    print(f"sources table ({filled['cadres']} cadres)          "
          f"{filled['table'] * 1000:8.1f} ms   a query per cadre: "
          f"{filled['baseline'] * 1000:8.1f} ms ({filled['baseline'] / filled['table']:.1f}×)")
    print(f"fill, first ({filled['changed']} figures)          {filled['fill'] * 1000:8.1f} ms"
          f"   again (nothing changes): {filled['again'] * 1000:8.1f} ms")
    print(f"profile read (12 results, 20 entries)   {read['profile'] * 1000:8.1f} ms   "
          f"results by person alone: {read['baseline'] * 1000:8.1f} ms "
          f"({read['baseline'] / read['profile']:.1f}×)")
    print(f"profile page GET /cadres/people/<id>/   {read['page'] * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
