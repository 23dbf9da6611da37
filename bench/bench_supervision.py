"""Supervision at province scale: the task board, the figures, an inspection's page, the
daily chase (escalation) and the board's workbook.

    python bench/bench_supervision.py [--units 250000] [--tasks 100000] [--runs 5] [--reuse]

Set-up (not timed): a scratch PostgreSQL database (BENCH_DATABASE_URL) with the province of
``bench_orgs.py``; 200 inspections by the 13 cities, each of 10 counties and townships, with
``--tasks`` findings in all (one suggestion each), each with its rectification spread over
the lifecycle's states and deadlines from two months past to three months ahead; an
administrator for every inspected unit and an inspector for every city (the people the chase
notifies). Timed, median of ``--runs``, each beside a baseline in the same run:

- the board page (``GET /rectifications/``) for the province, a city, and the province's red
  tasks; against counting the states and lights in Python over the tasks loaded;
- the figures of the whole province (``selectors.figures``) against the same counts by
  conditional aggregates in the database;
- an inspection's page (500 findings at 10 units: figures per unit, findings by unit) against
  asking the selector for each unit's figures;
- the daily chase (``services.escalate_due``) on the day the overdue tasks are first found and
  on a day with nothing new, against the chase task by task (a save and a query for the
  people to tell per task);
- the board's workbook of every task.
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

INSPECTIONS = 200
TARGETS = 10
STATES = {"registered": 0.02, "assigned": 0.05, "accepted": 0.05, "in_progress": 0.35,
          "extension_requested": 0.03, "reported": 0.08, "under_review": 0.05,
          "completed": 0.12, "closed": 0.25}


def setup(units: int, tasks: int):
    from django.utils import timezone

    from pacesetter.orgs.imports import units_import
    from pacesetter.orgs.models import Role, RoleGrant, Unit, User
    from pacesetter.supervision.models import (
        Finding,
        Inspection,
        InspectionTarget,
        Rectification,
        Suggestion,
    )

    admin = bench_orgs.load_root_and_admin()
    units_import(actor=admin, rows=bench_orgs.province_rows(units))
    today = timezone.localdate()
    rng = np.random.default_rng(6)
    cities = list(Unit.objects.filter(level=2).order_by("path"))
    under = {city.pk: list(Unit.objects.filter(level__in=(3, 4), path__startswith=city.path)
                           .order_by("path")) for city in cities}
    inspections, targets = [], []
    for n in range(INSPECTIONS):
        city = cities[n % len(cities)]
        chosen = rng.choice(len(under[city.pk]), TARGETS, replace=False)
        inspection = Inspection(owner=city, title=f"专项督查{n}", state="concluded",
                                starts_on=today - datetime.timedelta(days=90),
                                ends_on=today - datetime.timedelta(days=85))
        inspections.append(inspection)
        targets.append([under[city.pk][int(k)] for k in chosen])
    Inspection.objects.bulk_create(inspections)
    InspectionTarget.objects.bulk_create([
        InspectionTarget(inspection=inspection, unit=unit, position=p)
        for inspection, units_ in zip(inspections, targets, strict=True)
        for p, unit in enumerate(units_)])
    per = tasks // INSPECTIONS
    Finding.objects.bulk_create([
        Finding(inspection=inspection, number=k + 1, unit=units_[k % TARGETS],
                description=f"问题{k}", severity=("serious", "moderate", "minor")[k % 3])
        for inspection, units_ in zip(inspections, targets, strict=True)
        for k in range(per)], batch_size=5000)
    findings = list(Finding.objects.order_by("pk").values_list("pk", "unit_id",
                                                               "inspection__owner_id"))
    Suggestion.objects.bulk_create([Suggestion(finding_id=pk, text="建议", position=1)
                                    for pk, _u, _o in findings], batch_size=10000)
    states = rng.choice(list(STATES), len(findings), p=list(STATES.values()))
    offsets = rng.integers(-60, 90, len(findings))
    Rectification.objects.bulk_create([
        Rectification(owner_id=owner, serial=f"督-B-{n:06d}", finding_id=pk,
                      content=f"问题{n}", lead_unit_id=unit, state=str(state),
                      deadline=today + datetime.timedelta(days=int(offset)),
                      reported_late=bool(n % 7 == 0), completed_late=bool(n % 11 == 0))
        for n, ((pk, unit, owner), state, offset) in enumerate(
            zip(findings, states, offsets, strict=True))], batch_size=5000)
    people = [User(username=f"admin_{unit.code}") for units_ in targets for unit in units_]
    people += [User(username=f"inspector_{city.code}") for city in cities]
    User.objects.bulk_create(people, ignore_conflicts=True)
    users = dict(User.objects.values_list("username", "pk"))
    grants = {(users[f"admin_{u.code}"], Role.ORG_ADMIN, u.pk)
              for units_ in targets for u in units_}
    grants |= {(users[f"inspector_{c.code}"], Role.INSPECTOR, c.pk) for c in cities}
    RoleGrant.objects.bulk_create([RoleGrant(user_id=u, role=r, unit_id=unit)
                                   for u, r, unit in grants])
    return admin


def median_of(runs: int, action) -> float:
    return statistics.median(bench_orgs.timed(action)[0] for _ in range(runs))


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _plain_static():
    from django.conf import settings
    from django.test import override_settings

    return override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}})


def _get(client, url: str):
    def get():
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
    return get


def board(admin, city_admin, runs: int) -> dict[str, float]:
    from django.utils import timezone

    from pacesetter.supervision import access, lifecycle, schedule

    province, city = _client(admin), _client(city_admin)
    with _plain_static():
        _get(province, "/rectifications/")()
        ours = {"province": median_of(runs, _get(province, "/rectifications/")),
                "city": median_of(runs, _get(city, "/rectifications/")),
                "red": median_of(runs, _get(province, "/rectifications/?light=red"))}

    def in_python():
        today = timezone.localdate()
        states: dict[str, int] = {}
        lights: dict[str, int] = {}
        for task in access.rectifications_in_scope(admin):
            states[task.state] = states.get(task.state, 0) + 1
            light = schedule.traffic_light(task.deadline, today,
                                           task.state not in lifecycle.OPEN)
            lights[light] = lights.get(light, 0) + 1

    ours["counts_in_python"] = median_of(max(1, runs // 2), in_python)
    return ours


def figures(admin, runs: int) -> dict[str, float]:
    from django.db.models import Count, Q

    from pacesetter.supervision import access, lifecycle, selectors
    from pacesetter.supervision.models import Suggestion

    findings = access.findings_in_scope(admin)
    tasks = access.rectifications_in_scope(admin)
    ours = median_of(runs, lambda: selectors.figures(findings=findings, tasks=tasks))

    def aggregates():
        list(findings.order_by().values("category__name", "severity").annotate(n=Count("pk")))
        Suggestion.objects.filter(finding__in=findings).count()
        rectified = Q(state__in=lifecycle.RECTIFIED)
        tasks.order_by().aggregate(
            total=Count("pk"), rectified=Count("pk", filter=rectified),
            on_time=Count("pk", filter=rectified & Q(reported_late=False,
                                                    completed_late=False)),
            open=Count("pk", filter=Q(state__in=lifecycle.OPEN)))

    return {"figures": ours, "aggregates": median_of(runs, aggregates)}


def inspection_page(admin, runs: int) -> dict[str, float]:
    from pacesetter.supervision import selectors
    from pacesetter.supervision.models import Inspection

    inspection = Inspection.objects.order_by("pk").first()
    client = _client(admin)
    with _plain_static():
        page = median_of(runs, _get(client, f"/inspections/{inspection.pk}/"))

    def per_unit():
        for target in inspection.targets.select_related("unit"):
            selectors.inspection_figures(actor=admin, inspection=inspection, unit=target.unit)

    return {"page": page, "per_unit_selector": median_of(runs, per_unit),
            "findings": inspection.findings.count()}


def escalate_one_by_one(today: datetime.date) -> int:
    """The baseline: each open task read, judged, saved and its people looked up alone."""
    from pacesetter.orgs.models import Role, RoleGrant
    from pacesetter.supervision import lifecycle, schedule
    from pacesetter.supervision.models import Rectification

    raised = 0
    for task in Rectification.objects.filter(state__in=lifecycle.OPEN).select_related(
            "lead_unit", "owner"):
        level = schedule.escalation_due(task.deadline, today, True, task.escalation)
        if level > task.escalation:
            task.escalation = level
            task.save(update_fields=["escalation", "updated_at"])
            raised += 1
        if level or schedule.traffic_light(task.deadline, today, False) == schedule.YELLOW:
            list(RoleGrant.objects.filter(unit=task.lead_unit, role=Role.ORG_ADMIN)
                 .values_list("user_id", flat=True))
    return raised


def escalation(runs: int) -> dict[str, float]:
    from django.db import transaction
    from django.utils import timezone

    from pacesetter.supervision import services
    from pacesetter.supervision.models import Rectification

    today = timezone.localdate()

    def fresh(action):
        def run():
            with transaction.atomic():
                Rectification.objects.update(escalation=0)
                started = time.perf_counter()
                action()
                elapsed = time.perf_counter() - started
                transaction.set_rollback(True)
            return elapsed
        return run

    first = statistics.median(fresh(lambda: services.escalate_due(today=today))()
                              for _ in range(runs))
    baseline = statistics.median(fresh(lambda: escalate_one_by_one(today))()
                                 for _ in range(max(1, runs // 2)))
    with transaction.atomic():
        report = services.escalate_due(today=today)
        again = median_of(runs, lambda: services.escalate_due(today=today))
        transaction.set_rollback(True)
    return {"first": first, "again": again, "one_by_one": baseline,
            "raised": report.raised, "warned": report.warned}


def workbook(admin) -> dict[str, float]:
    from django.utils import timezone

    from pacesetter.supervision import boards

    today = timezone.localdate()
    found = boards.tasks(actor=admin, filters=boards.TaskFilters(), today=today)
    seconds, handle = bench_orgs.timed(lambda: boards.tasks_workbook(found, today))
    return {"seconds": seconds, "rows": found.count(), "bytes": len(handle.read())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=250_000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database of an earlier run of this script")
    parser.add_argument("--skip-workbook", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", bench_orgs.DEFAULT_URL)
    if not args.reuse:
        bench_orgs.recreate_database(url)
    bench_orgs.setup_django(url)
    from pacesetter.orgs.models import Role, RoleGrant, Unit, User
    from pacesetter.supervision.models import Rectification

    if args.reuse:
        admin = User.objects.get(username="bench")
    else:
        started = time.perf_counter()
        admin = setup(args.units, args.tasks)
        print(f"set-up {time.perf_counter() - started:.0f} s", flush=True)
    city = Unit.objects.filter(level=2).order_by("path").first()
    city_admin, _ = User.objects.get_or_create(username="bench_city")
    RoleGrant.objects.get_or_create(user=city_admin, role=Role.ORG_ADMIN, unit=city)
    boarded = board(admin, city_admin, args.runs)
    counted = figures(admin, args.runs)
    inspected = inspection_page(admin, args.runs)
    chased = escalation(args.runs)
    written = None if args.skip_workbook else workbook(admin)
    n = Rectification.objects.count()
    in_city = Rectification.objects.filter(lead_unit__path__startswith=city.path).count()
    print(f"\nmachine: {platform.node()} · {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · PostgreSQL · median of {args.runs} runs")
    print(f"units {Unit.objects.count():,} · inspections {INSPECTIONS} × {TARGETS} units · "
          f"findings and tasks {n:,}")
    print(f"board page, province ({n:,} tasks)        {boarded['province'] * 1000:8.0f} ms"
          f"   states and lights in Python: {boarded['counts_in_python'] * 1000:8.0f} ms")
    print(f"board page, one city ({in_city:,} tasks)      {boarded['city'] * 1000:8.0f} ms")
    print(f"board page, province, red only          {boarded['red'] * 1000:8.0f} ms")
    print(f"figures, province                       {counted['figures'] * 1000:8.0f} ms"
          f"   conditional aggregates: {counted['aggregates'] * 1000:8.0f} ms")
    print(f"inspection page ({inspected['findings']} findings)          "
          f"{inspected['page'] * 1000:8.0f} ms   selector per unit: "
          f"{inspected['per_unit_selector'] * 1000:8.0f} ms (figures only)")
    print(f"daily chase, first day ({chased['raised']:,} raised, {chased['warned']:,} warned) "
          f"{chased['first'] * 1000:8.0f} ms   task by task: "
          f"{chased['one_by_one'] * 1000:8.0f} ms "
          f"({chased['one_by_one'] / chased['first']:.1f}×)")
    print(f"daily chase, nothing new                {chased['again'] * 1000:8.0f} ms")
    if written:
        print(f"board workbook, {written['rows']:,} rows           {written['seconds']:8.1f} s"
              f"   ({written['rows'] / written['seconds']:,.0f} rows/s, "
              f"{written['bytes'] / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
